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
    registerSafeCommand(log, 'exchangeSetup.refresh', vscode.l10n.t('Refresh Checklist'), () => deps.refresh()),
    registerSafeCommand(log, 'exchangeSetup.showLog', vscode.l10n.t('Show Log'), () => log.show(false)),
    registerSafeCommand(log, 'exchangeSetup.showTerminal', vscode.l10n.t('Open Exchange Management Shell'), () => {
      requireTrustedWorkspace(vscode.l10n.t('Opening the Exchange Management Shell terminal'));
      deps.terminal.show();
    }),
    registerSafeCommand(log, 'exchangeSetup.confirmStep', vscode.l10n.t('Mark Step Done by Hand'), async (arg: unknown) => {
      const id = await resolveStep(arg, model, (s) => isLeaf(s), vscode.l10n.t('Mark which step done by hand?'));
      if (!id) return;
      const reason = await vscode.window.showInputBox({
        title: vscode.l10n.t('Mark "{0}" done by hand', stepDefinition(id).title),
        prompt: vscode.l10n.t('Say what you checked; the checklist shows it as the evidence. A later probe or verification replaces it.'),
        placeHolder: vscode.l10n.t('e.g. Basic auth enabled on EXCH01 and EXCH02, checked in the Exchange admin center'),
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim().length < 5 ? vscode.l10n.t('Write a few words about what you checked.') : undefined),
      });
      if (reason === undefined) return;
      model.record(id, 'done', 'manual', vscode.l10n.t('Confirmed by hand: {0}', reason.trim()));
      log.info(`${id} marked done by hand.`);
    }),
    registerSafeCommand(log, 'exchangeSetup.resetStep', vscode.l10n.t('Reset Step Status'), async (arg: unknown) => {
      const id = await resolveStep(arg, model, () => true, vscode.l10n.t('Reset which step?'));
      if (!id) return;
      model.reset(id);
      log.info(`Status of ${id}${isLeaf(id) ? '' : ' and its sub-steps'} reset by hand.`);
    }),
    registerSafeCommand(log, 'exchangeSetup.resetProgress', vscode.l10n.t('Reset All Progress'), async () => {
      const reset = vscode.l10n.t('Reset');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Forget every step status for this Exchange organisation, including the Basic auth value recorded for rollback?'),
        { modal: true },
        reset,
      );
      if (answer !== reset) return;
      deps.allowOverwrite();
      model.reset();
      log.info('All progress for this organisation was reset by hand.');
    }),
  ];
}
