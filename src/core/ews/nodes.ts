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
import { verifyMailboxes, type MailboxCheckConfig, type MailboxReport, type VerifyOptions } from './mailboxes';
import { resolveHost } from './network';
import { checkNodeName } from './nodeNames';

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
      throw new Error(`The EWS host ${host} does not resolve, so its nodes are unknown (${(err as { code?: string }).code ?? String(err)}); list them instead (--node, exchangeSetup.probes.nodes)`);
    }
    nodes.push(...addresses);
  }
  const unique = [...new Set(nodes.map((n) => n.toLowerCase()))];
  if (unique.length === 0) throw new Error('No node to probe: list nodes (--node HOST_OR_ADDRESS, setting exchangeSetup.probes.nodes) or use --all-nodes');
  if (unique.length > MAX_NODES) throw new Error(`${unique.length} nodes are more than the ${MAX_NODES} probed at most: list only the Exchange servers behind the EWS name`);
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
    case 'net.dns': return 'does not resolve';
    case 'net.tcp': return 'accepts no connection on the EWS port';
    case 'tls.handshake': return 'fails the TLS handshake';
    case 'tls.name': return `presents a certificate that does not cover ${host}`;
    case 'tls.trust': return check.status === 'warn' ? 'presents a certificate trusted only through the extra CA' : 'presents a certificate that is not trusted';
    case 'tls.expiry': return /not valid yet/.test(check.message) ? 'presents a certificate that is not valid yet'
      : check.status === 'warn' ? 'presents a certificate that expires soon' : 'presents an expired certificate';
    case 'auth.schemes': return /not offered/.test(check.message) ? 'does not offer Basic' : 'offers no usable logon';
    case 'auth.login': return 'refuses the service account\'s logon';
    case 'server.version': return result.server ? `runs ${result.server.product} (${result.server.build})` : 'does not tell its Exchange version';
    case 'access.impersonation': return 'does not let the service account impersonate the test mailbox';
    case 'access.delegate': return 'does not let the service account open the test mailbox\'s calendar';
    default: return `${check.id}: ${check.message}`;
  }
}

/** "one request in three", "two requests in five": the share of requests a balancer spreading evenly sends to the odd nodes. */
export function shareText(count: number, total: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const d = gcd(count, total);
  const [n, t] = [count / d, total / d];
  const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
  const say = (x: number): string => words[x] ?? String(x);
  if (n === t) return 'every request';
  return `${say(n)} request${n === 1 ? '' : 's'} in ${say(t)}`;
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
    for (const check of n.checks) {
      const someonePasses = nodes.some((other) => other !== n && statusOf(other, check.id) === 'pass');
      const everyoneFails = total > 1 && nodes.every((other) => statusOf(other, check.id) === 'fail');
      if (check.status === 'fail' && everyoneFails) {
        const phrase = problemPhrase(check, host, n);
        if (!phrase.startsWith('runs ')) {
          if (!shared.has(phrase)) shared.set(phrase, check.remedy);
          continue;
        }
      }
      const odd = check.status === 'fail' || (check.status === 'warn' && someonePasses);
      if (!odd) continue;
      if (check.status === 'fail') failing = true;
      problems.push(problemPhrase(check, host, n));
      fix ??= check.remedy;
    }
    if (buildsDiffer && n.server && n.server.build !== commonBuild && !problems.some((p) => p.startsWith('runs '))) {
      problems.push(`runs ${n.server.product} (${n.server.build}), most nodes ${commonBuild}`);
      fix ??= remedyFor('upgradeExchange');
    }
    if (problems.length === 0) continue;
    differing.push({
      node: n.node, label: n.label, problems, failing,
      ...(fix ? { remedy: { step: fix.step, text: `On ${n.label}: ${fix.text}` } } : {}),
    });
  }

  const failingCount = differing.filter((d) => d.failing).length;
  const parts: string[] = [`${passing} of ${total} node${total === 1 ? '' : 's'} pass`];
  if (differing.length === 0) {
    if (total > 1 && passing === total) parts[0] += `; all nodes answer alike for ${host}`;
  } else {
    for (const d of differing) {
      const effect = d.failing
        ? failingCount === 1 ? `: the service will fail on about ${shareText(1, total)}` : ''
        : `: about ${shareText(1, total)} goes to it`;
      parts.push(`${d.label} ${d.problems.join(', ')}${effect}`);
    }
    if (failingCount > 1) parts.push(failingCount === total ? 'the service will fail on every request' : `the service will fail on about ${shareText(failingCount, total)}`);
  }
  for (const phrase of shared.keys()) parts.push(`every node ${phrase}`);
  const remedies = differing.filter((d) => d.remedy).map((d) => `Fix: ${d.remedy!.text} (checklist step ${d.remedy!.step}).`);
  for (const fix of shared.values()) if (fix) remedies.push(`Fix on every node: ${fix.text} (checklist step ${fix.step}).`);
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
  const perNode = Math.max(1, Math.ceil((options.concurrency ?? 8) / Math.max(1, usable.length)));
  const targets = usable.map((n) => ({ label: n.label, transport: new DirectEwsTransport({ extraCaPem: config.extraCaPem, maxSockets: perNode, connectAddress: n.address }) }));
  if (targets.length === 0) {
    const reason = 'no node proved the EWS host\'s certificate, so no credentials were sent (see the nodes section)';
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
