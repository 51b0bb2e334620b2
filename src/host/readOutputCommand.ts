import * as vscode from 'vscode';
import { UserFacingError } from '../core/errors';
import type { SetupModel } from '../core/model';
import { READ_BACK_STEPS, readPastedVerification } from '../core/readBack';
import { markerLines } from '../core/snippets';
import { stepDefinition, type StepId } from '../core/steps';
import { registerSafeCommand, runCommand } from './commandRunner';
import type { Log } from './log';
import type { SettingsReading } from './configuration';
import { recordReading } from './snippetCommands';
import { resolveStep } from './stepArgument';

export interface ReadOutputDeps {
  readonly model: SetupModel;
  readonly log: Log;
  readonly readSettings: () => SettingsReading;
}

/** The context key that lists the open paste documents, so the editor title shows "Read Pasted Output" on them. */
const PASTE_DOCUMENTS_KEY = 'exchangeSetup.pasteDocuments';

/**
 * "Read Verification Output...": for admins who run the snippets in a remote desktop on the Exchange
 * server rather than in our terminal. The output is several lines, markers included, so it is pasted
 * into an untitled editor: VS Code's input box takes one line only, and the clipboard alone would
 * not let the admin see what is about to be read. The editor is confirmed with "Read Output" on the
 * notification or "Read Pasted Output" on its title bar (the notification may hide itself while the
 * admin is away copying from the server; the title-bar button stays).
 *
 * Allowed in Restricted Mode, like "Mark Step Done by Hand": it runs nothing and sends nothing, the text
 * is what the admin pasted (not something the workspace supplies), and the step is decided by the same
 * rules as a terminal read-back. Its evidence says "read from pasted output", so it is never mistaken
 * for a read-back the extension watched itself.
 *
 * Scripted callers (the integration tests) pass the text as a second argument and skip the editor.
 */
export function registerReadOutputCommand(deps: ReadOutputDeps): vscode.Disposable[] {
  const { model, log } = deps;
  /** Untitled documents waiting for output, by URI, with the step each one is for. */
  const pending = new Map<string, StepId>();
  const publish = () => void vscode.commands.executeCommand('setContext', PASTE_DOCUMENTS_KEY, [...pending.keys()]);

  /** Reads `text` for `id`; invalid input changes nothing and is thrown as an error saying what to paste. */
  const read = (id: StepId, text: string): void => {
    const result = readPastedVerification(id, text, deps.readSettings().settings);
    if (!result.ok) throw new UserFacingError(result.error, id);
    recordReading(deps, id, result.reading, 'pasted');
  };

  const readDocument = async (document: vscode.TextDocument): Promise<void> => {
    const id = pending.get(document.uri.toString());
    if (!id) throw new UserFacingError(vscode.l10n.t('This editor is not waiting for verification output: run "Exchange Setup: Read Verification Output..." first.'));
    read(id, document.getText());
    pending.delete(document.uri.toString());
    publish();
    // Close without a "save?" question: the text has been read, and an untitled document has no file to keep.
    if (vscode.window.activeTextEditor?.document === document) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  };

  const openPasteDocument = async (id: StepId): Promise<void> => {
    const { begin, end } = markerLines(id);
    const title = stepDefinition(id).title;
    const document = await vscode.workspace.openTextDocument({
      language: 'plaintext',
      content: `# ${vscode.l10n.t('Paste below the output of the verification of "{0}" ({1}), from the line {2} to the line {3}.', title, id, begin, end)}\n\n`,
    });
    pending.set(document.uri.toString(), id);
    publish();
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    const lastLine = document.lineCount - 1;
    editor.selection = new vscode.Selection(lastLine, 0, lastLine, 0);
    // Not awaited: the command is done once the editor is open; the answer comes when the admin has pasted.
    const readOutput = vscode.l10n.t('Read Output');
    void vscode.window
      .showInformationMessage(vscode.l10n.t(`Paste the verification output of "{0}" into the editor, then choose Read Output (or Read Pasted Output on the editor's title bar).`, title), readOutput)
      .then(async (choice) => {
        if (choice !== readOutput || !pending.has(document.uri.toString())) return;
        await runCommand('exchangeSetup.readPastedOutput', document.uri);
      });
  };

  return [
    registerSafeCommand(log, 'exchangeSetup.readVerificationOutput', vscode.l10n.t('Read Verification Output'), async (arg: unknown, text?: unknown) => {
      const id = await resolveStep(arg, model, (s) => READ_BACK_STEPS.includes(s), vscode.l10n.t('Read the verification output of which step?'));
      if (!id) return;
      if (typeof text === 'string') read(id, text);
      else await openPasteDocument(id);
    }),
    registerSafeCommand(log, 'exchangeSetup.readPastedOutput', vscode.l10n.t('Read Pasted Output'), async (arg: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      const document = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (!document) throw new UserFacingError(vscode.l10n.t('The editor with the pasted output was closed: run "Exchange Setup: Read Verification Output..." again.'));
      await readDocument(document);
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (pending.delete(document.uri.toString())) publish();
    }),
  ];
}
