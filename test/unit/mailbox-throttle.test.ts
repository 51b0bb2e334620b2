import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProbeCommand } from '../../src/cli/probe';
import { runProbes } from '../../src/core/ews/probes';
import { verifyMailboxes, type MailboxReport, type VerifyOptions } from '../../src/core/ews/mailboxes';
import {
  FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, generatedMailboxName, startFakeExchange, type FakeExchangeOptions, type RecordedRequest,
} from '../fake-exchange/server';

const names = (count: number): string[] => Array.from({ length: count }, (_, i) => generatedMailboxName(i + 1));

/** Verifies `mailboxes` against a fake started with `fakeOptions`; the report and what the fake saw. */
async function verifyAgainst(fakeOptions: FakeExchangeOptions, mailboxes: string[], options: VerifyOptions = {}): Promise<{ report: MailboxReport; requests: readonly RecordedRequest[] }> {
  const fake = await startFakeExchange({ scenario: 'healthy', mailboxCount: Math.max(50, mailboxes.length), validateSchemas: false, ...fakeOptions });
  try {
    const report = await verifyMailboxes(
      { ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', extraCaPem: fake.caPem },
      mailboxes,
      options,
    );
    return { report, requests: [...fake.requests] };
  } finally {
    await fake.stop();
  }
}

const failures = (report: MailboxReport): number => report.denied + report.notFound;
const firstReasons = (report: MailboxReport): string => JSON.stringify(report.unverified.slice(0, 3));

// Counts, not times: every throttled answer is retried after what the server asked for, so a
// client far above the server's limit must end with every mailbox verified and none failed.
describe('many-mailbox verification against Exchange\'s throttling answers', function () {
  this.timeout(30_000);

  it('finds a limit of 4 enforced by ErrorExceededConnectionCount with few refusals and verifies every mailbox', async () => {
    const { report, requests } = await verifyAgainst({ concurrencyLimit: 4, latencyMs: 20 }, names(200), { concurrency: 32 });
    assert.equal(report.verified, 200, firstReasons(report));
    const answered = requests.filter((r) => r.status === 200).length;
    const refused = requests.filter((r) => r.throttled === 'connection-count').length;
    assert.equal(answered, 200, 'every mailbox answered once');
    assert.equal(answered + refused, requests.length, 'nothing but successes and refusals');
    assert.ok(refused < 40, `${refused} refusals`);
  });

  it('stays at Exchange\'s default limit of 27 with no refusal when allowed 64', async () => {
    // Our count of requests in flight is never below the server's, so a window held at 27 cannot
    // draw a refusal from a server limited to 27.
    const { report, requests } = await verifyAgainst({ concurrencyLimit: 27, latencyMs: 20 }, names(300), { concurrency: 64 });
    assert.equal(report.verified, 300, firstReasons(report));
    assert.equal(requests.filter((r) => r.throttled !== undefined).length, 0, 'refusals');
    assert.equal(requests.length, 300, 'one request per mailbox');
  });

  it('reports 0 false failures when another client of the account holds 10 of its 27 slots', async () => {
    // The calendar service shares the service account's budget: the run meets the limit at 17.
    const { report, requests } = await verifyAgainst({ concurrencyLimit: 27, otherClientSlots: 10, latencyMs: 60 }, names(300), { concurrency: 64 });
    assert.deepEqual([failures(report), report.notChecked, report.verified], [0, 0, 300], firstReasons(report));
    assert.ok(requests.some((r) => r.throttled === 'connection-count'), 'the fake did refuse past 17');
  });

  it('waits out HTTP 503 (IIS queuing) with Retry-After and reports 0 false failures', async () => {
    const { report, requests } = await verifyAgainst({ queue503Every: 5, retryAfterSeconds: 0, latencyMs: 5 }, names(60), { concurrency: 8 });
    assert.deepEqual([failures(report), report.notChecked, report.verified], [0, 0, 60], firstReasons(report));
    assert.ok(requests.filter((r) => r.status === 503).length >= 12, 'one request in five was answered 503');
  });

  it('waits out HTTP 503 without Retry-After too', async () => {
    const { report, requests } = await verifyAgainst({ queue503Every: 3 }, names(4), { concurrency: 1 });
    assert.deepEqual([failures(report), report.notChecked, report.verified], [0, 0, 4], firstReasons(report));
    assert.ok(requests.some((r) => r.status === 503 && r.headers['retry-after'] === undefined));
  });

  it('retries the HTTP 200 ErrorInternalServerError that wraps ErrorServerBusy instead of failing the mailbox', async () => {
    const { report, requests } = await verifyAgainst({ scenario: 'inner-busy-then-ok' }, names(5), { concurrency: 2 });
    assert.deepEqual([failures(report), report.notChecked, report.verified], [0, 0, 5], firstReasons(report));
    assert.equal(requests.filter((r) => r.throttled === 'inner-server-busy').length, 2);
  });

  it('stops when a back-off outlasts the time left: every mailbox not checked (throttled, retry after 600 s), none failed', async () => {
    const { report, requests } = await verifyAgainst({ scenario: 'busy-then-ok', busyBackOffMs: 600_000 }, names(6), { concurrency: 1, timeLeft: () => 60_000 });
    assert.deepEqual([failures(report), report.notChecked, report.verified], [0, 6, 0]);
    for (const u of report.unverified) {
      assert.equal(u.status, 'not-checked');
      assert.match(u.reason, /^throttled, retry after 600 s \(ErrorServerBusy/);
    }
    assert.equal(requests.length, 1, 'nothing sent after the server asked for ten minutes');
  });

  it('leaves a mailbox not checked, not failed, when another client holds every slot for longer than its retries', async () => {
    const { report, requests } = await verifyAgainst({ concurrencyLimit: 27, otherClientSlots: 27 }, names(1), { concurrency: 4, maxThrottledRetries: 2 });
    assert.deepEqual([failures(report), report.notChecked], [0, 1]);
    assert.match(report.unverified[0].reason, /^still throttled after 2 retries: throttled, retry once its other requests have completed \(ErrorExceededConnectionCount: .*limit 27/);
    assert.equal(requests.length, 3, 'the first try and 2 retries');
  });

  it('ends every mailbox as exactly one of verified, denied (with the code), not found, not checked', async () => {
    const mailboxes = [...names(3), 'nobody@contoso.com'];
    const healthy = await verifyAgainst({}, mailboxes, { concurrency: 2 });
    assert.deepEqual(healthy.report.unverified, [{ mailbox: 'nobody@contoso.com', status: 'not-found', code: 'ErrorNonExistentMailbox', reason: 'no mailbox exists with this address' }]);
    const denied = await verifyAgainst({ scenario: 'impersonation-denied' }, names(2), { concurrency: 2 });
    assert.deepEqual(denied.report.unverified.map((u) => [u.status, u.status === 'not-checked' ? '' : u.code]), [['denied', 'ErrorImpersonateUserDenied'], ['denied', 'ErrorImpersonateUserDenied']]);
    assert.deepEqual([denied.report.denied, denied.report.notFound, healthy.report.notFound, healthy.report.denied], [2, 0, 1, 0]);
    const controller = new AbortController();
    controller.abort();
    const cancelled = await verifyAgainst({}, names(3), { signal: controller.signal });
    assert.deepEqual(cancelled.report.unverified.map((u) => [u.mailbox, u.status, u.reason]), names(3).map((m) => [m, 'not-checked', 'the run was cancelled or its time limit ran out']));
    for (const { report } of [healthy, denied, cancelled]) {
      assert.equal(report.verified + report.denied + report.notFound + report.notChecked, report.total, 'each mailbox counted once');
    }
  });
});

describe('many-mailbox verification over a given transport', () => {
  const config = { ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx', upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation' as const };

  it('rethrows an unexpected error (not a cancellation) and leaves a transport it was given open', async () => {
    let closed = 0;
    const broken = { request: async () => { throw new Error('a defect'); }, close: () => { closed++; }, stats: () => ({ requests: 0, tcpConnections: 0, tlsHandshakes: 0 }) };
    await assert.rejects(verifyMailboxes(config, names(3), { transport: broken as never, concurrency: 2 }), /a defect/);
    assert.equal(closed, 0, 'the caller owns the transport');
  });
});

describe('a probe run against a server asking for a longer back-off than the run has', function () {
  this.timeout(30_000);

  it('says throttled, retry after 600 s at once instead of waiting, and vouches for nothing it could not check', async () => {
    const fake = await startFakeExchange({ scenario: 'busy-then-ok', busyBackOffMs: 600_000, validateSchemas: false });
    try {
      const run = await runProbes({ ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 20_000 });
      const login = run.checks.find((c) => c.id === 'auth.login');
      // Not a denial, but not evidence either: the run cannot pass on checks it could not make.
      assert.equal(login?.status, 'fail');
      assert.match(login?.message ?? '', /^Logon as .* not checked: throttled, retry after 600 s \(ErrorServerBusy/);
      assert.equal(run.ok, false);
      assert.equal(run.checks.find((c) => c.id === 'access.impersonation')?.status, 'skip', 'nothing after it claims anything');
      assert.equal(fake.requests.filter((r) => r.throttled === 'server-busy').length, 1, 'the throttled answer taken as the verdict, not retried');
    } finally {
      await fake.stop();
    }
  });
});

describe('probe --recheck: verifying only the mailboxes a run left not checked', function () {
  this.timeout(30_000);

  it('reads the previous run\'s JSON and verifies exactly its not-checked mailboxes', async () => {
    const fake = await startFakeExchange({ scenario: 'healthy', mailboxCount: 10, validateSchemas: false });
    const dir = mkdtempSync(join(tmpdir(), 'probe-recheck-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), fake.caPem);
      // The shape `probe --mailboxes FILE --json` writes and an exported report carries.
      writeFileSync(join(dir, 'run1.json'), JSON.stringify({
        ok: true, checks: [],
        mailboxes: {
          total: 5, verified: 2, denied: 1, notFound: 0, notChecked: 2,
          unverified: [
            { mailbox: generatedMailboxName(3), status: 'denied', code: 'ErrorImpersonateUserDenied', reason: 'denied' },
            { mailbox: generatedMailboxName(4), status: 'not-checked', reason: 'throttled, retry after 600 s (ErrorServerBusy)' },
            { mailbox: generatedMailboxName(5), status: 'not-checked', reason: 'timed out' },
          ],
        },
      }));
      let stdout = '';
      let stderr = '';
      const code = await runProbeCommand([
        '--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', join(dir, 'ca.pem'), '--recheck', join(dir, 'run1.json'), '--json',
      ], { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env: { EWS_PASSWORD: FAKE_PASSWORD } });
      assert.equal(code, 0, stderr);
      assert.deepEqual((JSON.parse(stdout) as { mailboxes: unknown }).mailboxes, { total: 2, verified: 2, denied: 0, notFound: 0, notChecked: 0, unverified: [] });
      const checked = fake.requests.filter((r) => r.operation === 'FindItem' && r.impersonatedMailbox !== FAKE_TEST_MAILBOX).map((r) => r.impersonatedMailbox);
      assert.deepEqual(checked.sort(), [generatedMailboxName(4), generatedMailboxName(5)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await fake.stop();
    }
  });

  it('refuses a bad --recheck file with a message that says what to give it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-recheck-bad-'));
    try {
      const run = async (content: string | undefined, extra: string[] = []): Promise<{ code: number; stderr: string }> => {
        const file = join(dir, 'prev.json');
        if (content !== undefined) writeFileSync(file, content);
        let stderr = '';
        const code = await runProbeCommand([
          '--url', 'https://mail.contoso.com/EWS/Exchange.asmx', '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX,
          '--recheck', content === undefined ? join(dir, 'missing.json') : file, ...extra,
        ], { stdout: { write: () => undefined }, stderr: { write: (t: string) => { stderr += t; } }, env: { EWS_PASSWORD: FAKE_PASSWORD } });
        return { code, stderr };
      };
      const cases: [string | undefined, RegExp, string[]?][] = [
        [undefined, /--recheck .*missing\.json: cannot read it/],
        ['not json', /is not JSON; give the output of "exchange-setup probe --mailboxes FILE --json"/],
        ['{"ok":true,"checks":[]}', /has no mailbox results \(mailboxes\.unverified\)/],
        ['{"mailboxes":{"unverified":[{"mailbox":"a@contoso.com"}]}}', /mailboxes\.unverified\[0\] is not \{mailbox, status\}/],
        ['{"mailboxes":{"unverified":[{"mailbox":"not an address","status":"not-checked"}]}}', /mailboxes\.unverified\[0\]: "not an address" is not an SMTP address/],
        ['{"mailboxes":{"unverified":[{"mailbox":"a@contoso.com","status":"denied","code":"X","reason":"r"}]}}', /lists no not-checked mailboxes: nothing to check again/],
        ['{"mailboxes":{"unverified":[{"mailbox":"a@contoso.com","status":"not-checked","reason":"r"}]}}', /--mailboxes and --recheck cannot be combined/, ['--mailboxes', 'x.txt']],
      ];
      for (const [content, expected, extra] of cases) {
        const { code, stderr } = await run(content, extra);
        assert.equal(code, 2, stderr);
        assert.match(stderr, expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
