// The CLI's progress lines (stderr only, on a terminal or with --progress) and Ctrl+C (exit 130, the
// report says cancelled), in process with an injected interrupt instead of a real SIGINT.
import * as assert from 'node:assert/strict';
import { runAutodiscoverCommand } from '../../src/cli/autodiscover';
import { runProbeCommand } from '../../src/cli/probe';
import { EXIT_CANCELLED, ProgressLines } from '../../src/cli/progress';
import { TransportError } from '../../src/core/ews/transport';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, startFakeExchange, type FakeExchange } from '../fake-exchange/server';

interface Captured { code: number; stdout: string; stderr: string }

/** Runs a command with captured streams; `onStderr` sees each stderr write and may press Ctrl+C. */
async function capture(
  run: (io: Parameters<typeof runProbeCommand>[1]) => Promise<number>,
  options: { stderrIsTTY?: boolean; onStderr?: (text: string, interrupt: () => void) => void } = {},
): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  let handler: (() => void) | undefined;
  const interrupt = (): void => handler?.();
  const code = await run({
    stdout: { write: (t: string) => { stdout += t; } },
    stderr: { write: (t: string) => { stderr += t; options.onStderr?.(t, interrupt); } },
    env: { EWS_PASSWORD: FAKE_PASSWORD },
    isTTY: false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    onInterrupt: (h) => { handler = h; return () => { if (handler === h) handler = undefined; }; },
  });
  return { code, stdout, stderr };
}

