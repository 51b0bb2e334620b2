// HTTP-level behaviour of the fake Exchange server, seen through Node's https with the test CA.
import * as assert from 'node:assert/strict';
import { startFakeExchange, FAKE_BUSY_BACKOFF_MS, FAKE_TEST_MAILBOX, FAKE_TEST_ROOM_MAILBOX, generatedMailboxName, type FakeExchange, type FakeExchangeOptions } from '../fake-exchange/server';
import {
  BASIC_AUTH, createCalendarItem, deleteItem, findCalendarItems, getCalendarFolder, getItem, headerValues, send, soapRequest,
} from '../fake-exchange/testClient';
import { NS, attr, childElements, descendants, parseStrictXml, text } from '../fake-exchange/xml';

interface SoapSummary {
  readonly version?: string;            // "15.1.2507.6"
  readonly responseClass?: string;
  readonly responseCode?: string;
  readonly messageText?: string;
  readonly descriptiveLinkKey?: string;
  readonly faultcode?: string;
  readonly detailCode?: string;
  readonly detailMessage?: string;
  readonly backOff?: string;
  /** Every MessageXml t:Value by name. */
  readonly values: Record<string, string>;
  readonly itemIds: string[];
}

function summarise(body: string): SoapSummary {
  const root = parseStrictXml(body);
  const info = descendants(root, NS.t, 'ServerVersionInfo')[0];
  const first = (ns: string, name: string): string | undefined => text(descendants(root, ns, name)[0]);
  const message = childElements(descendants(root, NS.m, 'ResponseMessages')[0])[0];
  const fault = descendants(root, NS.soap, 'Fault')[0];
  return {
    version: info ? ['MajorVersion', 'MinorVersion', 'MajorBuildNumber', 'MinorBuildNumber'].map((a) => attr(info, a)).join('.') : undefined,
    responseClass: attr(message, 'ResponseClass'),
    responseCode: first(NS.m, 'ResponseCode'),
    messageText: first(NS.m, 'MessageText'),
    descriptiveLinkKey: first(NS.m, 'DescriptiveLinkKey'),
    faultcode: text(childElements(fault).find((c) => c.localName === 'faultcode')),
    detailCode: first(NS.e, 'ResponseCode'),
    detailMessage: first(NS.e, 'Message'),
    backOff: text(descendants(root, NS.t, 'Value').find((v) => attr(v, 'Name') === 'BackOffMilliseconds')),
    values: Object.fromEntries(descendants(root, NS.t, 'Value').map((v) => [attr(v, 'Name') ?? '', text(v) ?? ''])),
    itemIds: descendants(root, NS.t, 'ItemId').map((n) => attr(n, 'Id') ?? ''),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const auth = { Authorization: BASIC_AUTH };

describe('fake Exchange server', function () {
  this.timeout(8000);
  let fake: FakeExchange | undefined;
  async function start(opts: FakeExchangeOptions = {}): Promise<FakeExchange> {
    fake = await startFakeExchange({ validateSchemas: false, mailboxCount: 5, ...opts });
    return fake;
  }
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  it('starts on a free loopback port with its CA and stops', async () => {
    const f = await start();
    assert.match(f.url, /^https:\/\/localhost:\d+\/EWS\/Exchange\.asmx$/);
    assert.ok(f.port > 0);
    assert.match(f.caPem, /BEGIN CERTIFICATE/);
    await f.stop();
    fake = undefined;
    await assert.rejects(send(f, ''), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
  });

  it('refuses a host other than loopback', async () => {
    await assert.rejects(startFakeExchange({ host: '0.0.0.0' }), /loopback/);
  });

  it('answers an anonymous request with 401 and one WWW-Authenticate line per scheme', async () => {
    const f = await start();
    const res = await send(f, soapRequest(getCalendarFolder()));
    assert.equal(res.status, 401);
    assert.deepEqual(headerValues(res, 'www-authenticate'), ['Negotiate', 'NTLM', 'Basic realm="localhost"']);
  });

  it('offers no Basic challenge and refuses Basic in no-basic', async () => {
    const f = await start({ scenario: 'no-basic' });
    const res = await send(f, soapRequest(getCalendarFolder()), { headers: auth });
    assert.equal(res.status, 401);
    assert.deepEqual(headerValues(res, 'www-authenticate'), ['Negotiate', 'NTLM']);
  });

  it('logs in with Basic and reports ServerVersionInfo; the log holds no credentials', async () => {
    const f = await start();
    const res = await send(f, soapRequest(getCalendarFolder()), { headers: auth });
    assert.equal(res.status, 200);
    const summary = summarise(res.body);
    assert.equal(summary.version, '15.2.2562.17');
    assert.equal(summary.responseCode, 'NoError');
    assert.equal(f.requests.at(-1)?.headers.authorization, 'Basic [redacted]');
    assert.ok(!JSON.stringify(f.requests).includes(BASIC_AUTH.slice(6)));
  });

  it('refuses a wrong password, every password in wrong-password, and says locked out in locked', async () => {
    let f = await start();
    const wrong = `Basic ${Buffer.from('alexaforbusiness@contoso.com:nope').toString('base64')}`;
    assert.equal((await send(f, soapRequest(getCalendarFolder()), { headers: { Authorization: wrong } })).status, 401);
    f.setScenario('wrong-password');
    assert.equal((await send(f, soapRequest(getCalendarFolder()), { headers: auth })).status, 401);
    await f.stop();
    f = await start({ scenario: 'locked' });
    const locked = await send(f, soapRequest(getCalendarFolder()), { headers: auth });
    assert.equal(locked.status, 401);
    assert.match(locked.body, /currently locked out/);
  });

  for (const [scenario, code] of [['account-disabled', 'ErrorAccountDisabled'], ['password-expired', 'ErrorPasswordExpired']] as const) {
    it(`answers ${scenario} with a SOAP fault ${code}`, async () => {
      const f = await start({ scenario });
      const res = await send(f, soapRequest(getCalendarFolder()), { headers: auth });
      assert.equal(res.status, 500);
      const s = summarise(res.body);
      assert.equal(s.faultcode, `a:${code}`);
      assert.equal(s.detailCode, code);
    });
  }

  const versions = [
    ['exchange-2010', 'Exchange2010_SP2', '14.3.123.4'], ['exchange-2013', 'Exchange2013', '15.0.1497.48'],
    ['exchange-2019', 'Exchange2013', '15.2.1544.4'], ['exchange-se', 'Exchange2013', '15.2.2562.17'],
    ['exchange-online', 'Exchange2013', '15.20.8835.23'],
  ] as const;
  for (const [scenario, requestVersion, build] of versions) {
    it(`reports ${build} in ${scenario}`, async () => {
      const f = await start({ scenario });
      const res = await send(f, soapRequest(getCalendarFolder(), { version: requestVersion }), { headers: auth });
      assert.equal(res.status, 200);
      assert.equal(summarise(res.body).version, build);
    });
  }

  it('refuses a newer RequestServerVersion than the server knows with ErrorInvalidServerVersion', async () => {
    const f = await start({ scenario: 'exchange-2010' });
    const res = await send(f, soapRequest(getCalendarFolder(), { version: 'Exchange2013' }), { headers: auth });
    assert.equal(res.status, 500);
    assert.equal(summarise(res.body).detailCode, 'ErrorInvalidServerVersion');
  });

  it('marks Exchange Online by its front-end headers and Bearer challenge', async () => {
    const f = await start({ scenario: 'exchange-online' });
    const anonymous = await send(f, soapRequest(getCalendarFolder()));
    assert.ok(headerValues(anonymous, 'www-authenticate').some((v) => v.startsWith('Bearer ')));
    assert.match(headerValues(anonymous, 'x-calculatedbetarget')[0] ?? '', /outlook\.com$/);
  });

  it('reads the test mailbox calendar by impersonation: upcoming items within 7 days', async () => {
    const f = await start();
    const now = new Date();
    const res = await send(f, soapRequest(findCalendarItems(now, new Date(now.getTime() + 7 * DAY_MS)), { impersonate: FAKE_TEST_MAILBOX }),
      { headers: { ...auth, 'X-AnchorMailbox': FAKE_TEST_MAILBOX } });
    assert.equal(res.status, 200);
    assert.ok(summarise(res.body).itemIds.length >= 1);
    assert.equal(f.requests.at(-1)?.impersonatedMailbox, FAKE_TEST_MAILBOX);
    assert.equal(f.requests.at(-1)?.anchorMailbox, FAKE_TEST_MAILBOX);
  });

  it('answers in the response shape asked for: IdOnly gives the ItemId and only the AdditionalProperties named; Default the properties it keeps', async () => {
    const f = await start({ validateSchemas: true });
    const now = new Date();
    const headers = { ...auth, 'X-AnchorMailbox': FAKE_TEST_MAILBOX };
    const find = (shape: string) => soapRequest(findCalendarItems(now, new Date(now.getTime() + 7 * DAY_MS)).replace('<t:BaseShape>Default</t:BaseShape>', shape), { impersonate: FAKE_TEST_MAILBOX });
    /** The child elements of the first calendar item in an answer, by local name. */
    const firstItem = (body: string): string[] => childElements(descendants(parseStrictXml(body), NS.t, 'CalendarItem')[0]).map((c) => c.localName ?? '');
    const idOnly = await send(f, find('<t:BaseShape>IdOnly</t:BaseShape>'), { headers });
    assert.equal(idOnly.status, 200, idOnly.body);
    assert.deepEqual(firstItem(idOnly.body), ['ItemId']);
    const withSubject = await send(f, find('<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/><t:FieldURI FieldURI="calendar:Start"/></t:AdditionalProperties>'), { headers });
    assert.deepEqual(firstItem(withSubject.body), ['ItemId', 'Subject', 'Start']);
    const fullShape = ['ItemId', 'ParentFolderId', 'ItemClass', 'Subject', 'Start', 'End', 'IsAllDayEvent', 'LegacyFreeBusyStatus', 'Location', 'Organizer'];
    assert.deepEqual(firstItem((await send(f, find('<t:BaseShape>Default</t:BaseShape>'), { headers })).body), fullShape);
    assert.deepEqual(firstItem((await send(f, find('<t:BaseShape>AllProperties</t:BaseShape>'), { headers })).body), fullShape);
    // GetItem of one of those items: the same rule.
    const id = summarise(idOnly.body).itemIds[0];
    const get = (shape: string) => soapRequest(getItem(id).replace('<t:BaseShape>Default</t:BaseShape>', shape), { impersonate: FAKE_TEST_MAILBOX });
    assert.deepEqual(firstItem((await send(f, get('<t:BaseShape>IdOnly</t:BaseShape>'), { headers })).body), ['ItemId']);
    assert.deepEqual(firstItem((await send(f, get('<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="calendar:End"/></t:AdditionalProperties>'), { headers })).body), ['ItemId', 'End']);
    assert.deepEqual(firstItem((await send(f, get('<t:BaseShape>Default</t:BaseShape>'), { headers })).body), fullShape);
  });

  it('gives the SOAP fault shape for impersonation problems', async () => {
    const f = await start({ scenario: 'impersonation-denied' });
    const res = await send(f, soapRequest(getCalendarFolder(), { impersonate: FAKE_TEST_MAILBOX }), { headers: auth });
    assert.equal(res.status, 500);
    const s = summarise(res.body);
    assert.equal(s.faultcode, 'a:ErrorImpersonateUserDenied');
    assert.equal(s.detailCode, 'ErrorImpersonateUserDenied');
    assert.match(s.detailMessage ?? '', /permission to impersonate/);
    assert.equal(s.version, '15.2.2562.17');
    f.setScenario('healthy-delegate');
    assert.equal(summarise((await send(f, soapRequest(getCalendarFolder(), { impersonate: FAKE_TEST_MAILBOX }), { headers: auth })).body).detailCode, 'ErrorImpersonationDenied');
    f.setScenario('nonexistent-mailbox');
    assert.equal(summarise((await send(f, soapRequest(getCalendarFolder(), { impersonate: FAKE_TEST_MAILBOX }), { headers: auth })).body).detailCode, 'ErrorNonExistentMailbox');
  });

  it('gives the response-message shape for delegate access problems', async () => {
    const f = await start({ scenario: 'healthy-delegate' });
    const ok = summarise((await send(f, soapRequest(getCalendarFolder(FAKE_TEST_MAILBOX)), { headers: auth })).body);
    assert.equal(ok.responseCode, 'NoError');
    f.setScenario('delegate-denied');
    const res = await send(f, soapRequest(getCalendarFolder(FAKE_TEST_MAILBOX)), { headers: auth });
    assert.equal(res.status, 200);
    const s = summarise(res.body);
    assert.equal(s.responseClass, 'Error');
    assert.equal(s.responseCode, 'ErrorFolderNotFound');
    assert.ok(s.messageText);
    assert.equal(s.descriptiveLinkKey, '0');
    f.setScenario('healthy');
    const noDelegateInHealthy = await send(f, soapRequest(getCalendarFolder(generatedMailboxName(1))), { headers: auth });
    assert.equal(summarise(noDelegateInHealthy.body).responseCode, 'ErrorFolderNotFound');
  });

  it('reaches room mailboxes and user mailboxes through separate scopes and rights', async () => {
    const f = await start({ scenario: 'healthy' });
    const impersonating = async (mailbox: string): Promise<string | undefined> =>
      summarise((await send(f, soapRequest(getCalendarFolder(), { impersonate: mailbox }), { headers: auth })).body).detailCode;
    const delegated = async (mailbox: string): Promise<string | undefined> =>
      summarise((await send(f, soapRequest(getCalendarFolder(mailbox)), { headers: auth })).body).responseCode;
    // The procedure's scope selects UserMailbox: a room is outside it.
    assert.equal(await impersonating(FAKE_TEST_MAILBOX), undefined);
    assert.equal(await impersonating(FAKE_TEST_ROOM_MAILBOX), 'ErrorImpersonateUserDenied');
    f.setScenario('rooms-only');
    assert.equal(await impersonating(FAKE_TEST_ROOM_MAILBOX), undefined);
    assert.equal(await impersonating(FAKE_TEST_MAILBOX), 'ErrorImpersonateUserDenied');
    f.setScenario('rooms-and-users');
    assert.equal(await impersonating(FAKE_TEST_ROOM_MAILBOX), undefined);
    assert.equal(await impersonating(FAKE_TEST_MAILBOX), undefined);
    f.setScenario('healthy-delegate');
    assert.equal(await delegated(FAKE_TEST_MAILBOX), 'NoError');
    assert.equal(await delegated(FAKE_TEST_ROOM_MAILBOX), 'ErrorFolderNotFound');
    f.setScenario('rooms-only-delegate');
    assert.equal(await delegated(FAKE_TEST_ROOM_MAILBOX), 'NoError');
    assert.equal(await delegated(FAKE_TEST_MAILBOX), 'ErrorFolderNotFound');
    assert.equal(await impersonating(FAKE_TEST_ROOM_MAILBOX), 'ErrorImpersonationDenied');
    f.setScenario('rooms-and-users-delegate');
    assert.equal(await delegated(FAKE_TEST_ROOM_MAILBOX), 'NoError');
    assert.equal(await delegated(FAKE_TEST_MAILBOX), 'NoError');
  });

  it('throttles busy-then-ok with a back-off, then answers', async () => {
    const f = await start({ scenario: 'busy-then-ok' });
    for (let i = 0; i < 2; i++) {
      const busy = await send(f, soapRequest(getCalendarFolder()), { headers: auth });
      assert.equal(busy.status, 500);
      const s = summarise(busy.body);
      assert.equal(s.detailCode, 'ErrorServerBusy');
      assert.equal(s.backOff, String(FAKE_BUSY_BACKOFF_MS));
    }
    assert.equal((await send(f, soapRequest(getCalendarFolder()), { headers: auth })).status, 200);
  });

  it('refuses past EWSMaxConcurrency with ErrorExceededConnectionCount, Policy and MaxConcurrencyLimit, no back-off', async () => {
    const f = await start({ concurrencyLimit: 1, latencyMs: 150 });
    const results = await Promise.all([0, 1, 2].map(() => send(f, soapRequest(getCalendarFolder()), { headers: auth })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 500, 500]);
    const refused = summarise(results.find((r) => r.status === 500)?.body ?? '');
    assert.equal(refused.detailCode, 'ErrorExceededConnectionCount');
    assert.equal(refused.detailMessage, 'You have exceeded the available concurrent connections for your account.  Try again once your other requests have completed.');
    assert.equal(refused.values.Policy, 'MaxConcurrency');
    assert.equal(refused.values.MaxConcurrencyLimit, '1');
    assert.match(refused.values.ErrorMessage, /policy part 'MaxConcurrency', policy value '1'.*Suggested backoff time 0 ms\./);
    assert.equal(refused.backOff, undefined, 'no BackOffMilliseconds');
  });

  it('gives a refused request\'s slot back at once, not after its answer\'s latency', async () => {
    const f = await start({ concurrencyLimit: 1, latencyMs: 2000 });
    const holder = send(f, soapRequest(getCalendarFolder()), { headers: auth });
    while (f.inFlight < 1) await new Promise((r) => setTimeout(r, 5));
    const refused = send(f, soapRequest(getCalendarFolder()), { headers: auth });
    while (f.requests.length < 2 || f.requests[1].throttled === undefined) await new Promise((r) => setTimeout(r, 5));
    assert.equal(f.requests[1].throttled, 'connection-count');
    assert.equal(f.inFlight, 1, 'only the request being served holds a slot while the refusal travels back');
    assert.deepEqual((await Promise.all([holder, refused])).map((r) => r.status), [200, 500]);
    assert.equal(f.inFlight, 0);
  });

  it('leaves only the slots another client of the account does not hold (27 by default)', async () => {
    const f = await start({ otherClientSlots: 26, latencyMs: 150 });
    const results = await Promise.all([0, 1].map(() => send(f, soapRequest(getCalendarFolder()), { headers: auth })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 500]);
    assert.equal(summarise(results.find((r) => r.status === 500)?.body ?? '').values.MaxConcurrencyLimit, '27', 'the policy limit, not what is left');
  });

  it('answers every Nth SOAP request 503 (IIS queuing), with Retry-After only when set', async () => {
    const f = await start({ queue503Every: 2, retryAfterSeconds: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await send(f, soapRequest(getCalendarFolder()), { headers: auth });
      statuses.push(res.status);
      if (res.status === 503) assert.deepEqual(headerValues(res, 'retry-after'), ['7']);
    }
    assert.deepEqual(statuses, [200, 503, 200, 503]);
    await f.stop();
    const g = await start({ scenario: 'iis-queue-then-ok' });
    const first = await send(g, soapRequest(getCalendarFolder()), { headers: auth });
    assert.equal(first.status, 503);
    assert.deepEqual(headerValues(first, 'retry-after'), ['1']);
    await g.stop();
    const h = await start({ queue503Every: 1 });
    const bare = await send(h, soapRequest(getCalendarFolder()), { headers: auth });
    assert.equal(bare.status, 503);
    assert.deepEqual(headerValues(bare, 'retry-after'), []);
  });

  it('wraps ErrorServerBusy in a 200 ErrorInternalServerError in inner-busy-then-ok, then answers', async () => {
    const f = await start({ scenario: 'inner-busy-then-ok' });
    for (let i = 0; i < 2; i++) {
      const res = await send(f, soapRequest(getCalendarFolder()), { headers: auth });
      assert.equal(res.status, 200);
      const s = summarise(res.body);
      assert.equal(s.responseClass, 'Error');
      assert.equal(s.responseCode, 'ErrorInternalServerError');
      assert.equal(s.values.InnerErrorResponseCode, 'ErrorServerBusy');
      assert.equal(s.values.InnerErrorMessageText, 'The server cannot service this request right now. Try again later.');
      assert.equal(s.backOff, String(FAKE_BUSY_BACKOFF_MS));
    }
    assert.equal(summarise((await send(f, soapRequest(getCalendarFolder()), { headers: auth })).body).responseClass, 'Success');
  });

  it('refuses the first requests with ErrorExceededConnectionCount in connection-count-then-ok', async () => {
    const f = await start({ scenario: 'connection-count-then-ok' });
    for (let i = 0; i < 2; i++) assert.equal(summarise((await send(f, soapRequest(getCalendarFolder()), { headers: auth })).body).detailCode, 'ErrorExceededConnectionCount');
    assert.equal((await send(f, soapRequest(getCalendarFolder()), { headers: auth })).status, 200);
  });

  it('redirects to the generic error page in generic-error-redirect', async () => {
    const f = await start({ scenario: 'generic-error-redirect' });
    const res = await send(f, soapRequest(getCalendarFolder()), { headers: auth });
    assert.equal(res.status, 302);
    assert.match(headerValues(res, 'location')[0] ?? '', /\/ews\/genericerrorpage\.htm/);
  });

  it('resets the connection mid-response in reset', async () => {
    const f = await start({ scenario: 'reset' });
    await assert.rejects(send(f, soapRequest(getCalendarFolder()), { headers: auth }), (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET');
  });

  it('never answers in slow (a client timeout fires)', async () => {
    const f = await start({ scenario: 'slow' });
    const started = Date.now();
    await assert.rejects(send(f, soapRequest(getCalendarFolder()), { headers: auth, timeoutMs: 300 }), (err: NodeJS.ErrnoException) => err.code === 'ETIMEDOUT');
    assert.ok(Date.now() - started >= 250);
  });

  it('sends broken XML with status 200 in malformed-xml', async () => {
    const f = await start({ scenario: 'malformed-xml' });
    const res = await send(f, soapRequest(getCalendarFolder()), { headers: auth });
    assert.equal(res.status, 200);
    assert.throws(() => parseStrictXml(res.body));
  });

  it('streams a body far past any sane cap in oversize', async () => {
    const f = await start({ scenario: 'oversize' });
    const res = await send(f, soapRequest(getCalendarFolder()), { headers: auth, maxBytes: 8 * 1024 * 1024 });
    assert.equal(res.status, 200);
    assert.ok(res.body.length > 8 * 1024 * 1024);
  });

  it('creates and deletes a calendar item, and insists on the meeting attributes', async () => {
    const f = await start();
    const start0 = new Date(Date.now() + DAY_MS);
    const end0 = new Date(start0.getTime() + 30 * 60 * 1000);
    const post = async (body: string): Promise<SoapSummary> => summarise((await send(f, soapRequest(body, { impersonate: FAKE_TEST_MAILBOX }), { headers: auth })).body);

    assert.equal((await post(createCalendarItem('no attr', start0, end0, false))).responseCode, 'ErrorSendMeetingInvitationsRequired');
    const created = await post(createCalendarItem('write test', start0, end0));
    assert.equal(created.responseCode, 'NoError');
    const id = created.itemIds[0];
    assert.ok(f.items(FAKE_TEST_MAILBOX).some((i) => i.id === id && i.subject === 'write test' && i.createdByRequest));

    assert.equal((await post(deleteItem(id, false))).responseCode, 'ErrorSendMeetingCancellationsRequired');
    assert.equal((await post(deleteItem(id))).responseCode, 'NoError');
    assert.ok(!f.items(FAKE_TEST_MAILBOX).some((i) => i.id === id));
    assert.equal((await post(getItem(id))).responseCode, 'ErrorItemNotFound');
  });

  it('refuses a calendar view over two years', async () => {
    const f = await start();
    const now = new Date();
    const res = await send(f, soapRequest(findCalendarItems(now, new Date(now.getTime() + 3 * 365 * DAY_MS)), { impersonate: FAKE_TEST_MAILBOX }), { headers: auth });
    assert.equal(summarise(res.body).responseCode, 'ErrorCalendarViewRangeTooBig');
  });

  it('catches a schema-invalid request with ErrorSchemaValidation and records it', async () => {
    const f = await start({ validateSchemas: true });
    const valid = await send(f, soapRequest(getCalendarFolder()), { headers: auth });
    assert.equal(valid.status, 200);
    assert.deepEqual(f.schemaErrors, []);
    const misspelt = getCalendarFolder().replace('<m:FolderShape>', '<m:FolderShap>').replace('</m:FolderShape>', '</m:FolderShap>');
    const res = await send(f, soapRequest(misspelt), { headers: auth });
    assert.equal(res.status, 500);
    assert.equal(summarise(res.body).detailCode, 'ErrorSchemaValidation');
    assert.equal(f.schemaErrors.length, 1);
    assert.match(f.schemaErrors[0], /FolderShap/);
  });

  it('refuses DOCTYPE and entities in requests', async () => {
    const f = await start();
    const body = soapRequest(getCalendarFolder()).replace('<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>');
    const res = await send(f, body, { headers: auth });
    assert.equal(res.status, 500);
    assert.equal(summarise(res.body).detailCode, 'ErrorSchemaValidation');
    assert.equal(f.schemaErrors.length, 1);
  });
});
