/**
 * Progress of long runs, shared by the panel and the CLI: counts in words and, for mailbox
 * verification, an estimate of the time left from a smoothed rate.
 *
 * The estimate is a pure function of the results seen so far and the clock (passed in), so the
 * tests drive it with made-up times. Its rules:
 * - no estimate before MIN_RESULTS results and MIN_ELAPSED_MS since the start: the first answers
 *   include connection set-up and say little about the rate;
 * - the rate is smoothed over windows of at least WINDOW_MS (an exponential moving average), so
 *   a burst of answers in the same millisecond cannot make it infinite;
 * - a throttling pause (no answers for a while) is a window with a low rate: the estimate grows
 *   after it instead of staying optimistic, and grows while the pause lasts (the open window counts);
 * - the answer is undefined or a finite, non-negative number of milliseconds, 0 when all are done.
 */

import * as l10n from '../l10n';
export const MIN_RESULTS = 5;
export const MIN_ELAPSED_MS = 2_000;
export const WINDOW_MS = 500;
/** Weight of the newest window in the moving average. */
export const SMOOTHING = 0.3;

export interface RateState {
  readonly startedAt: number;
  /** Start of the window being filled, and the count at that moment. */
  readonly windowAt: number;
  readonly windowDone: number;
  /** Results per millisecond, smoothed; undefined until the first full window. */
  readonly rate?: number;
  /** The latest count and when it was seen. */
  readonly done: number;
  readonly at: number;
}

export function startRate(at: number): RateState {
  return { startedAt: at, windowAt: at, windowDone: 0, done: 0, at };
}

/** The state after `done` results at time `at` (a count that goes back or a clock that goes back is ignored). */
export function updateRate(state: RateState, done: number, at: number): RateState {
  if (!Number.isFinite(done) || !Number.isFinite(at) || done < state.done || at < state.at) return state;
  const span = at - state.windowAt;
  if (span < WINDOW_MS) return { ...state, done, at };
  const windowRate = (done - state.windowDone) / span;
  const rate = state.rate === undefined ? windowRate : SMOOTHING * windowRate + (1 - SMOOTHING) * state.rate;
  return { ...state, windowAt: at, windowDone: done, rate, done, at };
}

/** Milliseconds left for `total` results, or undefined while there is too little to go on. */
export function estimateTimeLeft(state: RateState, total: number, now: number): number | undefined {
  if (!Number.isFinite(total) || total <= 0) return undefined;
  const left = total - state.done;
  if (left <= 0) return 0;
  if (state.done < MIN_RESULTS || state.at - state.startedAt < MIN_ELAPSED_MS) return undefined;
  // The window still open (up to now) counts too: during a throttling pause its rate falls, so the
  // estimate grows instead of counting down to "a few seconds" while nothing moves.
  const rate = updateRate(state, state.done, Math.max(now, state.at)).rate;
  if (rate === undefined || !Number.isFinite(rate) || rate <= 0) return undefined;
  const estimate = left / rate;
  return Number.isFinite(estimate) ? Math.max(0, Math.round(estimate)) : undefined;
}

/** "about 3 min left", "about 40 s left", "a few seconds left"; '' for no estimate or nothing left. */
export function timeLeftText(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return '';
  if (ms < 5_000) return l10n.t('a few seconds left');
  if (ms < 90_000) return l10n.t('about {0} s left', Math.round(ms / 5_000) * 5);
  if (ms < 90 * 60_000) return l10n.t('about {0} min left', Math.round(ms / 60_000));
  return l10n.t('about {0} h left', Math.round(ms / 3_600_000));
}

/** Counts of a mailbox verification so far. */
export interface MailboxProgressCounts {
  checked: number;
  total: number;
  verified: number;
  denied: number;
  notFound: number;
  notChecked: number;
}

/** The mailbox outcomes a progress line counts. */
export type MailboxOutcome = 'verified' | 'denied' | 'not-found' | 'not-checked';

/** Adds one finished mailbox to the counts so far (one place for the three run paths that count). */
export function countMailboxOutcome(counts: Pick<MailboxProgressCounts, 'verified' | 'denied' | 'notFound' | 'notChecked'>, status: MailboxOutcome): void {
  switch (status) {
    case 'verified': counts.verified++; break;
    case 'denied': counts.denied++; break;
    case 'not-found': counts.notFound++; break;
    case 'not-checked': counts.notChecked++; break;
  }
}

/** "120 of 500 mailboxes checked (118 verified, 1 denied, 1 not found), about 2 min left"; without counts, only the first part. */
export function mailboxProgressText(p: Pick<MailboxProgressCounts, 'checked' | 'total'> & Partial<MailboxProgressCounts> & { timeLeftMs?: number }): string {
  const { verified, denied, notFound, notChecked = 0 } = p;
  const parts = verified === undefined || denied === undefined || notFound === undefined ? []
    : [l10n.t('{0} verified', verified), l10n.t('{0} denied', denied), l10n.t('{0} not found', notFound), ...(notChecked > 0 ? [l10n.t('{0} not checked', notChecked)] : [])];
  const left = timeLeftText(p.timeLeftMs);
  const checked = l10n.t('{0} of {1} mailboxes checked', p.checked, p.total);
  const counted = parts.length ? l10n.t('{0} ({1})', checked, parts.join(l10n.t(', '))) : checked;
  return left ? l10n.t('{0}, {1}', counted, left) : counted;
}

/** A write-test step's name in words (the step ids stay English in events and reports). */
function writeStepName(step: WriteStep): string {
  switch (step) {
    case 'create': return l10n.t('create');
    case 'confirm': return l10n.t('confirm');
    case 'delete': return l10n.t('delete');
    case 'confirm gone': return l10n.t('confirm gone');
  }
}

/** The write test's steps, in order. */
export const WRITE_STEPS = ['create', 'confirm', 'delete', 'confirm gone'] as const;
export type WriteStep = (typeof WRITE_STEPS)[number];

/** "Write test: step 2 of 4 (confirm)". */
export function writeStepText(step: WriteStep): string {
  return l10n.t('Write test: step {0} of {1} ({2})', WRITE_STEPS.indexOf(step) + 1, WRITE_STEPS.length, writeStepName(step));
}

/** "Autodiscover: candidate 2 of 4 (https://...)". */
export function autodiscoverProgressText(p: { tried: number; total: number; url: string }): string {
  return l10n.t('Autodiscover: candidate {0} of {1} ({2})', p.tried, p.total, p.url);
}
