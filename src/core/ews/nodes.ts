/**
 * Per-node probes: every server behind the EWS name (issue 16). A load balancer in front of several
 * Exchange servers makes one misconfigured server look like a service that works "sometimes"; a probe
 * of the name reaches whichever server the balancer picks. Here each node is probed on its own: the
 * connection goes to the node's address, while the EWS host name stays the TLS server name and the
 * Host header (see TransportOptions.connectAddress), so the certificate and the virtual directory are
 * checked as the service sees them.
 *
 * No credentials go to a node before it has proven the EWS host's certificate: auth.login waits on
 * every tls.* check, and every connection of the run is verified against the EWS host name by the
 * transport, so a node with a wrong certificate never receives an Authorization header.
 *
 * The summary says which nodes differ from the others and how, with the step that fixes it and the
 * server to run it on. It is plain text built here so the CLI, the panel and the report share it.
 */
import { remedy as remedyFor, type Remedy } from '../remedies';
import { DirectEwsTransport } from './directTransport';
import { mailboxConcurrency, verifyMailboxes, type MailboxCheckConfig, type MailboxReport, type VerifyOptions } from './mailboxes';
import { resolveHost } from './network';
import { checkNodeName } from './nodeNames';
import * as l10n from '../l10n';

export { checkNodeName } from './nodeNames';
import { runProbes, type ProbeConfig, type ProbeId, type ProbeResult, type ProbeRunOptions, type ServerSummary } from './probes';

/** The checks one node gets, in order (the access probe is one of the two, by access method). */
export const NODE_PROBES: readonly ProbeId[] = [
  'net.dns', 'net.tcp', 'tls.handshake', 'tls.name', 'tls.trust', 'tls.expiry', 'auth.schemes', 'auth.login', 'server.version',
  'access.impersonation', 'access.delegate',
];

/** At most this many nodes are probed at once (each uses one connection). */
const NODE_CONCURRENCY = 4;
/** A larger list is refused: a typo (a whole subnet pasted) should not start hundreds of runs. */
export const MAX_NODES = 64;

export interface NodeResult {
  /** As given (host name or address), or the address for a node found by resolving the EWS name. */
  node: string;
  /** The address the node was reached at (missing when the node name did not resolve). */
  address?: string;
  /** "exch02.contoso.com (10.0.0.12)", or the address alone. */
  label: string;
  /** No check failed. */
  ok: boolean;
  checks: ProbeResult[];
  server?: ServerSummary;
}

/** How one node differs from the rest. */
export interface NodeDifference {
  node: string;
  label: string;
  /** Short phrases: "does not offer Basic", "presents an expired certificate", ... */
  problems: string[];
  /** Whether a problem fails the service (false: only a warning, such as another Exchange build). */
  failing: boolean;
  /** The step that fixes it, with "on <server>" in its text. */
  remedy?: Remedy;
}

export interface NodesReport {
  /** The EWS host name every node was asked as. */
  host: string;
  total: number;
  passing: number;
  nodes: NodeResult[];
  differing: NodeDifference[];
  /** One paragraph for people: "2 of 3 nodes pass; exch02 (10.0.0.12) does not offer Basic: ...". */
  summary: string;
}

/**
 * The nodes to probe: those listed (setting exchangeSetup.probes.nodes, CLI --node) and, with
 * `allResolved`, every address the EWS host name resolves to (dns.lookup with all: true), without
 * duplicates, in that order.
 */
