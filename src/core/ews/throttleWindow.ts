/**
 * How many EWS requests may be in flight at once when verifying many mailboxes, and when to send
 * none at all. Exchange throttles per service account: past the account's concurrency budget it
 * answers ErrorServerBusy with BackOffMilliseconds, and then no request from that account may be
 * sent until the back-off is over, including requests that were already waiting for a slot.
 *
 * Adapted from TCP congestion control: slow start from 8, one more slot per success, until the
 * first busy answer, which halves the window from the level the refused request was sent at (our
 * count of requests in flight overshoots the server's: answers it has sent wait in our own queue);
 * later busy answers shrink it to one below that level. That level is remembered as a ceiling until
 * a quiet spell with no busy answer; below it the window grows one slot per window's worth of
 * successes.
 */

export interface ThrottleWindowOptions {
  /** The most requests ever in flight (the user's concurrency setting). */
  max: number;
  /** The first window (capped at max). */
  initial?: number;
  /** How long without a busy answer before the window may grow past a remembered ceiling. */
  quietMs?: number;
  now?: () => number;
  /** Waits `ms`, rejecting when the signal aborts (the caller's cancellation). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const INITIAL_WINDOW = 8;
const QUIET_MS = 10_000;

export class ThrottleWindow {
  private windowSize: number;
  private slowStart: boolean;
  private ceiling = Infinity;
  private lastBusyAt = -Infinity;
  private inFlight = 0;
  private successesSinceGrowth = 0;
  private pausedUntil = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly max: number;
  private readonly quietMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: ThrottleWindowOptions) {
    this.max = Math.max(1, Math.floor(options.max));
    this.windowSize = Math.max(1, Math.min(this.max, options.initial ?? INITIAL_WINDOW));
    this.slowStart = this.windowSize < this.max;
    this.quietMs = options.quietMs ?? QUIET_MS;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep;
  }

  /** The current window (for tests and traces). */
  get size(): number {
    return this.windowSize;
  }

  get inSlowStart(): boolean {
    return this.slowStart;
  }

  /**
   * Waits until no back-off is running and a slot is free, then takes the slot. Resolves with the
   * number in flight including this request, which `busy()` needs if the request is refused.
   */
  async acquire(signal?: AbortSignal): Promise<number> {
    for (;;) {
      const wait = this.pausedUntil - this.now();
      if (wait > 0) await this.sleep(wait, signal);
      else if (this.inFlight < this.windowSize) return ++this.inFlight;
      else await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  /** Gives back a slot taken by `acquire()`, whatever the request's outcome. */
  release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  /** A request sent at in-flight level `sentAtLevel` was answered ErrorServerBusy. */
  busy(sentAtLevel: number, backOffMs: number): void {
    const now = this.now();
    const shrunk = this.slowStart ? Math.floor(sentAtLevel / 2) : sentAtLevel - 1;
    this.windowSize = Math.max(1, Math.min(this.windowSize, shrunk));
    this.slowStart = false;
    this.ceiling = Math.min(this.ceiling, sentAtLevel);
    this.lastBusyAt = now;
    this.successesSinceGrowth = 0;
    this.pausedUntil = Math.max(this.pausedUntil, now + backOffMs);
  }

  /** A request was answered (anything but busy). */
  success(): void {
    if (this.ceiling !== Infinity && this.now() - this.lastBusyAt > this.quietMs) this.ceiling = Infinity;
    const room = this.windowSize < this.max && this.windowSize + 1 < this.ceiling;
    // Counted only while the window may grow: once a ceiling lifts, growth waits for a fresh window
    // of successes rather than spending the ones counted while it was held.
    this.successesSinceGrowth = room ? this.successesSinceGrowth + 1 : 0;
    if (room && (this.slowStart || this.successesSinceGrowth >= this.windowSize)) {
      this.windowSize++;
      this.successesSinceGrowth = 0;
      this.waiting.shift()?.();
    }
  }
}
