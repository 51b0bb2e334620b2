// The progress words and the time-left estimate of src/core/pure/progress.ts, driven by made-up clocks.
import * as assert from 'node:assert/strict';
import {
  countMailboxOutcome,
  MIN_ELAPSED_MS, MIN_RESULTS, WINDOW_MS, WRITE_STEPS, autodiscoverProgressText, estimateTimeLeft, mailboxProgressText, startRate, timeLeftText, updateRate, writeStepText,
  type RateState,
} from '../../src/core/pure/progress';

/** Feeds `count` results at a steady `perSecond`, starting at `from`, one every 1000/perSecond ms. */
function steady(state: RateState, count: number, perSecond: number, from: number): RateState {
  let s = state;
  const gap = 1000 / perSecond;
  for (let i = 1; i <= count; i++) s = updateRate(s, s.done + 1, from + i * gap);
  return s;
}

describe('progress: the time-left estimate', () => {
  it('gives no estimate before enough results and enough time', () => {
    const s0 = startRate(0);
    // Many results, but within the first two seconds.
    const fast = steady(s0, 50, 100, 0);
    assert.ok(fast.at < MIN_ELAPSED_MS);
    assert.equal(estimateTimeLeft(fast, 100, fast.at), undefined);
    // Plenty of time, but fewer than MIN_RESULTS results.
    const slow = steady(s0, MIN_RESULTS - 1, 1, 0);
    assert.ok(slow.at >= MIN_ELAPSED_MS);
    assert.equal(estimateTimeLeft(slow, 100, slow.at), undefined);
  });

  it('a steady rate gives the plain answer: 10 a second with 70 left is about 7 s', () => {
    const s = steady(startRate(0), 30, 10, 0);
    const left = estimateTimeLeft(s, 100, s.at);
    assert.ok(left !== undefined && Math.abs(left - 7_000) < 100, `got ${left}`);
  });

  it('is 0 when all are done, and undefined for a total of 0 or a non-number', () => {
    const s = steady(startRate(0), 10, 1, 0);
    assert.equal(estimateTimeLeft(s, 10, s.at), 0);
    assert.equal(estimateTimeLeft(s, 0, s.at), undefined);
    assert.equal(estimateTimeLeft(s, Number.NaN, s.at), undefined);
  });

  it('results in the same millisecond never make the rate infinite', () => {
    let s = startRate(0);
    for (let i = 1; i <= 40; i++) s = updateRate(s, i, 0);
    s = updateRate(s, 41, MIN_ELAPSED_MS);
    const left = estimateTimeLeft(s, 100, s.at);
    assert.ok(left === undefined || (Number.isFinite(left) && left >= 0), `got ${left}`);
  });

  it('ignores a count or a clock that goes back', () => {
    const s = steady(startRate(0), 10, 1, 0);
    assert.equal(updateRate(s, 3, s.at + 1000), s);
    assert.equal(updateRate(s, 11, s.at - 1), s);
    assert.equal(updateRate(s, Number.NaN, s.at + 1000), s);
  });

  it('a throttling pause makes the estimate grow, not count down, and it stays finite', () => {
    const s = steady(startRate(0), 30, 10, 0);
    const before = estimateTimeLeft(s, 100, s.at) ?? Number.NaN;
    const during = estimateTimeLeft(s, 100, s.at + 60_000) ?? Number.NaN;
    assert.ok(during > before, `before ${before}, during the pause ${during}`);
    assert.ok(Number.isFinite(during));
    // After the pause the results come again: the window holding the pause lowers the smoothed rate.
    const after = updateRate(updateRate(s, 31, s.at + 60_000), 32, s.at + 60_000 + WINDOW_MS);
    const estimate = estimateTimeLeft(after, 100, after.at) ?? Number.NaN;
    assert.ok(estimate > before, `after the pause ${estimate} should exceed ${before}`);
  });

  it('never answers negative, NaN or infinite over a random walk of results', () => {
    let seed = 7;
    const random = (): number => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed / 2 ** 31; };
    for (let trial = 0; trial < 50; trial++) {
      let s = startRate(0);
      let now = 0;
      const total = 1 + Math.floor(random() * 300);
      while (s.done < total) {
        now += Math.floor(random() * (random() < 0.05 ? 30_000 : 400));
        s = updateRate(s, Math.min(total, s.done + Math.floor(random() * 4)), now);
        const left = estimateTimeLeft(s, total, now + Math.floor(random() * 5_000));
        assert.ok(left === undefined || (Number.isFinite(left) && left >= 0), `trial ${trial}: ${left}`);
      }
      assert.equal(estimateTimeLeft(s, total, now), 0);
    }
  });
});

describe('progress: words', () => {
  it('says the time left roughly, and nothing without an estimate', () => {
    assert.equal(timeLeftText(undefined), '');
    assert.equal(timeLeftText(-5), '');
    assert.equal(timeLeftText(0), '', 'nothing left is not "a few seconds left"');
    assert.equal(timeLeftText(Number.POSITIVE_INFINITY), '');
    assert.equal(timeLeftText(2_000), 'a few seconds left');
    assert.equal(timeLeftText(41_000), 'about 40 s left');
    assert.equal(timeLeftText(125_000), 'about 2 min left');
    assert.equal(timeLeftText(3 * 3_600_000), 'about 3 h left');
  });

  it('mailbox progress carries the counts so far and the time left', () => {
    assert.equal(mailboxProgressText({ checked: 120, total: 500, verified: 118, denied: 1, notFound: 1, notChecked: 0, timeLeftMs: 125_000 }),
      '120 of 500 mailboxes checked (118 verified, 1 denied, 1 not found), about 2 min left');
    assert.equal(mailboxProgressText({ checked: 3, total: 5, verified: 1, denied: 0, notFound: 0, notChecked: 2 }),
      '3 of 5 mailboxes checked (1 verified, 0 denied, 0 not found, 2 not checked)');
    assert.equal(mailboxProgressText({ checked: 0, total: 5 }), '0 of 5 mailboxes checked');
  });

  it('the write test has four steps, counted from 1', () => {
    assert.deepEqual([...WRITE_STEPS], ['create', 'confirm', 'delete', 'confirm gone']);
    assert.equal(writeStepText('create'), 'Write test: step 1 of 4 (create)');
    assert.equal(writeStepText('confirm gone'), 'Write test: step 4 of 4 (confirm gone)');
  });

  it('Autodiscover names the candidate tried', () => {
    assert.equal(autodiscoverProgressText({ tried: 2, total: 4, url: 'https://autodiscover.contoso.com/autodiscover/autodiscover.xml' }),
      'Autodiscover: candidate 2 of 4 (https://autodiscover.contoso.com/autodiscover/autodiscover.xml)');
  });
});

describe('progress: counting mailbox outcomes', () => {
  it('adds each outcome to its own count and nothing else', () => {
    const counts = { verified: 0, denied: 0, notFound: 0, notChecked: 0 };
    for (const status of ['verified', 'verified', 'denied', 'not-found', 'not-checked', 'not-checked', 'not-checked'] as const) countMailboxOutcome(counts, status);
    assert.deepEqual(counts, { verified: 2, denied: 1, notFound: 1, notChecked: 3 });
  });
});
