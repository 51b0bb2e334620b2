/**
 * One enrolled-mailbox verification at a time (the panel's "Verify mailboxes"). `start` cancels the
 * verification before it, streams progress at most about ten times a second (and always the last
 * count), and ends with the four counts and every mailbox not verified, each reason redacted here.
 * It keeps the mailboxes left not checked, so "verify only those again" needs no list from the page.
 */
import { errorText } from '../errors';
import type { MailboxCheckConfig, MailboxReport, VerifyOptions } from '../ews/mailboxes';
import type { NodeForMailboxes, NodesMailboxReport } from '../ews/nodes';
import type { MailboxCountsView, MailboxListProblemView, RunOutcome } from '../protocol';
import { createRedactor } from '../redact';
import type { MailboxesSection } from '../report';
import { CurrentRun, Emitter, type Listener, type Subscription } from './emitter';
import { countMailboxOutcome, estimateTimeLeft, startRate, updateRate, type MailboxProgressCounts } from '../pure/progress';

export type VerifyMailboxesFn = (config: MailboxCheckConfig, mailboxes: readonly string[], options?: VerifyOptions) => Promise<MailboxReport>;

/** src/core/ews/nodes.ts verifyMailboxesAcrossNodes. */
export type VerifyAcrossNodesFn = (config: MailboxCheckConfig, nodes: { nodes: readonly NodeForMailboxes[] }, mailboxes: readonly string[], options?: Omit<VerifyOptions, 'nodes' | 'transport'>) => Promise<NodesMailboxReport>;

export interface MailboxVerificationRequest extends MailboxCheckConfig {
  mailboxes: readonly string[];
  /**
   * Per-node mode: the nodes of the last probe run. The mailboxes are spread over those that proved
   * the EWS host's certificate, each result naming its node, with per-node counts (issue 16).
   */
  nodes?: readonly NodeForMailboxes[];
  /** Lines of the list that were skipped, shown beside the progress. */
  problems?: readonly MailboxListProblemView[];
  /** The longest throttling back-off waited out; a longer one leaves the rest not checked at once. */
  longestWaitMs?: number;
}

export interface MailboxVerificationResult {
  outcome: RunOutcome;
  counts: MailboxCountsView;
  mailboxes: MailboxesSection;
}

export type MailboxVerificationEvent =
  | { type: 'started'; total: number; problems: MailboxListProblemView[] }
  /** Counts so far (checked = verified + denied + notFound + notChecked); timeLeftMs once there is an estimate. */
  | ({ type: 'progress'; timeLeftMs?: number } & MailboxProgressCounts)
  | { type: 'finished'; result: MailboxVerificationResult };

/** Progress is sent at most this often (and always at the end): a page updates ten times a second at most. */
const PROGRESS_INTERVAL_MS = 100;

export class MailboxVerifier {
  private readonly emitter: Emitter<MailboxVerificationEvent>;
  private readonly current = new CurrentRun();
  private leftNotChecked: string[] = [];

  /**
   * `acrossNodes`: needed only for a request with `nodes` (the host passes the loaded probe engine's).
   * `clock`: for the time-left estimate; the tests pass their own.
   */
  constructor(
    private readonly verify: () => VerifyMailboxesFn,
    onListenerError?: (error: unknown) => void,
    private readonly acrossNodes?: () => VerifyAcrossNodesFn,
    private readonly clock: () => number = Date.now,
  ) {
    this.emitter = new Emitter(onListenerError);
  }

  onEvent(listener: Listener<MailboxVerificationEvent>): Subscription {
    return this.emitter.on(listener);
  }

  /** The mailboxes the last finished verification left not checked. */
  get notChecked(): readonly string[] {
    return this.leftNotChecked;
  }

  cancel(): void {
    this.current.cancel();
  }

  dispose(): void {
    this.current.cancel();
    this.emitter.dispose();
  }

