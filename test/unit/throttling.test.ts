import * as assert from 'node:assert/strict';
import { CONNECTION_RETRY_MS, classifyResponse, describeFailure, retryWhileBusy, throttledWait, type CallFailure, type CallOutcome } from '../../src/core/ews/client';
import { classifyMailboxOutcome, mailboxFailures, notCheckedMailboxes, readRecheckList } from '../../src/core/ews/mailboxes';
import { UNSTATED_WAIT_MS, describeThrottle, parseRetryAfter, throttleSignal } from '../../src/core/ews/throttling';
import { TransportError } from '../../src/core/ews/transport';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const T = 'http://schemas.microsoft.com/exchange/services/2006/types';

function envelope(body: string): string {
  return '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">'
    + `<s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="2562" MinorBuildNumber="17" xmlns:h="${T}"/></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}
const values = (pairs: [string, string][]): string => pairs.map(([n, v]) => `<t:Value Name="${n}">${v}</t:Value>`).join('');
function fault(code: string, pairs: [string, string][] = []): string {
  return envelope(`<s:Fault><faultcode xmlns:a="${T}">a:${code}</faultcode><faultstring>x</faultstring><detail>`
    + `<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${code}</e:ResponseCode>`
    + `<t:MessageXml xmlns:t="${T}">${values(pairs)}</t:MessageXml></detail></s:Fault>`);
}
function message(code: string, pairs: [string, string][] = []): string {
  return envelope(`<m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="${T}"><m:ResponseMessages>`
    + `<m:FindItemResponseMessage ResponseClass="Error"><m:MessageText>x</m:MessageText><m:ResponseCode>${code}</m:ResponseCode>`
    + `<m:MessageXml>${values(pairs)}</m:MessageXml></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>`);
}
function outcome(status: number, body: string, headers: Record<string, string[]> = {}): CallOutcome {
  return classifyResponse({ status, statusText: '', headers: { 'content-type': ['text/xml; charset=utf-8'], ...headers }, body });
}
function failureOf(o: CallOutcome): CallFailure {
  assert.equal(o.ok, false);
  return (o as Extract<CallOutcome, { ok: false }>).failure;
}

// "EWS throttling in Exchange", Tables 3 and 4, and the field reports quoted in throttling.ts.
describe('throttling signals as Exchange sends them', () => {
  it('reads ErrorExceededConnectionCount with Policy and MaxConcurrencyLimit and no back-off, in either shape', () => {
    const pairs: [string, string][] = [['Policy', 'MaxConcurrency'], ['MaxConcurrencyLimit', '27'], ['ErrorMessage', 'Suggested backoff time 0 ms.']];
    for (const body of [fault('ErrorExceededConnectionCount', pairs), message('ErrorExceededConnectionCount', pairs)]) {
      const status = body.includes('Fault') ? 500 : 200;
      assert.deepEqual(throttleSignal(failureOf(outcome(status, body)), NOW), { kind: 'connections', waitMs: 0, stated: false, limit: 27 });
    }
    assert.deepEqual(throttleSignal(failureOf(outcome(500, fault('ErrorExceededConnectionCount', [['BackOffMilliseconds', '750']]))), NOW),
      { kind: 'connections', waitMs: 750, stated: true }, 'a stated back-off is kept; no limit when none is named');
    for (const bad of ['0', '-3', 'many', '1234567']) {
      assert.equal((throttleSignal(failureOf(outcome(500, fault('ErrorExceededConnectionCount', [['MaxConcurrencyLimit', bad]]))), NOW) as { limit?: number }).limit, undefined, bad);
    }
  });

  it('reads ErrorServerBusy with its BackOffMilliseconds in full, however long', () => {
    assert.deepEqual(throttleSignal(failureOf(outcome(500, fault('ErrorServerBusy', [['BackOffMilliseconds', '600000']]))), NOW), { kind: 'busy', waitMs: 600_000, stated: true, inner: false });
    assert.deepEqual(throttleSignal(failureOf(outcome(500, fault('ErrorServerBusy'))), NOW), { kind: 'busy', waitMs: UNSTATED_WAIT_MS, stated: false, inner: false });
  });

  it('reads HTTP 200 ErrorInternalServerError with InnerErrorResponseCode ErrorServerBusy as throttling, and no other inner code', () => {
    const inner = message('ErrorInternalServerError', [['InnerErrorMessageText', 'busy'], ['InnerErrorResponseCode', 'ErrorServerBusy'], ['BackOffMilliseconds', '300']]);
    assert.deepEqual(throttleSignal(failureOf(outcome(200, inner)), NOW), { kind: 'busy', waitMs: 300, stated: true, inner: true });
    assert.equal(throttleSignal(failureOf(outcome(200, message('ErrorInternalServerError', [['InnerErrorResponseCode', 'ErrorInvalidLicense']]))), NOW), undefined);
    assert.equal(throttleSignal(failureOf(outcome(200, message('ErrorInternalServerError'))), NOW), undefined);
  });

  it('reads HTTP 503 with Retry-After in seconds or as a date, and without it', () => {
    const html = { 'content-type': ['text/html'] };
    assert.deepEqual(throttleSignal(failureOf(outcome(503, '<html/>', { ...html, 'retry-after': ['30'] })), NOW), { kind: 'queued', waitMs: 30_000, stated: true });
    assert.deepEqual(throttleSignal(failureOf(outcome(503, '<html/>', { ...html, 'retry-after': ['Mon, 07 Dec 2026 10:02:00 GMT'] })), NOW), { kind: 'queued', waitMs: 120_000, stated: true });
    assert.deepEqual(throttleSignal(failureOf(outcome(503, '<html/>', html)), NOW), { kind: 'queued', waitMs: UNSTATED_WAIT_MS, stated: false });
    assert.deepEqual(throttleSignal(failureOf(outcome(503, '<html/>', { ...html, 'retry-after': ['soon'] })), NOW), { kind: 'queued', waitMs: UNSTATED_WAIT_MS, stated: false });
  });

  it('parses Retry-After strictly', () => {
    assert.equal(parseRetryAfter(' 0 ', NOW), 0);
    assert.equal(parseRetryAfter('Mon, 07 Dec 2026 09:00:00 GMT', NOW), 0, 'a date in the past means now');
    for (const bad of [undefined, '', '-1', '1.5', '123456789', 'tomorrow', 'Mon, 07 Dec 2026 10:02:00', 'Xyz, 99 Foo 2026 GMT']) assert.equal(parseRetryAfter(bad, NOW), undefined, String(bad));
  });

  it('does not take other answers for throttling', () => {
    assert.equal(throttleSignal(failureOf(outcome(500, fault('ErrorImpersonateUserDenied'))), NOW), undefined);
    assert.equal(throttleSignal(failureOf(outcome(500, '<html>oops</html>', { 'content-type': ['text/html'] })), NOW), undefined);
    assert.equal(throttleSignal({ kind: 'transport', error: new TransportError('timeout', 'timed out') }, NOW), undefined);
    assert.equal(throttleSignal({ kind: 'format', status: 200, detail: 'x' }, NOW), undefined);
  });

  it('says throttled, retry after N s and what the server said', () => {
    assert.equal(describeThrottle({ kind: 'busy', waitMs: 600_000, stated: true, inner: false }), 'throttled, retry after 600 s (ErrorServerBusy: the account\'s EWS time budget is spent)');
    assert.equal(describeThrottle({ kind: 'busy', waitMs: 1, stated: true, inner: true }), 'throttled, retry after 1 s (ErrorInternalServerError with inner ErrorServerBusy: the account\'s EWS time budget is spent)');
    assert.equal(describeThrottle({ kind: 'busy', waitMs: 1001, stated: true, inner: false }).slice(0, 29), 'throttled, retry after 2 s (E');
    assert.equal(describeThrottle({ kind: 'connections', waitMs: 0, stated: false, limit: 27 }),
      'throttled, retry once its other requests have completed (ErrorExceededConnectionCount: too many requests of the service account in flight, limit 27; the running calendar service shares this budget)');
    assert.match(describeThrottle({ kind: 'connections', waitMs: 5000, stated: true }), /^throttled, retry after 5 s \(ErrorExceededConnectionCount: too many requests of the service account in flight; /);
    assert.equal(describeThrottle({ kind: 'queued', waitMs: 30_000, stated: true }), 'throttled, retry after 30 s (HTTP 503: requests are queuing in IIS, or the EWS application pool is stopped)');
    assert.equal(describeFailure(failureOf(outcome(500, fault('ErrorServerBusy', [['BackOffMilliseconds', '600000']])))).message, 'throttled, retry after 600 s (ErrorServerBusy: the account\'s EWS time budget is spent)');
  });
});

describe('the single-request retry on throttling (probes and the library path)', () => {
  it('waits what each signal asks, a short pause for an unstated connection refusal, nothing for other answers', () => {
    assert.equal(throttledWait(outcome(500, fault('ErrorServerBusy', [['BackOffMilliseconds', '600000']]))), 600_000, 'never capped');
    assert.equal(throttledWait(outcome(500, fault('ErrorExceededConnectionCount', [['MaxConcurrencyLimit', '27']]))), CONNECTION_RETRY_MS);
    assert.equal(throttledWait(outcome(500, fault('ErrorExceededConnectionCount', [['BackOffMilliseconds', '40']]))), 40);
    assert.equal(throttledWait(outcome(503, '<html/>', { 'content-type': ['text/html'], 'retry-after': ['2'] })), 2000);
    assert.equal(throttledWait(outcome(500, fault('ErrorAccessDenied'))), undefined);
    assert.equal(throttledWait(outcome(200, envelope('<m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"/>'))), undefined);
  });

  it('stops retrying when the wait outlasts the time left, and after 3 retries', async () => {
    let calls = 0;
    const waits: number[] = [];
    const long = await retryWhileBusy(async () => { calls++; return 600_000; }, (w) => w, undefined, { timeLeft: () => 60_000, onBusy: (w) => waits.push(w) });
    assert.deepEqual([long, calls, waits], [600_000, 1, []]);
    calls = 0;
    await retryWhileBusy(async () => { calls++; return 0; }, (w) => w, undefined, { onBusy: (w) => waits.push(w) });
    assert.deepEqual([calls, waits], [4, [0, 0, 0]]);
  });
});

describe('the outcome of one mailbox', () => {
  const classify = (o: CallOutcome, method: 'impersonation' | 'delegate' = 'impersonation') => classifyMailboxOutcome('bob@contoso.com', o, method);

  it('is verified, denied with its code, not found, or not checked with the reason', () => {
    assert.deepEqual(classify(outcome(200, envelope('<m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"/>'))), { mailbox: 'bob@contoso.com', status: 'verified' });
    for (const code of ['ErrorImpersonateUserDenied', 'ErrorImpersonationDenied', 'ErrorAccessDenied', 'ErrorFolderNotFound', 'ErrorAccountDisabled', 'ErrorSomethingNew']) {
      const r = classify(outcome(500, fault(code)));
      assert.deepEqual([r.status, r.status === 'denied' ? r.code : ''], ['denied', code], code);
    }
    assert.deepEqual(classify(outcome(500, fault('ErrorNonExistentMailbox'))), { mailbox: 'bob@contoso.com', status: 'not-found', code: 'ErrorNonExistentMailbox', reason: 'no mailbox exists with this address' });
    for (const code of ['ErrorMailboxStoreUnavailable', 'ErrorMailboxMoveInProgress', 'ErrorInternalServerTransientError', 'ErrorTimeoutExpired', 'ErrorInternalServerError', 'ErrorServerBusy', 'ErrorExceededConnectionCount']) {
      assert.equal(classify(outcome(500, fault(code))).status, 'not-checked', code);
    }
    assert.deepEqual(classify(outcome(500, fault('ErrorServerBusy', [['BackOffMilliseconds', '9000']]))), { mailbox: 'bob@contoso.com', status: 'not-checked', reason: 'throttled, retry after 9 s (ErrorServerBusy: the account\'s EWS time budget is spent)' });
    assert.deepEqual(classify(outcome(401, 'no', { 'content-type': ['text/html'] })), { mailbox: 'bob@contoso.com', status: 'denied', code: 'HTTP 401', reason: 'the server refused the service account name or password (the same answer comes when the account is disabled, locked out or its password has expired)' });
    assert.equal(classify(outcome(502, 'bad gateway', { 'content-type': ['text/html'] })).status, 'not-checked');
    assert.equal(classify(outcome(500, 'Runtime Error', { 'content-type': ['text/html'] })).status, 'not-checked', 'an HTTP 500 page says nothing about the mailbox');
    assert.equal(classify(outcome(499, 'odd', { 'content-type': ['text/html'] })).status, 'denied');
    assert.deepEqual(classify(outcome(503, '<html/>', { 'content-type': ['text/html'], 'retry-after': ['5'] })), { mailbox: 'bob@contoso.com', status: 'not-checked', reason: 'throttled, retry after 5 s (HTTP 503: requests are queuing in IIS, or the EWS application pool is stopped)' });
    assert.match((classify(outcome(200, message('ErrorInternalServerError', [['InnerErrorResponseCode', 'ErrorServerBusy']]))) as { reason: string }).reason, /^throttled, retry after 1 s \(ErrorInternalServerError with inner ErrorServerBusy/);
    assert.match((classify(outcome(500, fault('ErrorExceededConnectionCount', [['MaxConcurrencyLimit', '27']]))) as { reason: string }).reason, /^throttled, retry once its other requests have completed/);
    assert.equal(classify(outcome(404, 'none', { 'content-type': ['text/html'] })).status, 'denied');
    assert.deepEqual(classify({ ok: false, failure: { kind: 'transport', error: new TransportError('timeout', 'no answer within 20000 ms') } }), { mailbox: 'bob@contoso.com', status: 'not-checked', reason: 'no answer within 20000 ms' });
    assert.equal(classify(outcome(200, '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><broken')).status, 'not-checked');
    const unnamed = classify(outcome(200, message('')));
    assert.deepEqual([unnamed.status, unnamed.status === 'denied' ? unnamed.code : ''], ['denied', 'an unnamed EWS error']);
  });

  it('counts only denied and not found as failures, and lists the not-checked for a rerun', () => {
    assert.equal(mailboxFailures({ total: 10, verified: 3, denied: 2, notFound: 1, notChecked: 4 }), 3);
    assert.deepEqual(notCheckedMailboxes({ unverified: [{ mailbox: 'a@contoso.com', status: 'denied' }, { mailbox: 'b@contoso.com', status: 'not-checked' }] }), ['b@contoso.com']);
  });

  it('reads a previous run\'s not-checked mailboxes from its JSON', () => {
    const doc = { mailboxes: { unverified: [{ mailbox: 'a@contoso.com', status: 'not-checked', reason: 'r' }, { mailbox: 'b@contoso.com', status: 'denied', code: 'X', reason: 'r' }, { mailbox: 'c@contoso.com', status: 'not-checked', reason: 'r' }] } };
    assert.deepEqual(readRecheckList(JSON.stringify(doc)), { ok: true, mailboxes: ['a@contoso.com', 'c@contoso.com'] });
    for (const bad of ['null', '[]', '{"mailboxes":null}', '{"mailboxes":{"unverified":{}}}', '{"mailboxes":{"unverified":[null]}}', '{"mailboxes":{"unverified":[{"mailbox":1,"status":"not-checked"}]}}']) {
      assert.equal(readRecheckList(bad).ok, false, bad);
    }
  });
});
