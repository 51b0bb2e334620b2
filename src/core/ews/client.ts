/**
 * The lean EWS path: requests built here (schema-valid, checked by the fake and by the unit tests),
 * sent over our transport, and every outcome sorted into one of a few kinds that probes turn into
 * verdicts. The many-mailbox check uses only this path (one request per mailbox); the probe engine
 * also uses it for the login and access checks, so that they and the mailbox check agree.
 */
import type { AccessMethod } from '../settings';
import { describeResponseCode } from './responseCodes';
import { firstError, parseEwsResponse, type EwsResponse, type ServerVersion } from './soap';
import { escapeXml } from './xml';
import { CLOSED_EARLY, TransportError, headerValue, type EwsTransport, type HttpResponse } from './transport';
import { remedy, type Remedy } from '../remedies';
import { errorText } from '../errors';
import { describeThrottle, throttleSignal } from './throttling';
import type { CallFailure } from './failure';
import * as l10n from '../l10n';

/** The failure type lives in ./failure.ts (the throttling rules read it too); callers keep importing it from here. */
export type { CallFailure } from './failure';

export interface EwsCredentials {
  upn: string;
  password: string;
}

export type CallOutcome =
  | { ok: true; response: EwsResponse; http: HttpResponse }
  | { ok: false; failure: CallFailure; serverVersion?: ServerVersion; http?: HttpResponse };

