import * as vscode from 'vscode';
import type { CommandId } from '../core/contributions/commands';
import { errorToLog, oneLineErrorText, UserFacingError } from '../core/errors';
import { isStepId } from '../core/steps';
import { registerSafeCommand } from './commandRunner';
import { loadFeaturesModule, type Features } from './loadFeatures';
import type { Log } from './log';
import type { Session } from './session';
import { HELP_SCHEME, PROBE_PANEL_VIEW_TYPE } from './viewTypes';

/** A command the manifest contributes (package.json contributes.commands). */
export interface ContributedCommand {
  /** Held to the commands table by test/unit/manifest.test.ts (package.json is written from it). */
  readonly command: CommandId;
  readonly title: string;
}

/**
 * Keeps activation cheap: until something is used, each command is a stand-in, and the panel's
 * serializer and the explanations' content provider are thin. The first use loads dist/features.js,
 * swaps the stand-ins for the real commands and runs the command that was asked for.
 */
export class LazyFeatures implements vscode.Disposable {
  private features: Features | undefined;
  private failed: Error | undefined;
  private standIns: vscode.Disposable[];
  private readonly fixed: vscode.Disposable[];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: Session,
    private readonly log: Log,
    commands: readonly ContributedCommand[],
  ) {
    this.standIns = commands.map(({ command, title }) => registerSafeCommand(log, command, title, (...args: unknown[]) => this.runStandIn(command, args)));
    this.fixed = [
      // Registered at activation so that VS Code can hand back a panel it restores after a reload.
      vscode.window.registerWebviewPanelSerializer(PROBE_PANEL_VIEW_TYPE, { deserializeWebviewPanel: async (panel) => this.load().restorePanel(panel) }),
      // Likewise for an explanation left open in an editor.
      vscode.workspace.registerTextDocumentContentProvider(HELP_SCHEME, { provideTextDocumentContent: (uri) => this.helpContent(uri) }),
    ];
  }

  /** A stand-in's command: load the features, then run the real command, which is registered by now. */
  private async runStandIn(command: CommandId, args: unknown[]): Promise<unknown> {
    this.load();
    // The real command is now registered in this extension host: it receives the same arguments.
    return vscode.commands.executeCommand(command, ...args);
  }

  private helpContent(uri: vscode.Uri): string {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    return isStepId(id) ? this.load().stepHelp(id) : `# ${vscode.l10n.t('Unknown step')}\n\n${vscode.l10n.t('No explanation for "{0}".', id)}\n`;
  }

  /** The features once loaded, without loading them. */
  loaded(): Features | undefined {
    return this.features;
  }

  /** Loads the features bundle once and registers the real commands in place of the stand-ins. */
  load(): Features {
    if (this.features) return this.features;
    if (this.failed) throw this.failed;
    const started = performance.now();
    // A bundle that fails to load throws here, and the stand-ins stay for another try.
    let module: ReturnType<typeof loadFeaturesModule>;
    try {
      module = loadFeaturesModule();
    } catch (error) {
      // Said in words for the person by lazyModule (a damaged installation); the log keeps the stack.
      this.log.error('dist/features.js did not load', errorToLog(error));
      throw error;
    }
    // VS Code refuses a second handler for one command id: the stand-ins go first.
    for (const standIn of this.standIns) standIn.dispose();
    this.standIns = [];
    try {
      this.features = module.activateFeatures(this.context, this.session, this.log);
    } catch (error) {
      // Some commands may be registered by now and the stand-ins are gone: another try would clash.
      this.log.error('The commands could not start', errorToLog(error));
      this.failed = new UserFacingError(vscode.l10n.t("The extension's commands could not start ({0}); reload the window (Developer: Reload Window).", oneLineErrorText(error)));
      throw this.failed;
    }
    this.context.subscriptions.push(...this.features.disposables);
    this.log.info(`Loaded the commands and the panel in ${(performance.now() - started).toFixed(1)} ms.`);
    return this.features;
  }

  dispose(): void {
    for (const disposable of [...this.standIns, ...this.fixed]) disposable.dispose();
    this.standIns = [];
  }
}
