import * as vscode from 'vscode';
import type { SetupModel } from '../core/model';
import { isLeaf, stepDefinition } from '../core/steps';
import { registerSafeCommand } from './commandRunner';
import type { Log } from './log';
import { resolveStep } from './stepArgument';
import { requireTrustedWorkspace } from './snippetCommands';
import type { ExchangeTerminal } from './terminal';

export function registerProgressCommands(deps: {
  model: SetupModel;
  log: Log;
  terminal: ExchangeTerminal;
  refresh: () => void;
  /** Lets the reset replace stored progress that a newer version wrote (see ProgressStore). */
  allowOverwrite: () => void;
}): vscode.Disposable[] {
  const { model, log } = deps;
  return [
    registerSafeCommand(log, 'exchangeSetup.refresh', 'Refresh Checklist', () => deps.refresh()),
    registerSafeCommand(log, 'exchangeSetup.showLog', 'Show Log', () => log.show(false)),
    registerSafeCommand(log, 'exchangeSetup.showTerminal', 'Open Exchange Management Shell', () => {
      requireTrustedWorkspace('Opening the Exchange Management Shell terminal');
      deps.terminal.show();
    }),
    registerSafeCommand(log, 'exchangeSetup.confirmStep', 'Mark Step Done by Hand', async (arg: unknown) => {
      const id = await resolveStep(arg, model, (s) => isLeaf(s), 'Mark which step done by hand?');
      if (!id) return;
      const reason = await vscode.window.showInputBox({
        title: `Mark "${stepDefinition(id).title}" done by hand`,
        prompt: 'Say what you checked; the checklist shows it as the evidence. A later probe or verification replaces it.',
        placeHolder: 'e.g. Basic auth enabled on EXCH01 and EXCH02, checked in the Exchange admin center',
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim().length < 5 ? 'Write a few words about what you checked.' : undefined),
      });
      if (reason === undefined) return;
      model.record(id, 'done', 'manual', `Confirmed by hand: ${reason.trim()}`);
      log.info(`${id} marked done by hand.`);
    }),
    registerSafeCommand(log, 'exchangeSetup.resetStep', 'Reset Step Status', async (arg: unknown) => {
      const id = await resolveStep(arg, model, () => true, 'Reset which step?');
      if (!id) return;
      model.reset(id);
      log.info(`Status of ${id}${isLeaf(id) ? '' : ' and its sub-steps'} reset by hand.`);
    }),
    registerSafeCommand(log, 'exchangeSetup.resetProgress', 'Reset All Progress', async () => {
      const answer = await vscode.window.showWarningMessage(
        'Forget every step status for this Exchange organisation, including the Basic auth value recorded for rollback?',
        { modal: true },
        'Reset',
      );
      if (answer !== 'Reset') return;
      deps.allowOverwrite();
      model.reset();
      log.info('All progress for this organisation was reset by hand.');
    }),
  ];
}
