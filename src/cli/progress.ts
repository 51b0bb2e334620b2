/**
 * Progress lines of the long commands (probe with --write or --mailboxes, autodiscover), and Ctrl+C.
 *
 * The lines go to stderr only, never to stdout, so `--json > report.json` stays one document: shown
 * when stderr is a terminal, or with --progress (a CI log). A line repeats at most every
 * LINE_INTERVAL_MS for the same kind of progress; the last count is always shown.
 *
 * Ctrl+C cancels the run through its run object (no half-written report, a write test's probe item
 * still deleted); the command then exits EXIT_CANCELLED, 128 + SIGINT's number as shells report it.
 */
import { estimateTimeLeft, mailboxProgressText, startRate, updateRate, type MailboxProgressCounts, type RateState } from '../core/pure/progress';
import type { CliIo } from './args';

export const EXIT_CANCELLED = 130;
export const LINE_INTERVAL_MS = 1_000;

export interface InterruptIo {
  /** Whether stderr is a terminal (progress shows by default there). */
  readonly stderrIsTTY?: boolean;
  /** Runs `handler` on Ctrl+C; returns the undo. Default: process SIGINT. Tests pass their own. */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

/** Listens for Ctrl+C (SIGINT) until the returned function is called. */
export function listenForInterrupt(io: InterruptIo, handler: () => void): () => void {
  if (io.onInterrupt) return io.onInterrupt(handler);
  process.once('SIGINT', handler);
  return () => { process.off('SIGINT', handler); };
}

/** Writes progress lines to stderr, or nothing when progress is off. */
export class ProgressLines {
  private rate: RateState;
  private lastLine = Number.NEGATIVE_INFINITY;

  constructor(private readonly io: CliIo, private readonly prefix: string, readonly enabled: boolean, private readonly clock: () => number = Date.now) {
    this.rate = startRate(clock());
  }

  /** A line that is always shown (a step). */
  line(text: string): void {
    if (this.enabled) this.io.stderr.write(`${this.prefix}: ${text}\n`);
  }

  /** Mailbox counts with the estimate; at most one line a second, and always the last. */
  mailboxes(counts: Pick<MailboxProgressCounts, 'checked' | 'total'> & Partial<MailboxProgressCounts>): void {
    const now = this.clock();
    this.rate = updateRate(this.rate, counts.checked, now);
    if (!this.enabled || (counts.checked < counts.total && now - this.lastLine < LINE_INTERVAL_MS)) return;
    this.lastLine = now;
    const timeLeftMs = estimateTimeLeft(this.rate, counts.total, now);
    this.line(mailboxProgressText({ ...counts, ...(timeLeftMs === undefined ? {} : { timeLeftMs }) }));
  }
}

/** Whether progress lines are shown: --progress, or stderr is a terminal. */
export function progressWanted(flag: boolean, io: InterruptIo): boolean {
  return flag || io.stderrIsTTY === true;
}
