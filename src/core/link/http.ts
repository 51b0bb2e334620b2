/**
 * A generic target: POSTs `{ ewsUrl, upn, accessMethod, password }` as JSON to an https URL the
 * admin configured (a machine-scoped setting), with an optional Authorization header value the host
 * keeps in SecretStorage. The request goes through the EWS transport, so trust (public roots plus
 * the optional extra CA), timeouts and cancellation behave as everywhere else; redirects are not
 * followed, because following one would resend the password to a place nobody configured.
 */
import * as l10n from '../l10n';
import { EwsTransport, toTransportError, type HttpResponse } from '../ews/transport';
import type { HttpsRequester } from '../autodiscover';
import { cancelledLink, runLink } from './run';
import { redact } from '../redact';
import type { LinkContext, LinkOutcome, LinkRequest, LinkTarget } from './types';
import { errorText } from '../errors';

export const DEFAULT_HTTP_LINK_TIMEOUT_MS = 30_000;
/** How much of the answer is kept for display. */
export const HTTP_LINK_BODY_LIMIT = 4 * 1024;
/** How far past the display limit the body is redacted: longer than any encoded form of a secret. */
const REDACTION_MARGIN = 16 * 1024;
/** Answers beyond this are not read at all. */
const HTTP_LINK_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface HttpTargetOptions {
  url: string;
  /** The Authorization header value, from SecretStorage; undefined sends none. */
  authorization?: () => Promise<string | undefined>;
  /** Default: an EwsTransport with the options below, closed after the request. */
  transport?: HttpsRequester;
  extraCaPem?: string;
  timeoutMs?: number;
}

/** Why the URL cannot be used for the link, or undefined when it can. */
export function httpLinkUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return l10n.t('The link URL {0} is not a URL.', JSON.stringify(value));
  }
  if (url.protocol !== 'https:') {
    return l10n.t("The link URL must use https, not {0}: the request carries the service account's password, which must only travel over TLS.", url.protocol.replace(/:$/, ''));
  }
  if (url.username !== '' || url.password !== '') return l10n.t('The link URL has a user name or password in it; put credentials in the authorization header instead.');
  return undefined;
}

/** The body as text for display, cut at HTTP_LINK_BODY_LIMIT bytes on a character boundary. */
export function truncateBody(body: string): { body: string; truncated: boolean } {
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length <= HTTP_LINK_BODY_LIMIT) return { body, truncated: false };
  // Decoding a cut buffer may end in a replacement character; drop it.
  return { body: bytes.subarray(0, HTTP_LINK_BODY_LIMIT).toString('utf8').replace(/\uFFFD$/, ''), truncated: true };
}

export function createHttpTarget(options: HttpTargetOptions): LinkTarget {
  return {
    id: 'http',
    title: l10n.t('HTTP endpoint'),
    describe: () => l10n.t('Sends the EWS URL, service account, access method and password as JSON to {0} over https, after the same validation the service ran at link time, and shows the answer. Only a 2xx answer counts as linked.', options.url),
    async link(request: LinkRequest, context: LinkContext): Promise<LinkOutcome> {
      const urlProblem = httpLinkUrlProblem(options.url);
      // Refused before validation: no password-carrying step runs towards an unusable URL.
      if (urlProblem) return { ok: false, stage: 'link', failureReason: urlProblem };
      let authorization: string | undefined;
      try {
        authorization = await options.authorization?.();
      } catch (err) {
        return { ok: false, stage: 'link', failureReason: l10n.t('The authorization header could not be read from secret storage: {0}', errorText(err)) };
      }
      return runLink(context, [request.password, authorization], async () => {
        const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', Accept: 'application/json, text/plain, */*' };
        if (authorization !== undefined && authorization !== '') headers.Authorization = authorization;
        const body = JSON.stringify({ ewsUrl: request.ewsUrl, upn: request.upn, accessMethod: request.accessMethod, password: request.password });
        const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_LINK_TIMEOUT_MS;
        const own = options.transport ? undefined
          : new EwsTransport({ extraCaPem: options.extraCaPem, requestTimeoutMs: timeoutMs, maxResponseBytes: HTTP_LINK_MAX_RESPONSE_BYTES });
        let response: HttpResponse;
        try {
          response = await (options.transport ?? (own as EwsTransport)).request({
            url: options.url, method: 'POST', headers, body, signal: context.signal, timeoutMs,
          });
        } catch (err) {
          const failure = toTransportError(err);
          if (failure.kind === 'aborted') return cancelledLink();
          const why = failure.kind === 'timeout' || failure.kind === 'connectTimeout' ? l10n.t('no answer within {0} ms', timeoutMs) : failure.message;
          return { ok: false, stage: 'link', failureReason: l10n.t('The link service at {0} could not be reached: {1}.', options.url, why) };
        } finally {
          own?.close();
        }
        // Redacted before the cut: a secret cut in two at the limit would leave its first half behind.
        // Only a margin past the limit is read (redaction decodes, which costs time on a long body).
        const head = response.body.slice(0, HTTP_LINK_BODY_LIMIT + REDACTION_MARGIN);
        const cut = truncateBody(redact(head, [request.password, authorization]));
        const shown = { body: cut.body, truncated: cut.truncated || head.length < response.body.length };
        const ok = response.status >= 200 && response.status < 300;
        const redirect = response.status >= 300 && response.status < 400;
        const answered = `HTTP ${response.status} ${response.statusText}`.trimEnd();
        return {
          ok,
          stage: 'link',
          failureReason: ok ? undefined : redirect
            ? l10n.t('The link service answered {0} (redirects are not followed, so the password is not resent elsewhere).', answered)
            : l10n.t('The link service answered {0}.', answered),
          details: { target: 'http', url: options.url, status: response.status, statusText: response.statusText, body: shown.body, bodyTruncated: shown.truncated },
        };
      });
    },
  };
}
