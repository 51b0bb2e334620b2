// Progress events of the run objects (issue 15 item 5): counts that only go up, a last event that
// equals the result, and a cancel mid-run that is silent and leaves nothing half-done.
import * as assert from 'node:assert/strict';
import { discoverEwsUrl, type HttpsRequester } from '../../src/core/autodiscover';
import { verifyMailboxes, type MailboxReport } from '../../src/core/ews/mailboxes';
import { runProbes } from '../../src/core/ews/probes';
import { TransportError } from '../../src/core/ews/transport';
import { AutodiscoverRunner, type AutodiscoverEvent } from '../../src/core/runs/autodiscoverRun';
import { MailboxVerifier, type MailboxVerificationEvent } from '../../src/core/runs/mailboxVerification';
import { ProbeRunner, type ProbeRunEvent } from '../../src/core/runs/probeRun';
import { MIN_ELAPSED_MS } from '../../src/core/pure/progress';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, generatedMailboxName, startFakeExchange } from '../fake-exchange/server';

type Progress = Extract<MailboxVerificationEvent, { type: 'progress' }>;
const PROBE_ITEM = 'Exchange Calendar Setup probe';

function progressOf(events: readonly MailboxVerificationEvent[]): Progress[] {
  return events.filter((e): e is Progress => e.type === 'progress');
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('run progress: mailbox verification', function () {
  this.timeout(30_000);

  it('counts only go up, add up to "checked", and the last equals the result', async () => {
    const fake = await startFakeExchange({ scenario: 'healthy', mailboxCount: 12, latencyMs: 30 });
    try {
      const verifier = new MailboxVerifier(() => verifyMailboxes);
      const events: MailboxVerificationEvent[] = [];
      verifier.onEvent((e) => events.push(e));
      // Two addresses the fake does not know: the counts must carry not-found too.
      const list = [...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(generatedMailboxName), 'nobody1@contoso.com', 'nobody2@contoso.com'];
      const result = await verifier.start({ ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', extraCaPem: fake.caPem, mailboxes: list });
      const progress = progressOf(events);
      assert.ok(progress.length >= 2, `only ${progress.length} progress events`);
      for (const [i, p] of progress.entries()) {
        assert.equal(p.verified + p.denied + p.notFound + p.notChecked, p.checked, `event ${i} adds up`);
        assert.equal(p.total, list.length);
        if (p.timeLeftMs !== undefined) assert.ok(Number.isFinite(p.timeLeftMs) && p.timeLeftMs >= 0);
        if (i === 0) continue;
        const q = progress[i - 1];
        for (const key of ['checked', 'verified', 'denied', 'notFound', 'notChecked'] as const) assert.ok(p[key] >= q[key], `${key} went down at event ${i}`);
      }
      const last = progress.at(-1);
      const { total, verified, denied, notFound, notChecked } = result.counts;
      assert.deepEqual(last && { total: last.total, checked: last.checked, verified: last.verified, denied: last.denied, notFound: last.notFound, notChecked: last.notChecked },
        { total, checked: total, verified, denied, notFound, notChecked });
      assert.ok(result.counts.notFound >= 1, 'the unknown addresses were counted');
      assert.equal(last?.timeLeftMs ?? 0, 0, 'nothing is left at the end');
    } finally {
      await fake.stop();
    }
  });

  it('gives an estimate once enough results came over enough time (clock passed in)', async () => {
    let clock = 0;
    const fakeVerify = async (_config: unknown, mailboxes: readonly string[], options: { onResult?: (r: { mailbox: string; status: 'verified' }) => void; onProgress?: (d: number, t: number) => void } = {}): Promise<MailboxReport> => {
      for (const [i, mailbox] of mailboxes.entries()) {
        clock += 1_000;
        options.onResult?.({ mailbox, status: 'verified' });
        options.onProgress?.(i + 1, mailboxes.length);
      }
      return { total: mailboxes.length, verified: mailboxes.length, denied: 0, notFound: 0, notChecked: 0, unverified: [] };
    };
    const verifier = new MailboxVerifier(() => fakeVerify, undefined, undefined, () => clock);
    const events: MailboxVerificationEvent[] = [];
    verifier.onEvent((e) => events.push(e));
    await verifier.start({ ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx', upn: 'svc@contoso.com', password: 'x', accessMethod: 'impersonation', mailboxes: Array.from({ length: 20 }, (_, i) => `m${i}@contoso.com`) });
    const progress = progressOf(events);
    assert.equal(progress.length, 20, 'one event per second of clock: none throttled away');
    assert.ok(progress.slice(0, 4).every((p) => p.timeLeftMs === undefined), 'no estimate before five results');
    const tenth = progress[9];
    assert.ok(tenth.checked * 1_000 >= MIN_ELAPSED_MS);
    // One a second with ten left: about ten seconds.
    assert.ok(tenth.timeLeftMs !== undefined && Math.abs(tenth.timeLeftMs - 10_000) < 500, `got ${tenth.timeLeftMs}`);
  });

  it('a cancel mid-run is silent: outcome "cancelled", no rejection, no progress after it', async () => {
    const fake = await startFakeExchange({ scenario: 'healthy', mailboxCount: 20, latencyMs: 150 });
    try {
      const verifier = new MailboxVerifier(() => verifyMailboxes);
      const events: MailboxVerificationEvent[] = [];
      let cancelledAt = -1;
      verifier.onEvent((e) => {
        events.push(e);
        if (e.type === 'progress' && cancelledAt < 0) {
          cancelledAt = events.length;
          verifier.cancel();
        }
      });
      const list = Array.from({ length: 20 }, (_, i) => generatedMailboxName(i + 1));
      const result = await verifier.start({ ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', extraCaPem: fake.caPem, mailboxes: list });
      assert.equal(result.outcome, 'cancelled');
      assert.ok(result.counts.notChecked > 0 && result.counts.verified < list.length, JSON.stringify(result.counts));
      assert.deepEqual(events.slice(cancelledAt).map((e) => e.type), ['finished'], 'only the end follows the cancel');
    } finally {
      await fake.stop();
    }
  });
});

describe('run progress: the write test', function () {
  this.timeout(30_000);

  it('streams the four steps in order and leaves no probe item', async () => {
    const fake = await startFakeExchange({ scenario: 'healthy' });
    try {
      const runner = new ProbeRunner(() => runProbes);
      const events: ProbeRunEvent[] = [];
      runner.onEvent((e) => events.push(e));
      const result = await runner.start({ ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 15_000, write: true });
      assert.equal(result.checks.find((c) => c.id === 'calendar.write')?.status, 'pass', JSON.stringify(result.checks.find((c) => c.id === 'calendar.write')));
      const steps = events.flatMap((e) => (e.type === 'writeStep' ? [`${e.index}/${e.of} ${e.step}`] : []));
      assert.deepEqual(steps, ['1/4 create', '2/4 confirm', '3/4 delete', '4/4 confirm gone']);
      assert.deepEqual(fake.items(FAKE_TEST_MAILBOX).filter((i) => i.subject.startsWith(PROBE_ITEM)), []);
      // The read-back is a real GetItem of the created id.
      const ops = fake.requests.map((r) => r.operation);
      const created = ops.indexOf('CreateItem');
      assert.ok(created >= 0 && ops.indexOf('GetItem', created) > created && ops.indexOf('DeleteItem', created) > ops.indexOf('GetItem', created), ops.join(' '));
    } finally {
      await fake.stop();
    }
  });

  it('a cancel after the create still deletes the probe item (clean-up finishes in the background)', async () => {
    const fake = await startFakeExchange({ scenario: 'healthy', latencyMs: 150 });
    try {
      const runner = new ProbeRunner(() => runProbes);
      const events: ProbeRunEvent[] = [];
      runner.onEvent((e) => {
        events.push(e);
        if (e.type === 'writeStep' && e.step === 'confirm') runner.cancel();
      });
      const result = await runner.start({ ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 20_000, write: true });
      assert.equal(result.outcome, 'cancelled');
      assert.ok(events.some((e) => e.type === 'writeStep' && e.step === 'confirm'), 'the cancel came after the create');
      assert.equal(events.filter((e) => e.type === 'writeStep' && e.step !== 'create' && e.step !== 'confirm').length, 0, 'no step is shown after the cancel');
      // The item existed: the create answered before the cancel.
      await until(() => fake.requests.some((r) => r.operation === 'DeleteItem'), 10_000);
      await until(() => fake.items(FAKE_TEST_MAILBOX).every((i) => !i.subject.startsWith(PROBE_ITEM)), 10_000);
    } finally {
      await fake.stop();
    }
  });
});

describe('run progress: a probe item left behind after a cancel', () => {
  it('is told after "finished" (redacted, with its id), and `settled` waits for the clean-up', async () => {
    let cleanedUp = false;
    const engine = async (config: { password: string }, options: { signal?: AbortSignal; onWriteStep?: (s: 'create') => void; onLeftBehind?: (m: string) => void } = {}) => {
      options.onWriteStep?.('create');
      await new Promise<void>((done) => {
        if (options.signal?.aborted) done();
        else options.signal?.addEventListener('abort', () => done(), { once: true });
      });
      // The clean-up goes on after the cancel, then fails.
      await new Promise((done) => setTimeout(done, 50));
      options.onLeftBehind?.(`Deleting the test item failed: server said ${config.password}; delete the item "probe" (item id AAMk1) from alice@contoso.com by hand`);
      cleanedUp = true;
      throw new Error('Cancelled');
    };
    const runner = new ProbeRunner(() => engine as never);
    const events: ProbeRunEvent[] = [];
    runner.onEvent((e) => {
      events.push(e);
      if (e.type === 'writeStep') runner.cancel();
    });
    const result = await runner.start({ ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx', upn: 'svc@contoso.com', password: 'Left-Behind-Secret-9', accessMethod: 'impersonation', testMailbox: 'alice@contoso.com', write: true });
    assert.equal(result.outcome, 'cancelled');
    assert.equal(cleanedUp, false, 'the run ended at once, before the clean-up');
    await runner.settled;
    assert.equal(cleanedUp, true, 'settled waited for the clean-up');
    assert.deepEqual(events.map((e) => e.type), ['started', 'writeStep', 'finished', 'leftBehind']);
    const told = events.at(-1);
    assert.ok(told?.type === 'leftBehind');
    assert.match(told.message, /item id AAMk1/);
    assert.doesNotMatch(told.message, /Left-Behind-Secret-9/);
  });
});

describe('run progress: Autodiscover', () => {
  const candidates = (domain: string) => [1, 2, 3, 4].map((n) => ({ kind: 'pox' as const, url: `https://ad${n}.${domain}/autodiscover/autodiscover.xml` }));

  it('tells each candidate tried, k of n, in order', async () => {
    const refusing: HttpsRequester = { request: async () => { throw new TransportError('network', 'connection refused', 'ECONNREFUSED'); } };
    const runner = new AutodiscoverRunner(discoverEwsUrl);
    const events: AutodiscoverEvent[] = [];
    runner.onEvent((e) => events.push(e));
    const run = await runner.start({ email: 'alice@contoso.com', transport: refusing, candidates });
    assert.equal(run.result.ok, false);
    const progress = events.flatMap((e) => (e.type === 'progress' ? [`${e.tried}/${e.total} ${e.url}`] : []));
    assert.deepEqual(progress, [1, 2, 3, 4].map((n) => `${n}/4 https://ad${n}.contoso.com/autodiscover/autodiscover.xml`));
    assert.equal(run.trail.length, 4, 'every candidate that was told was tried');
  });

  it('a cancel while a candidate hangs ends the run as cancelled with no further candidate', async () => {
    const hanging: HttpsRequester = {
      request: (req) => new Promise((_resolve, reject) => {
        req.signal?.addEventListener('abort', () => reject(new TransportError('aborted', 'Cancelled')), { once: true });
      }),
    };
    const runner = new AutodiscoverRunner(discoverEwsUrl);
    const events: AutodiscoverEvent[] = [];
    runner.onEvent((e) => {
      events.push(e);
      if (e.type === 'progress' && e.tried === 2) setTimeout(() => runner.cancel(), 20);
    });
    let first = true;
    const oneThenHang: HttpsRequester = {
      request: async (req) => {
        if (first) { first = false; throw new TransportError('network', 'connection refused', 'ECONNREFUSED'); }
        return hanging.request(req);
      },
    };
    const run = await runner.start({ email: 'alice@contoso.com', transport: oneThenHang, candidates });
    assert.equal(run.result.ok, false);
    assert.equal(!run.result.ok && run.result.cancelled, true);
    assert.deepEqual(events.filter((e) => e.type === 'progress').map((e) => e.type === 'progress' && e.tried), [1, 2]);
    assert.equal(events.at(-1)?.type, 'finished');
  });
});
