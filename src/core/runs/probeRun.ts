/**
 * One probe run at a time, for the panel and the CLI alike. `start` cancels the run before it,
 * streams each check as it is decided, and resolves with everything a report needs. Everything that
 * came from the server (check messages, event subjects, the version, mailbox reasons, error text)
 * is redacted here, once, before any listener sees it: neither front end re-implements it.
 *
 * No `vscode`: the panel passes the values it read from the settings and the secret store.
 */
import * as l10n from '../l10n';
import { errorText, isCancellation, oneLineErrorText } from '../errors';
import type { ProbeConfig, ProbeResult, ProbeRun, ProbeRunOptions } from '../ews/probes';
import type { MailboxReport } from '../ews/mailboxes';
import type { NodeResult, NodesReport, nodeList, runNodeProbes, verifyMailboxesAcrossNodes } from '../ews/nodes';
import type { RunOutcome, ServerView } from '../protocol';
import { createRedactor } from '../redact';
import { buildReport, runSummaryText, type MailboxesSection, type NodesFinding, type ProbeFinding, type ReportDocument, type ReportInput } from '../report';
import { CurrentRun, Emitter, whenAborted, type Listener, type Subscription } from './emitter';
import { WRITE_STEPS, countMailboxOutcome, type MailboxProgressCounts, type WriteStep } from '../pure/progress';

/**
 * What one run is asked to do: the engine's configuration (the password is used for this run only and
 * is never in an event), with the write test always chosen, and no single node (the runner probes
 * the nodes itself, from `nodes` and `allNodes`).
 */
export interface ProbeRunRequest extends Omit<ProbeConfig, 'write' | 'node'> {
  write: boolean;
  /** What the run is for: a run of its own, or the pre-link validation. */
  purpose?: 'probes' | 'link';
  /**
   * Per-node mode (issue 16): also probe these servers behind the EWS name (setting
   * exchangeSetup.probes.nodes, CLI --node), each on its own, after the run through the name.
   */
  nodes?: readonly string[];
  /** Per-node mode: also probe every address the EWS host name resolves to (CLI --all-nodes). */
  allNodes?: boolean;
}

/** A finished run, already redacted. */
export interface ProbeRunResult {
  runId: number;
  purpose: 'probes' | 'link';
  outcome: RunOutcome;
  /** One line for people: the counts, or why the run stopped. */
  summary: string;
  checks: ProbeFinding[];
  server?: ServerView;
  events?: { subject: string; start: string; end: string }[];
  roomEvents?: { subject: string; start: string; end: string }[];
  mailboxes?: MailboxesSection;
  /** Per-node mode: every node's checks and the summary naming the odd ones out. */
  nodes?: NodesFinding;
  /**
   * Per-node mode: why the nodes could not be listed (the EWS name does not resolve, too many
   * nodes); the run is then "failed" and has no nodes section.
   */
  nodesError?: string;
  /** Per-node mode: nodes left out of the mailbox checks because they did not prove the certificate. */
  nodesLeftOut?: string[];
  durationMs: number;
  /** Set when the run stopped before it started (refuse): nothing was sent to a server. */
  refused?: true;
  /** The report's input without the fields a front end adds (time, tool version, secrets). */
  report: Omit<ReportInput, 'generatedAt' | 'toolVersion' | 'secrets'>;
}

/** What a run found besides its checks; each key is present only when the run got that far. */
type Found = Partial<Pick<ProbeRunResult, 'server' | 'events' | 'roomEvents' | 'mailboxes' | 'nodes'>>;

/** One node's result as listeners see it: redacted, its checks in the report's check form. */
export type NodeFinding = NodesFinding['nodes'][number];

const EMPTY_CONFIGURATION: ReportInput['configuration'] = { ewsUrl: '', upn: '', testMailbox: '', accessMethod: 'impersonation', write: false };

export type ProbeRunEvent =
  | { type: 'started'; runId: number; purpose: 'probes' | 'link' }
  | { type: 'check'; runId: number; check: ProbeFinding }
  /** The --mailboxes verification of the run: counts so far. */
  | ({ type: 'mailboxProgress'; runId: number } & MailboxProgressCounts)
  /** The write test's step as it starts: `index` of `of` (1-based; see ../pure/progress WRITE_STEPS). */
  | { type: 'writeStep'; runId: number; step: WriteStep; index: number; of: number }
  /** Per-node mode: the run through the EWS name is done and these nodes are probed next. */
  | { type: 'nodesStarted'; runId: number; host: string; nodes: string[] }
  /** Per-node mode: one node's result, as soon as its checks are done. */
  | { type: 'node'; runId: number; node: NodeFinding }
  | { type: 'finished'; runId: number; result: ProbeRunResult }
  /**
   * The write test left its probe item behind (redacted words naming it and its id). May come after
   * "finished" when the run was cancelled: the clean-up goes on after a cancel (see `settled`).
   */
  | { type: 'leftBehind'; runId: number; message: string };

