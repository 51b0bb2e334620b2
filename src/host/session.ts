import * as vscode from 'vscode';
import { errorToLog } from '../core/errors';
import { SetupModel, type PersistedSetupState } from '../core/model';
import { isConfigured, organizationKey } from '../core/settings';
import type { Log } from './log';
import { ProgressStore } from './progressStore';
import { onDidChangeSettings, readSettings, readStartSettings, type SettingsReading } from './configuration';
import { WalkthroughSync } from './walkthroughSync';
import { WorkbenchMirror } from '../core/pure/mirror';

/**
 * Keeps the model, the settings and the stored progress in step: the model is saved on every change,
 * reloaded when the settings point at another organisation, and mirrored into context keys for the
 * welcome view, menus and the walkthrough (whose checkmarks are also set directly: WalkthroughSync).
 */
export interface Session {
  readonly model: SetupModel;
  readSettings(): SettingsReading;
  /** Whether the service account is entered (the checklist has rows, the welcome view gives way). */
  isConfigured(): boolean;
  organization(): string;
  /** Re-reads the settings and reloads if the organisation changed. */
  refresh(): void;
  /** Fires after every refresh, once the new reading is in place. */
  onDidRefresh(listener: () => void): vscode.Disposable;
  /** The admin chose to replace stored progress this version cannot read; the next change is saved. */
  allowOverwrite(): void;
  /** The checklist (and its welcome view, which reads the context keys) is shown: the window gets every key it lacks. */
  showContext(): void;
}

export function createSession(context: vscode.ExtensionContext, log: Log): { session: Session; disposables: vscode.Disposable[] } {
  const session = new SetupSession(context, log);
  return { session, disposables: [session, onDidChangeSettings(() => session.refresh())] };
}

/**
 * A class rather than closures for a reason of start cost: V8 compiles a function the first time it
 * runs, and compiling one reads all of its text, the closures inside included. Here a start compiles
 * the constructor and what it calls; refreshing, saving and the read-only prompt are compiled when
 * first used (docs/architecture.md says what a start does and what it costs).
 */
class SetupSession implements Session, vscode.Disposable {
  readonly model: SetupModel;
  private readonly store: ProgressStore;
  private readonly refreshed = new vscode.EventEmitter<void>();
  /** The full reading of the settings, made on first use (a start reads only three: readStartSettings). */
  private reading: SettingsReading | undefined;
  private configured: boolean;
  private currentOrganization: string;
  private refusedSaveLogged = false;
  /**
   * Context keys are sent when they can matter: on every change of the state, and when the checklist is
   * shown (showContext). Only the welcome view and the walkthrough's completion events read them
   * (test/unit/activation-work.test.ts holds the manifest to that): the welcome view is inside the
   * checklist, and the walkthrough's marks are set directly (WalkthroughSync). So a start sends none:
   * most windows never show the checklist. What the window holds is not known at first (the workbench
   * keeps context keys when only the extension host restarts), so each key is sent once, then only
   * when it differs from what was sent.
   */
  private readonly published = new WorkbenchMirror(undefined);
  private readonly walkthrough: WalkthroughSync;
  private readonly modelListener: vscode.Disposable;

  constructor(context: vscode.ExtensionContext, private readonly log: Log) {
    this.store = new ProgressStore(context.globalState);
    // A start reads only the three settings it needs (whose progress, which steps apply, configured); the
    // full reading waits for its first use (the checklist shown, a command, a change of a setting), and
    // validation for the first look at its problems.
    const start = readStartSettings();
    this.configured = start.configured;
    this.currentOrganization = organizationKey(start.ewsUrl);
    this.model = new SetupModel(this.loadProgress(), start.accessMethod);
    this.walkthrough = new WalkthroughSync(context.extension.id, log, context.globalState);
    this.modelListener = this.model.onDidChange(() => this.modelChanged());
    // A start sends only the walkthrough marks that differ from the workbench's (none, unless the state
    // changed where this window could not see it, or the profile is new).
    this.walkthrough.update(this.contextKeys());
  }

