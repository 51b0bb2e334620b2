import * as vscode from 'vscode';
import type { SetupModel } from '../core/model';
import { registerSafeCommand } from './commandRunner';
import type { Log } from './log';
import { resolveStep } from './stepArgument';
import { HELP_SCHEME } from './viewTypes';

/**
 * Opens a step's explanation, a read-only Markdown document shown in the preview. Its content
 * provider is registered at activation (extension.ts), so a restored document finds it.
 */
export function registerHelpView(model: SetupModel, log: Log): vscode.Disposable[] {
  return [
    registerSafeCommand(log, 'exchangeSetup.openStepHelp', vscode.l10n.t('Open Step Explanation'), async (arg: unknown) => {
      const id = await resolveStep(arg, model, () => true, vscode.l10n.t('Explain which step?'));
      if (!id) return;
      const uri = vscode.Uri.from({ scheme: HELP_SCHEME, path: `/${id}.md` });
      try {
        await vscode.commands.executeCommand('markdown.showPreview', uri);
      } catch {
        // The built-in Markdown extension may be disabled: the source text still explains.
        await vscode.window.showTextDocument(uri, { preview: true });
      }
    }),
  ];
}
