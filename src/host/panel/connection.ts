/**
 * The panel's connection form and the service account's password: reading and saving the form,
 * asking for, storing and forgetting the password (kept per EWS server and account in secret
 * storage), and the run settings every run needs (extra CA, time limit).
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ProbeForm } from '../../core/protocol';
import { settingKey, type SettingField } from '../../core/settings';
import { validateSettings } from '../../core/validate';
import { KeyringUnavailableError } from '../secrets';
import { readNodesSetting } from '../../core/ews/nodeNames';
import { readConfig, writeConfig } from '../configuration';
import { safeHost, type PanelServices } from './services';

export class Connection {
  /** The write test is the panel's own choice, off by default, never a setting. */
  private writeTest = false;

  constructor(private readonly panel: PanelServices) {}

  /** The form as the settings have it. */
  form(): ProbeForm {
    const { settings } = this.panel.readSettings();
    return { ewsUrl: settings.ewsUrl, upn: settings.serviceAccount.upn, testMailbox: settings.testMailbox, accessMethod: settings.accessMethod, write: this.writeTest };
  }

  async save(form: ProbeForm): Promise<void> {
    this.writeTest = form.write;
    const { settings } = this.panel.readSettings();
    const changes: [SettingField, string][] = [];
    if (form.ewsUrl !== settings.ewsUrl) changes.push(['ewsUrl', form.ewsUrl]);
    if (form.upn !== settings.serviceAccount.upn) changes.push(['serviceAccount.upn', form.upn]);
    if (form.testMailbox !== settings.testMailbox) changes.push(['testMailbox', form.testMailbox]);
    if (form.accessMethod !== settings.accessMethod) changes.push(['accessMethod', form.accessMethod]);
    for (const [field, value] of changes) await writeConfig(field, value);
    if (changes.length > 0) this.panel.log.info(`Probe panel saved ${changes.map(([f]) => settingKey(f)).join(', ')}.`);
  }

  /** Problems with the form that make a run pointless, in words for the admin. */
  problems(form: ProbeForm): string[] {
    const { settings } = this.panel.readSettings();
    const merged = { ...settings, ewsUrl: form.ewsUrl, testMailbox: form.testMailbox, accessMethod: form.accessMethod, serviceAccount: { ...settings.serviceAccount, upn: form.upn } };
    return validateSettings(merged, ['ewsUrl', 'serviceAccount.upn', 'testMailbox'], ['testMailbox']).map((i) => i.message);
  }

  /** The test room mailbox is a setting only (Configure, or settings.json). */
  testRoomMailbox(): string {
    return this.panel.readSettings().settings.testRoomMailbox;
  }

  async sendSecretState(form: ProbeForm, requestId?: number): Promise<void> {
    this.panel.post({ type: 'secret', secret: await this.panel.secrets.passwordState(form.ewsUrl, form.upn), ...(requestId === undefined ? {} : { requestId }) });
  }

  /** Asks for the password; stores it when the keyring works. Returns it for immediate use, or undefined when dismissed. */
  async askAndStorePassword(form: ProbeForm, requestId?: number): Promise<string | undefined> {
    if (form.upn.trim() === '') {
      this.panel.post({ type: 'notice', level: 'warning', text: vscode.l10n.t('Enter the service account UPN first: the password is kept per EWS server and account.') });
      return undefined;
    }
    const password = await vscode.window.showInputBox({
      title: vscode.l10n.t('Service account password'),
      prompt: vscode.l10n.t("Password of {0} for {1}. It is kept only in VS Code's secret storage (the OS keyring).", form.upn, safeHost(form.ewsUrl)),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value === '' ? vscode.l10n.t('The password cannot be empty.') : undefined),
    });
    if (password === undefined) return undefined;
    try {
      await this.panel.secrets.storePassword(form.ewsUrl, form.upn, password);
      this.panel.log.info(`Stored the password of ${form.upn} for ${safeHost(form.ewsUrl)} in secret storage.`);
    } catch (error) {
      if (!(error instanceof KeyringUnavailableError)) throw error;
      this.panel.log.warn(error.message);
      this.panel.post({ type: 'notice', level: 'error', text: vscode.l10n.t('{0} The password you typed is used for this run only.', error.message) });
    }
    await this.sendSecretState(form, requestId);
    return password;
  }

  async forgetPassword(form: ProbeForm, requestId?: number): Promise<void> {
    try {
      await this.panel.secrets.forgetPassword(form.ewsUrl, form.upn);
      this.panel.log.info(`Forgot the password of ${form.upn} for ${safeHost(form.ewsUrl)}.`);
    } catch (error) {
      if (!(error instanceof KeyringUnavailableError)) throw error;
      this.panel.post({ type: 'notice', level: 'error', text: error.message });
    }
    await this.sendSecretState(form, requestId);
  }

  /** The stored password, or one asked for now; undefined when the admin dismissed the prompt. */
  async passwordFor(form: ProbeForm): Promise<string | undefined> {
    try {
      const stored = await this.panel.secrets.getPassword(form.ewsUrl, form.upn);
      if (stored !== undefined) return stored;
    } catch (error) {
      if (!(error instanceof KeyringUnavailableError)) throw error;
      this.panel.post({ type: 'notice', level: 'error', text: error.message });
    }
    return this.askAndStorePassword(form);
  }

  /** The stored password only (never a prompt); undefined when none is stored or the keyring refuses. */
  async storedPassword(ewsUrl: string, upn: string): Promise<string | undefined> {
    try {
      return await this.panel.secrets.getPassword(ewsUrl, upn);
    } catch {
      return undefined;
    }
  }

  async extraCaPem(): Promise<string | undefined> {
    const file = this.panel.readSettings().settings.tls.extraCaFile;
    if (file === '') return undefined;
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new Error(vscode.l10n.t('The extra CA file {0} ({1}) could not be read: {2}', file, settingKey('tls.extraCaFile'), (error as Error).message));
    }
  }

  /**
   * The run's time limit in milliseconds. VS Code does not enforce a setting's minimum or maximum
   * (settings.json can hold anything), so a value out of range falls back to the default, with a warning.
   */
  /**
   * The servers behind the EWS name listed in exchangeSetup.probes.nodes (machine-scoped), checked
   * entry by entry: `problems` says what to fix in each bad entry.
   */
  probeNodes(): { nodes: string[]; problems: string[] } {
    return readNodesSetting(readConfig('probes.nodes', (problem) => this.panel.log.warn(problem)));
  }

  probeTimeoutMs(): number {
    // The default and bounds come from the settings table (src/core/contributions/configuration.ts).
    return Math.round(readConfig('probes.timeoutSeconds', (problem) => this.panel.log.warn(problem)) * 1000);
  }
}
