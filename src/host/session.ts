import * as vscode from 'vscode';
import { SetupModel } from '../core/model';
import { isConfigured, organizationKey } from '../core/settings';
import type { Log } from './log';
import { ProgressStore, type LoadedProgress } from './progressStore';
import { onDidChangeSettings, readSettings, type SettingsReading } from './configuration';
import { WalkthroughSync } from './walkthroughSync';

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
}

export function createSession(context: vscode.ExtensionContext, log: Log): { session: Session; disposables: vscode.Disposable[] } {
  const store = new ProgressStore(context.globalState);
  const refreshed = new vscode.EventEmitter<void>();
  const takeReading = (): SettingsReading => {
    const next = readSettings();
    for (const issue of next.issues) log.warn(`Setting problem: ${issue.message}`);
    return next;
  };
  let reading = takeReading();
  let organization = organizationKey(reading.settings.ewsUrl);
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
  const model = new SetupModel(loadProgress().state, reading.settings.accessMethod);

  // Only keys whose value changed are sent: a probe run records several pieces of evidence, each a
  // model change, and this extension is the only one that sets these keys.
  const published = new Map<string, boolean>();
  const walkthrough = new WalkthroughSync(context.extension.id, log);
  const publishContext = () => {
    const keys: Record<string, boolean> = {
      'exchangeSetup.configured': isConfigured(reading.settings),
      'exchangeSetup.settingsValid': reading.issues.length === 0,
      ...model.contextKeys(),
    };
    for (const [key, value] of Object.entries(keys)) {
      if (published.get(key) === value) continue;
      published.set(key, value);
      void vscode.commands.executeCommand('setContext', key, value);
    }
    walkthrough.update(keys);
  };

  const refresh = () => {
    reading = takeReading();
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
  publishContext();

  const session: Session = {
    model,
    readSettings: () => reading,
    organization: () => organization,
    refresh,
    onDidRefresh: (listener) => refreshed.event(listener),
    allowOverwrite: () => store.allowOverwrite(organization),
  };
  return { session, disposables: [modelListener, refreshed, onDidChangeSettings(refresh)] };
}
