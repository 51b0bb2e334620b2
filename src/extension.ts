import * as vscode from 'vscode';
import { isConfigured } from './core/settings';
import { stepTitle } from './core/steps';
import { registerChecklistView } from './host/checklistView';
import { registerConfigureCommand } from './host/configureCommand';
import { registerHelpView } from './host/helpView';
import { createLog } from './host/log';
import { registerProbePanel } from './host/probePanel';
import { registerProgressCommands } from './host/progressCommands';
import { registerReadOutputCommand } from './host/readOutputCommand';
import { registerRunbookCommand } from './host/runbookCommand';
import { createSession } from './host/session';
import { registerSnippetCommands, verifyStep } from './host/snippetCommands';
import { ExchangeTerminal } from './host/terminal';
import type { ExtensionApi } from './host/api';

/** Set by the first line of dist/extension.js (a build banner), before any bundled module runs. */
declare const __ecsBundleStart: number | undefined;
// Modules run before the module that imports them, so this is the end of the bundle's evaluation.
const bundleEvaluatedAt = performance.now();
/** How long evaluating the bundle took, when it was loaded as the bundle (not from out/). */
const bundleLoadMs = typeof __ecsBundleStart === 'number' ? bundleEvaluatedAt - __ecsBundleStart : undefined;

/** What deactivate() still has to do; VS Code awaits its promise (it does not await disposables). */
let beforeDeactivate: (() => Promise<unknown>) | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  const log = createLog(context);
  try {
    const started = performance.now();
    const { session, disposables } = createSession(context, log);
    const terminal = new ExchangeTerminal(() => session.readSettings().settings.powershellPath, log);
    const checklist = registerChecklistView(session.model, {
      configured: () => isConfigured(session.readSettings().settings),
      titleOf: (id) => stepTitle(id, session.readSettings().settings),
      onDidRefresh: (listener) => session.onDidRefresh(listener),
    }, log);
    const deps = { model: session.model, terminal, log, readSettings: session.readSettings };
    const probePanel = registerProbePanel(context, deps);
    beforeDeactivate = probePanel.clearClipboard;
    context.subscriptions.push(
      ...disposables,
      terminal,
      ...checklist.disposables,
      ...registerSnippetCommands(deps),
      ...registerReadOutputCommand(deps),
      ...registerRunbookCommand(deps),
      ...registerHelpView(session.model, log),
      ...registerConfigureCommand(log),
      ...probePanel.disposables,
      ...registerProgressCommands({ model: session.model, log, terminal, refresh: () => session.refresh(), allowOverwrite: () => session.allowOverwrite() }),
    );
    const activationMs = performance.now() - started;
    const loading = bundleLoadMs === undefined ? '' : ` (the bundle took ${bundleLoadMs.toFixed(1)} ms to load)`;
    log.info(`Activated in ${activationMs.toFixed(1)} ms${loading} for organisation ${session.organization()}.`);
    return { session, terminal, checklist: checklist.provider, checklistMessage: () => checklist.view.message, probePanel: probePanel.inspector, activationMs, bundleLoadMs, verifyStepWithCommand: (id, line) => verifyStep(deps, id, line) };
  } catch (error) {
    log.error('Activation failed', error as Error);
    void vscode.window
      .showErrorMessage(`Exchange Calendar Setup could not start: ${(error as Error).message}`, 'Show Log')
      .then((choice) => (choice ? log.show() : undefined));
    return undefined;
  }
}

export async function deactivate(): Promise<void> {
  // Everything else is disposed through context.subscriptions. A password copied for the link step
  // must not outlive the window (a close or reload within its 60 s), when the clipboard still holds it.
  await beforeDeactivate?.();
  beforeDeactivate = undefined;
}