  readSettings(): SettingsReading {
    return (this.reading ??= readSettings());
  }

  isConfigured(): boolean {
    return this.configured;
  }

  organization(): string {
    return this.currentOrganization;
  }

  refresh(): void {
    const reading = (this.reading = readSettings());
    this.logProblems(reading);
    this.configured = isConfigured(reading.settings);
    const next = organizationKey(reading.settings.ewsUrl);
    if (next !== this.currentOrganization) {
      this.log.info(`Exchange organisation changed from ${this.currentOrganization} to ${next}; loading its progress.`);
      this.currentOrganization = next;
      this.model.load(this.loadProgress(), reading.settings.accessMethod);
    } else {
      this.model.setAccessMethod(reading.settings.accessMethod);
    }
    this.showContext();
    this.refreshed.fire();
  }

  onDidRefresh(listener: () => void): vscode.Disposable {
    return this.refreshed.event(listener);
  }

  allowOverwrite(): void {
    this.store.allowOverwrite(this.currentOrganization);
  }

  showContext(): void {
    const keys = this.contextKeys();
    for (const [key, value] of this.published.changes(keys)) void vscode.commands.executeCommand('setContext', key, value);
    this.walkthrough.update(keys);
  }

  dispose(): void {
    this.modelListener.dispose();
    this.refreshed.dispose();
  }

  /** A change of settings applies even when they cannot be checked (a damaged installation: loadSettingsChecks). */
  private logProblems(reading: SettingsReading): void {
    try {
      for (const issue of reading.issues) this.log.warn(`Setting problem: ${issue.message}`);
    } catch (error) {
      this.log.error('The changed settings could not be checked', errorToLog(error));
    }
  }

  private contextKeys(): Record<string, boolean> {
    return { 'exchangeSetup.configured': this.configured, ...this.model.contextKeys() };
  }

  private loadProgress(): PersistedSetupState {
    const organization = this.currentOrganization;
    const loaded = this.store.load(organization);
    this.refusedSaveLogged = false;
    if (loaded.migratedFrom !== undefined) this.log.info(`Progress for ${organization} was carried forward from stored version ${loaded.migratedFrom}.`);
    if (loaded.readOnlyReason !== undefined) this.offerStartOver(organization, loaded.readOnlyReason);
    return loaded.state;
  }

  /** Not awaited: the warning stays until the person answers it, and loading goes on meanwhile. */
  private offerStartOver(shownFor: string, reason: string): void {
    this.log.warn(reason);
    const startOver = vscode.l10n.t('Start Over');
    const replace = vscode.l10n.t('Replace');
    void vscode.window.showWarningMessage(reason, startOver, vscode.l10n.t('Keep Read-Only')).then(async (choice) => {
      if (choice !== startOver || shownFor !== this.currentOrganization) return;
      const confirm = await vscode.window.showWarningMessage(
        vscode.l10n.t('Replace the stored progress of {0} (including any Basic auth values recorded for rollback) with empty progress?', shownFor),
        { modal: true },
        replace,
      );
      if (confirm !== replace || shownFor !== this.currentOrganization) return;
      this.store.allowOverwrite(shownFor);
      this.model.reset();
      this.log.info(`Stored progress for ${shownFor} replaced by hand.`);
    });
  }

  private modelChanged(): void {
    const savingFor = this.currentOrganization;
    this.store.save(savingFor, this.model.snapshot()).then((saved) => {
      if (saved || this.refusedSaveLogged) return;
      this.refusedSaveLogged = true;
      this.log.warn(`Progress changes for ${savingFor} are not saved: ${this.store.readOnlyReason(savingFor) ?? 'its stored progress is read-only.'}`);
    }, (e: unknown) => this.log.error('Saving progress failed', e as Error));
    this.showContext();
  }
}