export async function nodeList(ewsUrl: string, listed: readonly string[], allResolved: boolean, options: { timeoutMs?: number; signal?: AbortSignal; lookup?: (host: string) => Promise<string[]> } = {}): Promise<string[]> {
  const nodes = listed.map(checkNodeName);
  if (allResolved) {
    const host = new URL(ewsUrl).hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = await (options.lookup ?? ((h) => resolveHost(h, options.timeoutMs ?? 10_000, options.signal)))(host);
    } catch (err) {
      throw new Error(l10n.t('The EWS host {0} does not resolve, so its nodes are unknown ({1}); list them instead (--node, exchangeSetup.probes.nodes)', host, (err as { code?: string }).code ?? String(err)));
    }
    nodes.push(...addresses);
  }
  const unique = [...new Set(nodes.map((n) => n.toLowerCase()))];
  if (unique.length === 0) throw new Error(l10n.t('No node to probe: list nodes (--node HOST_OR_ADDRESS, setting exchangeSetup.probes.nodes) or use --all-nodes'));
  if (unique.length > MAX_NODES) throw new Error(l10n.t('{0} nodes are more than the {1} probed at most: list only the Exchange servers behind the EWS name', unique.length, MAX_NODES));
  return unique;
}

export interface NodeRunOptions extends Pick<ProbeRunOptions, 'signal' | 'now'> {
  /** Each node's result as soon as it is complete. */
  onNodeResult?: (result: NodeResult) => void;
}

/** Probes every node with its own checks (no mailbox list, no write test, no room). */
export async function runNodeProbes(config: ProbeConfig, nodes: readonly string[], options: NodeRunOptions = {}): Promise<NodesReport> {
  const host = new URL(config.ewsUrl).hostname.replace(/^\[|\]$/g, '');
  const results: NodeResult[] = new Array<NodeResult>(nodes.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < nodes.length) {
      const index = next++;
      const node = nodes[index];
      const run = await runProbes({ ...config, node, mailboxes: undefined, write: false, testRoomMailbox: undefined }, { signal: options.signal, now: options.now });
      const address = run.nodeAddress;
      const result: NodeResult = {
        node, label: address && address !== node ? `${node} (${address})` : node, ok: run.ok, checks: run.checks,
        ...(address ? { address } : {}), ...(run.server ? { server: run.server } : {}),
      };
      results[index] = result;
      options.onNodeResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(NODE_CONCURRENCY, nodes.length) }, worker));
  return summarizeNodes(host, results);
}

/** The phrase for one check that went wrong on a node. */
function problemPhrase(check: ProbeResult, host: string, result: NodeResult): string {
  switch (check.id) {
    case 'net.dns': return l10n.t('does not resolve');
    case 'net.tcp': return l10n.t('accepts no connection on the EWS port');
    case 'tls.handshake': return l10n.t('fails the TLS handshake');
    case 'tls.name': return l10n.t('presents a certificate that does not cover {0}', host);
    case 'tls.trust': return check.status === 'warn' ? l10n.t('presents a certificate trusted only through the extra CA') : l10n.t('presents a certificate that is not trusted');
    // The check's message is in the display language: compared with the same sentence in it (and in English, for a result read from a report).
    case 'tls.expiry': return /not valid yet/.test(check.message) || check.message === l10n.t('The certificate is not valid yet (check its dates and the clock)')
      ? l10n.t('presents a certificate that is not valid yet')
      : check.status === 'warn' ? l10n.t('presents a certificate that expires soon') : l10n.t('presents an expired certificate');
    case 'auth.schemes': return /not offered/.test(check.message) || check.message.startsWith(beforePlaceholder(l10n.t('Basic authentication is not offered on EWS (offered: {0})', PLACEHOLDER)))
      ? l10n.t('does not offer Basic') : l10n.t('offers no usable logon');
    case 'auth.login': return l10n.t("refuses the service account's logon");
    case 'server.version': return result.server ? runsText(result.server) : l10n.t('does not tell its Exchange version');
    case 'access.impersonation': return l10n.t('does not let the service account impersonate the test mailbox');
    case 'access.delegate': return l10n.t("does not let the service account open the test mailbox's calendar");
    default: return `${check.id}: ${check.message}`;
  }
}

