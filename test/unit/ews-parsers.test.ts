import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { calendarAccessRequest, classifyResponse, describeFailure, ownCalendarRequest } from '../../src/core/ews/client';
import { classifyServerVersion } from '../../src/core/ews/probes';
import { KNOWN_RESPONSE_CODES, describeResponseCode } from '../../src/core/ews/responseCodes';
import { firstError, parseEwsResponse, readServerVersion } from '../../src/core/ews/soap';
import { XmlError, decodeEntities, parseXml, type XmlElement } from '../../src/core/ews/xml';
import type { HttpResponse } from '../../src/core/ews/transport';
import { findSchemaDir } from '../fake-exchange/schema';
import { REMEDY_KEYS, remedy } from '../../src/core/remedies';
import { isStepId } from '../../src/core/steps';

const FIXTURES = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'ews');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const http = (status: number, body: string, headers: Record<string, string[]> = {}): HttpResponse => ({ status, statusText: '', headers: { 'content-type': ['text/xml; charset=utf-8'], ...headers }, body });

describe('EWS response parsing (recorded real-shaped responses)', () => {
  it('reads a successful FindItem with s:/h: prefixes and a default namespace on ServerVersionInfo', () => {
    const parsed = parseEwsResponse(fixture('finditem-success.xml'));
    assert.deepEqual(parsed.serverVersion, { major: 15, minor: 1, majorBuild: 2507, minorBuild: 6, build: '15.1.2507.6' });
    assert.equal(parsed.fault, undefined);
    assert.equal(parsed.messages.length, 1);
    assert.equal(parsed.messages[0].operation, 'FindItem');
    assert.equal(parsed.messages[0].responseClass, 'Success');
    assert.equal(firstError(parsed), undefined);
    assert.equal(classifyResponse(http(200, fixture('finditem-success.xml'))).ok, true);
  });

  it('reads the 200 + ResponseClass="Error" shape written with a default namespace and no prefixes', () => {
    const parsed = parseEwsResponse(fixture('getfolder-error-200.xml'));
    assert.deepEqual(firstError(parsed), { responseCode: 'ErrorFolderNotFound', message: 'The specified folder could not be found in the store.', backOffMs: undefined, shape: 'responseMessage' });
    assert.equal(parsed.serverVersion?.build, '15.2.1544.4');
  });

  it('reads the 500 SOAP fault shape from detail/e:ResponseCode', () => {
    const outcome = classifyResponse(http(500, fixture('fault-impersonate-user-denied.xml')));
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.failure.kind, 'ews');
    const described = describeFailure(outcome.failure, 'impersonation');
    assert.match(described.message, /^ErrorImpersonateUserDenied: .*scope/);
    assert.equal(described.remedy?.step, 'access.impersonation');
  });

  it('reads BackOffMilliseconds from a fault and from a 200 response message with odd prefixes', () => {
    const fault = firstError(parseEwsResponse(fixture('fault-server-busy.xml')));
    assert.equal(fault?.responseCode, 'ErrorServerBusy');
    assert.equal(fault?.backOffMs, 2314);
    const message = firstError(parseEwsResponse(fixture('busy-200-message.xml')));
    assert.equal(message?.responseCode, 'ErrorServerBusy');
    assert.equal(message?.backOffMs, 750);
  });

  it('falls back to faultcode when a fault has no detail', () => {
    const error = firstError(parseEwsResponse(fixture('fault-schema-no-detail.xml')));
    assert.equal(error?.responseCode, 'ErrorSchemaValidation');
    assert.match(error?.message ?? '', /schema validation/);
  });

  it('takes the version from the numbers, never the Version string, and tolerates missing build attributes', () => {
    assert.equal(parseEwsResponse(fixture('fault-invalid-server-version-2010.xml')).serverVersion?.build, '14.3.123.4');
    assert.equal(parseEwsResponse(fixture('busy-200-message.xml')).serverVersion?.build, '15.0.0.0');
    const noNumbers = parseXml('<ServerVersionInfo Version="V2017_07_11"/>');
    assert.equal(readServerVersion(noNumbers), undefined);
  });

  it('classifies every server generation', () => {
    const v = (major: number, minor: number, majorBuild: number) => classifyServerVersion({ major, minor, majorBuild, minorBuild: 1, build: `${major}.${minor}.${majorBuild}.1` });
    assert.equal(v(14, 3, 123).verdict.status, 'fail');
    assert.equal(v(15, 0, 1497).verdict.status, 'warn');
    assert.match(v(15, 0, 1497).verdict.message, /2023-04-11/);
    assert.equal(v(15, 1, 2507).product, 'Exchange 2016');
    assert.match(v(15, 1, 2507).verdict.message, /2025-10-14/);
    assert.equal(v(15, 2, 2561).verdict.status, 'warn');
    assert.equal(v(15, 2, 2562).verdict.status, 'pass');
    assert.equal(v(15, 2, 2562).supported, true);
    const online = v(15, 20, 8835);
    assert.equal(online.verdict.status, 'fail');
    assert.match(online.verdict.message, /October 2022/);
    assert.match(online.verdict.message, /February 2025/);
  });

  it('rejects malformed XML, DTDs and undeclared prefixes', () => {
    assert.throws(() => parseXml('<a><b></a>'), XmlError);
    assert.throws(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), XmlError);
    assert.throws(() => parseXml('<p:a/>'), XmlError);
    const outcome = classifyResponse(http(200, '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><broken'));
    assert.equal(!outcome.ok && outcome.failure.kind, 'format');
  });

  it('reads every attribute of every tag, also after a parse that failed inside an attribute list', () => {
    // The attribute reader shares one regex between tags and documents: a throw in the middle of a
    // tag's attributes (a bad entity) must not make the next tag or document skip any of its own.
    assert.throws(() => parseXml('<a x="1" y="&bad;" z="3"/>'), XmlError);
    const root = parseXml(`<r a="1" b='2'><c d="3" xmlns:p="urn:p"><p:e f="&amp;" g="5"/></c><h/><i j="6"/></r>`);
    assert.deepEqual(root.attrs, { a: '1', b: '2' });
    const c = root.children[0];
    assert.deepEqual(c.attrs, { d: '3' });
    assert.deepEqual({ ns: c.children[0].ns, attrs: c.children[0].attrs }, { ns: 'urn:p', attrs: { f: '&', g: '5' } });
    assert.deepEqual(root.children.map((el) => [el.local, el.attrs]), [['c', { d: '3' }], ['h', {}], ['i', { j: '6' }]]);
    // The same answer twice in a row reads the same (nothing carried over from the first parse).
    const answer = fixture('fault-server-busy.xml');
    assert.deepEqual(parseEwsResponse(answer).fault, parseEwsResponse(answer).fault);
  });

  it('reads the same attributes as an independent reading of each start tag, over every recorded answer (faults included)', () => {
    // Differential: every start tag found in the raw text, its attributes read one by one with
    // matchAll (the reader's former way), against the parsed tree in document order.
    const startTag = /<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g;
    const attribute = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.xml'));
    assert.ok(files.length >= 5 && files.some((f) => f.startsWith('fault-')), 'the corpus has answers and faults');
    for (const file of files) {
      const text = fixture(file);
      const expected = [...text.matchAll(startTag)].map((tag) => {
        const attrs: Record<string, string> = {};
        for (const [, name, double, single] of tag[2].matchAll(attribute)) {
          if (name !== 'xmlns' && !name.startsWith('xmlns:')) attrs[name.slice(name.indexOf(':') + 1)] = decodeEntities(double ?? single ?? '');
        }
        return [tag[1].slice(tag[1].indexOf(':') + 1), attrs];
      });
      const actual: [string, Record<string, string>][] = [];
      const visit = (el: XmlElement): void => {
        actual.push([el.local, el.attrs]);
        el.children.forEach(visit);
      };
      visit(parseXml(text));
      assert.deepEqual(actual, expected, file);
    }
  });

  it('sorts HTTP-level answers: 401, locked body, 302 to the generic error page, 503', () => {
    const kinds = (status: number, body = '', headers: Record<string, string[]> = {}) => {
      const outcome = classifyResponse({ status, statusText: '', headers, body });
      assert.equal(outcome.ok, false);
      return outcome.ok ? undefined : describeFailure(outcome.failure, 'impersonation');
    };
    assert.match(kinds(401)?.message ?? '', /name or password/);
    assert.match(kinds(401, 'The referenced account is currently locked out and may not be logged on to.')?.message ?? '', /locked out/);
    assert.match(kinds(302, '', { location: ['https://mail.contoso.com/ews/genericerrorpage.htm?aspxerrorpath=/EWS/Exchange.asmx'] })?.message ?? '', /generic error page/);
    assert.match(kinds(503)?.message ?? '', /^throttled, retry after 1 s \(HTTP 503: requests are queuing in IIS, or the EWS application pool is stopped\)/);
    assert.match(kinds(503, '', { 'retry-after': ['120'] })?.message ?? '', /^throttled, retry after 120 s \(HTTP 503/);
  });

  it('says how long a throttling server asked to wait, in full', () => {
    const busy = describeFailure({ kind: 'ews', error: { responseCode: 'ErrorServerBusy', message: 'busy', backOffMs: 3_600_000, shape: 'soapFault' } } as Parameters<typeof describeFailure>[0]);
    assert.match(busy.message, /^throttled, retry after 3600 s \(ErrorServerBusy: /);
  });

  it('has a plain-language meaning for every response code in EXCHANGE.md', () => {
    const documented = ['ErrorImpersonateUserDenied', 'ErrorImpersonationDenied', 'ErrorNonExistentMailbox', 'ErrorAccessDenied', 'ErrorFolderNotFound',
      'ErrorItemNotFound', 'ErrorInvalidServerVersion', 'ErrorServerBusy', 'ErrorAccountDisabled', 'ErrorPasswordExpired', 'ErrorPasswordChangeRequired',
      'ErrorSchemaValidation', 'ErrorCalendarViewRangeTooBig', 'ErrorSendMeetingInvitationsRequired', 'ErrorSendMeetingCancellationsRequired'];
    for (const code of documented) {
      assert.ok(KNOWN_RESPONSE_CODES.includes(code), code);
      assert.doesNotMatch(describeResponseCode(code).text, /answered/, code);
    }
    assert.equal(describeResponseCode('ErrorFolderNotFound', 'delegate').remedy, 'grantDelegate');
    assert.equal(describeResponseCode('ErrorFolderNotFound', 'impersonation').remedy, 'grantImpersonation');
  });
});

