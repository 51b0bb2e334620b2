/**
 * Verifying access to many mailboxes: the same calendar check as the access probe, one request per
 * mailbox over a shared keep-alive connection pool, with bounded concurrency. When the server
 * throttles, every worker pauses (one shared back-off), because throttling is per service account,
 * not per mailbox; ./throttleWindow decides how many requests are in flight and ./throttling reads
 * the signals. Requests are built and parsed by the lean path in ./client (measured: the library's
 * per-request cost would dominate the CPU budget of ~2 ms per mailbox).
 *
 * Every mailbox ends as exactly one of: verified; denied (with the EWS code or HTTP status); not
 * found; not checked (throttled past the time left, timed out, cancelled, or an answer that says
 * nothing about the mailbox, with the reason). Only denied and not found are failures. Results
 * stream through `onResult`; the report keeps counts and the mailboxes that were not verified, so
 * memory does not grow with the number verified.
 */
import type { AccessMethod } from '../settings';
import { CONNECTION_RETRY_MS, calendarAccessRequest, callEws, describeFailure, sleep, type CallFailure, type CallOutcome, type EwsCredentials } from './client';
import { ThrottleWindow } from './throttleWindow';
import { describeThrottle, throttleSignal, type ThrottleSignal } from './throttling';
import { DirectEwsTransport } from './directTransport';
import { TransportError, type EwsTransport } from './transport';
import * as l10n from '../l10n';

export interface MailboxListProblem {
  line: number;
  text: string;
  reason: string;
}

export interface MailboxList {
  mailboxes: string[];
  problems: MailboxListProblem[];
}

export type MailboxStatus = 'verified' | 'denied' | 'not-found' | 'not-checked';

/** A mailbox that was not verified, and why. `code` is the EWS response code or "HTTP <status>". */
export type UnverifiedMailbox =
  | { mailbox: string; status: 'denied'; code: string; reason: string; node?: string }
  | { mailbox: string; status: 'not-found'; code: string; reason: string; node?: string }
  | { mailbox: string; status: 'not-checked'; reason: string; node?: string };

export type MailboxResult = { mailbox: string; status: 'verified'; node?: string } | UnverifiedMailbox;

export interface MailboxCounts {
  total: number;
  verified: number;
  denied: number;
  notFound: number;
  notChecked: number;
}

export interface MailboxReport extends MailboxCounts {
  /** Every mailbox not verified, in the order their results were decided. */
  unverified: UnverifiedMailbox[];
  /**
   * With per-node mode: the counts of each node, in the order the nodes were given, so a node that
   * denies what the others allow shows as itself and is never averaged away.
   */
  byNode?: ({ node: string } & MailboxCounts)[];
}

/** One server behind the EWS name that mailbox checks are sent to (per-node mode). */
export interface MailboxNode {
  /** How results name it: "exch02.contoso.com (10.0.0.12)". */
  label: string;
  /** A transport pinned to the node (TransportOptions.connectAddress). */
  transport: EwsTransport;
}

/** Denied and not found are failures; not checked is not a verdict. */
export function mailboxFailures(counts: MailboxCounts): number {
  return counts.denied + counts.notFound;
}

/** The not-checked mailboxes of a report, for a rerun of only those. */
export function notCheckedMailboxes(report: { unverified: readonly { mailbox: string; status: string }[] }): string[] {
  return report.unverified.filter((u) => u.status === 'not-checked').map((u) => u.mailbox);
}

/** ErrorNonExistentMailbox: "The SMTP address has no mailbox associated with it." */
const NOT_FOUND_CODES = new Set(['ErrorNonExistentMailbox']);
/**
 * Answers that say nothing about the mailbox's access: throttling that was not waited out
 * (./throttling; ErrorInternalServerError also wraps ErrorServerBusy) or the server could not serve
 * it right now.
 */
const NOT_CHECKED_CODES = new Set([
  'ErrorServerBusy', 'ErrorExceededConnectionCount', 'ErrorInternalServerError', 'ErrorInternalServerTransientError',
  'ErrorMailboxMoveInProgress', 'ErrorMailboxStoreUnavailable', 'ErrorTimeoutExpired',
]);