/** A character no message holds, standing for an argument to find where a translated sentence's fixed start ends. */
const PLACEHOLDER = '\u0000';
const beforePlaceholder = (text: string): string => text.slice(0, Math.max(0, text.indexOf(PLACEHOLDER)));
const runsText = (server: ServerSummary): string => l10n.t('runs {0} ({1})', server.product, server.build);

/** "one request in three", "two requests in five": the share of requests a balancer spreading evenly sends to the odd nodes. */
export function shareText(count: number, total: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const d = gcd(count, total);
  const [n, t] = [count / d, total / d];
  const words = [l10n.t('no'), l10n.t('one'), l10n.t('two'), l10n.t('three'), l10n.t('four'), l10n.t('five'), l10n.t('six'), l10n.t('seven'), l10n.t('eight'), l10n.t('nine'), l10n.t('ten')];
  const say = (x: number): string => words[x] ?? String(x);
  if (n === t) return l10n.t('every request');
  return n === 1 ? l10n.t('one request in {0}', say(t)) : l10n.t('{0} requests in {1}', say(n), say(t));
}

/**
 * Which nodes differ and how. A node differs when a check fails on it, when it warns where some other
 * node passes, or when it runs another Exchange build than most nodes. Problems every node shares are
 * not differences (the ordinary probe run reports them), but they still count against "pass".
 */
