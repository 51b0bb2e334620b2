import * as vscode from 'vscode';
import { WALKTHROUGH_STEPS, walkthroughCommand, walkthroughProgress, type WalkthroughStepId } from '../core/walkthrough';
import type { Log } from './log';

/**
 * Keeps the walkthrough's checkmarks equal to the checklist's state. The manifest's `onContext:`
 * completion events cover a change seen while the walkthrough service listens; this covers the rest
 * (the service starts lazily and ignores a key that was already true: see src/core/walkthrough.ts), by
 * marking each step complete or incomplete whenever its verdict differs from what was last pushed.
 */
export class WalkthroughSync {
  private readonly pushed = new Map<WalkthroughStepId, boolean>();
  private reported = false;

  constructor(
    private readonly extensionId: string,
    private readonly log: Log,
    private readonly execute: (command: string, arg: string) => Thenable<unknown> = (command, arg) => vscode.commands.executeCommand(command, arg),
  ) {}

  update(keys: Readonly<Record<string, boolean>>): void {
    const progress = walkthroughProgress(keys);
    for (const step of WALKTHROUGH_STEPS) {
      const done = progress[step.id];
      if (this.pushed.get(step.id) === done) continue;
      this.pushed.set(step.id, done);
      const { command, stepId } = walkthroughCommand(this.extensionId, step.id, done);
      // Before the workbench has registered the walkthrough, the command stores the mark and then
      // reports the step as unknown; the mark holds all the same. Said once, in the log only.
      Promise.resolve(this.execute(command, stepId)).catch((error: unknown) => {
        if (this.reported) return;
        this.reported = true;
        this.log.info(`Walkthrough step ${step.id} marked ${done ? 'done' : 'not done'}; the workbench answered: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }
}