/** The reason without the code it starts with, which the result carries on its own. */
function withoutCode(reason: string, code: string): string {
  return reason.startsWith(`${code}: `) ? reason.slice(code.length + 2) : reason;
}

/** Sorts one mailbox's final answer into its outcome. */
export function classifyMailboxOutcome(mailbox: string, outcome: CallOutcome, method: AccessMethod): MailboxResult {
  if (outcome.ok) return { mailbox, status: 'verified' };
  return classifyMailboxFailure(mailbox, outcome.failure, method);
}

function classifyMailboxFailure(mailbox: string, failure: CallFailure, method: AccessMethod): UnverifiedMailbox {
  // describeFailure says "throttled, retry after N s (...)" for every throttling answer (HTTP 503 and
  // the NOT_CHECKED_CODES below), and what went wrong for a request that got no usable answer.
  const reason = describeFailure(failure, method).message;
  switch (failure.kind) {
    case 'transport':
    case 'format':
    case 'library':
      return { mailbox, status: 'not-checked', reason };
    case 'http': {
      // 5xx: the server failed, not the mailbox; 401, 403, redirects and 404 refuse every mailbox alike.
      const code = `HTTP ${failure.status}`;
      return failure.status >= 500 ? { mailbox, status: 'not-checked', reason } : { mailbox, status: 'denied', code, reason: withoutCode(reason, code) };
    }
    case 'ews': {
      const code = failure.error.responseCode || l10n.t('an unnamed EWS error');
      if (NOT_FOUND_CODES.has(code)) return { mailbox, status: 'not-found', code, reason: withoutCode(reason, code) };
      if (NOT_CHECKED_CODES.has(code)) return { mailbox, status: 'not-checked', reason };
      return { mailbox, status: 'denied', code, reason: withoutCode(reason, code) };
    }
    default: {
      const unreachable: never = failure;
      return unreachable;
    }
  }
}

const SMTP = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isSmtpAddress(text: string): boolean {
  return text.length <= 254 && SMTP.test(text) && !text.includes('..');
}

/** One SMTP address per line; `#` starts a comment; blank lines are fine; duplicates are reported. */
export function parseMailboxList(text: string): MailboxList {
  const mailboxes: string[] = [];
  const problems: MailboxListProblem[] = [];
  const firstLine = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const hash = raw.indexOf('#');
    const value = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    if (value === '') return;
    if (!isSmtpAddress(value)) {
      problems.push({ line, text: raw.trim(), reason: l10n.t('not an SMTP address (expected one address like alice@contoso.com per line)') });
      return;
    }
    const key = value.toLowerCase();
    const seen = firstLine.get(key);
    if (seen !== undefined) {
      problems.push({ line, text: raw.trim(), reason: l10n.t('duplicate of line {0}', seen) });
      return;
    }
    firstLine.set(key, line);
    mailboxes.push(value);
  });
  return { mailboxes, problems };
}

/**
 * The not-checked mailboxes of a previous run, from its JSON: the CLI's `probe --json` output or an
 * exported probe report (both carry `mailboxes.unverified`). Every problem names what to fix.
 */
export function readRecheckList(text: string): { ok: true; mailboxes: string[] } | { ok: false; reason: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: l10n.t('is not JSON; give the output of "exchange-setup probe --mailboxes FILE --json" or an exported probe report (.json)') };
  }
  const mailboxes = typeof doc === 'object' && doc !== null ? (doc as { mailboxes?: unknown }).mailboxes : undefined;
  const unverified = typeof mailboxes === 'object' && mailboxes !== null ? (mailboxes as { unverified?: unknown }).unverified : undefined;
  if (!Array.isArray(unverified)) {
    return { ok: false, reason: l10n.t('has no mailbox results (mailboxes.unverified); give the JSON of a run that verified mailboxes (probe --mailboxes FILE --json, or an exported probe report)') };
  }
  const found: string[] = [];
  for (const [index, entry] of unverified.entries()) {
    const { mailbox, status } = (typeof entry === 'object' && entry !== null ? entry : {}) as { mailbox?: unknown; status?: unknown };
    if (typeof mailbox !== 'string' || typeof status !== 'string') return { ok: false, reason: l10n.t('mailboxes.unverified[{0}] is not {mailbox, status}: the file was edited or is not a probe report', index) };
    if (status !== 'not-checked') continue;
    if (!isSmtpAddress(mailbox)) return { ok: false, reason: l10n.t('mailboxes.unverified[{0}]: "{1}" is not an SMTP address', index, mailbox.slice(0, 80)) };
    found.push(mailbox);
  }
  if (found.length === 0) return { ok: false, reason: l10n.t('lists no not-checked mailboxes: nothing to check again') };
  return { ok: true, mailboxes: found };
}

