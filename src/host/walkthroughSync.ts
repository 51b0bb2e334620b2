import * as vscode from 'vscode';
import { WorkbenchMirror } from '../core/pure/mirror';
import { WALKTHROUGH_STEPS, walkthroughCommand, walkthroughProgress, type WalkthroughStepId } from '../core/walkthrough';
import type { Log } from './log';

/** Where the marks last pushed are kept (global state, per profile, as the workbench keeps a walkthrough's progress). */
export const WALKTHROUGH_MARKS_KEY = 'exchangeSetup.walkthroughMarks';

/** The part of a Memento this needs (global state in the extension). */
export interface MarksStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/**
 * Keeps the walkthrough's checkmarks equal to the checklist's state. The manifest's `onContext:`
 * completion events cover a change seen while the walkthrough service listens; this covers the rest
 * (the service starts lazily and ignores a key that was already true: see src/core/walkthrough.ts), by
 * marking each step complete or incomplete whenever its verdict differs from what the workbench holds.
 *
 * What the workbench holds is what was last pushed, kept in global state, so a start where nothing
 * changed sends no mark. With nothing kept (a new profile, or the first start of this version) every
 * step is taken to be not done: VS Code keeps a walkthrough's progress per profile and starts it empty
 * (gettingStartedService.ts keeps the steps marked done in profile storage; a step is done only once
 * marked or completed by its event). ASSUMPTION (about VS Code, listed in README "Performance"): a
 * person who resets the walkthrough's progress (Help: Reset Welcome Page Walkthrough Progress) or ticks
 * "Mark Done" by hand sees that choice kept until the step's verdict next changes.
 */
export class WalkthroughSync {
  private readonly mirror: WorkbenchMirror<WalkthroughStepId>;
  private reported = false;

  constructor(
    private readonly extensionId: string,
    private readonly log: Log,
    private readonly store: MarksStore,
    private readonly execute: (command: string, arg: string) => Thenable<unknown> = (command, arg) => vscode.commands.executeCommand(command, arg),
  ) {
    const kept = store.get<unknown>(WALKTHROUGH_MARKS_KEY);
    this.mirror = new WorkbenchMirror<WalkthroughStepId>(false, isMarks(kept) ? kept : {});
  }

  update(keys: Readonly<Record<string, boolean>>): void {
    const changes = this.mirror.changes(walkthroughProgress(keys));
    if (changes.length > 0) this.send(changes);
  }

  /** Apart from update() so that a start with nothing to send does not compile it. */
  private send(changes: readonly [WalkthroughStepId, boolean][]): void {
    for (const [step, done] of changes) {
      const { command, stepId } = walkthroughCommand(this.extensionId, step, done);
      // Before the workbench has registered the walkthrough, the command stores the mark and then
      // reports the step as unknown; the mark holds all the same. Said once, in the log only.
      Promise.resolve(this.execute(command, stepId)).catch((error: unknown) => {
        if (this.reported) return;
        this.reported = true;
        this.log.info(`Walkthrough step ${step} marked ${done ? 'done' : 'not done'}; the workbench answered: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    // Global state writes are batched by VS Code; a failed write only means the marks are sent again next start.
    Promise.resolve(this.store.update(WALKTHROUGH_MARKS_KEY, this.mirror.snapshot())).catch((error: unknown) => {
      this.log.warn(`The walkthrough marks could not be remembered: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}

function isMarks(value: unknown): value is Partial<Record<WalkthroughStepId, boolean>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const ids = new Set<string>(WALKTHROUGH_STEPS.map((step) => step.id));
  return Object.entries(value).every(([key, done]) => ids.has(key) && typeof done === 'boolean');
}
