/**
 * The Probe & Link panel: one at a time, restored after a reload. This class only hosts the page
 * (create, restore, dispose, post after the `ready` handshake) and hands each validated message to
 * the feature that owns it (src/host/panel/). The work runs in the run objects of src/core/runs; the
 * password goes from secret storage straight into them and is never sent to the page or logged.
 */
import * as vscode from 'vscode';
import { isCancellation, oneLineErrorText } from '../core/errors';
import { ReadyGate, assertNever, receiveWebviewMessage, type CancelTarget, type HostMessage, type PanelSection, type WebviewMessage } from '../core/protocol';
import { Autodiscover } from './panel/autodiscover';
import { registerPanelCommands } from './panel/commands';
import { Connection } from './panel/connection';
import { Link } from './panel/link';
import { Mailboxes } from './panel/mailboxes';
import { pageHtml, webviewOptions } from './panel/page';
import { Probes } from './panel/probes';
import type { PanelServices, ProbePanelDeps } from './panel/services';
import { SecretStore } from './secrets';
import { PROBE_PANEL_VIEW_TYPE } from './viewTypes';

export type { ProbePanelDeps } from './panel/services';
export type { ProbeRunSummary } from './panel/probes';

export { PROBE_PANEL_VIEW_TYPE } from './viewTypes';

class ProbePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly gate = new ReadyGate<HostMessage>((message) => { void this.panel?.webview.postMessage(message); });
  /** Whether the current page has been sent `init`, the form filled from the settings (see dispatch). */
  private formFilled = false;
  readonly connection: Connection;
  readonly probes: Probes;
  readonly mailboxes: Mailboxes;
  readonly autodiscover: Autodiscover;
  readonly link: Link;

  constructor(private readonly services: Omit<PanelServices, 'post'>) {
    const withPost: PanelServices = { ...services, post: (message) => this.gate.post(message) };
    this.connection = new Connection(withPost);
    this.probes = new Probes(withPost, this.connection);
    this.mailboxes = new Mailboxes(withPost, this.connection, this.probes);
    this.autodiscover = new Autodiscover(withPost, this.connection);
    this.link = new Link(withPost, this.connection, this.probes);
  }

  show(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(PROBE_PANEL_VIEW_TYPE, vscode.l10n.t('Exchange Probe & Link'), vscode.ViewColumn.Active, webviewOptions(this.services.context.extensionUri));
    this.attach(panel);
    return panel;
  }

  /** Scrolls the panel to one of its sections (posted after the ready handshake, like every message). */
  reveal(section: PanelSection): void {
    this.gate.post({ type: 'reveal', section });
  }

  /** Takes over a panel: a new one, or one VS Code restores after a reload. */
  attach(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    this.panel = panel;
    this.resetPage();
    const { extensionUri } = this.services.context;
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'exchange-setup.svg');
    panel.webview.html = pageHtml(panel.webview, extensionUri);
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview's page is discarded; it says `ready` again when shown.
        if (!panel.visible) this.resetPage();
      }),
      panel.onDidDispose(() => {
        this.cancel();
        void this.link.clipboard.clearIfHeld();
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
        if (this.panel === panel) this.panel = undefined;
        this.resetPage();
      }),
    ];
  }

  /** The one way in for the page's messages: each is validated before anything acts on it. */
  receive(raw: unknown): Promise<void> {
    return receiveWebviewMessage(
      raw,
      (message) => this.dispatch(message),
      (reason, what) => this.services.log.warn(`Probe panel: dropped a malformed message (${what}): ${reason}`),
      (error) => this.reportError(error),
    );
  }

  /** The page as last sent and the options in force (the CSP and secrets tests read them). */
  inspect(): { html: string; options: vscode.WebviewOptions } | undefined {
    return this.panel ? { html: this.panel.webview.html, options: this.panel.webview.options } : undefined;
  }

  /** Stops the run the panel's button names, or every run (the Cancel Probes command, closing the panel). */
  cancel(target?: CancelTarget): void {
    if (target === undefined || target === 'run') {
      this.probes.runner.cancel();
      this.link.flow.cancel();
    }
    if (target === undefined || target === 'verification') this.mailboxes.verifier.cancel();
    if (target === undefined || target === 'autodiscover') this.autodiscover.cancel();
  }

  dispose(): void {
    this.cancel();
    this.panel?.dispose();
    for (const feature of [this.probes, this.mailboxes, this.autodiscover, this.link]) feature.dispose();
  }

  private async dispatch(message: WebviewMessage): Promise<void> {
    // A message carrying the form saves it to the settings first. Before `init` the page's form is
    // empty (its buttons stay disabled until then: render.ts formFromHost); were one to come anyway,
    // saving it would write empty values over the EWS URL, the account and the test mailbox.
    if ('form' in message && !this.formFilled) {
      this.services.log.warn(`Probe panel: ignored ${message.type}, sent before the page was filled from the settings.`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.resetPage();
        this.gate.markReady();
        return this.sendInitialState();
      case 'saveForm':
        await this.connection.save(message.form);
        void vscode.window.showInformationMessage(vscode.l10n.t('Saved the EWS URL, service account, test mailbox and access method to your user settings.'));
        return;
      case 'changePassword':
        await this.connection.save(message.form);
        await this.connection.askAndStorePassword(message.form, message.requestId);
        return;
      case 'forgetPassword':
        return this.connection.forgetPassword(message.form, message.requestId);
      case 'findEwsUrl':
        return this.autodiscover.find(message.email, message.requestId);
      case 'runProbes':
        await this.connection.save(message.form);
        await this.probes.run(message.form, message.allNodes === true);
        return;
      case 'cancel':
        return this.cancel(message.run);
      case 'remedy':
        return this.probes.remedy(message.action, message.step);
      case 'verifyMailboxes':
        return this.mailboxes.verify(message.source === 'pasted' ? { kind: 'pasted', text: message.text } : { kind: message.source });
      case 'exportReport':
        await this.probes.exportReport();
        return;
      case 'copyDiagnostics':
        await this.probes.copyDiagnostics();
        return;
      case 'runLink':
        await this.connection.save(message.form);
        await this.link.run(message.form);
        return;
      case 'copyLinkPassword':
        return this.link.copyPassword();
      case 'markLinked':
        return this.link.markLinked();
      case 'setLinkAuthorization':
        return this.link.setAuthorization();
      default:
        assertNever(message);
    }
  }

  private async sendInitialState(): Promise<void> {
    const form = this.connection.form();
    const secret = await this.services.secrets.passwordState(form.ewsUrl, form.upn);
    this.gate.post({ type: 'init', form, secret, link: this.link.view(), workspaceTrusted: vscode.workspace.isTrusted });
    this.formFilled = true;
    // Replay what ran (or runs) so a page shown again looks as it did.
    this.probes.replay();
    this.link.replay();
    this.mailboxes.replay();
  }

  /** A new page, or none: it must say `ready` and be sent `init` before its messages are acted on. */
  private resetPage(): void {
    this.gate.reset();
    this.formFilled = false;
  }

  private reportError(error: unknown): void {
    if (isCancellation(error)) return;
    this.services.log.error('Probe panel failed', error instanceof Error ? error : new Error(String(error)));
    this.gate.post({ type: 'notice', level: 'error', text: vscode.l10n.t('Probe panel: {0}', oneLineErrorText(error)) });
  }
}

