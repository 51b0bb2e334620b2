/**
 * Which answers are throttling, the way Exchange signals it, and how long each asks us to wait.
 * Source: Microsoft, "EWS throttling in Exchange"
 * (https://learn.microsoft.com/exchange/client-developer/exchange-web-services/ews-throttling-in-exchange),
 * Table 3 (throttling error codes) and Table 4 (HTTP status codes of throttling errors):
 * - ErrorExceededConnectionCount: more requests of the account in flight than EWSMaxConcurrency
 *   allows. Field reports (OfficeDev/ews-managed-api#293, exchangelib#279, #855) show MessageXml
 *   values Policy=MaxConcurrency, MaxConcurrencyLimit=27 and "Suggested backoff time 0 ms": usually
 *   no BackOffMilliseconds, so the answer means "retry once your other requests have completed".
 * - ErrorServerBusy (HTTP 500): a time budget is spent; BackOffMilliseconds is "the amount of time it
 *   should wait until it should resubmit the request": all of it is waited, never capped.
 * - HTTP 200 with ErrorInternalServerError whose MessageXml names InnerErrorResponseCode=ErrorServerBusy:
 *   the same throttling, wrapped (exchangelib's services/common.py unwraps InnerErrorResponseCode the same way).
 * - HTTP 503: requests are queuing in IIS; "the client should delay sending additional requests".
 *   Retry-After (RFC 9110 section 10.2.3: seconds or an HTTP date) is honoured when present.
 * Each of these is a reason to wait and retry, never a verdict on the mailbox.
 */
import type { CallFailure } from './failure';
import * as l10n from '../l10n';

export type ThrottleSignal =
  /** EWSMaxConcurrency reached; `limit` is MaxConcurrencyLimit when the server said it. */
  | { kind: 'connections'; waitMs: number; stated: boolean; limit?: number }
  /** A time budget spent (ErrorServerBusy), bare or inside ErrorInternalServerError. */
  | { kind: 'busy'; waitMs: number; stated: boolean; inner: boolean }
  /** HTTP 503: requests queuing in IIS. */
  | { kind: 'queued'; waitMs: number; stated: boolean };

/**
 * ASSUMPTION: the wait for ErrorServerBusy without BackOffMilliseconds, and for a 503 without
 * Retry-After. Microsoft gives no figure for EWS; its ActiveSync protocol (MS-ASHTTP 3.1.5.2.3,
 * "HTTP Error 503") says to wait "a few seconds" when Retry-After is absent.
 */
export const UNSTATED_WAIT_MS = 1_000;

/** Retry-After as milliseconds from `now`: delay-seconds or an HTTP date; undefined when unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{1,8}$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names a weekday and GMT (RFC 9110 section 5.6.7); anything else is not one.
  if (!/GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function statedWait(backOffMs: number | undefined): { waitMs: number; stated: boolean } {
  return backOffMs !== undefined ? { waitMs: backOffMs, stated: true } : { waitMs: UNSTATED_WAIT_MS, stated: false };
}

/** A positive whole number from a MessageXml value; undefined for anything else. */
function limitValue(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,6}$/.test(text)) return undefined;
  const n = Number(text);
  return n > 0 ? n : undefined;
}

/** The throttling signal a failed call carries, or undefined when it is not throttling. */
export function throttleSignal(failure: CallFailure, now: number = Date.now()): ThrottleSignal | undefined {
  if (failure.kind === 'http') {
    if (failure.status !== 503) return undefined;
    const retryAfter = parseRetryAfter(failure.retryAfter, now);
    return retryAfter === undefined ? { kind: 'queued', waitMs: UNSTATED_WAIT_MS, stated: false } : { kind: 'queued', waitMs: retryAfter, stated: true };
  }
  if (failure.kind !== 'ews') return undefined;
  const { responseCode, details, backOffMs } = failure.error;
  if (responseCode === 'ErrorExceededConnectionCount') {
    // "Suggested backoff time 0 ms": no wait unless the server states one.
    const limit = limitValue(details?.MaxConcurrencyLimit);
    return { kind: 'connections', waitMs: backOffMs ?? 0, stated: backOffMs !== undefined, ...(limit !== undefined ? { limit } : {}) };
  }
  if (responseCode === 'ErrorServerBusy') return { kind: 'busy', ...statedWait(backOffMs), inner: false };
  if (responseCode === 'ErrorInternalServerError' && details?.InnerErrorResponseCode === 'ErrorServerBusy') {
    return { kind: 'busy', ...statedWait(backOffMs), inner: true };
  }
  return undefined;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** "throttled, retry after N s" and what the server said, for a result nobody retried. */
export function describeThrottle(signal: ThrottleSignal): string {
  switch (signal.kind) {
    case 'connections': {
      if (signal.waitMs > 0) {
        return signal.limit !== undefined
          ? l10n.t('throttled, retry after {0} s (ErrorExceededConnectionCount: too many requests of the service account in flight, limit {1}; the running calendar service shares this budget)', seconds(signal.waitMs), signal.limit)
          : l10n.t('throttled, retry after {0} s (ErrorExceededConnectionCount: too many requests of the service account in flight; the running calendar service shares this budget)', seconds(signal.waitMs));
      }
      return signal.limit !== undefined
        ? l10n.t('throttled, retry once its other requests have completed (ErrorExceededConnectionCount: too many requests of the service account in flight, limit {0}; the running calendar service shares this budget)', signal.limit)
        : l10n.t('throttled, retry once its other requests have completed (ErrorExceededConnectionCount: too many requests of the service account in flight; the running calendar service shares this budget)');
    }
    case 'busy':
      return signal.inner
        ? l10n.t("throttled, retry after {0} s (ErrorInternalServerError with inner ErrorServerBusy: the account's EWS time budget is spent)", seconds(signal.waitMs))
        : l10n.t("throttled, retry after {0} s (ErrorServerBusy: the account's EWS time budget is spent)", seconds(signal.waitMs));
    case 'queued':
      return l10n.t('throttled, retry after {0} s (HTTP 503: requests are queuing in IIS, or the EWS application pool is stopped)', seconds(signal.waitMs));
    default: {
      const unreachable: never = signal;
      return unreachable;
    }
  }
}