export function summarizeNodes(host: string, nodes: NodeResult[]): NodesReport {
  const total = nodes.length;
  const passing = nodes.filter((n) => n.ok).length;
  const statusOf = (n: NodeResult, id: ProbeId): string | undefined => n.checks.find((c) => c.id === id)?.status;
  // The most common build; a node running another is an odd one out even when both are supported.
  const builds = new Map<string, number>();
  for (const n of nodes) if (n.server) builds.set(n.server.build, (builds.get(n.server.build) ?? 0) + 1);
  const commonBuild = [...builds.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const buildsDiffer = builds.size > 1;

  const differing: NodeDifference[] = [];
  /** Failures on every node: said once, as the whole service's problem, not as a difference. */
  const shared = new Map<string, Remedy | undefined>();
  for (const n of nodes) {
    const problems: string[] = [];
    let failing = false;
    let fix: Remedy | undefined;
    let versionNamed = false;
    for (const check of n.checks) {
      const someonePasses = nodes.some((other) => other !== n && statusOf(other, check.id) === 'pass');
      const everyoneFails = total > 1 && nodes.every((other) => statusOf(other, check.id) === 'fail');
      // A version is a difference even when every node fails it: each may run another one.
      const namesVersion = check.id === 'server.version' && n.server !== undefined;
      if (check.status === 'fail' && everyoneFails) {
        const phrase = problemPhrase(check, host, n);
        if (!namesVersion) {
          if (!shared.has(phrase)) shared.set(phrase, check.remedy);
          continue;
        }
      }
      const odd = check.status === 'fail' || (check.status === 'warn' && someonePasses);
      if (!odd) continue;
      if (check.status === 'fail') failing = true;
      if (namesVersion) versionNamed = true;
      problems.push(problemPhrase(check, host, n));
      fix ??= check.remedy;
    }
    if (buildsDiffer && n.server && n.server.build !== commonBuild && !versionNamed) {
      problems.push(l10n.t('runs {0} ({1}), most nodes {2}', n.server.product, n.server.build, commonBuild ?? ''));
      fix ??= remedyFor('upgradeExchange');
    }
    if (problems.length === 0) continue;
    differing.push({
      node: n.node, label: n.label, problems, failing,
      ...(fix ? { remedy: { step: fix.step, text: l10n.t('On {0}: {1}', n.label, fix.text) } } : {}),
    });
  }

  const failingCount = differing.filter((d) => d.failing).length;
  const parts: string[] = [total === 1 ? l10n.t('{0} of {1} node pass', passing, total) : l10n.t('{0} of {1} nodes pass', passing, total)];
  if (differing.length === 0) {
    if (total > 1 && passing === total) parts.push(l10n.t('all nodes answer alike for {0}', host));
  } else {
    for (const d of differing) {
      const problems = d.problems.join(', ');
      if (!d.failing) parts.push(l10n.t('{0} {1}: about {2} goes to it', d.label, problems, shareText(1, total)));
      else if (failingCount === 1) parts.push(l10n.t('{0} {1}: the service will fail on about {2}', d.label, problems, shareText(1, total)));
      else parts.push(`${d.label} ${problems}`);
    }
    if (failingCount > 1) parts.push(failingCount === total ? l10n.t('the service will fail on every request') : l10n.t('the service will fail on about {0}', shareText(failingCount, total)));
  }
  for (const phrase of shared.keys()) parts.push(l10n.t('every node {0}', phrase));
  const remedies = differing.filter((d) => d.remedy).map((d) => l10n.t('Fix: {0} (checklist step {1}).', d.remedy!.text, d.remedy!.step));
  for (const fix of shared.values()) if (fix) remedies.push(l10n.t('Fix on every node: {0} (checklist step {1}).', fix.text, fix.step));
  // ASSUMPTION: the "one request in N" share supposes a balancer that spreads requests evenly; one
  // that keeps a client on one server makes it all or nothing for that client.
  const summary = `${parts.join('; ')}.${remedies.length > 0 ? ` ${remedies.join(' ')}` : ''}`;
  return { host, total, passing, nodes, differing, summary };
}

/** The checks a node must pass before it is sent credentials for the mailbox checks. */
const CERTIFICATE_PROBES: readonly ProbeId[] = ['tls.handshake', 'tls.name', 'tls.trust', 'tls.expiry'];

/** What the mailbox checks need of a node: where it is and how its tls.* checks ended (a NodeResult, or the report's form of one). */
export interface NodeForMailboxes {
  label: string;
  address?: string;
  checks: readonly { id: string; status: string }[];
}

/** Whether a node proved the EWS host's certificate (no tls.* check failed or was skipped). */
export function provedCertificate(node: NodeForMailboxes): boolean {
  return node.address !== undefined && CERTIFICATE_PROBES.every((id) => {
    const status = node.checks.find((c) => c.id === id)?.status;
    return status === 'pass' || status === 'warn';
  });
}

export interface NodesMailboxReport {
  report: MailboxReport;
  /** Nodes left out because they did not prove the certificate: never sent credentials. */
  leftOut: string[];
}

/**
 * The mailbox checks spread over the nodes that proved the EWS host's certificate, each result
 * naming its node (see VerifyOptions.nodes for why the rate stays that of one run).
 */
export async function verifyMailboxesAcrossNodes(config: MailboxCheckConfig, nodes: { nodes: readonly NodeForMailboxes[] }, mailboxes: readonly string[], options: Omit<VerifyOptions, 'nodes' | 'transport'> = {}): Promise<NodesMailboxReport> {
  const usable = nodes.nodes.filter(provedCertificate);
  const leftOut = nodes.nodes.filter((n) => !provedCertificate(n)).map((n) => n.label);
  const perNode = Math.max(1, Math.ceil(mailboxConcurrency(options.concurrency) / Math.max(1, usable.length)));
  const targets = usable.map((n) => ({ label: n.label, transport: new DirectEwsTransport({ extraCaPem: config.extraCaPem, maxSockets: perNode, connectAddress: n.address }) }));
  if (targets.length === 0) {
    const reason = l10n.t("no node proved the EWS host's certificate, so no credentials were sent (see the nodes section)");
    return {
      leftOut,
      report: { total: mailboxes.length, verified: 0, denied: 0, notFound: 0, notChecked: mailboxes.length, unverified: mailboxes.map((mailbox) => ({ mailbox, status: 'not-checked', reason })) },
    };
  }
  try {
    const report = await verifyMailboxes(config, mailboxes, { ...options, nodes: targets, transport: targets[0].transport });
    return { report, leftOut };
  } finally {
    for (const t of targets) t.transport.close();
  }
}
