/**
 * The panel's "Link the service account": the LinkFlow through the target the settings name. Every
 * target first runs the pre-link validation (the probes without the write test, streamed into the
 * panel like any run, through the shared ProbeRunner); the outcome lands on the checklist.
 * a4b-console only prepares the values: the step is marked when the admin confirms, and the password
 * is copied (then cleared from the clipboard) only on an explicit click.
 */
import * as vscode from 'vscode';
import type { LinkOutcome } from '../../core/link';
import type { LinkView, ProbeForm } from '../../core/protocol';
import { LinkFlow } from '../../core/runs/linkFlow';
import { linkTargetFor, readLinkSettings } from '../linkSettings';
import { KeyringUnavailableError } from '../secrets';
import { copiedPasswordText, createClipboardSecret } from './clipboard';
import type { Connection } from './connection';
import type { Probes } from './probes';
import { listenerFailed, safeHost, type PanelServices } from './services';
import { requireTrustedWorkspace } from './trust';

export class Link implements vscode.Disposable {
  readonly flow: LinkFlow;
  readonly clipboard = createClipboardSecret();

  constructor(private readonly panel: PanelServices, private readonly connection: Connection, probes: Probes) {
    this.flow = new LinkFlow(probes.runner, listenerFailed(panel));
    this.flow.onEvent((event) => {
      if (event.type !== 'finished') return;
      const { result } = event;
      this.panel.log.info(`Link: ${result.outcome.ok ? 'ok' : `failed at ${result.outcome.stage}: ${result.outcome.failureReason ?? ''}`}`);
      if (result.record) this.panel.model.record('link', result.record.status, 'probe', result.record.detail);
      this.panel.post({ type: 'linkOutcome', ok: result.outcome.ok && !result.outcome.cancelled, message: result.message, ...(result.values ? { values: result.values } : {}) });
      if (!result.values && !result.outcome.cancelled) this.panel.post({ type: 'link', link: this.view() });
    });
  }

  view(): LinkView {
    const link = readLinkSettings();
    const target = linkTargetFor(link, { authorization: (url) => this.panel.secrets.getLinkAuthorization(url) });
    const evidence = this.panel.model.statusOf('link') === 'done' ? this.panel.model.evidenceOf('link') : undefined;
    return { target: link.target, description: target.describe(), linkedAt: evidence?.at };
  }

  /** Sends the validated values again, for a page shown again. */
  replay(): void {
    const values = this.flow.validated;
    if (values) this.panel.post({ type: 'linkOutcome', ok: true, message: vscode.l10n.t('Validated: enter these values in the calendar service.'), values });
  }

  async run(form: ProbeForm): Promise<LinkOutcome | undefined> {
    requireTrustedWorkspace();
    this.flow.clearValidated();
    this.panel.post({ type: 'link', link: this.view() });
    const password = await this.connection.passwordFor(form);
    if (password === undefined) return undefined;
    const extraCaPem = await this.connection.extraCaPem();
    const target = linkTargetFor(readLinkSettings(), { authorization: (url) => this.panel.secrets.getLinkAuthorization(url), extraCaPem });
    const result = await this.flow.start(target, {
      ewsUrl: form.ewsUrl, upn: form.upn, password, accessMethod: form.accessMethod, testMailbox: form.testMailbox,
      testRoomMailbox: this.connection.testRoomMailbox(), extraCaPem, timeoutMs: this.connection.probeTimeoutMs(),
    });
    return result.outcome;
  }

  async copyPassword(): Promise<void> {
    const values = this.flow.validated;
    if (!values) return;
    const password = await this.connection.storedPassword(values.ewsUrl, values.upn);
    if (password === undefined) {
      this.panel.post({ type: 'notice', level: 'warning', text: vscode.l10n.t('No stored password to copy for this account.') });
      return;
    }
    await this.clipboard.copy(password);
    this.panel.post({ type: 'notice', level: 'info', text: copiedPasswordText(values.upn) });
  }

  async markLinked(): Promise<void> {
    const values = this.flow.validated;
    if (!values) return;
    const markLinked = vscode.l10n.t('Mark as linked');
    const confirm = await vscode.window.showInformationMessage(
      vscode.l10n.t('Did the calendar service accept {0} (Link account succeeded)?', values.upn),
      { modal: true, detail: vscode.l10n.t('This marks "Link the service account" done on the checklist, with the time.') },
      markLinked,
    );
    if (confirm !== markLinked) return;
    this.panel.model.record('link', 'done', 'manual', vscode.l10n.t('Linked {0} to {1} ({2}) in the Alexa for Business console; confirmed in the probe panel.', values.upn, safeHost(values.ewsUrl), values.accessMethod));
    this.panel.post({ type: 'link', link: this.view() });
  }

  async setAuthorization(): Promise<void> {
    const link = readLinkSettings();
    if (link.http.url === '') {
      this.panel.post({ type: 'notice', level: 'warning', text: vscode.l10n.t('Set exchangeSetup.link.http.url first: the header is kept per URL origin.') });
      return;
    }
    const value = await vscode.window.showInputBox({ title: vscode.l10n.t('Authorization header for the link endpoint'), prompt: vscode.l10n.t('Sent as the Authorization header to {0}; kept only in secret storage.', link.http.url), password: true, ignoreFocusOut: true });
    if (value === undefined) return;
    try {
      await this.panel.secrets.storeLinkAuthorization(link.http.url, value);
      this.panel.post({ type: 'notice', level: 'info', text: vscode.l10n.t('Stored the authorization header in secret storage.') });
    } catch (error) {
      if (!(error instanceof KeyringUnavailableError)) throw error;
      this.panel.post({ type: 'notice', level: 'error', text: error.message });
    }
  }

  dispose(): void {
    this.flow.dispose();
    void this.clipboard.clearIfHeld();
  }
}