  /** A verification that ends before it starts (no addresses, no password): listeners see it end. */
  refuse(outcome: 'error' | 'cancelled', total: number, problems: readonly MailboxListProblemView[] = []): MailboxVerificationResult {
    this.current.cancel();
    this.emitter.emit({ type: 'started', total, problems: [...problems] });
    return this.finish(outcome, { total, verified: 0, denied: 0, notFound: 0, notChecked: 0, unverified: [] });
  }

  /** Verifies the list. Never rejects for a cancel (outcome "cancelled"); an unexpected error rejects after "finished". */
  async start(request: MailboxVerificationRequest): Promise<MailboxVerificationResult> {
    const run = this.current.begin();
    const { mailboxes, problems = [], longestWaitMs, nodes, ...config } = request;
    const redactor = createRedactor([config.password], config.upn);
    this.emitter.emit({ type: 'started', total: mailboxes.length, problems: [...problems] });
    let lastProgress = Number.NEGATIVE_INFINITY;
    let rate = startRate(this.clock());
    const so: MailboxProgressCounts = { checked: 0, total: mailboxes.length, verified: 0, denied: 0, notFound: 0, notChecked: 0 };
    try {
      const options: VerifyOptions = {
        signal: run.signal,
        ...(longestWaitMs === undefined ? {} : { timeLeft: () => longestWaitMs }),
        onResult: (r) => {
          countMailboxOutcome(so, r.status);
        },
        onProgress: (checked, total) => {
          const now = this.clock();
          rate = updateRate(rate, checked, now);
          // After a cancel the remaining mailboxes are recorded not checked: no progress is shown for them.
          if (run.signal.aborted) return;
          if (checked === total || now - lastProgress >= PROGRESS_INTERVAL_MS) {
            lastProgress = now;
            const timeLeftMs = estimateTimeLeft(rate, total, now);
            this.emitter.emit({ type: 'progress', ...so, checked, total, ...(timeLeftMs === undefined ? {} : { timeLeftMs }) });
          }
        },
      };
      let report: MailboxReport;
      if (nodes !== undefined && nodes.length > 0) {
        if (!this.acrossNodes) throw new Error('Mailbox verification across nodes needs the probe engine\'s verifyMailboxesAcrossNodes (MailboxVerifier acrossNodes)');
        report = (await this.acrossNodes()(config, { nodes }, mailboxes, options)).report;
      } else {
        report = await this.verify()(config, mailboxes, options);
      }
      const section: MailboxesSection = {
        total: report.total, verified: report.verified, denied: report.denied, notFound: report.notFound, notChecked: report.notChecked,
        unverified: report.unverified.map((u) => ({
          mailbox: u.mailbox, status: u.status, ...(u.status === 'not-checked' ? {} : { code: redactor.text(u.code) }), reason: redactor.text(u.reason),
          ...(u.node === undefined ? {} : { node: redactor.text(u.node) }),
        })),
      };
      if (report.byNode) section.byNode = report.byNode.map((n) => ({ node: redactor.text(n.node), total: n.total, verified: n.verified, denied: n.denied, notFound: n.notFound, notChecked: n.notChecked }));
      if (run.isCurrent()) this.leftNotChecked = report.unverified.filter((u) => u.status === 'not-checked').map((u) => u.mailbox);
      const outcome: RunOutcome = run.signal.aborted ? 'cancelled' : section.denied + section.notFound === 0 ? 'passed' : 'failed';
      return this.finish(outcome, section);
    } catch (error) {
      const empty = { total: mailboxes.length, verified: 0, denied: 0, notFound: 0, notChecked: 0, unverified: [] };
      const result = this.finish(run.signal.aborted ? 'cancelled' : 'error', empty);
      // Whatever the error says may quote the server: redacted before it leaves.
      if (!run.signal.aborted) throw new Error(redactor.text(errorText(error)));
      return result;
    } finally {
      run.end();
    }
  }

  private finish(outcome: RunOutcome, section: MailboxesSection): MailboxVerificationResult {
    const { total, verified, denied, notFound, notChecked } = section;
    const result: MailboxVerificationResult = { outcome, counts: { total, verified, denied, notFound, notChecked }, mailboxes: section };
    this.emitter.emit({ type: 'finished', result });
    return result;
  }
}