/** The probe engine's entry point (loaded lazily by the host; the tests pass the module itself). */
export type RunProbes = (config: ProbeConfig, options?: ProbeRunOptions) => Promise<ProbeRun>;

/** The per-node part of the probe engine (src/core/ews/nodes.ts), loaded with it. */
export interface NodeEngine {
  nodeList: typeof nodeList;
  runNodeProbes: typeof runNodeProbes;
  verifyMailboxesAcrossNodes: typeof verifyMailboxesAcrossNodes;
}

export class ProbeRunner {
  private readonly emitter: Emitter<ProbeRunEvent>;
  private readonly current = new CurrentRun();
  private last: ProbeRunResult | undefined;
  private engineWork: Promise<void> = Promise.resolve();

  /**
   * `nodeEngine`: the per-node functions, needed only for a request with `nodes` or `allNodes`
   * (the host and the CLI pass the loaded probe engine, which has them).
   */
  constructor(private readonly runProbes: () => RunProbes, onListenerError?: (error: unknown) => void, private readonly nodeEngine?: () => NodeEngine) {
    this.emitter = new Emitter(onListenerError);
  }

  onEvent(listener: Listener<ProbeRunEvent>): Subscription {
    return this.emitter.on(listener);
  }

  /**
   * Resolves when the engine of the latest run has stopped, clean-up included: after a cancel the
   * write test still deletes its probe item. A command line awaits it before the process ends.
   */
  get settled(): Promise<void> {
    return this.engineWork;
  }

  /** The last finished run (of either purpose), for the report and the diagnostics. */
  get lastResult(): ProbeRunResult | undefined {
    return this.last;
  }

  /** Attaches a mailbox verification's result to the last run, so that its report carries it. */
  attachMailboxes(mailboxes: MailboxesSection): void {
    if (this.last) this.last = { ...this.last, mailboxes, report: { ...this.last.report, mailboxes } };
  }

  cancel(): void {
    this.current.cancel();
  }

  /**
   * A run that stops before it starts (an untrusted folder, a form with problems, no password): it
   * replaces the run before, and its listeners see it start and finish like any other.
   */
  refuse(outcome: 'error' | 'cancelled', summary: string, purpose: 'probes' | 'link' = 'probes'): ProbeRunResult {
    const run = this.current.begin();
    run.end();
    const result: ProbeRunResult = { runId: run.id, purpose, outcome, summary, checks: [], durationMs: 0, refused: true, report: { configuration: EMPTY_CONFIGURATION, outcome, checks: [] } };
    this.emitter.emit({ type: 'started', runId: run.id, purpose });
    this.emitter.emit({ type: 'finished', runId: run.id, result });
    return result;
  }

  dispose(): void {
    this.current.cancel();
    this.emitter.dispose();
  }

