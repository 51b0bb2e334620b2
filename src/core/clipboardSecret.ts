/**
 * A secret put on the clipboard for the admin to paste once (the service account's password, for the
 * Alexa for Business console), taken off again after a while, or sooner when the window closes or
 * reloads or the panel that copied it is closed, but only if the clipboard still holds it: whatever the
 * admin copied since is left alone. Only a SHA-256 digest of the secret is kept to recognise it.
 */
import { createHash } from 'node:crypto';

/** The part of `vscode.env.clipboard` used here (injected so that the logic runs in plain Node). */
export interface TextClipboard {
  readText(): PromiseLike<string>;
  writeText(text: string): PromiseLike<void>;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const NODE_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

function digestOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export class ClipboardSecret {
  private digest: string | undefined;
  private timer: unknown;
  private clearing: Promise<boolean> | undefined;

  constructor(
    private readonly clipboard: TextClipboard,
    private readonly clearAfterMs: number,
    private readonly timers: Timers = NODE_TIMERS,
  ) {}

  /** Copies `secret` and schedules its removal; a previous secret's schedule is replaced. */
  async copy(secret: string): Promise<void> {
    this.cancelTimer();
    await this.clipboard.writeText(secret);
    this.digest = digestOf(secret);
    this.timer = this.timers.setTimeout(() => { void this.clearIfHeld(); }, this.clearAfterMs);
  }

  /** True while a copied secret may still be on the clipboard (copied and not yet cleared or replaced). */
  get pending(): boolean {
    return this.digest !== undefined;
  }

  /**
   * Empties the clipboard now if it still holds the copied secret; resolves to whether it did. Never
   * throws: a clipboard that cannot be read (the window is going away) is left as it is.
   */
  clearIfHeld(): Promise<boolean> {
    this.cancelTimer();
    const digest = this.digest;
    this.digest = undefined;
    // A clear already under way (the panel closed, then the window): the caller waits for that one.
    if (digest === undefined) return this.clearing ?? Promise.resolve(false);
    const clearing = this.clearHeld(digest);
    this.clearing = clearing;
    void clearing.then(() => {
      if (this.clearing === clearing) this.clearing = undefined;
    });
    return clearing;
  }

  private async clearHeld(digest: string): Promise<boolean> {
    try {
      if (digestOf(await this.clipboard.readText()) !== digest) return false;
      await this.clipboard.writeText('');
      return true;
    } catch {
      return false;
    }
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