export interface MailboxCheckConfig {
  ewsUrl: string;
  upn: string;
  password: string;
  accessMethod: AccessMethod;
  extraCaPem?: string;
}

export interface VerifyOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** Each mailbox's result as soon as it is decided (not-checked ones left at the end included). */
  onResult?: (result: MailboxResult) => void;
  onProgress?: (done: number, total: number) => void;
  /** Reuse a run's transport (and its connections); otherwise one is made and closed here. */
  transport?: EwsTransport;
  requestTimeoutMs?: number;
  /** Time left for the whole verification: a throttling wait longer than this stops it. */
  timeLeft?: () => number;
  /** Throttled answers one mailbox may draw before it is left not checked (default 20). */
  maxThrottledRetries?: number;
  now?: () => Date;
  /**
   * Per-node mode: mailbox i is checked through node i mod n, and each result names its node. A
   * mailbox that fails on one node is not retried on another: that would hide the failing node.
   * The nodes share one throttle window, so the requests in flight stay at `concurrency` in all:
   * spreading over nodes is for coverage, not for a higher rate (see README, "Per-node probes":
   * Microsoft's "EWS throttling in Exchange" words the limits per user against "an Exchange
   * server", while from Exchange 2013 on the server a node proxies to is the one holding the
   * mailbox, so which budget a request draws on is not the node's to decide).
   */
  nodes?: readonly MailboxNode[];
}

/** Requests in flight at once when none is asked for, and the most allowed (the CLI's --concurrency, probe runs). */
export const DEFAULT_MAILBOX_CONCURRENCY = 8;
export const MAX_MAILBOX_CONCURRENCY = 64;

/** The requests in flight for a mailbox check that asked for `requested`: the default, held to 1..MAX_MAILBOX_CONCURRENCY. */
export function mailboxConcurrency(requested: number | undefined): number {
  return Math.max(1, Math.min(requested ?? DEFAULT_MAILBOX_CONCURRENCY, MAX_MAILBOX_CONCURRENCY));
}
const MAX_THROTTLED_RETRIES = 20;
const cancelledReason = (): string => l10n.t('the run was cancelled or its time limit ran out');

