import * as vscode from 'vscode';
import { renderRunbook } from '../core/runbook';
import { registerSafeCommand } from './commandRunner';
import { InvalidSettingsError, requireTrustedWorkspace, type SnippetCommandDeps } from './snippetCommands';

/** "Export Runbook": one .ps1 with every step in order. A target Uri may be passed (scripts, tests). */
export function registerRunbookCommand(deps: SnippetCommandDeps): vscode.Disposable[] {
  return [
    registerSafeCommand(deps.log, 'exchangeSetup.exportRunbook', vscode.l10n.t('Export Runbook'), async (target?: unknown) => {
      // The runbook is every snippet in one script, made to be run.
      requireTrustedWorkspace(vscode.l10n.t('Exporting the runbook'));
      const { settings } = deps.readSettings();
      const runbook = renderRunbook(settings, { basicAuthPrior: deps.model.getBasicAuthPrior() });
      if (!runbook.ok) throw new InvalidSettingsError(runbook.issues);
      let uri = target instanceof vscode.Uri ? target : undefined;
      if (!uri) {
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        uri = await vscode.window.showSaveDialog({
          title: vscode.l10n.t('Export the Exchange setup runbook'),
          defaultUri: folder ? vscode.Uri.joinPath(folder, 'exchange-calendar-setup-runbook.ps1') : undefined,
          filters: { [vscode.l10n.t('PowerShell script')]: ['ps1'] },
        });
        if (!uri) return undefined;
      }
      await vscode.workspace.fs.writeFile(uri, Buffer.from(runbook.text, 'utf8'));
      deps.log.info(`Runbook written to ${uri.toString(true)}`);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: false });
      return uri;
    }),
  ];
}
