import * as vscode from 'vscode';
import { SetupModel } from '../core/model';
import { isConfigured, organizationKey } from '../core/settings';
import type { Log } from './log';
import { ProgressStore } from './progressStore';
import { onDidChangeSettings, readSettings, type SettingsReading } from './settings';

/**
 * Keeps the model, the settings and the stored progress in step: the model is saved on every change,
 * reloaded when the settings point at another organisation, and mirrored into context keys for the
 * welcome view, menus and the walkthrough.
 */
export interface Session {
  readonly model: SetupModel;
  readSettings(): SettingsReading;
  organization(): string;
  /** Re-reads the settings and reloads if the organisation changed. */
  refresh(): void;
  /** Fires after every refresh, once the new reading is in place. */
  onDidRefresh(listener: () => void): vscode.Disposable;
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
  const model = new SetupModel(store.load(organization), reading.settings.accessMethod);

  // Only keys whose value changed are sent: a probe run records several pieces of evidence, each a
  // model change, and this extension is the only one that sets these keys.
  const published = new Map<string, boolean>();
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
  };

  const refresh = () => {
    reading = takeReading();
    const next = organizationKey(reading.settings.ewsUrl);
    if (next !== organization) {
      log.info(`Exchange organisation changed from ${organization} to ${next}; loading its progress.`);
      organization = next;
      model.load(store.load(organization), reading.settings.accessMethod);
    } else {
      model.setAccessMethod(reading.settings.accessMethod);
    }
    publishContext();
    refreshed.fire();
  };

  const modelListener = model.onDidChange(() => {
    store.save(organization, model.snapshot()).then(undefined, (e: unknown) => log.error('Saving progress failed', e as Error));
    publishContext();
  });
  publishContext();

  const session: Session = {
    model,
    readSettings: () => reading,
    organization: () => organization,
    refresh,
    onDidRefresh: (listener) => refreshed.event(listener),
  };
  return { session, disposables: [modelListener, refreshed, onDidChangeSettings(refresh)] };
}
