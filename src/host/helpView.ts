import * as vscode from 'vscode';
import type { SetupModel } from '../core/model';
import { stepHelpMarkdown } from '../core/stepHelp';
import { isStepId } from '../core/steps';
import { registerSafeCommand } from './commandRunner';
import type { Log } from './log';
import { resolveStep } from './stepArgument';

const SCHEME = 'exchange-setup-help';

/** Each step's explanation, as a read-only Markdown document shown in the preview. */
export function registerHelpView(model: SetupModel, log: Log): vscode.Disposable[] {
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent(uri) {
      const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
      return isStepId(id) ? stepHelpMarkdown(id) : `# Unknown step\n\nNo explanation for "${id}".\n`;
    },
  };
  return [
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    registerSafeCommand(log, 'exchangeSetup.openStepHelp', 'Open Step Explanation', async (arg: unknown) => {
      const id = await resolveStep(arg, model, () => true, 'Explain which step?');
      if (!id) return;
      const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${id}.md` });
      try {
        await vscode.commands.executeCommand('markdown.showPreview', uri);
      } catch {
        // The built-in Markdown extension may be disabled: the source text still explains.
        await vscode.window.showTextDocument(uri, { preview: true });
      }
    }),
  ];
}