describe('CLI progress and Ctrl+C', function () {
  this.timeout(30_000);
  let fake: FakeExchange;
  before(async () => { fake = await startFakeExchange({ scenario: 'healthy', latencyMs: 100 }); });
  after(async () => { await fake.stop(); });
  const probeArgs = (): string[] => ['--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', fake.caFile, '--write', '--json', '--timeout-ms', '20000'];
  const probeItems = (): number => fake.items(FAKE_TEST_MAILBOX).filter((i) => i.subject.startsWith('Exchange Calendar Setup probe')).length;

  it('--progress: the write test steps on stderr, stdout still one JSON document', async () => {
    const r = await capture((io) => runProbeCommand([...probeArgs(), '--progress'], io));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stderr.split('\n').filter((l) => l.includes('Write test')), [1, 2, 3, 4].map((k) => `exchange-setup probe: Write test: step ${k} of 4 (${['create', 'confirm', 'delete', 'confirm gone'][k - 1]})`));
    assert.equal(JSON.parse(r.stdout).outcome, 'passed');
    assert.equal(r.stdout.trim().split('\n').length, 1, 'stdout is the report and nothing else');
  });

  it('no progress lines when stderr is not a terminal and --progress is not given; shown on a terminal', async () => {
    const quiet = await capture((io) => runProbeCommand(probeArgs(), io));
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /Write test/);
    const terminal = await capture((io) => runProbeCommand(probeArgs(), io), { stderrIsTTY: true });
    assert.match(terminal.stderr, /Write test: step 4 of 4/);
    assert.doesNotMatch(terminal.stdout, /Write test/);
  });

  it('Ctrl+C during the write test: exit 130, the JSON report says cancelled, the probe item is still deleted', async () => {
    const r = await capture((io) => runProbeCommand([...probeArgs(), '--progress'], io), {
      onStderr: (text, interrupt) => { if (text.includes('step 2 of 4')) interrupt(); },
    });
    assert.equal(r.code, EXIT_CANCELLED, r.stderr);
    assert.match(r.stderr, /exchange-setup probe: cancelled \(\d+ checks completed before the cancel\.\)/);
    const report = JSON.parse(r.stdout);
    assert.equal(report.outcome, 'cancelled');
    assert.equal(report.checks.some((c: { id: string }) => c.id === 'calendar.write'), false, 'no verdict for the interrupted write test');
    // The command waited for the clean-up before it returned.
    assert.equal(probeItems(), 0, 'the clean-up deleted the probe item before the command ended');
    assert.ok(fake.requests.some((q) => q.operation === 'DeleteItem'));
    assert.match(r.stderr, /no probe item was left behind\n$/);
  });

  it('a second Ctrl+C while the clean-up runs stops waiting: exit 130, and it says what may be left and where', async () => {
    const r = await capture((io) => runProbeCommand([...probeArgs(), '--progress'], io), {
      onStderr: (text, interrupt) => { if (text.includes('step 2 of 4') || text.includes('Ctrl+C again')) interrupt(); },
    });
    assert.equal(r.code, EXIT_CANCELLED, r.stderr);
    assert.match(r.stderr, /waiting for the write test to delete its probe item \(Ctrl\+C again to stop waiting\)/);
    assert.match(r.stderr, new RegExp(`stopped waiting: an item whose subject starts "Exchange Calendar Setup probe" may be left in the calendar the write test used \\(${FAKE_TEST_MAILBOX.replace('.', '\\.')}\\); delete it by hand`));
    assert.doesNotMatch(r.stderr, /no probe item was left behind/);
    assert.equal(JSON.parse(r.stdout).outcome, 'cancelled');
    // The clean-up goes on after the command has returned, and still deletes the item.
    for (let i = 0; i < 50 && probeItems() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(probeItems(), 0);
  });

  it('autodiscover: "candidate k of n" on stderr with --progress; Ctrl+C exits 130', async () => {
    const refused = { transport: { request: async () => { throw new TransportError('network', 'connection refused', 'ECONNREFUSED'); } },
      httpGet: async () => { throw new TransportError('network', 'connection refused', 'ECONNREFUSED'); },
      resolveSrv: async () => { throw Object.assign(new Error('querySrv ENOTFOUND'), { code: 'ENOTFOUND' }); } };
    const r = await capture((io) => runAutodiscoverCommand(['--email', 'alice@contoso.test', '--progress', '--json'], io, refused));
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('exchange-setup autodiscover: Autodiscover: candidate'));
    assert.ok(lines.length >= 2, r.stderr);
    assert.match(lines[0], /candidate 1 of (\d+) \(https:\/\/contoso\.test\//);
    assert.doesNotMatch(r.stdout, /Autodiscover: candidate/);
    assert.doesNotThrow(() => JSON.parse(r.stdout), 'stdout is one JSON object');

    const hanging = { ...refused, transport: { request: (req: { signal?: AbortSignal }) => new Promise<never>((_ok, fail) => {
      req.signal?.addEventListener('abort', () => fail(new TransportError('aborted', 'Cancelled')), { once: true });
    }) } };
    const stopped = await capture((io) => runAutodiscoverCommand(['--email', 'alice@contoso.test', '--progress'], io, hanging), {
      onStderr: (text, interrupt) => { if (text.includes('candidate 1 of')) setTimeout(interrupt, 20); },
    });
    assert.equal(stopped.code, EXIT_CANCELLED, stopped.stderr);
    assert.doesNotMatch(stopped.stderr, /candidate 2 of/);
  });
});

describe('CLI progress lines: mailbox counts', () => {
  it('at most one line a second, the last always, with the estimate once there is one', () => {
    let clock = 0;
    const written: string[] = [];
    const lines = new ProgressLines({ stdout: { write: () => undefined }, stderr: { write: (t: string) => { written.push(t); } }, env: {} }, 'p', true, () => clock);
    for (let checked = 1; checked <= 40; checked++) {
      clock += 250;
      lines.mailboxes({ checked, total: 40, verified: checked, denied: 0, notFound: 0, notChecked: 0 });
    }
    // 40 results over 10 s: the first, then one a second, and the last.
    assert.ok(written.length >= 10 && written.length <= 12, `${written.length} lines`);
    assert.equal(written.at(-1), 'p: 40 of 40 mailboxes checked (40 verified, 0 denied, 0 not found)\n');
    assert.ok(written.some((l) => /left\n$/.test(l)), 'an estimate appears once there is enough to go on');
    const off = new ProgressLines({ stdout: { write: () => undefined }, stderr: { write: () => { throw new Error('written while off'); } }, env: {} }, 'p', false);
    off.mailboxes({ checked: 1, total: 1 });
    off.line('x');
  });
});
