import * as assert from 'node:assert/strict';
import { EWS_DEFAULT_CONCURRENCY, ThrottleWindow } from '../../src/core/ews/throttleWindow';

/** A clock the test moves, and a sleep that records what was asked and resolves only when told. */
function harness() {
  let now = 1_000_000;
  const sleeps: { ms: number; wake: () => void }[] = [];
  const clock = { now: () => now, advance: (ms: number) => { now += ms; } };
  const sleep = (ms: number): Promise<void> => new Promise((wake) => sleeps.push({ ms, wake: () => wake() }));
  return { clock, sleeps, sleep };
}

/** Lets every pending promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function successes(window: ThrottleWindow, count: number): void {
  for (let i = 0; i < count; i++) window.success();
}

describe('ThrottleWindow (many-mailbox concurrency)', () => {
  it('slow-starts from 8, one slot per success, and stops at the default EWS concurrency of 27', () => {
    const { clock, sleep } = harness();
    const window = new ThrottleWindow({ max: 64, now: clock.now, sleep });
    assert.equal(window.size, 8);
    assert.equal(window.inSlowStart, true);
    successes(window, 10);
    assert.equal(window.size, 18);
    successes(window, 500);
    assert.equal(window.size, EWS_DEFAULT_CONCURRENCY, 'no further without a quiet spell');
    assert.equal(window.inSlowStart, false);
  });

  it('goes past the default only after a quiet spell, then one slot per window of successes', () => {
    const { clock, sleep } = harness();
    const window = new ThrottleWindow({ max: 64, now: clock.now, sleep, quietMs: 10_000 });
    successes(window, 100);
    assert.equal(window.size, 27);
    clock.advance(10_001);
    successes(window, 26);
    assert.equal(window.size, 27, '26 successes are less than a window');
    successes(window, 1);
    assert.equal(window.size, 28);
    successes(window, 28);
    assert.equal(window.size, 29);
  });

  it('never exceeds the user\'s concurrency', () => {
    const { clock, sleep } = harness();
    const window = new ThrottleWindow({ max: 5, now: clock.now, sleep });
    assert.equal(window.size, 5);
    clock.advance(60_000);
    successes(window, 1000);
    assert.equal(window.size, 5);
  });

  it('halves from the refused request\'s level during slow start and stays under that level', () => {
    const { clock, sleep } = harness();
    const window = new ThrottleWindow({ max: 64, now: clock.now, sleep });
    successes(window, 8);
    assert.equal(window.size, 16);
    window.busy(14, 200);
    assert.equal(window.size, 7);
    assert.equal(window.inSlowStart, false);
    successes(window, 10_000);
    assert.equal(window.size, 13, 'one below the level that drew the busy answer');
    clock.advance(10_001);
    successes(window, 13);
    assert.equal(window.size, 14, 'probes again after the quiet spell');
  });

  it('shrinks to one below the refused level after slow start', () => {
    const { clock, sleep } = harness();
    const window = new ThrottleWindow({ max: 64, now: clock.now, sleep });
    successes(window, 100);
    window.busy(27, 200);
    assert.equal(window.size, 26);
    window.busy(21, 200);
    assert.equal(window.size, 20);
    window.busy(25, 200);
    assert.equal(window.size, 20, 'a refusal from a higher level does not grow it');
  });

  it('holds a request that waits for a slot until the back-off is over, even when a slot frees up', async () => {
    const { clock, sleeps, sleep } = harness();
    const window = new ThrottleWindow({ max: 2, initial: 2, now: clock.now, sleep });
    assert.equal(await window.acquire(), 1);
    assert.equal(await window.acquire(), 2);
    let third: number | undefined;
    void window.acquire().then((level) => { third = level; });
    await settle();
    assert.equal(third, undefined, 'no slot free');

    window.busy(2, 200);
    window.release();
    await settle();
    assert.equal(third, undefined, 'a freed slot must not end the shared back-off');
    assert.deepEqual(sleeps.map((s) => s.ms), [200]);

    window.release();
    clock.advance(200);
    sleeps[0].wake();
    await settle();
    assert.equal(third, 1, 'sent once the back-off is over');
  });

  it('makes a new request wait out the back-off before taking a free slot', async () => {
    const { clock, sleeps, sleep } = harness();
    const window = new ThrottleWindow({ max: 8, now: clock.now, sleep });
    window.busy(4, 300);
    let level: number | undefined;
    void window.acquire().then((l) => { level = l; });
    await settle();
    assert.equal(level, undefined);
    assert.deepEqual(sleeps.map((s) => s.ms), [300]);
    clock.advance(120);
    sleeps[0].wake();
    await settle();
    assert.equal(level, undefined, 'woken early, it sleeps again for what is left');
    assert.deepEqual(sleeps.map((s) => s.ms), [300, 180]);
    clock.advance(180);
    sleeps[1].wake();
    await settle();
    assert.equal(level, 1);
  });

  it('passes the caller\'s cancellation to the back-off wait', async () => {
    const { clock } = harness();
    const seen: (AbortSignal | undefined)[] = [];
    const window = new ThrottleWindow({
      max: 8, now: clock.now,
      sleep: (_ms, signal) => { seen.push(signal); return Promise.reject(new Error('cancelled')); },
    });
    window.busy(4, 300);
    const controller = new AbortController();
    await assert.rejects(window.acquire(controller.signal), /cancelled/);
    assert.equal(seen[0], controller.signal);
  });

  it('learns the limit the server states (MaxConcurrencyLimit) and never goes past it, even after quiet spells', () => {
    const { clock, sleep } = harness();
    const window = new ThrottleWindow({ max: 64, now: clock.now, sleep });
    assert.equal(window.learnedLimit, undefined);
    successes(window, 100);
    window.busy(27, 0, 20);
    assert.equal(window.learnedLimit, 20);
    assert.equal(window.size, 20, 'at once down to the stated limit, below one under the refused level');
    for (let spell = 0; spell < 5; spell++) {
      clock.advance(10_001);
      successes(window, 1000);
    }
    assert.equal(window.size, 20, 'no growth past the stated limit');
    window.busy(5, 0, 30);
    assert.equal(window.learnedLimit, 20, 'a larger stated limit later does not raise it');
    window.busy(3, 0, 0);
    assert.equal(window.learnedLimit, 20, 'a limit of 0 is not a limit');
  });

  it('settles below the stated limit when another client holds some of the slots', () => {
    const { clock, sleep } = harness();
    const window = new ThrottleWindow({ max: 64, now: clock.now, sleep });
    successes(window, 100);
    window.busy(18, 0, 27);
    assert.equal(window.size, 17, 'one below the level refused: the other client holds the rest');
    clock.advance(10_001);
    successes(window, 17);
    assert.equal(window.size, 18, 'probes again after a quiet spell, as without a stated limit');
    window.busy(18, 0, 27);
    assert.equal(window.size, 17);
  });

  it('pauses every request for a 503 without shrinking the window', async () => {
    const { clock, sleeps, sleep } = harness();
    const window = new ThrottleWindow({ max: 16, now: clock.now, sleep });
    successes(window, 4);
    const before = window.size;
    window.pause(1000);
    window.pause(400);
    assert.equal(window.size, before, 'IIS queuing says nothing about the account\'s concurrency');
    let level: number | undefined;
    void window.acquire().then((l) => { level = l; });
    await settle();
    assert.deepEqual(sleeps.map((s) => s.ms), [1000], 'a shorter pause does not cut a longer one');
    clock.advance(1000);
    sleeps[0].wake();
    await settle();
    assert.equal(level, 1);
  });
});
