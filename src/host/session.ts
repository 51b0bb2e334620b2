import * as vscode from 'vscode';
import { SetupModel } from '../core/model';
import { isConfigured, organizationKey } from '../core/settings';
import type { Log } from './log';
import { ProgressStore, type LoadedProgress } from './progressStore';
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
  const store = new ProgressStore(context.globalState);
  const refreshed = new vscode.EventEmitter<void>();
  // A start reads only the three settings it needs (whose progress, which steps apply, configured); the
  // full reading waits for its first use (the checklist shown, a command, a change of a setting), and
  // validation for the first look at its problems.
  const start = readStartSettings();
  let reading: SettingsReading | undefined;
  const currentReading = (): SettingsReading => (reading ??= readSettings());
  let configured = start.configured;
  let organization = organizationKey(start.ewsUrl);
  let refusedSaveLogged = false;
  const loadProgress = (): LoadedProgress => {
    const loaded = store.load(organization);
    refusedSaveLogged = false;
    if (loaded.migratedFrom !== undefined) log.info(`Progress for ${organization} was carried forward from stored version ${loaded.migratedFrom}.`);
    if (loaded.readOnlyReason !== undefined) {
      const reason = loaded.readOnlyReason;
      const shownFor = organization;
      log.warn(reason);
      // Not awaited: the warning stays until the person answers it, and loading goes on meanwhile.
      const startOver = vscode.l10n.t('Start Over');
      const replace = vscode.l10n.t('Replace');
      void vscode.window.showWarningMessage(reason, startOver, vscode.l10n.t('Keep Read-Only')).then(async (choice) => {
        if (choice !== startOver || shownFor !== organization) return;
        const confirm = await vscode.window.showWarningMessage(
          vscode.l10n.t('Replace the stored progress of {0} (including any Basic auth values recorded for rollback) with empty progress?', shownFor),
          { modal: true },
          replace,
        );
        if (confirm !== replace || shownFor !== organization) return;
        store.allowOverwrite(shownFor);
        model.reset();
        log.info(`Stored progress for ${shownFor} replaced by hand.`);
      });
    }
    return loaded;
  };
  const model = new SetupModel(loadProgress().state, start.accessMethod);

  // Context keys are sent when they can matter: on every change of the state, and when the checklist
  // is shown (session.showContext). Only the welcome view and the walkthrough's completion events read
  // them (test/unit/activation-work.test.ts holds the manifest to that): the welcome view is inside the
  // checklist, and the walkthrough's marks are set directly (WalkthroughSync). So a start sends none:
  // most windows never show the checklist. What the window holds is not known at first (the workbench
  // keeps context keys when only the extension host restarts), so each key is sent once, then only when
  // it differs from what was sent.
  const published = new WorkbenchMirror(undefined);
  const walkthrough = new WalkthroughSync(context.extension.id, log, context.globalState);
  const contextKeys = (): Record<string, boolean> => ({
    'exchangeSetup.configured': configured,
    ...model.contextKeys(),
  });
  const publishContext = () => {
    const keys = contextKeys();
    for (const [key, value] of published.changes(keys)) void vscode.commands.executeCommand('setContext', key, value);
    walkthrough.update(keys);
  };

  const refresh = () => {
    reading = readSettings();
    for (const issue of reading.issues) log.warn(`Setting problem: ${issue.message}`);
    configured = isConfigured(reading.settings);
    const next = organizationKey(reading.settings.ewsUrl);
    if (next !== organization) {
      log.info(`Exchange organisation changed from ${organization} to ${next}; loading its progress.`);
      organization = next;
      model.load(loadProgress().state, reading.settings.accessMethod);
    } else {
      model.setAccessMethod(reading.settings.accessMethod);
    }
    publishContext();
    refreshed.fire();
  };

  const modelListener = model.onDidChange(() => {
    const savingFor = organization;
    store.save(savingFor, model.snapshot()).then((saved) => {
      if (saved || refusedSaveLogged) return;
      refusedSaveLogged = true;
      log.warn(`Progress changes for ${savingFor} are not saved: ${store.readOnlyReason(savingFor) ?? 'its stored progress is read-only.'}`);
    }, (e: unknown) => log.error('Saving progress failed', e as Error));
    publishContext();
  });
  // A start sends only the walkthrough marks that differ from the workbench's (none, unless the state
  // changed where this window could not see it, or the profile is new).
  walkthrough.update(contextKeys());

  const session: Session = {
    model,
    readSettings: currentReading,
    organization: () => organization,
    refresh,
    onDidRefresh: (listener) => refreshed.event(listener),
    allowOverwrite: () => store.allowOverwrite(organization),
    showContext: publishContext,
  };
  return { session, disposables: [modelListener, refreshed, onDidChangeSettings(refresh)] };
}
