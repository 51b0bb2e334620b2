import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REDACTED, buildReport, diagnosticsText, redact, reportJson, reportMarkdown, spokenEvent, toCheckView, type ReportInput } from '../../src/core/report';

/** A password no report may contain in any form. */
const CANARY = 'Canary-Pa55word!7319';
const UPN = 'alexaforbusiness@contoso.com';
const BASIC = Buffer.from(`${UPN}:${CANARY}`).toString('base64');

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    generatedAt: new Date('2026-11-29T10:00:00.000Z'),
    toolVersion: '0.1.0',
    configuration: { ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx', upn: UPN, testMailbox: 'alice@contoso.com', accessMethod: 'impersonation', write: true },
    outcome: 'failed',
    checks: [
      { id: 'net.dns', status: 'pass', message: 'mail.contoso.com resolves to 10.0.0.5', ms: 2 },
      { id: 'auth.schemes', status: 'pass', message: 'Basic authentication is offered (all: Negotiate, NTLM, Basic)', ms: 30 },
      // A server that echoes what it was sent: the report must still not carry the secret.
      { id: 'auth.login', status: 'fail', message: `Logon failed: server said "bad password ${CANARY}" for Authorization: Basic ${BASIC}`, ms: 40, remedy: { step: 'serviceAccount.create', text: 'Check the service account UPN and password.' } },
      { id: 'access.impersonation', status: 'fail', message: `header was authorization=Basic ${BASIC}; pwd=${encodeURIComponent(CANARY)}`, ms: 12, remedy: { step: 'access.impersonation', text: 'Run the "Method 1: impersonation" snippet.' } },
      { id: 'calendar.write', status: 'skip', message: 'Skipped: access.impersonation did not pass', ms: 0 },
    ],
    server: { build: '15.2.2562.17', product: 'Exchange Server Subscription Edition', supported: true },
    events: [{ subject: `Board meeting ${CANARY}`, start: '2026-12-01T09:00:00.000Z', end: '2026-12-01T10:00:00.000Z' }],
    mailboxes: {
      total: 4, verified: 2, denied: 1, notFound: 0, notChecked: 1,
      unverified: [
        { mailbox: 'bob@contoso.com', status: 'denied', code: 'ErrorImpersonateUserDenied', reason: `ErrorImpersonateUserDenied (Bearer ${'x'.repeat(20)})` },
        { mailbox: 'carol@contoso.com', status: 'not-checked', reason: 'throttled, retry after 300 s (ErrorServerBusy: the account\'s EWS time budget is spent)' },
      ],
    },
    durationMs: 1234,
    secrets: [CANARY],
    ...overrides,
  };
}

function assertNoSecret(text: string): void {
  assert.ok(!text.includes(CANARY), 'the password is not in the output');
  assert.ok(!text.includes(BASIC), 'the Basic credential is not in the output');
  assert.ok(!text.includes(encodeURIComponent(CANARY)), 'the URL-encoded password is not in the output');
  assert.ok(!text.includes(Buffer.from(CANARY).toString('base64')), 'the base64 password is not in the output');
  assert.ok(!/Bearer\s+x{20}/.test(text), 'no bearer token');
}

