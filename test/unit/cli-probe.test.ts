import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatCheckLine, formatSummary, runProbeCommand } from '../../src/cli/probe';
import { settingDefault } from '../../src/core/contributions/configuration';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, startFakeExchange, type FakeExchange } from '../fake-exchange/server';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

async function inProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runProbeCommand(args, { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env, isTTY: false });
  return { code, stdout, stderr };
}

describe('probe command: usage errors (exit 2, naming the flag)', () => {
  const good = ['--url', 'https://mail.contoso.com/EWS/Exchange.asmx', '--user', 'alexaforbusiness@contoso.com', '--mailbox', 'alice@contoso.com'];

  it('refuses a password argument', async () => {
    const r = await inProcess([...good, '--password', 'secret-value'], { EWS_PASSWORD: 'x' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /never accepted on the command line/);
    assert.ok(!r.stderr.includes('secret-value'));
  });

  it('validates the URL, UPN, mailbox, method, numbers and files', async () => {
    const cases: [string[], RegExp][] = [
      [['--url', 'http://mail.contoso.com/EWS/Exchange.asmx', ...good.slice(2)], /--url .*https/],
      [[...good.slice(0, 2), '--user', 'not a upn', ...good.slice(4)], /--user /],
      [[...good.slice(0, 4), '--mailbox', 'alice'], /--mailbox /],
      [[...good, '--room-mailbox', 'room 101'], /--room-mailbox /],
      [[...good, '--room-mailbox', ''], /--room-mailbox is empty/],
      [[...good, '--method', 'oauth'], /--method/],
      [[...good, '--timeout-ms', '0'], /--timeout-ms/],
      [[...good, '--concurrency', '500'], /--concurrency/],
      [[...good, '--ca', '/nonexistent/ca.pem'], /--ca .*no such file/],
      [[...good, '--mailboxes', '/nonexistent/list.txt'], /--mailboxes .*no such file/],
      [[...good, '--bogus'], /unknown option --bogus/],
      [good.slice(2), /--url is required/],
    ];
    for (const [args, pattern] of cases) {
      const r = await inProcess(args, { EWS_PASSWORD: 'x' });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, pattern);
    }
  });

  it('names the defaults it uses, and they are the settings table\'s', async () => {
    const r = await inProcess(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`--method impersonation\\|delegate +access method \\(default ${settingDefault('accessMethod')}\\)`));
    assert.match(r.stdout, new RegExp(`--timeout-ms N .*\\(default ${settingDefault('probes.timeoutSeconds') * 1000}\\)`));
  });

  it('asks for EWS_PASSWORD when there is no terminal to prompt on', async () => {
    const r = await inProcess(good, {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /EWS_PASSWORD/);
  });
});

describe('probe command: table lines', () => {
  it('colours the status only when asked (a terminal)', () => {
    const check = { id: 'auth.schemes' as const, status: 'fail' as const, message: 'Basic is off', ms: 3, remedy: { step: 'basicAuth.enable' as const, text: 'Enable it.' } };
    assert.ok(formatCheckLine(check, true).includes(`${String.fromCharCode(27)}[31mFAIL`));
    assert.equal(formatCheckLine(check, false), 'FAIL  auth.schemes          Basic is off  (3 ms)\n      fix: Enable it. [step basicAuth.enable]');
  });
});

describe('probe command: summary', () => {
  it('names the times and subject Exchange left out of an item instead of printing blanks', () => {
    const summary = formatSummary({
      outcome: 'passed', checks: [], durationMs: 5,
      events: [{ subject: '', start: '', end: '' }, { subject: 'Standup', start: '2026-12-01T09:00:00.000Z', end: '2026-12-01T09:15:00.000Z' }],
    });
    assert.match(summary, /^ {2}\(no start time\) - \(no end time\) {2}\(no subject\)$/m);
    assert.match(summary, /^ {2}2026-12-01T09:00:00\.000Z - 2026-12-01T09:15:00\.000Z {2}Standup$/m);
    assert.match(summary, /^OK: 0 passed, 0 warnings, 0 failed, 0 skipped in 5 ms$/m);
  });
});

describe('probe command as a child process of node dist/cli.js', function () {
  this.timeout(60_000);
  let fake: FakeExchange;
  let dir: string;

  before(async function () {
    assert.ok(existsSync(CLI), 'dist/cli.js must be built (node scripts/build.mjs) before this suite');
    fake = await startFakeExchange({ scenario: 'healthy' });
    dir = mkdtempSync(join(tmpdir(), 'probe-child-'));
    writeFileSync(join(dir, 'ca.pem'), fake.caPem);
  });
  after(async () => {
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const args = (): string[] => ['probe', '--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', join(dir, 'ca.pem')];

  it('healthy with --write --json: exit 0, the JSON contract, no item left, no password', async () => {
    const before = fake.items(FAKE_TEST_MAILBOX).length;
    const r = await runCli([...args(), '--write', '--json'], { EWS_PASSWORD: FAKE_PASSWORD });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { format: string; version: number; ok: boolean; checks: { id: string; status: string }[]; server: { build: string; product: string }; events: { subject: string; start: string; end: string }[] };
    assert.equal(report.format, 'exchange-calendar-setup/probe-report');
    assert.equal(report.version, 2);
    assert.equal(report.ok, true);
    assert.deepEqual(report.server, { build: '15.2.2562.17', product: 'Exchange Server Subscription Edition', supported: true });
    assert.equal(report.checks.length, 12);
    assert.ok(report.events.every((e) => typeof e.subject === 'string' && !Number.isNaN(Date.parse(e.start)) && !Number.isNaN(Date.parse(e.end))));
    assert.equal(fake.items(FAKE_TEST_MAILBOX).length, before);
    assert.ok(!(r.stdout + r.stderr).includes(FAKE_PASSWORD));
  });

  it('a failing scenario prints a table without colour when not on a terminal: exit 1', async () => {
    fake.setScenario('no-basic');
    try {
      const r = await runCli(args(), { EWS_PASSWORD: FAKE_PASSWORD });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^FAIL {2}auth\.schemes +Basic authentication is not offered/m);
      assert.match(r.stdout, /fix: .*\[step basicAuth\.enable\]/);
      assert.ok(!r.stdout.includes(String.fromCharCode(27)), 'no ANSI escapes');
    } finally {
      fake.setScenario('healthy');
    }
  });

  it('never hangs past --timeout-ms against a server that does not answer', async () => {
    fake.setScenario('slow');
    try {
      const started = Date.now();
      const r = await runCli([...args(), '--timeout-ms', '1000', '--json'], { EWS_PASSWORD: FAKE_PASSWORD });
      assert.equal(r.code, 1);
      assert.ok(Date.now() - started < 8_000, `took ${Date.now() - started} ms`);
    } finally {
      fake.setScenario('healthy');
    }
  });
});