/**
 * What the extension API exposes of the panel for the integration tests: the page exactly as sent,
 * and the route a page's message takes (so a test can send what a hostile page could).
 */
export interface ProbePanelInspector {
  /** The open panel's HTML and webview options, or undefined when no panel is open. */
  current(): { html: string; options: vscode.WebviewOptions } | undefined;
  /** Handles a raw message as if the page had posted it: validated first, like every real one. */
  receive(raw: unknown): Promise<void>;
}

/** Registers the panel and its commands (its serializer is registered at activation, in lazyFeatures.ts). */
export function registerProbePanel(context: vscode.ExtensionContext, deps: ProbePanelDeps): {
  disposables: vscode.Disposable[];
  inspector: ProbePanelInspector;
  /** Shows a restored panel; the serializer registered at activation calls this. */
  restore(panel: vscode.WebviewPanel): void;
  /** For deactivate(), which VS Code awaits (disposables are not): takes a copied password off the clipboard. */
  clearClipboard(): Promise<boolean>;
} {
  const panel = new ProbePanel({ ...deps, context, secrets: new SecretStore(context.secrets) });
  return {
    inspector: { current: () => panel.inspect(), receive: (raw) => panel.receive(raw) },
    restore: (restored) => panel.attach(restored),
    clearClipboard: () => panel.link.clipboard.clearIfHeld(),
    disposables: [
      panel,
      ...registerPanelCommands(deps.log, panel),
    ],
  };
}
