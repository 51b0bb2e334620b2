/**
 * Checking a node as the admin gives it (setting exchangeSetup.probes.nodes, CLI --node): a module
 * of its own, without the probe engine, so the CLI and the settings check can use it cheaply.
 */
import * as net from 'node:net';

/** A host name or an IP address, as a node may be given; throws an error saying what to fix. */
export function checkNodeName(value: string): string {
  const node = value.trim();
  if (node === '') throw new Error('A node is empty: give a host name or IP address, e.g. exch02.contoso.com or 10.0.0.12');
  if (net.isIP(node.replace(/^\[|\]$/g, ''))) return node.replace(/^\[|\]$/g, '');
  if (/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/.test(node) && node.length <= 253) return node;
  throw new Error(`"${value}" is not a host name or IP address: give a node as e.g. exch02.contoso.com or 10.0.0.12, without https://, a path or a port (the EWS URL's port is used)`);
}
