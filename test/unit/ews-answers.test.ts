// EWS answers as Microsoft's documented examples show them, read the way the product must read
// them: the fake scenarios that answer that way (checked against the EWS schemas), the response
// codes and remedies they lead to, and the one-line sanitiser every library error goes through.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ews from 'ews-javascript-api';
import { callEws, calendarAccessRequest, classifyResponse, describeFailure, ownCalendarRequest, type CallFailure } from '../../src/core/ews/client';
import { DirectEwsTransport } from '../../src/core/ews/directTransport';
import { CALENDAR_READ_MAX_ENTRIES, readCalendar, viaLibrary, type LibraryContext } from '../../src/core/ews/library';
import { KNOWN_RESPONSE_CODES, describeResponseCode } from '../../src/core/ews/responseCodes';
import type { EwsTransport, HttpResponse } from '../../src/core/ews/transport';
import { parseChallenges } from '../../src/core/ews/authChallenge';
import { oneLineErrorText, describeError } from '../../src/core/errors';
import { REMEDY_KEYS, remedy } from '../../src/core/remedies';
import { isStepId } from '../../src/core/steps';
import { CROWDED_EXTRA_ITEMS } from '../fake-exchange/operations';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, startFakeExchange, type FakeExchange, type ScenarioName } from '../fake-exchange/server';
import { findSchemaDir } from '../fake-exchange/schema';

const credentials = { upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD };

describe('EWS answers shaped like Microsoft\'s examples (fake scenarios)', function () {
  this.timeout(20_000);
  let fake: FakeExchange;
  let transport: DirectEwsTransport;
  const bodies: [string, string][] = [];

  before(async () => {
    fake = await startFakeExchange({ scenario: 'healthy', mailboxCount: 2 });
    transport = new DirectEwsTransport({ extraCaPem: fake.caPem });
  });
  after(async () => {
    transport.close();
    await fake.stop();
  });

  const ctxFor = (method: 'impersonation' | 'delegate'): LibraryContext => ({ transport, url: fake.url, credentials, method, mailbox: FAKE_TEST_MAILBOX });
  const use = (scenario: ScenarioName): void => {
    fake.setScenario(scenario);
  };
  const call = async (xml: string, anchor?: string) => {
    const outcome = await callEws(transport, fake.url, credentials, xml, { anchorMailbox: anchor });
    if (outcome.http) bodies.push([`${fake.scenario}-${bodies.length}`, outcome.http.body]);
    return outcome;
  };

  it('no-mailbox: GetFolder of the own calendar answers ErrorMissingEmailAddress with ServerVersionInfo, an empty m:Folders, and the service-account remedy', async () => {
    use('no-mailbox');
    const outcome = await call(ownCalendarRequest());
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.http?.status, 200);
    assert.match(outcome.http?.body ?? '', /<m:GetFolderResponseMessage ResponseClass="Error">.*<m:ResponseCode>ErrorMissingEmailAddress<\/m:ResponseCode>.*<m:Folders\/><\/m:GetFolderResponseMessage>/);
    assert.equal(outcome.serverVersion?.build, '15.2.2562.17', 'the version is read from the error answer');
    const described = describeFailure(outcome.failure, 'impersonation');
    assert.match(described.message, /^ErrorMissingEmailAddress: the service account has no mailbox/);
    assert.equal(described.remedy?.step, 'serviceAccount.create');
    // Impersonating a user still works: only the account's own folders need a mailbox.
    const start = new Date();
    const access = await call(calendarAccessRequest(FAKE_TEST_MAILBOX, 'impersonation', start, new Date(start.getTime() + 86_400_000)), FAKE_TEST_MAILBOX);
    assert.equal(access.ok, true);
  });

  it('calendar-times-withheld: items carry only an ItemId, and the calendar read reports them instead of failing', async () => {
    use('calendar-times-withheld');
    const start = new Date();
    const access = await call(calendarAccessRequest(FAKE_TEST_MAILBOX, 'delegate', start, new Date(start.getTime() + 7 * 86_400_000)));
    assert.ok(access.ok);
    assert.match(access.http.body, /<t:Items><t:CalendarItem><t:ItemId Id="[^"]+" ChangeKey="[^"]+"\/><\/t:CalendarItem>/);
    const read = await readCalendar(ctxFor('delegate'), new AbortController().signal, 10_000, start, 7);
    assert.ok(read.ok, JSON.stringify(read));
    assert.equal(read.value.events.length, 3);
    for (const event of read.value.events) assert.deepEqual(event, { subject: '', start: '', end: '' });
    assert.equal(read.value.complete, true);
  });

  it('calendar-view-truncated: IncludesLastItemInRange="false" and TotalItemsInView give "N of M"', async () => {
    use('calendar-view-truncated');
    const start = new Date();
    const read = await readCalendar(ctxFor('impersonation'), new AbortController().signal, 10_000, start, 7);
    assert.ok(read.ok, JSON.stringify(read));
    assert.equal(read.value.events.length, CALENDAR_READ_MAX_ENTRIES);
    assert.equal(read.value.total, 3 + CROWDED_EXTRA_ITEMS);
    assert.equal(read.value.complete, false);
    assert.ok(read.value.events.every((e) => e.start !== '' && e.end !== ''));
    const access = await call(calendarAccessRequest(FAKE_TEST_MAILBOX, 'impersonation', start, new Date(start.getTime() + 7 * 86_400_000)), FAKE_TEST_MAILBOX);
    assert.ok(access.ok);
    assert.match(access.http.body, new RegExp(`<m:RootFolder TotalItemsInView="${3 + CROWDED_EXTRA_ITEMS}" IncludesLastItemInRange="false">`));
  });

  it('folded-challenges: one WWW-Authenticate line holding every scheme, read as three challenges', async () => {
    use('folded-challenges');
    const response = await transport.request({ url: fake.url, method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: ownCalendarRequest() });
    assert.equal(response.status, 401);
    assert.deepEqual(response.headers['www-authenticate'], ['Negotiate, NTLM, Basic realm="localhost"']);
    const parsed = parseChallenges(response.headers['www-authenticate']);
    assert.deepEqual(parsed.challenges.map((c) => c.scheme), ['Negotiate', 'NTLM', 'Basic']);
    assert.equal(parsed.challenges[2].params.realm, 'localhost');
  });

  it('every answer above validates against the EWS schemas', function () {
    const schemaDir = findSchemaDir();
    assert.ok(schemaDir, 'the EWS schema folder must exist for this test');
    assert.ok(bodies.length >= 4, `${bodies.length} answers captured`);
    const dir = mkdtempSync(join(tmpdir(), 'ews-answers-'));
    try {
      const files = bodies.map(([name, body]) => {
        const file = join(dir, `${name}.xml`);
        writeFileSync(file, body);
        return file;
      });
      execFileSync('xmllint', ['--nonet', '--noout', '--schema', join(schemaDir, 'soap-envelope.xsd'), ...files], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A transport that answers every request with one HTTP 200 body. */
function answering(body: string): EwsTransport {
  const response: HttpResponse = { status: 200, statusText: 'OK', headers: { 'content-type': ['text/xml; charset=utf-8'] }, body };
  return { request: async () => response, stats: () => ({ requests: 0, tcpConnections: 0, tlsHandshakes: 0 }), close: () => undefined, adopt: () => undefined } as unknown as EwsTransport;
}

const ENVELOPE = (body: string): string => '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>'
  + '<h:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="2562" MinorBuildNumber="17" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/>'
  + `</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
const NAMESPACES = 'xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"';
const FIND_ITEM = (inner: string): string => ENVELOPE(`<m:FindItemResponse ${NAMESPACES}><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success">`
  + `<m:ResponseCode>NoError</m:ResponseCode>${inner}</m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>`);
const ID_ONLY = FIND_ITEM('<m:RootFolder TotalItemsInView="1" IncludesLastItemInRange="true"><t:Items><t:CalendarItem><t:ItemId Id="AAA=" ChangeKey="BBB="/></t:CalendarItem></t:Items></m:RootFolder>');

/** Runs a library operation over a transport that gives `body`, and returns its failure. */
async function libraryFailure(body: string, operation: (service: ews.ExchangeService) => Promise<unknown>): Promise<CallFailure> {
  const ctx: LibraryContext = { transport: answering(body), url: 'https://mail.contoso.com/EWS/Exchange.asmx', credentials: { upn: 'svc@contoso.com', password: 'x' }, method: 'delegate', mailbox: 'alice@contoso.com' };
  const outcome = await viaLibrary(ctx, new AbortController().signal, 5_000, operation);
  assert.equal(outcome.ok, false, 'the library failed');
  if (outcome.ok) throw new Error('unreachable');
  return outcome.failure;
}

const findAppointments = async (service: ews.ExchangeService): Promise<unknown> => {
  const view = new ews.CalendarView(new ews.DateTime(Date.now()), new ews.DateTime(Date.now() + 86_400_000), 5);
  view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.AppointmentSchema.Start]);
  const found = await service.FindAppointments(new ews.FolderId(ews.WellKnownFolderName.Calendar, new ews.Mailbox('alice@contoso.com')), view);
  return found.Items.map((item) => item.Start.TotalMilliSeconds);
};

/** What no message may contain: a second line, a stack frame, a local path, the library's class prefix. */
function assertSafe(text: string): void {
  assert.ok(!/[\r\n]/.test(text), `one line: ${text}`);
  assert.doesNotMatch(text, /\bat \S+ \(|node_modules|\/work\/|\.js:\d+|Exception:/, text);
}

describe('library errors become one safe line (real ews-javascript-api exceptions)', () => {
  const cases: [string, string, RegExp][] = [
    ['a requested property the server did not return (its stack is inside the message)', ID_ONLY, /^This property was requested, but it wasn't returned by the server\.$/],
    ['a FindItem answer without RootFolder', FIND_ITEM(''), /^The request failed\. Cannot read properties of undefined/],
    ['the answer of another operation', ENVELOPE(`<m:GetFolderResponse ${NAMESPACES}><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse>`), /^The request failed\./],
  ];
  for (const [name, body, detail] of cases) {
    it(`${name}: a "library" failure, never called invalid XML, with no stack and no path`, async () => {
      const failure = await libraryFailure(body, findAppointments);
      assert.equal(failure.kind, 'library');
      if (failure.kind !== 'library') return;
      assert.match(failure.detail, detail);
      assertSafe(failure.detail);
      const { message } = describeFailure(failure);
      assertSafe(message);
      assert.doesNotMatch(message, /not valid EWS XML/);
      assert.match(message, /^HTTP 200 with an EWS answer that the EWS library could not read \(.+\); please report it/);
    });
  }

  it('the raw library error really does carry a stack with local paths (what the sanitiser removes)', async () => {
    let raw: unknown;
    const ctx: LibraryContext = { transport: answering(ID_ONLY), url: 'https://mail.contoso.com/EWS/Exchange.asmx', credentials: { upn: 'svc@contoso.com', password: 'x' }, method: 'delegate', mailbox: 'alice@contoso.com' };
    await viaLibrary(ctx, new AbortController().signal, 5_000, async (service) => {
      try {
        return await findAppointments(service);
      } catch (err) {
        raw = err;
        throw err;
      }
    });
    // The library's Exception is no Error: its text is its toString(), the stack included.
    assert.ok(!(raw instanceof Error));
    assert.match(String(raw), /\n\s+at .*node_modules/);
    assert.equal(oneLineErrorText(raw), "This property was requested, but it wasn't returned by the server.");
  });

  it('"not valid EWS XML" is said of a body that is not XML, and only then', () => {
    const broken = classifyResponse({ status: 200, statusText: 'OK', headers: { 'content-type': ['text/xml'] }, body: ENVELOPE('<m:FindItemResponse') });
    assert.ok(!broken.ok);
    if (broken.ok) return;
    assert.equal(broken.failure.kind, 'format');
    assert.match(describeFailure(broken.failure).message, /not valid EWS XML/);
  });
});

describe('oneLineErrorText', () => {
  const cases: [string, unknown, string][] = [
    ['keeps a plain message', new Error('connect ECONNREFUSED 127.0.0.1:443'), 'connect ECONNREFUSED 127.0.0.1:443'],
    ['drops the stack that follows the first line', new Error('Exception: boom\n    at f (/home/u/x.js:1:2)'), 'boom'],
    ['skips leading blank and frame lines', new Error('\n   at g (/opt/a.js:1:1)\nreal reason'), 'real reason'],
    ['replaces POSIX paths', new Error("ENOENT: no such file or directory, open '/home/admin/.config/ca.pem'"), "ENOENT: no such file or directory, open '<path>'"],
    ['replaces Windows paths', new Error('EACCES: permission denied, open C:\\Users\\admin\\ca.pem'), 'EACCES: permission denied, open <path>'],
    ['replaces UNC paths', new TypeError('cannot read \\\\fileserver\\share\\x.txt'), 'cannot read <path>'],
    ['replaces file URLs', new Error('failed to load file:///usr/lib/node_modules/x/index.js now'), 'failed to load <path> now'],
    ['keeps the path of an https URL', new Error('GET https://mail.contoso.com/EWS/Exchange.asmx failed'), 'GET https://mail.contoso.com/EWS/Exchange.asmx failed'],
    ['takes thrown non-errors as text', 'plain string', 'plain string'],
    ['says so when there is nothing', new Error(''), 'no details given'],
    ['says so when there is only a stack', new Error('Error:\n    at x (y.js:1:1)'), 'no details given'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(oneLineErrorText(input), expected));
  }

  it('caps the length at 200 characters', () => {
    const text = oneLineErrorText(new Error('x'.repeat(500)));
    assert.equal(text.length, 200);
    assert.ok(text.endsWith('...'));
    assert.equal(oneLineErrorText(new Error('y'.repeat(200))), 'y'.repeat(200));
  });

  it('is what describeError shows for an unexpected error', () => {
    assert.equal(describeError('Run probes', new Error('Exception: bad\n    at z (/work/x.js:1:1)')), 'Run probes failed unexpectedly: bad. The log has the details.');
  });
});

describe('response codes and remedies (ResponseCode page, ServiceError enum)', () => {
  const expected: [string, RegExp, string][] = [
    ['ErrorMissingEmailAddress', /has no mailbox/, 'serviceAccount.create'],
    ['ErrorExceededConnectionCount', /in flight at once.*EWSMaxConcurrency/, 'serviceAccount.create'],
    ['ErrorImpersonationFailed', /failed to act as this mailbox's user/, 'access.impersonation'],
    ['ErrorMailboxLogonFailed', /could not log on to this mailbox/, 'access'],
  ];
  for (const [code, text, step] of expected) {
    it(`${code}: known, with its meaning and a remedy on ${step}, for either method`, () => {
      assert.ok(KNOWN_RESPONSE_CODES.includes(code));
      for (const method of ['impersonation', 'delegate', undefined] as const) {
        const meaning = describeResponseCode(code, method);
        assert.match(meaning.text, text);
        assert.ok(meaning.remedy, `${code} has a remedy`);
        assert.equal(remedy(meaning.remedy).step, step);
      }
    });
  }

  it('the remedies say what to run', () => {
    assert.match(remedy('serviceAccountMailbox').text, /"Create the service account mailbox" snippet.*Enable-Mailbox/);
    assert.match(remedy('shareThrottlingBudget').text, /EWSMaxConcurrency, 27 by default.*New-ThrottlingPolicy, Set-ThrottlingPolicyAssociation/);
    assert.match(remedy('checkImpersonatedUser').text, /Get-User <address>, Get-Mailbox <address>/);
    assert.match(remedy('checkMailboxDatabase').text, /Get-MailboxDatabase -Status.*Get-MailboxStatistics <address>/);
    assert.match(remedy('checkPassword').text, /disabled, locked out or its password has expired.*Get-ADUser <account> -Properties Enabled,LockedOut,PasswordExpired/);
  });

  it('a 401 under Basic also names a disabled, locked-out or expired account', () => {
    const described = describeFailure({ kind: 'http', status: 401, lockedOut: false });
    assert.equal(described.message, 'HTTP 401: the server refused the service account name or password (the same answer comes when the account is disabled, locked out or its password has expired)');
    assert.equal(described.remedy?.step, 'serviceAccount.create');
    assert.match(described.remedy?.text ?? '', /disabled, locked out/);
  });

  it('an ErrorMissingEmailAddress failure reads as the missing mailbox', () => {
    const described = describeFailure({ kind: 'ews', error: { responseCode: 'ErrorMissingEmailAddress', message: 'x', shape: 'responseMessage' } });
    assert.equal(described.message, 'ErrorMissingEmailAddress: the service account has no mailbox (EWS needs one for the account it logs on as)');
  });

  it('every code has words and every remedy a step and words', () => {
    for (const code of KNOWN_RESPONSE_CODES) assert.ok(describeResponseCode(code).text.length > 10, code);
    for (const key of REMEDY_KEYS) {
      assert.ok(isStepId(remedy(key).step), key);
      assert.ok(remedy(key).text.length > 20, key);
    }
  });

  it('the account codes keep their remedies', () => {
    assert.equal(describeResponseCode('ErrorPasswordChangeRequired').remedy, 'resetPassword');
    assert.equal(describeResponseCode('ErrorPasswordExpired').remedy, 'resetPassword');
    assert.equal(describeResponseCode('ErrorAccountDisabled').remedy, 'enableAccount');
  });

  it('unknown and empty codes are named as sent', () => {
    assert.deepEqual(describeResponseCode('ErrorSomethingNew'), { text: 'the server answered ErrorSomethingNew' });
    assert.deepEqual(describeResponseCode(''), { text: 'the server answered with an unnamed error' });
  });

  it('the rights codes read by method: delegate rights for delegate, impersonation otherwise', () => {
    for (const code of ['ErrorAccessDenied', 'ErrorFolderNotFound', 'ErrorItemNotFound']) {
      const delegate = describeResponseCode(code, 'delegate');
      const impersonation = describeResponseCode(code, 'impersonation');
      assert.equal(delegate.remedy, 'grantDelegate');
      assert.equal(impersonation.remedy, 'grantImpersonation');
      assert.doesNotMatch(impersonation.text, /delegate rights/);
      assert.deepEqual(describeResponseCode(code), delegate);
    }
    assert.match(describeResponseCode('ErrorFolderNotFound', 'impersonation').text, /access is missing/);
    assert.equal(describeResponseCode('ErrorMissingEmailAddress', 'impersonation').remedy, 'serviceAccountMailbox');
  });
});
