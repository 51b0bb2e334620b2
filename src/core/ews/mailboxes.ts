/**
 * Verifying access to many mailboxes: the same calendar check as the access probe, one request per
 * mailbox over a shared keep-alive connection pool, with bounded concurrency. When the server says
 * it is busy, every worker pauses (one shared back-off), because throttling is per service account,
 * not per mailbox; ./throttleWindow decides how many requests are in flight. Requests are built and parsed by the lean path in ./client (measured: the
 * library's per-request cost would dominate the CPU budget of ~2 ms per mailbox).
 */
import type { AccessMethod } from '../settings';
import { MAX_BACKOFF_MS, calendarAccessRequest, callEws, describeFailure, isServerBusy, sleep, type EwsCredentials } from './client';
import { ThrottleWindow } from './throttleWindow';
import { DirectEwsTransport } from './directTransport';
import { TransportError, type EwsTransport } from './transport';

export interface MailboxListProblem {
  line: number;
  text: string;
  reason: string;
}

export interface MailboxList {
  mailboxes: string[];
  problems: MailboxListProblem[];
}

export interface MailboxReport {
  checked: number;
  ok: number;
  failed: { mailbox: string; reason: string }[];
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
      problems.push({ line, text: raw.trim(), reason: 'not an SMTP address (expected one address like alice@contoso.com per line)' });
      return;
    }
    const key = value.toLowerCase();
    const seen = firstLine.get(key);
    if (seen !== undefined) {
      problems.push({ line, text: raw.trim(), reason: `duplicate of line ${seen}` });
      return;
    }
    firstLine.set(key, line);
    mailboxes.push(value);
  });
  return { mailboxes, problems };
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
  onProgress?: (checked: number, total: number) => void;
  /** Reuse a run's transport (and its connections); otherwise one is made and closed here. */
  transport?: EwsTransport;
  requestTimeoutMs?: number;
  now?: () => Date;
}

export const DEFAULT_MAILBOX_CONCURRENCY = 8;
const MAX_BUSY_RETRIES = 10;

export async function verifyMailboxes(config: MailboxCheckConfig, mailboxes: readonly string[], options: VerifyOptions = {}): Promise<MailboxReport> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_MAILBOX_CONCURRENCY, 64));
  const ownTransport = options.transport === undefined;
  const transport = options.transport ?? new DirectEwsTransport({ extraCaPem: config.extraCaPem, maxSockets: concurrency });
  const credentials: EwsCredentials = { upn: config.upn, password: config.password };
  const now = options.now ?? (() => new Date());
  const report: MailboxReport = { checked: 0, ok: 0, failed: [] };
  const finished = new Set<string>();
  let next = 0;
  const viewStart = now();
  const viewEnd = new Date(viewStart.getTime() + 86_400_000);
  const window = new ThrottleWindow({ max: concurrency, sleep });

  const checkOne = async (mailbox: string): Promise<void> => {
    const xml = calendarAccessRequest(mailbox, config.accessMethod, viewStart, viewEnd);
    const anchor = config.accessMethod === 'impersonation' ? mailbox : undefined;
    for (let attempt = 0; ; attempt++) {
      const sentAtLevel = await window.acquire(options.signal);
      let outcome;
      try {
        outcome = await callEws(transport, config.ewsUrl, credentials, xml, { anchorMailbox: anchor, signal: options.signal, timeoutMs: options.requestTimeoutMs });
      } finally {
        window.release();
      }
      const backOff = isServerBusy(outcome);
      if (backOff !== undefined && attempt < MAX_BUSY_RETRIES) {
        window.busy(sentAtLevel, Math.min(backOff, MAX_BACKOFF_MS));
        continue;
      }
      window.success();
      report.checked++;
      finished.add(mailbox);
      if (outcome.ok) report.ok++;
      else report.failed.push({ mailbox, reason: describeFailure(outcome.failure, config.accessMethod).message });
      options.onProgress?.(report.checked, mailboxes.length);
      return;
    }
  };

  const worker = async (): Promise<void> => {
    while (next < mailboxes.length) {
      const mailbox = mailboxes[next++];
      await checkOne(mailbox);
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
  if (report.checked < mailboxes.length) {
    // Cancelled or out of time: what was not checked must not look verified.
    for (const mailbox of mailboxes) {
      if (!finished.has(mailbox)) report.failed.push({ mailbox, reason: 'not checked: the run was cancelled or ran out of time' });
    }
  }
  return report;
}