  /**
   * Runs the probes. Never rejects: a cancel gives outcome "cancelled" at once (the engine's own
   * clean-up, a write test's delete, finishes in the background) and an error gives "error".
   */
  async start(request: ProbeRunRequest): Promise<ProbeRunResult> {
    const run = this.current.begin();
    const purpose = request.purpose ?? 'probes';
    const redactor = createRedactor([request.password], request.upn);
    const clean = (text: string): string => redactor.text(text);
    const write = purpose === 'probes' && request.write;
    const perNode = purpose === 'probes' && ((request.nodes?.length ?? 0) > 0 || request.allNodes === true);
    const room = request.testRoomMailbox ?? '';
    const configuration: ReportInput['configuration'] = {
      ewsUrl: request.ewsUrl, upn: request.upn, testMailbox: request.testMailbox, ...(room === '' ? {} : { testRoomMailbox: room }), accessMethod: request.accessMethod, write,
    };
    const checks: ProbeFinding[] = [];
    const so = { verified: 0, denied: 0, notFound: 0, notChecked: 0 };
    const started = Date.now();
    this.emitter.emit({ type: 'started', runId: run.id, purpose });
    const finish = (outcome: RunOutcome, summary: string, found: Found = {}, more: Pick<ProbeRunResult, 'nodesError' | 'nodesLeftOut'> = {}): ProbeRunResult => {
      const durationMs = Date.now() - started;
      const result: ProbeRunResult = { runId: run.id, purpose, outcome, summary, checks, durationMs, ...found, ...more, report: { configuration, outcome, checks, durationMs, ...found } };
      this.last = result;
      this.emitter.emit({ type: 'finished', runId: run.id, result });
      return result;
    };
    try {
      const config: ProbeConfig = {
        ewsUrl: request.ewsUrl, upn: request.upn, password: request.password, accessMethod: request.accessMethod, testMailbox: request.testMailbox,
        ...(room === '' ? {} : { testRoomMailbox: room }), extraCaPem: request.extraCaPem, write, timeoutMs: request.timeoutMs,
        // Per-node mode spreads the mailbox checks over the nodes, after the node probes.
        ...(request.mailboxes && !perNode ? { mailboxes: request.mailboxes, concurrency: request.concurrency } : {}),
      };
      const engine = this.runProbes();
      const working = engine(config, {
        signal: run.signal,
        onResult: (r: ProbeResult) => {
          if (run.signal.aborted) return;
          const check: ProbeFinding = { ...r, message: clean(r.message), ...(r.remedy ? { remedy: { step: r.remedy.step, text: clean(r.remedy.text) } } : {}) };
          checks.push(check);
          this.emitter.emit({ type: 'check', runId: run.id, check });
        },
        onWriteStep: (step) => {
          if (!run.signal.aborted) this.emitter.emit({ type: 'writeStep', runId: run.id, step, index: WRITE_STEPS.indexOf(step) + 1, of: WRITE_STEPS.length });
        },
        onMailboxResult: (r) => {
          countMailboxOutcome(so, r.status);
        },
        onMailboxProgress: (checked, total) => {
          if (!run.signal.aborted) this.emitter.emit({ type: 'mailboxProgress', runId: run.id, ...so, checked, total });
        },
        onLeftBehind: (message) => this.emitter.emit({ type: 'leftBehind', runId: run.id, message: clean(message) }),
      });
      this.engineWork = working.then(() => undefined, () => undefined);
      const engineRun = await Promise.race([working, whenAborted(run.signal)]);
      const events = (list: ProbeRun['events']): ProbeRunResult['events'] => list?.map((e) => ({ subject: clean(e.subject), start: clean(e.start), end: clean(e.end) }));
      const extra: Found = {};
      if (engineRun.server) extra.server = { build: clean(engineRun.server.build), product: clean(engineRun.server.product), supported: engineRun.server.supported };
      if (engineRun.events) extra.events = events(engineRun.events);
      if (engineRun.roomEvents) extra.roomEvents = events(engineRun.roomEvents);
      if (engineRun.mailboxes) extra.mailboxes = toMailboxesSection(engineRun.mailboxes, clean);
      if (!perNode) return finish(engineRun.ok ? 'passed' : 'failed', runSummaryText(checks, Date.now() - started), extra);
      return await this.nodeStage(run, request, config, checks, engineRun.ok, clean, (outcome, nodesFound, more) => {
        // The counts through the name, then the nodes' (the checks alone may all pass while a node fails).
        const nodesText = ` ${nodesFound.nodes ? l10n.t('{0} of {1} servers behind the name pass.', nodesFound.nodes.passing, nodesFound.nodes.total) : l10n.t('The servers behind the name were not probed.')}`;
        return finish(outcome, `${runSummaryText(checks, Date.now() - started)}${nodesText}`, { ...extra, ...nodesFound }, more);
      });
    } catch (error) {
      if (isCancellation(error) || run.signal.aborted) return finish('cancelled', l10n.t('{0} checks completed before the cancel.', checks.length));
      // Redacted before it is cut to one line, so that no part of a secret can survive the cut.
      return finish('error', oneLineErrorText(clean(errorText(error))));
    } finally {
      run.end();
    }
  }

