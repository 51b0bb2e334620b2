/**
 * Entry of the features bundle (dist/features.js): every command, the probe panel and the step
 * explanations, with the snippet generator, the verification reader, Autodiscover, the link targets
 * and the reports behind them. dist/extension.js keeps only what the checklist needs to show; it
 * loads this bundle on the first command, panel restore or explanation (see ./loadFeatures.ts).
 */
import type * as vscode from 'vscode';
// First: the core tables below are built in the display language (see the module).
import './l10nSetup';
import { stepHelpMarkdown } from '../core/stepHelp';
import type { StepId } from '../core/steps';
import { registerConfigureCommand } from './configureCommand';
import { registerHelpView } from './helpView';
import type { Log } from './log';
import { registerProbePanel, type ProbePanelInspector } from './probePanel';
import { registerProgressCommands } from './progressCommands';
import { registerReadOutputCommand } from './readOutputCommand';
import { registerRunbookCommand } from './runbookCommand';
import type { Session } from './session';
import { registerSnippetCommands, verifyStep } from './snippetCommands';
import { ExchangeTerminal } from './terminal';

export interface Features {
  readonly disposables: vscode.Disposable[];
  readonly terminal: ExchangeTerminal;
  /** Test hook, absent from the production build: the panel's page as sent and its message route. */
  readonly probePanel?: ProbePanelInspector;
  /** Shows a panel VS Code restores after a reload in the probe panel. */
  restorePanel(panel: vscode.WebviewPanel): Promise<void> | void;
  /** For deactivate(): takes a password copied for the link step off the clipboard. */
  clearClipboard(): Promise<boolean>;
  /** A step's explanation (the content of the read-only help document). */
  stepHelp(id: StepId): string;
  /** Test hook, absent from the production build: a verification run with a stand-in command line. */
  verifyStepWithCommand?(id: StepId, commandLine: string): Promise<'read' | 'inserted'>;
}

/** Registers every command and the panel; the caller has already disposed the stand-ins. */
export function activateFeatures(context: vscode.ExtensionContext, session: Session, log: Log): Features {
  const terminal = new ExchangeTerminal(() => session.readSettings().settings.powershellPath, log);
  const deps = { model: session.model, terminal, log, readSettings: () => session.readSettings() };
  const probePanel = registerProbePanel(context, deps);
  const disposables = [
    terminal,
    ...registerSnippetCommands(deps),
    ...registerReadOutputCommand(deps),
    ...registerRunbookCommand(deps),
    ...registerHelpView(session.model, log),
    ...registerConfigureCommand(log),
    ...probePanel.disposables,
    ...registerProgressCommands({ model: session.model, log, terminal, refresh: () => session.refresh(), allowOverwrite: () => session.allowOverwrite() }),
  ];
  return {
    disposables,
    terminal,
    restorePanel: (panel) => probePanel.restore(panel),
    clearClipboard: probePanel.clearClipboard,
    stepHelp: stepHelpMarkdown,
    // Dead code in the production build (src/buildFlags.d.ts): nothing there can reach these.
    ...(__ECS_TEST_HOOKS__ ? {
      probePanel: probePanel.inspector,
      verifyStepWithCommand: (id: StepId, line: string) => verifyStep(deps, id, line),
    } : {}),
  };
}
