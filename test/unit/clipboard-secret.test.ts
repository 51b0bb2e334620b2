import * as assert from 'node:assert/strict';
import { ClipboardSecret, type TextClipboard, type Timers } from '../../src/core/clipboardSecret';

const PASSWORD = 'Clipboard-S3cret!';

/** A clipboard in memory, and timers that fire only when the test says so (no waiting on the clock). */
function fakes(): { clipboard: TextClipboard & { text: string; writes: string[]; failReads: boolean }; timers: Timers & { fire(): void; pending: number } } {
  const clipboard = {
    text: 'before',
    writes: [] as string[],
    failReads: false,
    async readText() {
      if (clipboard.failReads) throw new Error('the window is closing');
      return clipboard.text;
    },
    async writeText(text: string) {
      clipboard.text = text;
      clipboard.writes.push(text);
    },
  };
  const scheduled = new Map<number, () => void>();
  let next = 0;
  const timers = {
    setTimeout(callback: () => void) {
      next++;
      scheduled.set(next, callback);
      return next;
    },
    clearTimeout(handle: unknown) {
      scheduled.delete(handle as number);
    },
    fire() {
      const callbacks = [...scheduled.values()];
      scheduled.clear();
      for (const callback of callbacks) callback();
    },
    get pending() {
      return scheduled.size;
    },
  };
  return { clipboard, timers };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ClipboardSecret (issue 13, item 5)', () => {
  it('clears the copied password when its time is up, if the clipboard still holds it', async () => {
    const { clipboard, timers } = fakes();
    const secret = new ClipboardSecret(clipboard, 60_000, timers);
    await secret.copy(PASSWORD);
    assert.equal(clipboard.text, PASSWORD);
    timers.fire();
    await settle();
    assert.equal(clipboard.text, '');
  });

  it('clears it at once on dispose (window closing or reloading, panel closed), and stops the timer', async () => {
    const { clipboard, timers } = fakes();
    const secret = new ClipboardSecret(clipboard, 60_000, timers);
    await secret.copy(PASSWORD);
    assert.equal(await secret.clearIfHeld(), true);
    assert.equal(clipboard.text, '');
    assert.equal(timers.pending, 0);
    assert.equal(secret.pending, false);
  });

  it('leaves alone whatever the admin copied since', async () => {
    const { clipboard, timers } = fakes();
    const secret = new ClipboardSecret(clipboard, 60_000, timers);
    await secret.copy(PASSWORD);
    clipboard.text = 'something the admin copied later';
    assert.equal(await secret.clearIfHeld(), false);
    assert.equal(clipboard.text, 'something the admin copied later');
  });

  it('does nothing when nothing was copied, and never throws when the clipboard cannot be read', async () => {
    const { clipboard, timers } = fakes();
    const secret = new ClipboardSecret(clipboard, 60_000, timers);
    assert.equal(await secret.clearIfHeld(), false);
    assert.deepEqual(clipboard.writes, []);
    await secret.copy(PASSWORD);
    clipboard.failReads = true;
    assert.equal(await secret.clearIfHeld(), false);
  });

  it('lets a second caller (deactivate after the panel closed) wait for the clear already under way', async () => {
    const { clipboard, timers } = fakes();
    const secret = new ClipboardSecret(clipboard, 60_000, timers);
    await secret.copy(PASSWORD);
    const first = secret.clearIfHeld();
    const second = secret.clearIfHeld();
    assert.equal(await second, true, 'the second caller gets the first clear\'s result');
    assert.equal(await first, true);
    assert.equal(clipboard.text, '');
  });

  it('keeps only a digest of the password', async () => {
    const { clipboard, timers } = fakes();
    const secret = new ClipboardSecret(clipboard, 60_000, timers);
    await secret.copy(PASSWORD);
    const kept = JSON.stringify(Object.entries(secret).filter(([key]) => key !== 'clipboard'));
    assert.ok(!kept.includes(PASSWORD), kept);
  });
});