describe('probe report', () => {
  it('keeps the canary password and Authorization values out of the Markdown, the JSON and the diagnostics', () => {
    for (const text of [reportMarkdown(input()), reportJson(input()), diagnosticsText(input())]) {
      assertNoSecret(text);
      assert.ok(text.includes(REDACTED));
    }
  });

  it('masks Authorization headers even when the secret is not known', () => {
    const text = reportMarkdown(input({ secrets: [] }));
    assert.ok(!text.includes(BASIC));
    assert.match(redact('Authorization: NTLM TlRMTVNTUAABAAAAB4IIog==', []), /Authorization: \[redacted\]/);
    assert.equal(redact('Basic authentication is offered', []), 'Basic authentication is offered');
  });

  it('has the configuration, each check, the server version and the remedies', () => {
    const md = reportMarkdown(input());
    assert.match(md, /\| EWS URL \| https:\/\/mail\.contoso\.com\/EWS\/Exchange\.asmx \|/);
    assert.match(md, /\| Access method \| impersonation \|/);
    assert.match(md, /Exchange Server Subscription Edition, build 15\.2\.2562\.17 \(supported\)/);
    for (const id of ['net.dns', 'auth.schemes', 'auth.login', 'access.impersonation', 'calendar.write']) assert.ok(md.includes(`\`${id}\``), `row for ${id}`);
    assert.match(md, /## What to do[\s\S]*Service account logs on[\s\S]*serviceAccount\.create/);
    assert.match(md, /2 verified, 1 denied, 0 not found, 1 not checked \(of 4\)\. Only denied and not found are failures\./);
    assert.match(md, /- bob@contoso\.com: denied \(ErrorImpersonateUserDenied\): /);
    assert.match(md, /- carol@contoso\.com: not checked: throttled, retry after 300 s/);
    assert.match(md, /To verify only the 1 not checked: .*--recheck/);
    const doc = buildReport(input());
    assert.equal(doc.format, 'exchange-calendar-setup/probe-report');
    assert.equal(doc.checks.length, 5);
    assert.equal(doc.checks[2].remedy?.stepTitle, 'Create the service account mailbox');
    assert.equal(JSON.parse(reportJson(input())).server.build, '15.2.2562.17');
  });

  it('names the test room mailbox and reads its events back when the run probed one', () => {
    const withRoom = input({
      configuration: { ...input().configuration, testRoomMailbox: 'room101@contoso.com' },
      checks: [...input().checks, { id: 'room.access', status: 'pass', message: 'can impersonate room101@contoso.com', ms: 9 }, { id: 'room.read', status: 'pass', message: '1 event(s)', ms: 9 }],
      roomEvents: [{ subject: `Device check-in ${CANARY}`, start: '2026-12-01T11:00:00.000Z', end: '2026-12-01T11:30:00.000Z' }],
    });
    const md = reportMarkdown(withRoom);
    assert.match(md, /\| Test room mailbox \| room101@contoso\.com \|/);
    assert.match(md, /Access to the test room mailbox \(`room\.access`\)/);
    assert.match(md, /## Upcoming events of the test room mailbox\n\n- On Tuesday, December 1 at 11:00 AM: Device check-in/);
    assert.match(diagnosticsText(withRoom), /test room mailbox room101@contoso\.com/);
    assertNoSecret(md);
    assertNoSecret(reportJson(withRoom));
    assert.equal(buildReport(withRoom).roomEvents?.length, 1);
    // Without a room mailbox nothing about rooms is written.
    assert.ok(!reportMarkdown(input()).includes('room'));
  });

  it('cannot be broken out of a table cell or turned into HTML by a server message', () => {
    const md = reportMarkdown(input({ checks: [{ id: 'auth.login', status: 'fail', message: 'a | b\n# heading <script>x</script>', ms: 1 }] }));
    const row = md.split('\n').find((l) => l.includes('`auth.login`')) ?? '';
    assert.match(row, /a \\\| b # heading &lt;script&gt;x&lt;\/script&gt;/);
    assert.ok(!md.includes('<script>'));
  });

  it('shortens the diagnostics to the checks that did not pass', () => {
    const text = diagnosticsText(input());
    assert.match(text, /1 of 5 checks passed|2 of 5 checks passed/);
    assert.ok(!text.includes('net.dns'));
    assert.match(text, /FAIL auth\.login: .* -> serviceAccount\.create/);
    assert.ok(text.split('\n').length < 12);
    assert.match(text, /Mailboxes: 2 verified, 1 denied, 0 not found, 1 not checked \(of 4\)/);
  });
});

describe('check views and spoken events', () => {
  it('names checks and carries the remedy step title', () => {
    const view = toCheckView({ id: 'tls.trust', status: 'fail', message: 'self-signed', ms: 3, remedy: { step: 'prerequisites.certificate', text: 'Bind a public certificate.' } });
    assert.equal(view.name, 'Certificate chains to a public root');
    assert.deepEqual(view.remedy, { step: 'prerequisites.certificate', stepTitle: 'Publicly trusted certificate on EWS', text: 'Bind a public certificate.', hasSnippet: true });
  });

  it('reads an event back with day, time and subject', () => {
    const spoken = spokenEvent({ subject: 'Standup', start: '2026-12-01T09:00:00.000Z', end: '2026-12-01T09:15:00.000Z' }, 'UTC');
    assert.equal(spoken.spoken, 'On Tuesday, December 1 at 9:00 AM: Standup.');
    assert.match(spokenEvent({ subject: '', start: 'garbage', end: '' }, 'UTC').spoken, /no title, at a time Exchange did not give/);
  });
});

// The whole of each output, pinned: every heading, label and conditional part of the Markdown, the
// diagnostics and the JSON, for a run with everything in it and for a run with the least.
describe('report outputs match the golden files (test/unit/golden/report-*)', () => {
  const GOLDEN_DIR = join(__dirname, '..', '..', '..', 'test', 'unit', 'golden');
  const full: ReportInput = {
    ...input(),
    configuration: { ...input().configuration, accessMethod: 'delegate', write: false },
    checks: [
      { id: 'net.dns', status: 'pass', message: 'resolves', ms: 2 },
      { id: 'tls.trust', status: 'warn', message: 'only the extra CA', ms: 1, remedy: { step: 'prerequisites.certificate', text: 'Use a public CA.' } },
      { id: 'auth.login', status: 'fail', message: `refused ${CANARY}`, ms: 40, remedy: { step: 'serviceAccount.create', text: 'Check the password.' } },
      { id: 'calendar.read', status: 'pass', message: 'read', ms: 3, remedy: { step: 'access.delegate', text: 'never shown for a pass' } },
      { id: 'custom.id', status: 'skip', message: 'Skipped', ms: 0 },
    ],
    server: { build: '15.1.2507.6', product: 'Exchange Server 2016', supported: false },
    events: [{ subject: '   ', start: '2026-12-01T09:00:00.000Z', end: '2026-12-01T10:00:00.000Z' }, { subject: 'Sync', start: '2026-12-02T13:30:00.000Z', end: '2026-12-02T14:00:00.000Z' }],
    mailboxes: {
      total: 3, verified: 1, denied: 1, notFound: 0, notChecked: 1,
      unverified: [{ mailbox: 'bob@contoso.com', status: 'denied', code: 'ErrorAccessDenied', reason: `denied ${CANARY}`, node: 'exch02.contoso.com (10.0.0.12)' }, { mailbox: 'carol@contoso.com', status: 'not-checked', reason: 'throttled, retry after 30 s', node: '10.0.0.11' }],
      byNode: [{ node: '10.0.0.11', total: 2, verified: 1, denied: 0, notFound: 0, notChecked: 1 }, { node: 'exch02.contoso.com (10.0.0.12)', total: 1, verified: 0, denied: 1, notFound: 0, notChecked: 0 }],
    },
    // Per-node probes: every field of the nodes section, the odd node with its fix.
    nodes: {
      host: 'mail.contoso.com', total: 2, passing: 1,
      summary: `1 of 2 nodes pass; exch02.contoso.com (10.0.0.12) does not offer Basic: the service will fail on about one request in two. ${CANARY}`,
      nodes: [
        { node: '10.0.0.11', address: '10.0.0.11', label: '10.0.0.11', ok: true, server: { build: '15.1.2507.6', product: 'Exchange Server 2016' }, checks: [{ id: 'auth.schemes', status: 'pass', message: 'Basic is offered', ms: 4 }] },
        { node: 'exch02.contoso.com', address: '10.0.0.12', label: 'exch02.contoso.com (10.0.0.12)', ok: false, checks: [{ id: 'auth.schemes', status: 'fail', message: 'Basic is not offered', ms: 5, remedy: { step: 'basicAuth.enable', text: 'Turn on Basic.' } }] },
      ],
      differing: [{ node: 'exch02.contoso.com', label: 'exch02.contoso.com (10.0.0.12)', problems: ['does not offer Basic'], failing: true, remedy: { step: 'basicAuth.enable', text: 'On exch02.contoso.com (10.0.0.12): Turn on Basic.' } }],
    },
    durationMs: 77,
  };
  const bare: ReportInput = {
    generatedAt: full.generatedAt, toolVersion: '0.1.0', secrets: [CANARY], outcome: 'passed', events: [],
    configuration: { ...full.configuration, accessMethod: 'impersonation', write: true }, checks: [full.checks[0]],
  };
  const outputs: [string, () => string][] = [
    ['report-full.md', () => reportMarkdown(full)], ['report-full-diagnostics.txt', () => diagnosticsText(full)], ['report-full.json', () => reportJson(full)],
    ['report-bare.md', () => reportMarkdown(bare)], ['report-bare-diagnostics.txt', () => diagnosticsText(bare)], ['report-bare.json', () => reportJson(bare)],
  ];
  for (const [name, make] of outputs) {
    it(name, () => {
      const path = join(GOLDEN_DIR, name);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, make());
      assert.ok(existsSync(path), `missing golden file ${path}; run with UPDATE_GOLDEN=1 to create it`);
      assert.equal(make(), readFileSync(path, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it after review)`);
    });
  }

  it('says the outcome in words for each outcome', () => {
    const said = (['passed', 'failed', 'cancelled', 'error'] as const).map((outcome) => diagnosticsText({ ...bare, outcome }).split('\n')[0].replace(/^.*: /, ''));
    assert.deepEqual(said, ['all checks passed', 'some checks failed', 'cancelled before the end', 'stopped by an unexpected error']);
  });
});