export async function verifyMailboxes(config: MailboxCheckConfig, mailboxes: readonly string[], options: VerifyOptions = {}): Promise<MailboxReport> {
  const concurrency = mailboxConcurrency(options.concurrency);
  const ownTransport = options.transport === undefined;
  const transport = options.transport ?? new DirectEwsTransport({ extraCaPem: config.extraCaPem, maxSockets: concurrency });
  const credentials: EwsCredentials = { upn: config.upn, password: config.password };
  const now = options.now ?? (() => new Date());
  const report: MailboxReport = { total: mailboxes.length, verified: 0, denied: 0, notFound: 0, notChecked: 0, unverified: [] };
  let done = 0;
  let next = 0;
  /** Set when a throttling wait outlasts the time left: no mailbox is started after it. */
  let stopReason: string | undefined;
  const inProgress = new Set<number>();
  const viewStart = now();
  const viewEnd = new Date(viewStart.getTime() + 86_400_000);
  const window = new ThrottleWindow({ max: concurrency, sleep });
  const maxRetries = options.maxThrottledRetries ?? MAX_THROTTLED_RETRIES;
  const nodes = options.nodes !== undefined && options.nodes.length > 0 ? options.nodes : undefined;
  if (nodes) report.byNode = nodes.map((n) => ({ node: n.label, total: 0, verified: 0, denied: 0, notFound: 0, notChecked: 0 }));
  const nodeOf = (index: number): number | undefined => (nodes ? index % nodes.length : undefined);

  const record = (unlabelled: MailboxResult, index: number): void => {
    const nodeIndex = nodeOf(index);
    const result: MailboxResult = nodeIndex === undefined || !nodes ? unlabelled : { ...unlabelled, node: nodes[nodeIndex].label };
    const counts: MailboxCounts[] = [report, ...(nodeIndex === undefined || !report.byNode ? [] : [report.byNode[nodeIndex]])];
    for (const c of counts) {
      switch (result.status) {
        case 'verified': c.verified++; break;
        case 'denied': c.denied++; break;
        case 'not-found': c.notFound++; break;
        case 'not-checked': c.notChecked++; break;
        default: { const unreachable: never = result; return unreachable; }
      }
    }
    if (nodeIndex !== undefined && report.byNode) report.byNode[nodeIndex].total++;
    if (result.status !== 'verified') report.unverified.push(result);
    done++;
    options.onResult?.(result);
    options.onProgress?.(done, mailboxes.length);
  };

  /** Tells the window what a throttled answer means for every request of the run. */
  const throttle = (signal: ThrottleSignal, sentAtLevel: number): void => {
    if (signal.kind === 'queued') {
      window.pause(signal.waitMs);
      return;
    }
    // A refusal with no stated wait when we had nothing else in flight: the slots are held by another
    // client of the account; retrying at once would only draw the same answer.
    const wait = signal.kind === 'connections' && !signal.stated && sentAtLevel <= 1 ? CONNECTION_RETRY_MS : signal.waitMs;
    window.busy(sentAtLevel, wait, signal.kind === 'connections' ? signal.limit : undefined);
  };

  /** The mailbox's result, or undefined when the run was stopped (stopReason) before it had one. */
  const checkOne = async (mailbox: string, index: number): Promise<MailboxResult | undefined> => {
    const nodeIndex = nodeOf(index);
    const via = nodeIndex === undefined || !nodes ? transport : nodes[nodeIndex].transport;
    const xml = calendarAccessRequest(mailbox, config.accessMethod, viewStart, viewEnd);
    const anchor = config.accessMethod === 'impersonation' ? mailbox : undefined;
    for (let retries = 0; ; retries++) {
      if (stopReason !== undefined) return undefined;
      const sentAtLevel = await window.acquire(options.signal);
      let outcome: CallOutcome;
      try {
        outcome = await callEws(via, config.ewsUrl, credentials, xml, { anchorMailbox: anchor, signal: options.signal, timeoutMs: options.requestTimeoutMs });
      } finally {
        window.release();
      }
      const signal = outcome.ok ? undefined : throttleSignal(outcome.failure);
      if (signal === undefined) {
        window.success();
        return classifyMailboxOutcome(mailbox, outcome, config.accessMethod);
      }
      if (options.timeLeft !== undefined && signal.waitMs >= options.timeLeft()) {
        // Waiting would outlast the run: stop, and say when the server will take requests again.
        stopReason = describeThrottle(signal);
        return undefined;
      }
      if (retries >= maxRetries) {
        return { mailbox, status: 'not-checked', reason: l10n.t('still throttled after {0} retries: {1}', maxRetries, describeThrottle(signal)) };
      }
      throttle(signal, sentAtLevel);
    }
  };

  const worker = async (): Promise<void> => {
    while (next < mailboxes.length && stopReason === undefined) {
      const index = next++;
      inProgress.add(index);
      const result = await checkOne(mailboxes[index], index);
      inProgress.delete(index);
      record(result ?? { mailbox: mailboxes[index], status: 'not-checked', reason: stopReason ?? cancelledReason() }, index);
    }
  };

  try {
    // allSettled: every worker has stopped before the report is read or the transport closed.
    const settled = await Promise.allSettled(Array.from({ length: Math.min(concurrency, mailboxes.length) }, () => worker()));
    const unexpected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && !(s.reason instanceof TransportError && s.reason.kind === 'aborted'));
    if (unexpected) throw unexpected.reason;
  } finally {
    if (ownTransport) transport.close();
  }
  // Cancelled, out of time or stopped by throttling: what was not checked must not look verified.
  const reason = stopReason ?? cancelledReason();
  for (const index of inProgress) record({ mailbox: mailboxes[index], status: 'not-checked', reason }, index);
  for (let index = next; index < mailboxes.length; index++) record({ mailbox: mailboxes[index], status: 'not-checked', reason }, index);
  return report;
}