export interface CallOptions {
  /** Target mailbox for X-AnchorMailbox (routing) when impersonating. */
  anchorMailbox?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const SOAP_HEAD = '<?xml version="1.0" encoding="utf-8"?>'
  + '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
  + ' xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"'
  + ' xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">';

/** A whole request: RequestServerVersion Exchange2013 (A4B's floor) and, for impersonation, the target. */
export function soapEnvelope(bodyXml: string, impersonate?: string): string {
  const impersonation = impersonate
    ? `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${escapeXml(impersonate)}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
    : '';
  return `${SOAP_HEAD}<soap:Header><t:RequestServerVersion Version="Exchange2013"/>${impersonation}</soap:Header>`
    + `<soap:Body>${bodyXml}</soap:Body></soap:Envelope>`;
}

/** The access check: one calendar-view entry (ids only) of the mailbox, as the configured method reaches it. */
export function calendarAccessRequest(mailbox: string, method: AccessMethod, start: Date, end: Date): string {
  const folder = method === 'delegate'
    ? `<t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>${escapeXml(mailbox)}</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>`
    : '<t:DistinguishedFolderId Id="calendar"/>';
  const body = '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
    + `<m:CalendarView MaxEntriesReturned="1" StartDate="${start.toISOString()}" EndDate="${end.toISOString()}"/>`
    + `<m:ParentFolderIds>${folder}</m:ParentFolderIds></m:FindItem>`;
  return soapEnvelope(body, method === 'impersonation' ? mailbox : undefined);
}

/** The login check: the service account's own calendar folder, no impersonation. */
export function ownCalendarRequest(): string {
  return soapEnvelope('<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>'
    + '<m:FolderIds><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:GetFolder>');
}

export function basicAuthorization(credentials: EwsCredentials): string {
  return `Basic ${Buffer.from(`${credentials.upn}:${credentials.password}`, 'utf8').toString('base64')}`;
}

const LOCKED_OUT = /currently locked out|account is locked/i;

/** Sorts an HTTP response into success or one kind of failure. */
export function classifyResponse(http: HttpResponse): CallOutcome {
  const isXml = /xml/i.test(headerValue(http, 'content-type') ?? '') || http.body.trimStart().startsWith('<');
  if (http.status === 200 || (http.status === 500 && isXml)) {
    // XML declared as UTF-8 with bytes that are not UTF-8 is not well-formed: never read a lossy decoding of it.
    if (http.invalidUtf8) return { ok: false, http, failure: { kind: 'format', status: http.status, detail: l10n.t('the body is not valid UTF-8') } };
    let response: EwsResponse;
    try {
      response = parseEwsResponse(http.body);
    } catch (err) {
      return { ok: false, http, failure: { kind: 'format', status: http.status, detail: errorText(err) } };
    }
    const error = firstError(response);
    if (error) return { ok: false, http, serverVersion: response.serverVersion, failure: { kind: 'ews', error } };
    if (http.status !== 200) return { ok: false, http, failure: { kind: 'format', status: http.status, detail: l10n.t('a SOAP response without a recognisable error') } };
    return { ok: true, response, http };
  }
  const failure: CallFailure = { kind: 'http', status: http.status, location: headerValue(http, 'location'), lockedOut: http.status === 456 || LOCKED_OUT.test(http.body) };
  // A 503 is IIS queuing requests ("EWS throttling in Exchange", Table 4); Retry-After says for how long.
  const retryAfter = http.status === 503 ? headerValue(http, 'retry-after') : undefined;
  if (retryAfter !== undefined) failure.retryAfter = retryAfter;
  return { ok: false, http, failure };
}

/** One EWS call over the transport. Never throws for server answers; rethrows only cancellation. */
export async function callEws(transport: EwsTransport, url: string, credentials: EwsCredentials, xml: string, options: CallOptions = {}): Promise<CallOutcome> {
  const headers: Record<string, string> = {
    'Content-Type': 'text/xml; charset=utf-8',
    Accept: 'text/xml',
    Authorization: basicAuthorization(credentials),
  };
  if (options.anchorMailbox) headers['X-AnchorMailbox'] = options.anchorMailbox;
  try {
    const http = await transport.request({ url, method: 'POST', headers, body: xml, signal: options.signal, timeoutMs: options.timeoutMs });
    return classifyResponse(http);
  } catch (err) {
    if (err instanceof TransportError && err.kind !== 'aborted') return { ok: false, failure: { kind: 'transport', error: err } };
    throw err;
  }
}

export interface FailureDescription {
  message: string;
  remedy?: Remedy;
}

/** A request that got no usable HTTP answer, in words. */
export function describeTransportError(error: TransportError): string {
  switch (error.kind) {
    case 'timeout':
    case 'connectTimeout':
    case 'tooLarge':
    case 'aborted':
      return error.message;
    case 'tls':
      return l10n.t('TLS failed ({0}); see the tls.* checks', error.code ?? error.message);
    case 'network':
      if (error.code === CLOSED_EARLY) return error.message;
      return error.code === 'ECONNRESET' || /hang up|aborted/i.test(error.message)
        ? l10n.t('the server closed the connection before answering ({0})', error.code ?? error.message)
        : l10n.t('connection failed ({0})', error.code ?? error.message);
    default: {
      const unreachable: never = error.kind;
      return unreachable;
    }
  }
}

function formatWait(ms: number): string {
  return ms >= 60_000 ? l10n.t('{0} min', Math.round(ms / 60_000)) : ms >= 1000 ? l10n.t('{0} s', Math.round(ms / 1000)) : l10n.t('{0} ms', ms);
}

/** One place that turns a failed call into words and a remedy. */
export function describeFailure(failure: CallFailure, method?: AccessMethod): FailureDescription {
  // Throttling (ErrorExceededConnectionCount, ErrorServerBusy bare or wrapped, HTTP 503) is never a
  // verdict on access: it says so, and how long the server asked us to wait.
  const throttled = throttleSignal(failure);
  if (throttled) return { message: describeThrottle(throttled) };
  switch (failure.kind) {
    case 'transport':
      return { message: describeTransportError(failure.error) };
    case 'http': {
      if (failure.lockedOut) return { message: l10n.t('HTTP 401: the service account is locked out'), remedy: remedy('unlockAccount') };
      // Under Basic, IIS answers a disabled or locked-out account and an expired password with the same
      // 401 as a wrong password: Windows refuses the logon before EWS runs (Microsoft, "HTTP status code
      // in IIS 7 and later versions", 401.1 "Logon failed"). A locked-out body is told apart above.
      if (failure.status === 401) {
        return {
          message: l10n.t('HTTP 401: the server refused the service account name or password (the same answer comes when the account is disabled, locked out or its password has expired)'),
          remedy: remedy('checkPassword'),
        };
      }
      if (failure.status >= 300 && failure.status < 400) {
        const generic = /genericerrorpage/i.test(failure.location ?? '');
        return generic
          ? { message: l10n.t('HTTP {0} to the EWS generic error page: the account could log on but EWS cannot serve it (no mailbox, disabled, or its password must change)', failure.status), remedy: remedy('createServiceAccount') }
          : { message: failure.location === undefined
            ? l10n.t('HTTP {0} redirect to (no location): EWS should answer directly; check the EWS URL', failure.status)
            : l10n.t('HTTP {0} redirect to {1}: EWS should answer directly; check the EWS URL', failure.status, failure.location) };
      }
      if (failure.status === 503) return { message: l10n.t('HTTP 503: EWS is unavailable (the server is overloaded or the EWS application pool is stopped)') };
      if (failure.status === 404) return { message: l10n.t('HTTP 404: no EWS at this URL; it is usually https://<host>/EWS/Exchange.asmx') };
      return { message: l10n.t('HTTP {0} from EWS', failure.status) };
    }
    case 'ews': {
      const meaning = describeResponseCode(failure.error.responseCode, method);
      const code = failure.error.responseCode;
      const message = failure.error.backOffMs !== undefined
        ? l10n.t('{0}: {1} (it asked for {2})', code, meaning.text, formatWait(failure.error.backOffMs))
        : `${code}: ${meaning.text}`;
      return { message, remedy: meaning.remedy ? remedy(meaning.remedy) : undefined };
    }
    case 'format':
      return { message: l10n.t('HTTP {0} with a response that is not valid EWS XML ({1})', failure.status, failure.detail) };
    case 'library':
      return { message: l10n.t('HTTP {0} with an EWS answer that the EWS library could not read ({1}); please report it with the probe report', failure.status, failure.detail) };
    default: {
      const unreachable: never = failure;
      return unreachable;
    }
  }
}

/** Node's timers fire at once past this (about 24.8 days); longer waits are made of several. */
const MAX_TIMER_MS = 2_147_483_647;

/** Waits all of `ms`, however long, but wakes with a rejection when cancelled. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new TransportError('aborted', 'Cancelled'));
      return;
    }
    const until = Date.now() + ms;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new TransportError('aborted', 'Cancelled'));
    };
    const arm = (): void => {
      const left = until - Date.now();
      if (left <= 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

/**
 * Runs `attempt` again while the server throttles it (./throttling): at most 3 retries, each after the
 * full wait the server asked for, and none whose wait would outlast `timeLeft()` when given (then the
 * throttled answer is the result, and describeFailure says "throttled, retry after N s").
 */
export async function retryWhileBusy<T>(
  attempt: () => Promise<T>,
  busyWait: (result: T) => number | undefined,
  signal: AbortSignal | undefined,
  options: { timeLeft?: () => number; onBusy?: (waitMs: number) => void } = {},
): Promise<T> {
  for (let retries = 0; ; retries++) {
    const result = await attempt();
    const wait = busyWait(result);
    if (wait === undefined || retries >= 3 || (options.timeLeft !== undefined && wait >= options.timeLeft())) return result;
    options.onBusy?.(wait);
    await sleep(wait, signal);
  }
}

/**
 * ASSUMPTION: how long a single request (a probe, not the many-mailbox window) waits before retrying
 * an ErrorExceededConnectionCount that states no back-off. The slots are held by other requests of
 * the account (usually the running calendar service); Microsoft says only to retry once they have
 * completed, which a lone request cannot observe.
 */
export const CONNECTION_RETRY_MS = 500;

/** How long to wait before retrying a throttled call; undefined when the outcome is not throttling. */
export function throttledWait(outcome: CallOutcome): number | undefined {
  if (outcome.ok) return undefined;
  const throttled = throttleSignal(outcome.failure);
  if (!throttled) return undefined;
  return throttled.kind === 'connections' && !throttled.stated ? CONNECTION_RETRY_MS : throttled.waitMs;
}
