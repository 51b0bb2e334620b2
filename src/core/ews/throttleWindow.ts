/**
 * How many EWS requests may be in flight at once when verifying many mailboxes, and when to send
 * none at all. Exchange throttles per service account ("EWS throttling in Exchange", Tables 3 and 4;
 * ./throttling reads the signals): past the account's EWSMaxConcurrency it answers
 * ErrorExceededConnectionCount, often naming the limit (MaxConcurrencyLimit) and asking for no wait;
 * a spent time budget is ErrorServerBusy with BackOffMilliseconds (bare, or inside
 * ErrorInternalServerError); IIS queuing is HTTP 503. After a back-off no request from the account
 * may be sent until it is over, including requests that were already waiting for a slot.
 *
 * The limit a server states is learned and never exceeded, whatever the user's concurrency
 * (`busy(level, wait, limit)`). It is an upper bound only: the account's slots are shared with the
 * running calendar service, so refusals below it still shrink the window to the level they came at
 * (another client holding 10 of 27 slots leaves 17; the window settles at 16-17). A 503 pauses
 * everyone (`pause()`) but leaves the window alone: IIS queuing says nothing about this account's
 * concurrency, and shrinking on each of them (one request in five in the bench) ran the window
 * down to 1.
 *
 * Adapted from TCP congestion control, with the numbers measured in bench/:
 * - Slow start from 8, one more slot per success (doubling per round trip), up to 27: the default
 *   EWSMaxConcurrency of Exchange 2013 and later. The window goes past 27 only after a quiet spell
 *   with no busy answer, then one slot per window's worth of successes (about one per round trip),
 *   so a raised limit is still found. Without that ceiling, slow start ran on to 64 before the first
 *   busy answer came back, and our count of requests in flight overshoots the server's (answers it
 *   has sent wait in our own queue), so halving left it above 27 and a second shared back-off
 *   followed: allowed 64 against a server limited to 27, 0.63 of the server's rate against 0.79
 *   with the ceiling (bench, interleaved runs).
 * - A busy answer during slow start halves the window from the level the refused request was sent
 *   at; after slow start it shrinks to one below that level. That level is remembered as a ceiling
 *   until the next quiet spell.
 */

export interface ThrottleWindowOptions {
  /** The most requests ever in flight (the user's concurrency setting). */
  max: number;
  /** The first window (capped at max). */
  initial?: number;
  /** Where slow start ends and growth becomes one per window of successes. */
  slowStartThreshold?: number;
  /** How long without a busy answer before the window may grow past a remembered ceiling. */
  quietMs?: number;
  now?: () => number;
  /** Waits `ms`, rejecting when the signal aborts (the caller's cancellation). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Exchange 2013 and later: EWSMaxConcurrency in the default throttling policy. */
export const EWS_DEFAULT_CONCURRENCY = 27;
const INITIAL_WINDOW = 8;
const QUIET_MS = 10_000;

export class ThrottleWindow {
  private windowSize: number;
  private slowStart: boolean;
  private ceiling: number;
  private lastBusyAt: number;
  private inFlight = 0;
  private successesSinceGrowth = 0;
  private pausedUntil = 0;
  /** The most the server allows (its MaxConcurrencyLimit), once it has said so. */
  private serverLimit = Infinity;
  private readonly waiting: (() => void)[] = [];
  private readonly max: number;
  private readonly threshold: number;
  private readonly quietMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: ThrottleWindowOptions) {
    this.max = Math.max(1, Math.floor(options.max));
    this.windowSize = Math.max(1, Math.min(this.max, options.initial ?? INITIAL_WINDOW));
    this.threshold = options.slowStartThreshold ?? EWS_DEFAULT_CONCURRENCY;
    this.slowStart = this.windowSize < Math.min(this.max, this.threshold);
    this.quietMs = options.quietMs ?? QUIET_MS;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep;
    // Until the server shows otherwise, treat the default policy's limit as if a request just past
    // it had been refused at the start: going beyond it waits for the same quiet spell.
    this.ceiling = this.threshold + 1;
    this.lastBusyAt = this.now();
  }

  /** The current window (for tests and traces). */
  get size(): number {
    return this.windowSize;
  }

  get inSlowStart(): boolean {
    return this.slowStart;
  }

  /** The limit the server stated (MaxConcurrencyLimit), or undefined before it has. */
  get learnedLimit(): number | undefined {
    return this.serverLimit === Infinity ? undefined : this.serverLimit;
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

  /**
   * A request sent at in-flight level `sentAtLevel` was refused for the account's concurrency or time
   * budget (ErrorExceededConnectionCount, ErrorServerBusy); `serverLimit` is the MaxConcurrencyLimit
   * the answer stated, if any.
   */
  busy(sentAtLevel: number, backOffMs: number, serverLimit?: number): void {
    const now = this.now();
    if (serverLimit !== undefined && serverLimit >= 1) this.serverLimit = Math.min(this.serverLimit, Math.floor(serverLimit));
    const shrunk = this.slowStart ? Math.floor(sentAtLevel / 2) : sentAtLevel - 1;
    this.windowSize = Math.max(1, Math.min(this.windowSize, shrunk, this.serverLimit));
    this.slowStart = false;
    this.ceiling = Math.min(this.ceiling, sentAtLevel);
    this.lastBusyAt = now;
    this.successesSinceGrowth = 0;
    this.pausedUntil = Math.max(this.pausedUntil, now + backOffMs);
  }

  /** No request may be sent for `ms` (an HTTP 503: IIS is queuing); the window is kept. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** A request was answered (anything but busy). */
  success(): void {
    if (this.ceiling !== Infinity && this.now() - this.lastBusyAt > this.quietMs) this.ceiling = Infinity;
    const room = this.windowSize < this.max && this.windowSize < this.serverLimit && this.windowSize + 1 < this.ceiling;
    // Counted only while the window may grow: once a ceiling lifts, growth waits for a fresh window
    // of successes rather than spending the ones counted while it was held.
    this.successesSinceGrowth = room ? this.successesSinceGrowth + 1 : 0;
    if (room && (this.slowStart || this.successesSinceGrowth >= this.windowSize)) {
      this.windowSize++;
      if (this.windowSize >= this.threshold) this.slowStart = false;
      this.successesSinceGrowth = 0;
      this.waiting.shift()?.();
    }
  }
}
