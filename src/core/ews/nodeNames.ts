/**
 * Checking a node as the admin gives it (setting exchangeSetup.probes.nodes, CLI --node): a module
 * of its own, without the probe engine, so the CLI and the settings check can use it cheaply.
 */
import * as net from 'node:net';
import * as l10n from '../l10n';

/** A host name or an IP address, as a node may be given; throws an error saying what to fix. */
export function checkNodeName(value: string): string {
  const node = value.trim();
  if (node === '') throw new Error(l10n.t('A node is empty: give a host name or IP address, e.g. exch02.contoso.com or 10.0.0.12'));
  if (net.isIP(node.replace(/^\[|\]$/g, ''))) return node.replace(/^\[|\]$/g, '');
  if (/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/.test(node) && node.length <= 253) return node;
  throw new Error(l10n.t(`"{0}" is not a host name or IP address: give a node as e.g. exch02.contoso.com or 10.0.0.12, without https://, a path or a port (the EWS URL's port is used)`, value));
}

/**
 * The setting exchangeSetup.probes.nodes as VS Code gives it (any JSON): the nodes that are good,
 * and a message for each entry that is not, saying what to fix.
 */
export function readNodesSetting(value: unknown): { nodes: string[]; problems: string[] } {
  if (value === undefined || value === null) return { nodes: [], problems: [] };
  if (!Array.isArray(value)) return { nodes: [], problems: [l10n.t('exchangeSetup.probes.nodes is not a list: give host names or addresses, e.g. ["exch01.contoso.com", "10.0.0.12"]')] };
  const nodes: string[] = [];
  const problems: string[] = [];
  value.forEach((entry: unknown, index) => {
    if (typeof entry !== 'string') {
      problems.push(l10n.t('exchangeSetup.probes.nodes[{0}] is not text: give a host name or address, e.g. "exch02.contoso.com"', index));
      return;
    }
    try {
      const node = checkNodeName(entry);
      if (!nodes.some((n) => n.toLowerCase() === node.toLowerCase())) nodes.push(node);
    } catch (err) {
      problems.push(l10n.t('exchangeSetup.probes.nodes[{0}]: {1}', index, (err as Error).message));
    }
  });
  return { nodes, problems };
}