  /**
   * Per-node mode, after the run through the EWS name (issue 16): lists the nodes, probes each on
   * its own, and with a mailbox list spreads the mailbox checks over the nodes that proved the
   * certificate (only when the access probe through the name passed, as the engine does for one
   * run). The run passes only when the run through the name, every node and every mailbox pass.
   */
  private async nodeStage(
    run: { id: number; signal: AbortSignal }, request: ProbeRunRequest, config: ProbeConfig, checks: readonly ProbeFinding[], nameOk: boolean, clean: (text: string) => string,
    finish: (outcome: RunOutcome, found: Found, more?: Pick<ProbeRunResult, 'nodesError' | 'nodesLeftOut'>) => ProbeRunResult,
  ): Promise<ProbeRunResult> {
    if (!this.nodeEngine) throw new Error('Per-node probes need the probe engine\'s node functions (ProbeRunner nodeEngine)');
    const engine = this.nodeEngine();
    let list: string[];
    try {
      list = await engine.nodeList(request.ewsUrl, request.nodes ?? [], request.allNodes === true, { signal: run.signal, timeoutMs: request.timeoutMs });
    } catch (error) {
      if (isCancellation(error) || run.signal.aborted) throw error;
      return finish('failed', {}, { nodesError: oneLineErrorText(clean(errorText(error))) });
    }
    const host = new URL(request.ewsUrl).hostname.replace(/^\[|\]$/g, '');
    this.emitter.emit({ type: 'nodesStarted', runId: run.id, host: clean(host), nodes: list.map(clean) });
    const nodes = await Promise.race([
      engine.runNodeProbes(config, list, {
        signal: run.signal,
        onNodeResult: (node) => { if (!run.signal.aborted) this.emitter.emit({ type: 'node', runId: run.id, node: toNodeFinding(node, clean) }); },
      }),
      whenAborted(run.signal),
    ]);
    const found: Found = { nodes: toNodesFinding(nodes, clean) };
    const more: Pick<ProbeRunResult, 'nodesLeftOut'> = {};
    const accessId = request.accessMethod === 'impersonation' ? 'access.impersonation' : 'access.delegate';
    const accessThroughName = checks.some((c) => c.id === accessId && (c.status === 'pass' || c.status === 'warn'));
    if (request.mailboxes && request.mailboxes.length > 0 && accessThroughName) {
      const so = { verified: 0, denied: 0, notFound: 0, notChecked: 0 };
      const spread = await Promise.race([
        engine.verifyMailboxesAcrossNodes(config, nodes, request.mailboxes, {
          signal: run.signal, concurrency: request.concurrency,
          onResult: (r) => countMailboxOutcome(so, r.status),
          onProgress: (checked, total) => { if (!run.signal.aborted) this.emitter.emit({ type: 'mailboxProgress', runId: run.id, ...so, checked, total }); },
        }),
        whenAborted(run.signal),
      ]);
      found.mailboxes = toMailboxesSection(spread.report, clean);
      if (spread.leftOut.length > 0) more.nodesLeftOut = spread.leftOut.map(clean);
    }
    const mailboxesFailed = found.mailboxes !== undefined && found.mailboxes.denied + found.mailboxes.notFound > 0;
    return finish(nameOk && nodes.passing === nodes.total && !mailboxesFailed ? 'passed' : 'failed', found, more);
  }
}

/** One node's result with every server string through `clean`. */
export function toNodeFinding(node: NodeResult, clean: (text: string) => string = (t) => t): NodeFinding {
  return {
    node: clean(node.node), ...(node.address ? { address: clean(node.address) } : {}), label: clean(node.label), ok: node.ok,
    ...(node.server ? { server: { build: clean(node.server.build), product: clean(node.server.product) } } : {}),
    checks: node.checks.map((c) => ({ id: c.id, status: c.status, message: clean(c.message), ms: c.ms, ...(c.remedy ? { remedy: { step: c.remedy.step, text: clean(c.remedy.text) } } : {}) })),
  };
}

/** The engine's nodes report with every server string through `clean`. */
export function toNodesFinding(report: NodesReport, clean: (text: string) => string = (t) => t): NodesFinding {
  return {
    host: clean(report.host), total: report.total, passing: report.passing, summary: clean(report.summary),
    nodes: report.nodes.map((n) => toNodeFinding(n, clean)),
    differing: report.differing.map((d) => ({
      node: clean(d.node), label: clean(d.label), problems: d.problems.map(clean), failing: d.failing,
      ...(d.remedy ? { remedy: { step: d.remedy.step, text: clean(d.remedy.text) } } : {}),
    })),
  };
}

/** The report's mailboxes section from the engine's mailbox report, every server string through `clean`. */
export function toMailboxesSection(m: MailboxReport, clean: (text: string) => string = (t) => t): MailboxesSection {
  const section: MailboxesSection = {
    total: m.total, verified: m.verified, denied: m.denied, notFound: m.notFound, notChecked: m.notChecked,
    unverified: m.unverified.map((u) => ({
      mailbox: clean(u.mailbox), status: u.status, ...(u.status === 'not-checked' ? {} : { code: clean(u.code) }), reason: clean(u.reason),
      ...(u.node === undefined ? {} : { node: clean(u.node) }),
    })),
  };
  if (m.byNode) section.byNode = m.byNode.map((n) => ({ node: clean(n.node), total: n.total, verified: n.verified, denied: n.denied, notFound: n.notFound, notChecked: n.notChecked }));
  return section;
}

/** The report document of a finished run: what the panel exports and what the CLI prints with --json. */
export function runReport(result: ProbeRunResult, context: { generatedAt: Date; toolVersion: string; secrets: readonly string[] }): ReportDocument {
  return buildReport({ ...result.report, ...context });
}