describe('remedies', () => {
  it('every remedy names an existing checklist step', () => {
    for (const key of REMEDY_KEYS) assert.ok(isStepId(remedy(key).step), key);
  });
});

describe('EWS requests built by the lean path', () => {
  it('validate against the EWS schemas (xmllint)', function () {
    this.timeout(20_000);
    const schemaDir = findSchemaDir();
    assert.ok(schemaDir, 'the EWS schema folder must exist for this test');
    const dir = mkdtempSync(join(tmpdir(), 'ews-requests-'));
    try {
      const start = new Date('2026-12-01T00:00:00Z');
      const end = new Date('2026-12-02T00:00:00Z');
      const requests = {
        'own.xml': ownCalendarRequest(),
        'impersonation.xml': calendarAccessRequest("o'brien@contoso.com", 'impersonation', start, end),
        'delegate.xml': calendarAccessRequest('alice@contoso.com', 'delegate', start, end),
      };
      const files = Object.entries(requests).map(([name, xml]) => {
        writeFileSync(join(dir, name), xml);
        return join(dir, name);
      });
      execFileSync('xmllint', ['--nonet', '--noout', '--schema', join(schemaDir, 'soap-envelope.xsd'), ...files], { stdio: 'pipe' });
      assert.match(requests['impersonation.xml'], /<t:RequestServerVersion Version="Exchange2013"\/>/);
      assert.match(requests['impersonation.xml'], /<t:SmtpAddress>o&apos;brien@contoso.com<\/t:SmtpAddress>/);
      assert.doesNotMatch(requests['delegate.xml'], /ExchangeImpersonation/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
