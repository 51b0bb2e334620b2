import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProbeCommand } from '../../src/cli/probe';
import type { ProbeId, ProbeStatus } from '../../src/core/ews/probes';
import { runProbes } from '../../src/core/ews/probes';
import { isStepId } from '../../src/core/steps';
import {
  FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, FAKE_TEST_ROOM_MAILBOX, startFakeExchange, type FakeExchange, type ScenarioName,
} from '../fake-exchange/server';

interface JsonCheck { id: ProbeId; status: ProbeStatus; message: string; ms: number; remedy?: { step: string; text: string } }
interface JsonReport { ok: boolean; checks: JsonCheck[]; server?: { build: string; product: string }; events?: unknown[]; mailboxes?: { total: number; verified: number; denied: number; notFound: number; notChecked: number; unverified: { mailbox: string; status: string; reason: string }[] } }

interface Expectation {
  method?: 'impersonation' | 'delegate';
  /** Also probe this room mailbox (--room-mailbox): the shortcut path's scenarios. */
  roomMailbox?: string;
  exit: 0 | 1;
  checks: Partial<Record<ProbeId, [ProbeStatus, RegExp?]>>;
  remedyStep?: [ProbeId, string];
}

const EXPECTED: Record<ScenarioName, Expectation> = {
  healthy: { exit: 0, checks: { 'tls.trust': ['warn', /extra CA/], 'server.version': ['pass', /Subscription Edition/], 'access.impersonation': ['pass'], 'calendar.read': ['pass', /3 event/], 'calendar.write': ['pass', /deleted item is kept in the mailbox's Recoverable Items/] } },
  'healthy-delegate': { method: 'delegate', exit: 0, checks: { 'access.delegate': ['pass'], 'calendar.read': ['pass'], 'calendar.write': ['pass'] } },
  'no-basic': { exit: 1, checks: { 'auth.schemes': ['fail', /Negotiate, NTLM/], 'auth.login': ['skip', /auth\.schemes/] }, remedyStep: ['auth.schemes', 'basicAuth.enable'] },
  'wrong-password': { exit: 1, checks: { 'auth.login': ['fail', /name or password/], 'server.version': ['skip'] }, remedyStep: ['auth.login', 'serviceAccount.create'] },
  locked: { exit: 1, checks: { 'auth.login': ['fail', /locked out/] } },
  'account-disabled': { exit: 1, checks: { 'auth.login': ['fail', /ErrorAccountDisabled/] } },
  'password-expired': { exit: 1, checks: { 'auth.login': ['fail', /ErrorPasswordExpired/] } },
  'exchange-2010': { exit: 1, checks: { 'server.version': ['fail', /older than Exchange 2013/], 'access.impersonation': ['skip', /server\.version/] }, remedyStep: ['server.version', 'prerequisites.exchangeVersion'] },
  'exchange-2013': { exit: 0, checks: { 'server.version': ['warn', /2013.*2023-04-11/], 'calendar.write': ['pass'] } },
  'exchange-2016': { exit: 0, checks: { 'server.version': ['warn', /2016.*2025-10-14/] } },
  'exchange-2019': { exit: 0, checks: { 'server.version': ['warn', /2019.*2025-10-14/] } },
  'exchange-se': { exit: 0, checks: { 'server.version': ['pass', /Subscription Edition/] } },
  'exchange-online': { exit: 1, checks: { 'server.version': ['fail', /Exchange Online/], 'access.impersonation': ['skip'] } },
  'impersonation-denied': { exit: 1, checks: { 'access.impersonation': ['fail', /ErrorImpersonateUserDenied/], 'calendar.read': ['skip'] }, remedyStep: ['access.impersonation', 'access.impersonation'] },
  'nonexistent-mailbox': { exit: 1, checks: { 'access.impersonation': ['fail', /ErrorNonExistentMailbox/] } },
  'delegate-denied': { method: 'delegate', exit: 1, checks: { 'access.delegate': ['fail', /delegate rights/] }, remedyStep: ['access.delegate', 'access.delegate'] },
  'busy-then-ok': { exit: 0, checks: { 'auth.login': ['warn', /throttling/], 'calendar.write': ['pass'] } },
  'connection-count-then-ok': { exit: 0, checks: { 'auth.login': ['warn', /asked to wait 1000 ms \(throttling\)/], 'calendar.write': ['pass'] } },
  'iis-queue-then-ok': { exit: 0, checks: { 'auth.login': ['warn', /asked to wait 2000 ms \(throttling\)/], 'calendar.write': ['pass'] } },
  'inner-busy-then-ok': { exit: 0, checks: { 'auth.login': ['warn', /asked to wait 400 ms \(throttling\)/], 'calendar.write': ['pass'] } },
  slow: { exit: 1, checks: { 'auth.schemes': ['fail'] } },
  reset: { exit: 1, checks: { 'auth.schemes': ['fail', /closed the connection/] } },
  'malformed-xml': { exit: 1, checks: { 'auth.login': ['fail', /not valid EWS XML/] } },
  oversize: { exit: 1, checks: { 'auth.login': ['fail', /exceeded/] } },
  'generic-error-redirect': { exit: 1, checks: { 'auth.login': ['fail', /generic error page/] } },
  'tls-expired': { exit: 1, checks: { 'tls.expiry': ['fail', /expired/], 'tls.name': ['skip'], 'auth.schemes': ['skip', /tls\./] }, remedyStep: ['tls.expiry', 'prerequisites.certificate'] },
  'tls-expiring-soon': { exit: 0, checks: { 'tls.expiry': ['warn', /in \d+ days/], 'calendar.read': ['pass'] } },
  'tls-wrong-host': { exit: 1, checks: { 'tls.name': ['fail', /mail\.fabrikam\.com/], 'auth.schemes': ['skip', /tls\.name/] } },
  'tls-self-signed': { exit: 1, checks: { 'tls.trust': ['fail', /self-signed/], 'auth.schemes': ['skip'] } },
  'tls-missing-intermediate': { exit: 1, checks: { 'tls.trust': ['fail', /intermediate/], 'auth.schemes': ['skip'] } },
  'no-mailbox': {
    exit: 1,
    checks: { 'auth.login': ['fail', /ErrorMissingEmailAddress: the service account has no mailbox/], 'server.version': ['pass', /Subscription Edition \(15\.2\.2562\.17\)/], 'access.impersonation': ['skip', /auth\.login/] },
    remedyStep: ['auth.login', 'serviceAccount.create'],
  },
  'calendar-times-withheld': { method: 'delegate', exit: 0, checks: { 'access.delegate': ['pass'], 'calendar.read': ['warn', /^3 item\(s\) in the next 7 days of alice@contoso\.com, 3 of them without a start or end time/] } },
  'calendar-view-truncated': { exit: 0, checks: { 'calendar.read': ['pass', /^50 of \d+ events read/], 'calendar.write': ['pass'] } },
  'folded-challenges': { exit: 0, checks: { 'auth.schemes': ['pass', /Basic authentication is offered \(all: Negotiate, NTLM, Basic, realm "localhost"\)/], 'auth.login': ['pass'] } },
  // The shortcut path: an account that serves room calendars, before and after user access is added.
  'rooms-only': {
    roomMailbox: FAKE_TEST_ROOM_MAILBOX, exit: 1,
    checks: { 'access.impersonation': ['fail', /ErrorImpersonateUserDenied/], 'calendar.read': ['skip'], 'room.access': ['pass', /room101/], 'room.read': ['pass', /3 event/] },
    remedyStep: ['access.impersonation', 'access.impersonation'],
  },
  'rooms-only-delegate': {
    method: 'delegate', roomMailbox: FAKE_TEST_ROOM_MAILBOX, exit: 1,
    checks: { 'access.delegate': ['fail', /delegate rights/], 'room.access': ['pass', /room101/], 'room.read': ['pass'] },
    remedyStep: ['access.delegate', 'access.delegate'],
  },
  'rooms-and-users': { roomMailbox: FAKE_TEST_ROOM_MAILBOX, exit: 0, checks: { 'access.impersonation': ['pass'], 'calendar.read': ['pass'], 'room.access': ['pass'], 'room.read': ['pass', /3 event/] } },
  'rooms-and-users-delegate': { method: 'delegate', roomMailbox: FAKE_TEST_ROOM_MAILBOX, exit: 0, checks: { 'access.delegate': ['pass'], 'room.access': ['pass'], 'room.read': ['pass'] } },
};

function captureIo(env: Record<string, string | undefined> = { EWS_PASSWORD: FAKE_PASSWORD }) {
  let stdout = '';
  let stderr = '';
  return {
    io: { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env, isTTY: false },
    out: () => stdout,
    err: () => stderr,
  };
}

const PROBE_SUBJECT = /Exchange Calendar Setup probe/;

/** The exit code and JSON report of one run against what the scenario must give, wherever it ran. */
function assertVerdicts(expected: Expectation, code: number | null, stdout: string, stderr: string): void {
  assert.equal(code, expected.exit, `${stdout}\n${stderr}`);
  const report = JSON.parse(stdout) as JsonReport;
  assert.equal(report.ok, expected.exit === 0);
  for (const [id, [status, pattern]] of Object.entries(expected.checks) as [ProbeId, [ProbeStatus, RegExp?]][]) {
    const check = report.checks.find((c) => c.id === id);
    assert.ok(check, `${id} reported`);
    assert.equal(check.status, status, `${id}: ${check.message}`);
    if (pattern) assert.match(check.message, pattern);
  }
  if (expected.remedyStep) {
    const [id, step] = expected.remedyStep;
    assert.equal(report.checks.find((c) => c.id === id)?.remedy?.step, step);
  }
  for (const check of report.checks) {
    if (check.remedy) assert.ok(isStepId(check.remedy.step), `${check.id} remedy names a real step (${check.remedy.step})`);
    assert.ok(!check.message.includes('\n'), 'messages are one line');
  }
  const everything = stdout + stderr;
  assert.ok(!everything.includes(FAKE_PASSWORD), 'the password is never printed');
  assert.ok(!everything.includes(Buffer.from(`${FAKE_SERVICE_ACCOUNT}:${FAKE_PASSWORD}`).toString('base64')), 'nor its Basic header');
}

/** The healthy fake, and its CA in a temporary file for --ca; `stop()` removes both. */
async function fakeWithCaFile(prefix: string): Promise<{ fake: FakeExchange; caFile: string; stop: () => Promise<void> }> {
  const fake = await startFakeExchange({ scenario: 'healthy' });
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, fake.caPem);
  return { fake, caFile, stop: async () => { await fake.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

describe('probe command against every fake Exchange scenario (in-process)', function () {
  this.timeout(30_000);
  let fake: FakeExchange;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
  let caFile: string;
  let stop: (() => Promise<void>) | undefined;

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    ({ fake, caFile, stop } = await fakeWithCaFile('probe-cli-'));
  });
  after(async () => {
    await stop?.();
    process.off('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    assert.deepEqual(unhandled, [], 'no unhandled promise rejection');
  });

  const base = (): string[] => ['--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', caFile, '--json', '--write'];

  for (const [scenario, expected] of Object.entries(EXPECTED) as [ScenarioName, Expectation][]) {
    it(`${scenario}: exit ${expected.exit}`, async () => {
      fake.setScenario(scenario);
      const itemsBefore = fake.items(FAKE_TEST_MAILBOX).length;
      const { io, out, err } = captureIo();
      const timeoutMs = scenario === 'slow' ? 1_500 : 15_000;
      const started = Date.now();
      const room = expected.roomMailbox === undefined ? [] : ['--room-mailbox', expected.roomMailbox];
      const code = await runProbeCommand([...base(), ...room, '--method', expected.method ?? 'impersonation', '--timeout-ms', String(timeoutMs)], io);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < timeoutMs + 12_000, `finished in ${elapsed} ms`);
      assertVerdicts(expected, code, out(), err());
      assert.equal(fake.items(FAKE_TEST_MAILBOX).length, itemsBefore, 'the write test leaves no item behind');
      assert.deepEqual(fake.schemaErrors, [], 'every request validated against the EWS schemas');
    });
  }

  it('leaves no item behind when the run is cancelled while the create is in flight', async () => {
    const slowFake = await startFakeExchange({ scenario: 'healthy', latencyMs: 400 });
    try {
      const controller = new AbortController();
      const watcher = setInterval(() => {
        if (slowFake.requests.some((r) => r.operation === 'CreateItem')) controller.abort();
      }, 5);
      await assert.rejects(runProbes({
        ewsUrl: slowFake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation',
        testMailbox: FAKE_TEST_MAILBOX, extraCaPem: slowFake.caPem, write: true, timeoutMs: 20_000,
      }, { signal: controller.signal }));
      clearInterval(watcher);
      assert.ok(slowFake.requests.some((r) => r.operation === 'CreateItem'), 'the create was sent');
      // The clean-up runs with its own signal: give the server's answers time to land, then look.
      await new Promise((r) => setTimeout(r, 600));
      assert.ok(!slowFake.items(FAKE_TEST_MAILBOX).some((i) => PROBE_SUBJECT.test(JSON.stringify(i))), JSON.stringify(slowFake.items(FAKE_TEST_MAILBOX)));
      assert.ok(slowFake.requests.some((r) => r.operation === 'DeleteItem'), 'the clean-up deleted the item');
    } finally {
      await slowFake.stop();
    }
  });

  it('streams results in the documented order', async () => {
    fake.setScenario('healthy');
    const seen: ProbeId[] = [];
    const run = await runProbes({
      ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem,
    }, { onResult: (r) => seen.push(r.id) });
    assert.deepEqual(seen, ['net.dns', 'net.tcp', 'tls.handshake', 'tls.name', 'tls.trust', 'tls.expiry', 'auth.schemes', 'auth.login', 'server.version', 'access.impersonation', 'calendar.read', 'calendar.write']);
    assert.equal(run.checks.find((c) => c.id === 'calendar.write')?.status, 'skip', 'the write test is opt-in');
    assert.equal(run.stats.tcpConnections, 1, 'one keep-alive connection for every EWS request');
    assert.ok(!JSON.stringify(run).includes(FAKE_PASSWORD));
  });
});

describe('probe command against every fake Exchange scenario (as a process: node dist/cli.js)', function () {
  this.timeout(30_000);
  const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
  let fake: FakeExchange;
  let caFile: string;
  let stop: (() => Promise<void>) | undefined;

  before(async () => {
    assert.ok(existsSync(cli), `${cli} is built`);
    ({ fake, caFile, stop } = await fakeWithCaFile('probe-cli-process-'));
  });
  after(async () => {
    await stop?.();
  });

  for (const [scenario, expected] of Object.entries(EXPECTED) as [ScenarioName, Expectation][]) {
    it(`${scenario}: exit ${expected.exit}`, async () => {
      fake.setScenario(scenario);
      const itemsBefore = fake.items(FAKE_TEST_MAILBOX).length;
      const timeoutMs = scenario === 'slow' ? 1_500 : 15_000;
      const args = [cli, 'probe', '--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', caFile, '--json', '--write',
        ...(expected.roomMailbox === undefined ? [] : ['--room-mailbox', expected.roomMailbox]),
        '--method', expected.method ?? 'impersonation', '--timeout-ms', String(timeoutMs)];
      const started = Date.now();
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, args, { env: { ...process.env, EWS_PASSWORD: FAKE_PASSWORD }, timeout: timeoutMs + 15_000 }, (error, out, err) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout: out, stderr: err });
        });
      });
      const elapsed = Date.now() - started;
      assert.ok(elapsed < timeoutMs + 12_000, `finished in ${elapsed} ms`);
      assertVerdicts(expected, code, stdout, stderr);
      assert.equal(fake.items(FAKE_TEST_MAILBOX).length, itemsBefore, 'the write test leaves no item behind');
    });
  }
});
