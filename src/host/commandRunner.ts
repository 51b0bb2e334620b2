import * as vscode from 'vscode';
import type { CommandId } from '../core/contributions/commands';
import { describeError, isCancellation, UserFacingError } from '../core/errors';
import type { Log } from './log';

/**
 * Registers a command whose failures are logged with their stack and shown once, with a way to the log.
 * Cancellation is silent. The only place that calls `vscode.commands.registerCommand`: the id must be one
 * of the commands table (core/contributions/commands.ts), and test/unit/manifest.test.ts checks that each
 * of them is registered here once.
 */
export function registerSafeCommand(
  log: Log,
  id: CommandId,
  title: string,
  handler: (...args: unknown[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      reportFailure(log, title, error);
      return undefined;
    }
  });
}

function reportFailure(log: Log, title: string, error: unknown): void {
  if (isCancellation(error) || error instanceof vscode.CancellationError) return;
  if (error instanceof UserFacingError) log.warn(`${title}: ${error.message}`);
  else log.error(`${title} failed`, error instanceof Error ? error : new Error(String(error)));
  // Not awaited: the command settles now, the message stays until the person dismisses it.
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window.showErrorMessage(describeError(title, error), showLog).then((choice) => {
    if (choice === showLog) log.show(true);
  });
}

/** Runs one of the extension's own commands: the id must be in the commands table, so a typo does not compile. */
export function runCommand<T = unknown>(id: CommandId, ...args: unknown[]): Thenable<T | undefined> {
  return vscode.commands.executeCommand<T | undefined>(id, ...args);
}
