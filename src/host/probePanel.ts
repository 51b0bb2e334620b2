import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { ROUTE_WORDS, TRUST_WORDS, credentialRecipients, discoverEwsUrl, trailLine, type HostQuestion } from '../core/autodiscover';
import { ClipboardSecret } from '../core/clipboardSecret';
import { isCancellation, UserFacingError, errorText, oneLineErrorText } from '../core/errors';
import { loadProbeEngine } from '../core/ews/loadEngine';
import type { ProbeConfig } from '../core/ews/probes';
import type { LinkOutcome, PreLinkValidation } from '../core/link';
import type { SetupModel } from '../core/model';
import { preLinkValidation, recordProbeEvidence, type ProbeEvidence } from '../core/probeEvidence';
import {
  ReadyGate,
  assertNever,
  mailboxCountsText,
  receiveWebviewMessage,
  type CheckStatus,
  type CheckView,
  type HostMessage,
  type LinkValues,
  type EventView,
  type LinkView,
  type MailboxListProblemView,
  type PanelSection,
  type ProbeForm,
  type RunOutcome,
  type WebviewMessage,
} from '../core/protocol';
import { diagnosticsText, redact, reportJson, reportMarkdown, spokenEvent, toCheckView, type ProbeFinding, type ReportInput } from '../core/report';
import { settingKey, type SettingField } from '../core/settings';
import { stepDefinition, type StepId } from '../core/steps';
import { validateSettings } from '../core/validate';
import { registerSafeCommand } from './commandRunner';
import { linkTargetFor, readLinkSettings } from './linkSettings';
import type { Log } from './log';
import { KeyringUnavailableError, SecretStore } from './secrets';
import { writeSetting, type SettingsReading } from './settings';
import { PROBE_PANEL_VIEW_TYPE } from './viewTypes';

/** Probes, Autodiscover and linking send the service account's password: never from an untrusted folder. */
const UNTRUSTED_MESSAGE = 'Probing, Autodiscover and linking are disabled in an untrusted workspace: a folder you have not trusted could otherwise steer where the service account\'s password is sent. Trust the folder (Workspaces: Manage Workspace Trust) to use them; the checklist stays readable.';

const MAX_MAILBOX_FILE_BYTES = 4_000_000;
/**
 * The longest throttling back-off the panel waits out for one verification. A longer one stops the
 * run at once: the rest are "not checked: throttled, retry after N s", and "Verify N not checked
 * again" picks them up later, instead of a progress bar that stands still for an hour.
 */
const LONGEST_PANEL_WAIT_MS = 5 * 60_000;
/** How long a copied password may stay on the clipboard before it is cleared (if still there). */
const CLIPBOARD_CLEAR_MS = 60_000;
/** `exchangeSetup.probes.timeoutSeconds`: the whole run's time limit; its bounds match package.json. */
const PROBE_TIMEOUT_KEY = 'probes.timeoutSeconds';
const PROBE_TIMEOUT_DEFAULT_S = 60;
const PROBE_TIMEOUT_MIN_S = 5;
const PROBE_TIMEOUT_MAX_S = 600;

export interface ProbePanelDeps {
  readonly model: SetupModel;
  readonly log: Log;
  readSettings(): SettingsReading;
}

/** What `exchangeSetup.runProbes` returns (the integration tests read it): no secret in it. */
export interface ProbeRunSummary {
  outcome: RunOutcome;
  checks: { id: string; status: CheckStatus; message: string }[];
  evidence: ProbeEvidence[];
}

interface RunRecord {
  runId: number;
  purpose: 'probes' | 'link';
  checks: CheckView[];
  finished?: HostMessage;
}

/** The last finished run, already redacted, for the report and the diagnostics. */
interface LastRun {
  input: Omit<ReportInput, 'secrets' | 'generatedAt' | 'toolVersion'>;
  at: Date;
}

class Cancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'AbortError';
  }
}

/**
 * The Probe & Link panel: one at a time, restored after a reload. Probes, Autodiscover and link calls
 * run here in the extension host; the page only shows what it is sent and asks through validated
 * messages. The password goes from SecretStorage straight into the probe engine; it is never sent to
 * the page, logged, or kept after a run.
 */
class ProbePanelController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly gate: ReadyGate<HostMessage>;
  private runCounter = 0;
  private current: RunRecord | undefined;
  private abort: AbortController | undefined;
  private verifyAbort: AbortController | undefined;
  /** The mailboxes the last verification left not checked: "Verify not-checked again" uses them. */
  private notChecked: string[] = [];
  private linkAbort: AbortController | undefined;
  private lastRun: LastRun | undefined;
  private writeTest = false;
  /** Set when the a4b-console validation passed: the values the admin may now copy and confirm. */
  private validatedLink: LinkValues | undefined;
  private lastVerification: Extract<HostMessage, { type: 'verifyStarted' | 'verifyProgress' | 'verifyFinished' }>[] = [];
  /** The copied password: cleared after CLIPBOARD_CLEAR_MS, or when the panel or the window closes, if still there. */
  readonly clipboardSecret = new ClipboardSecret(vscode.env.clipboard, CLIPBOARD_CLEAR_MS);

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: ProbePanelDeps,
    private readonly secrets: SecretStore,
  ) {
    this.gate = new ReadyGate((message) => {
      void this.panel?.webview.postMessage(message);
    });
  }

  show(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(PROBE_PANEL_VIEW_TYPE, 'Exchange Probe & Link', vscode.ViewColumn.Active, this.webviewOptions());
    this.attach(panel);
    return panel;
  }

  /** Scrolls the panel to one of its sections (posted after the ready handshake, like every message). */
  reveal(section: PanelSection): void {
    this.post({ type: 'reveal', section });
  }

  /** Takes over a panel: a new one, or one VS Code restores after a reload. */
  attach(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    this.panel = panel;
    this.gate.reset();
    panel.webview.options = this.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'exchange-setup.svg');
    panel.webview.html = this.html(panel.webview);
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview's page is discarded; it says `ready` again when shown.
        if (!panel.visible) this.gate.reset();
      }),
      panel.onDidDispose(() => {
        this.cancel();
        void this.clipboardSecret.clearIfHeld();
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
        if (this.panel === panel) this.panel = undefined;
        this.gate.reset();
      }),
    ];
  }

  /** The one way in for the page's messages: each is validated before anything acts on it. */
  receive(raw: unknown): Promise<void> {
    return receiveWebviewMessage(
      raw,
      (message) => this.onMessage(message),
      (reason, what) => this.deps.log.warn(`Probe panel: dropped a malformed message (${what}): ${reason}`),
      (error) => this.reportError('Probe panel', error),
    );
  }

  /** The page as last sent and the options in force (the CSP and secrets tests read them). */
  inspect(): { html: string; options: vscode.WebviewOptions } | undefined {
    return this.panel ? { html: this.panel.webview.html, options: this.panel.webview.options } : undefined;
  }

  dispose(): void {
    this.cancel();
    void this.clipboardSecret.clearIfHeld();
    this.panel?.dispose();
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist'), vscode.Uri.joinPath(this.context.extensionUri, 'media')],
    };
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(18).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'media', 'panel.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return [
      '<!DOCTYPE html>',
      '<html lang="en">',
      '<head>',
      '<meta charset="UTF-8">',
      `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
      '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
      `<link rel="stylesheet" href="${style.toString()}">`,
      '<title>Exchange Probe &amp; Link</title>',
      '</head>',
      '<body>',
      `<script nonce="${nonce}" src="${script.toString()}"></script>`,
      '</body>',
      '</html>',
    ].join('\n');
  }

  private post(message: HostMessage): void {
    this.gate.post(message);
  }

  private async onMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.gate.reset();
        this.gate.markReady();
        await this.sendInitialState();
        return;
      case 'saveForm':
        await this.saveForm(message.form);
        vscode.window.showInformationMessage('Saved the EWS URL, service account, test mailbox and access method to your user settings.');
        return;
      case 'changePassword':
        await this.saveForm(message.form);
        await this.askAndStorePassword(message.form);
        return;
      case 'forgetPassword':
        await this.forgetPassword(message.form);
        return;
      case 'findEwsUrl':
        await this.findEwsUrl(message.email);
        return;
      case 'runProbes':
        await this.saveForm(message.form);
        await this.runProbes(message.form, 'probes');
        return;
      case 'cancel':
        this.cancel();
        return;
      case 'remedy':
        await this.remedy(message.action, message.step);
        return;
      case 'verifyMailboxes':
        await this.verifyMailboxes(message.source === 'pasted' ? { text: message.text } : message.source === 'notChecked' ? { notChecked: true } : {});
        return;
      case 'exportReport':
        await this.exportReport();
        return;
      case 'copyDiagnostics':
        await this.copyDiagnostics();
        return;
      case 'runLink':
        await this.saveForm(message.form);
        await this.runLink(message.form);
        return;
      case 'copyLinkPassword':
        await this.copyLinkPassword();
        return;
      case 'markLinked':
        await this.markLinked();
        return;
      case 'setLinkAuthorization':
        await this.setLinkAuthorization();
        return;
      default:
        assertNever(message);
    }
  }

  /** The form as the settings have it (the write test is the panel's own, off by default). */
  formFromSettings(): ProbeForm {
    const { settings } = this.deps.readSettings();
    return { ewsUrl: settings.ewsUrl, upn: settings.serviceAccount.upn, testMailbox: settings.testMailbox, accessMethod: settings.accessMethod, write: this.writeTest };
  }

  private linkView(): LinkView {
    const link = readLinkSettings();
    const target = linkTargetFor(link, { authorization: (url) => this.secrets.getLinkAuthorization(url) });
    const evidence = this.deps.model.statusOf('link') === 'done' ? this.deps.model.evidenceOf('link') : undefined;
    return { target: link.target, description: target.describe(), linkedAt: evidence?.at };
  }

  /**
   * Mailbox verification messages, also kept (the start, the latest progress, the end) so that a page
   * shown again after being hidden shows the last verification as it was.
   */
  private postVerify(message: Extract<HostMessage, { type: 'verifyStarted' | 'verifyProgress' | 'verifyFinished' }>): void {
    this.lastVerification = message.type === 'verifyStarted'
      ? [message]
      : [...this.lastVerification.filter((m) => m.type !== 'verifyProgress'), message];
    this.post(message);
  }

  private async sendInitialState(): Promise<void> {
    const form = this.formFromSettings();
    this.post({ type: 'init', form, secret: await this.secrets.passwordState(form.ewsUrl, form.upn), link: this.linkView(), workspaceTrusted: vscode.workspace.isTrusted });
    // Replay the last (or running) run so a page shown again looks as it did.
    const run = this.current;
    if (run) {
      this.post({ type: 'runStarted', runId: run.runId, purpose: run.purpose });
      for (const check of run.checks) this.post({ type: 'check', runId: run.runId, check });
      if (run.finished) this.post(run.finished);
    }
    if (this.validatedLink) this.post({ type: 'linkOutcome', ok: true, message: 'Validated: enter these values in the calendar service.', values: this.validatedLink });
    for (const message of this.lastVerification) this.post(message);
  }

  private async saveForm(form: ProbeForm): Promise<void> {
    this.writeTest = form.write;
    const { settings } = this.deps.readSettings();
    const changes: [SettingField, string][] = [];
    if (form.ewsUrl !== settings.ewsUrl) changes.push(['ewsUrl', form.ewsUrl]);
    if (form.upn !== settings.serviceAccount.upn) changes.push(['serviceAccount.upn', form.upn]);
    if (form.testMailbox !== settings.testMailbox) changes.push(['testMailbox', form.testMailbox]);
    if (form.accessMethod !== settings.accessMethod) changes.push(['accessMethod', form.accessMethod]);
    for (const [field, value] of changes) await writeSetting(field, value);
    if (changes.length > 0) this.deps.log.info(`Probe panel saved ${changes.map(([f]) => settingKey(f)).join(', ')}.`);
  }

  /** Problems with the form that make a run pointless, in words for the admin. */
  private formProblems(form: ProbeForm): string[] {
    const { settings } = this.deps.readSettings();
    const merged = { ...settings, ewsUrl: form.ewsUrl, testMailbox: form.testMailbox, accessMethod: form.accessMethod, serviceAccount: { ...settings.serviceAccount, upn: form.upn } };
    const problems = validateSettings(merged, ['ewsUrl', 'serviceAccount.upn', 'testMailbox'], ['testMailbox']).map((i) => i.message);
    return problems;
  }

  private async sendSecretState(form: ProbeForm): Promise<void> {
    this.post({ type: 'secret', secret: await this.secrets.passwordState(form.ewsUrl, form.upn) });
  }

  /** Asks for the password; stores it when the keyring works. Returns it for immediate use, or undefined when dismissed. */
  async askAndStorePassword(form: ProbeForm): Promise<string | undefined> {
    if (form.upn.trim() === '') {
      this.post({ type: 'notice', level: 'warning', text: 'Enter the service account UPN first: the password is kept per EWS server and account.' });
      return undefined;
    }
    const password = await vscode.window.showInputBox({
      title: 'Service account password',
      prompt: `Password of ${form.upn} for ${safeHost(form.ewsUrl)}. It is kept only in VS Code's secret storage (the OS keyring).`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value === '' ? 'The password cannot be empty.' : undefined),
    });
    if (password === undefined) return undefined;
    try {
      await this.secrets.storePassword(form.ewsUrl, form.upn, password);
      this.deps.log.info(`Stored the password of ${form.upn} for ${safeHost(form.ewsUrl)} in secret storage.`);
    } catch (error) {
      if (!(error instanceof KeyringUnavailableError)) throw error;
      this.deps.log.warn(error.message);
      this.post({ type: 'notice', level: 'error', text: `${error.message} The password you typed is used for this run only.` });
    }
    await this.sendSecretState(form);
    return password;
  }

  private async forgetPassword(form: ProbeForm): Promise<void> {
    try {
      await this.secrets.forgetPassword(form.ewsUrl, form.upn);
      this.deps.log.info(`Forgot the password of ${form.upn} for ${safeHost(form.ewsUrl)}.`);
    } catch (error) {
      if (!(error instanceof KeyringUnavailableError)) throw error;
      this.post({ type: 'notice', level: 'error', text: error.message });
    }
    await this.sendSecretState(form);
  }

  /** The stored password, or one asked for now; undefined when the admin dismissed the prompt. */
  private async passwordFor(form: ProbeForm): Promise<string | undefined> {
    try {
      const stored = await this.secrets.getPassword(form.ewsUrl, form.upn);
      if (stored !== undefined) return stored;
    } catch (error) {
      if (!(error instanceof KeyringUnavailableError)) throw error;
      this.post({ type: 'notice', level: 'error', text: error.message });
    }
    return this.askAndStorePassword(form);
  }

  private async extraCaPem(): Promise<string | undefined> {
    const file = this.deps.readSettings().settings.tls.extraCaFile;
    if (file === '') return undefined;
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new Error(`The extra CA file ${file} (${settingKey('tls.extraCaFile')}) could not be read: ${(error as Error).message}`);
    }
  }

  /**
   * The run's time limit in milliseconds. VS Code does not enforce a setting's minimum or maximum
   * (settings.json can hold anything), so a value out of range falls back to the default, with a warning.
   */
  private probeTimeoutMs(): number {
    const value: unknown = vscode.workspace.getConfiguration('exchangeSetup').get<unknown>(PROBE_TIMEOUT_KEY);
    if (value === undefined) return PROBE_TIMEOUT_DEFAULT_S * 1000;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < PROBE_TIMEOUT_MIN_S || value > PROBE_TIMEOUT_MAX_S) {
      this.deps.log.warn(`exchangeSetup.${PROBE_TIMEOUT_KEY} must be a number of seconds from ${PROBE_TIMEOUT_MIN_S} to ${PROBE_TIMEOUT_MAX_S}, not ${JSON.stringify(value) ?? String(value)}; using ${PROBE_TIMEOUT_DEFAULT_S}.`);
      return PROBE_TIMEOUT_DEFAULT_S * 1000;
    }
    return Math.round(value * 1000);
  }

  /** Runs the probes with the form's values and streams each result to the page. */
  async runProbes(form: ProbeForm, purpose: 'probes' | 'link', knownPassword?: string): Promise<ProbeRunSummary> {
    this.abort?.abort();
    const runId = ++this.runCounter;
    const run: RunRecord = { runId, purpose, checks: [] };
    this.current = run;
    if (purpose === 'link') this.validatedLink = undefined;
    this.post({ type: 'runStarted', runId, purpose });
    const finish = (outcome: RunOutcome, summary: string, extra: Partial<Extract<HostMessage, { type: 'runFinished' }>> = {}): void => {
      run.finished = { type: 'runFinished', runId, outcome, summary, ...extra };
      this.post(run.finished);
    };

    if (!vscode.workspace.isTrusted) {
      finish('error', UNTRUSTED_MESSAGE);
      return { outcome: 'error', checks: [], evidence: [] };
    }
    const problems = this.formProblems(form);
    if (problems.length > 0) {
      finish('error', problems.join(' '));
      return { outcome: 'error', checks: [], evidence: [] };
    }
    const password = knownPassword ?? await this.passwordFor(form);
    if (password === undefined) {
      finish('cancelled', 'No password was given.');
      return { outcome: 'cancelled', checks: [], evidence: [] };
    }

    const controller = new AbortController();
    this.abort = controller;
    const findings: ProbeFinding[] = [];
    const started = Date.now();
    let outcome: RunOutcome = 'error';
    let evidence: ProbeEvidence[] = [];
    try {
      // The test room mailbox is a setting only (Configure, or settings.json); the panel shows its checks and events.
      const testRoomMailbox = this.deps.readSettings().settings.testRoomMailbox;
      const config: ProbeConfig = {
        ewsUrl: form.ewsUrl, upn: form.upn, password, accessMethod: form.accessMethod, testMailbox: form.testMailbox, testRoomMailbox,
        extraCaPem: await this.extraCaPem(), write: purpose === 'probes' && form.write,
        timeoutMs: this.probeTimeoutMs(),
      };
      const engine = loadProbeEngine();
      const stopped = new Promise<never>((_resolve, reject) => {
        controller.signal.addEventListener('abort', () => reject(new Cancelled()), { once: true });
      });
      stopped.catch(() => undefined);
      // Cancel answers at once: the engine's own clean-up (a write test's delete) finishes in the background.
      const result = await Promise.race([
        engine.runProbes(config, {
          signal: controller.signal,
          onResult: (r) => {
            if (controller.signal.aborted) return;
            const finding: ProbeFinding = { ...r, message: redact(r.message, [password], form.upn) };
            findings.push(finding);
            const view = toCheckView(finding);
            run.checks.push(view);
            this.post({ type: 'check', runId, check: view });
          },
        }),
        stopped,
      ]);
      outcome = result.ok ? 'passed' : 'failed';
      evidence = recordProbeEvidence(this.deps.model, findings, form.accessMethod);
      const spokenEvents = (list: typeof result.events): EventView[] | undefined => list?.map((e) => {
        const spoken = spokenEvent(e);
        return { ...spoken, subject: redact(spoken.subject, [password], form.upn), spoken: redact(spoken.spoken, [password], form.upn) };
      });
      const reportEvents = (list: typeof result.events): ReportInput['events'] => list?.map((e) => ({ ...e, subject: redact(e.subject, [password], form.upn) }));
      const events = spokenEvents(result.events);
      const roomEvents = spokenEvents(result.roomEvents);
      const server = result.server;
      const configuration = { ...form, ...(testRoomMailbox === '' ? {} : { testRoomMailbox }), write: config.write === true };
      this.lastRun = {
        at: new Date(),
        input: { configuration, outcome, checks: findings, server, events: reportEvents(result.events), roomEvents: reportEvents(result.roomEvents), durationMs: Date.now() - started },
      };
      const failed = findings.filter((f) => f.status === 'fail').length;
      const warned = findings.filter((f) => f.status === 'warn').length;
      const counts = failed > 0 ? `${failed} of ${findings.length} checks failed` : `${findings.length} checks`;
      finish(outcome, `${counts}${warned > 0 ? `, ${warned} with a warning` : ''}, in ${Date.now() - started} ms.`, { server, events, roomEvents });
      this.deps.log.info(`Probe run ${runId} (${purpose}): ${outcome}; ${findings.map((f) => `${f.id}=${f.status}`).join(' ')}`);
    } catch (error) {
      // What completed before a cancel or an error is still true: record it.
      evidence = recordProbeEvidence(this.deps.model, findings, form.accessMethod);
      if (isCancellation(error) || controller.signal.aborted) {
        outcome = 'cancelled';
        finish('cancelled', `${findings.length} checks completed before the cancel.`);
      } else {
        outcome = 'error';
        this.deps.log.error('Probe run failed', error instanceof Error ? error : new Error(String(error)));
        // Redacted before it is cut to one line, so that no part of a secret can survive the cut.
        finish('error', oneLineErrorText(redact(errorText(error), [password], form.upn)));
      }
      this.lastRun = { at: new Date(), input: { configuration: { ...form }, outcome, checks: findings, durationMs: Date.now() - started } };
    } finally {
      if (this.abort === controller) this.abort = undefined;
    }
    return { outcome, checks: findings.map((f) => ({ id: f.id, status: f.status, message: f.message })), evidence };
  }

  cancel(): void {
    this.abort?.abort();
    this.verifyAbort?.abort();
    this.linkAbort?.abort();
  }

  private async remedy(action: 'insert' | 'copy' | 'reveal', step: StepId): Promise<void> {
    if (action !== 'reveal' && !stepDefinition(step).hasSnippet) {
      this.deps.log.warn(`Probe panel: step ${step} has no snippet to ${action}.`);
      return;
    }
    const command = action === 'insert' ? 'exchangeSetup.insertSnippet' : action === 'copy' ? 'exchangeSetup.copySnippet' : 'exchangeSetup.revealStep';
    await vscode.commands.executeCommand(command, step);
  }

  /**
   * Verifies a pasted list, a file's list, or (one click after a run that left some not checked)
   * only those. Results stream in; the host keeps the counts and the unverified mailboxes only.
   */
  private async verifyMailboxes(source: { text?: string; notChecked?: boolean }): Promise<void> {
    if (!vscode.workspace.isTrusted) throw new UserFacingError(UNTRUSTED_MESSAGE);
    const engine = loadProbeEngine();
    let list: { mailboxes: string[]; problems: MailboxListProblemView[] };
    if (source.notChecked) {
      if (this.notChecked.length === 0) {
        this.post({ type: 'notice', level: 'info', text: 'No mailbox was left not checked by the last verification.' });
        return;
      }
      list = { mailboxes: this.notChecked, problems: [] };
    } else {
      let text = source.text;
      if (text === undefined) {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Verify these mailboxes', filters: { 'Mailbox lists': ['txt', 'csv'], 'All files': ['*'] } });
        if (!picked || picked.length === 0) return;
        const bytes = await vscode.workspace.fs.readFile(picked[0]);
        if (bytes.byteLength > MAX_MAILBOX_FILE_BYTES) {
          this.post({ type: 'notice', level: 'error', text: `That file is larger than ${MAX_MAILBOX_FILE_BYTES / 1_000_000} MB; split the list.` });
          return;
        }
        text = new TextDecoder('utf-8').decode(bytes);
      }
      list = engine.parseMailboxList(text);
    }
    const total = list.mailboxes.length;
    const nothing = (outcome: RunOutcome): Extract<HostMessage, { type: 'verifyFinished' }> => ({
      type: 'verifyFinished', counts: { total, verified: 0, denied: 0, notFound: 0, notChecked: 0 }, unverified: [], outcome,
    });
    this.postVerify({ type: 'verifyStarted', total, problems: list.problems });
    if (total === 0) {
      this.postVerify(nothing('error'));
      this.post({ type: 'notice', level: 'warning', text: 'No addresses to verify: paste one SMTP address per line, or pick a file.' });
      return;
    }
    const form = this.formFromSettings();
    const problems = this.formProblems(form);
    const password = problems.length === 0 ? await this.passwordFor(form) : undefined;
    if (password === undefined) {
      this.postVerify(nothing('cancelled'));
      if (problems.length > 0) this.post({ type: 'notice', level: 'error', text: problems.join(' ') });
      return;
    }
    this.verifyAbort?.abort();
    const controller = new AbortController();
    this.verifyAbort = controller;
    let lastPost = 0;
    try {
      const report = await engine.verifyMailboxes(
        { ewsUrl: form.ewsUrl, upn: form.upn, password, accessMethod: form.accessMethod, extraCaPem: await this.extraCaPem() },
        list.mailboxes,
        {
          signal: controller.signal,
          timeLeft: () => LONGEST_PANEL_WAIT_MS,
          onProgress: (done, all) => {
            // At most ~10 updates a second, and always the last one.
            if (done === all || Date.now() - lastPost > 100) {
              lastPost = Date.now();
              this.postVerify({ type: 'verifyProgress', checked: done, total: all });
            }
          },
        },
      );
      const unverified = report.unverified.map((u) => ({ ...u, reason: redact(u.reason, [password], form.upn) }));
      const counts = { total: report.total, verified: report.verified, denied: report.denied, notFound: report.notFound, notChecked: report.notChecked };
      const failures = counts.denied + counts.notFound;
      const outcome: RunOutcome = controller.signal.aborted ? 'cancelled' : failures === 0 ? 'passed' : 'failed';
      this.notChecked = engine.notCheckedMailboxes(report);
      this.postVerify({ type: 'verifyFinished', counts, unverified, outcome });
      if (this.lastRun) this.lastRun.input = { ...this.lastRun.input, mailboxes: { ...counts, unverified } };
      this.deps.log.info(`Verified mailboxes: ${mailboxCountsText(counts)}.`);
    } catch (error) {
      this.postVerify(nothing(controller.signal.aborted ? 'cancelled' : 'error'));
      if (!controller.signal.aborted) throw error;
    } finally {
      if (this.verifyAbort === controller) this.verifyAbort = undefined;
    }
  }

  private async findEwsUrl(email: string): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      this.post({ type: 'autodiscover', ok: false, message: UNTRUSTED_MESSAGE });
      return;
    }
    const domain = email.includes('@') ? email.slice(email.lastIndexOf('@') + 1).toLowerCase() : '';
    if (domain === '') {
      this.post({ type: 'autodiscover', ok: false, message: 'Enter an e-mail address such as alice@contoso.com.' });
      return;
    }
    // The service account's credentials go only to its own domain's Autodiscover hosts.
    const form = this.formFromSettings();
    const upnDomain = form.upn.includes('@') ? form.upn.slice(form.upn.lastIndexOf('@') + 1).toLowerCase() : '';
    let credentials: { user: string; password: string } | undefined;
    if (upnDomain === domain) {
      try {
        const password = await this.secrets.getPassword(form.ewsUrl, form.upn);
        if (password !== undefined) credentials = { user: form.upn, password };
      } catch (error) {
        if (!(error instanceof KeyringUnavailableError)) throw error;
      }
    }
    const result = await discoverEwsUrl(email, { extraCaPem: await this.extraCaPem(), credentials, confirmHost: (question) => confirmAutodiscoverHost(email, question) });
    // The trail holds server text (outcomes, redirect targets): masked like every report before it is shown or logged.
    const clean = (text: string): string => redact(text, credentials ? [credentials.password] : [], credentials?.user);
    for (const attempt of result.trail) this.deps.log.info(clean(`Autodiscover ${trailLine(attempt)}`));
    const recipients = credentialRecipients(result.trail);
    const sentTo = recipients.length === 0 ? ' No host received the service account\'s credentials.'
      : ` The service account's credentials went to ${recipients.map((r) => `${r.host} (${TRUST_WORDS[r.trust]})`).join(', ')}.`;
    if (result.ok) {
      this.post({ type: 'autodiscover', ok: true, ewsUrl: result.ewsUrl, message: clean(`Found ${result.ewsUrl} (${result.protocol}). Save or run the probes to keep it.${sentTo}`) });
    } else {
      const tried = result.trail.map((a) => trailLine(a)).join('; ');
      this.post({ type: 'autodiscover', ok: false, message: clean(`Autodiscover found no EWS URL: ${result.reason}${tried ? ` (tried ${tried})` : ''}${sentTo}`) });
    }
  }

  private reportInput(secrets: string[]): ReportInput | undefined {
    if (!this.lastRun) return undefined;
    return { ...this.lastRun.input, generatedAt: this.lastRun.at, toolVersion: String(this.context.extension.packageJSON.version ?? 'unknown'), secrets };
  }

  /** The secrets a report must not contain: the stored password (redacted again, in case a server echoed it). */
  private async reportSecrets(): Promise<string[]> {
    const configuration = this.lastRun?.input.configuration;
    if (!configuration) return [];
    try {
      const password = await this.secrets.getPassword(configuration.ewsUrl, configuration.upn);
      return password === undefined ? [] : [password];
    } catch {
      return [];
    }
  }

  /** Saves the Markdown report and the JSON beside it; returns the Markdown file, or undefined when dismissed. */
  async exportReport(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const input = this.reportInput(await this.reportSecrets());
    if (!input) {
      vscode.window.showWarningMessage('Run the probes first: the report describes the last run.');
      return undefined;
    }
    const stamp = input.generatedAt.toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = target ?? await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `exchange-probe-report-${stamp}.md`) : undefined,
      filters: { Markdown: ['md'] },
      saveLabel: 'Export report',
    });
    if (!uri) return undefined;
    const jsonUri = uri.with({ path: uri.path.replace(/(\.md)?$/i, '.json') });
    const encoder = new TextEncoder();
    await vscode.workspace.fs.writeFile(uri, encoder.encode(reportMarkdown(input)));
    await vscode.workspace.fs.writeFile(jsonUri, encoder.encode(reportJson(input)));
    this.deps.log.info(`Exported the probe report to ${uri.toString(true)} and ${jsonUri.toString(true)}.`);
    if (!target) {
      void vscode.window.showInformationMessage(`Saved the report and ${jsonUri.path.split('/').pop() ?? 'its JSON'} beside it.`, 'Open').then((choice) => {
        if (choice === 'Open') void vscode.window.showTextDocument(uri);
      });
    }
    return uri;
  }

  async copyDiagnostics(): Promise<string | undefined> {
    const input = this.reportInput(await this.reportSecrets());
    if (!input) {
      vscode.window.showWarningMessage('Run the probes first: the diagnostics describe the last run.');
      return undefined;
    }
    const text = diagnosticsText(input);
    await vscode.env.clipboard.writeText(text);
    this.post({ type: 'notice', level: 'info', text: 'Copied the diagnostics of the last run (no password in them).' });
    return text;
  }

  /**
   * Links through the chosen target (src/core/link). Every target first runs the pre-link validation
   * (the probes without the write test, streamed into the panel like any run); its outcome lands on
   * the checklist. a4b-console only prepares the values: the step is marked when the admin confirms.
   */
  async runLink(form: ProbeForm): Promise<LinkOutcome | undefined> {
    if (!vscode.workspace.isTrusted) throw new UserFacingError(UNTRUSTED_MESSAGE);
    const settings = readLinkSettings();
    this.validatedLink = undefined;
    this.post({ type: 'link', link: this.linkView() });
    const password = await this.passwordFor(form);
    if (password === undefined) return undefined;
    const target = linkTargetFor(settings, { authorization: (url) => this.secrets.getLinkAuthorization(url), extraCaPem: await this.extraCaPem() });
    this.linkAbort?.abort();
    const controller = new AbortController();
    this.linkAbort = controller;
    const validate = async (): Promise<PreLinkValidation> => {
      const summary = await this.runProbes({ ...form, write: false }, 'link', password);
      if (summary.outcome === 'cancelled') throw new Cancelled();
      if (summary.outcome === 'error') return { ok: false, failureReason: 'The probes could not run; see the panel.' };
      return preLinkValidation(summary.checks, form.accessMethod);
    };
    let outcome: LinkOutcome;
    try {
      outcome = await target.link({ ewsUrl: form.ewsUrl, upn: form.upn, accessMethod: form.accessMethod, password }, { signal: controller.signal, validate });
    } finally {
      if (this.linkAbort === controller) this.linkAbort = undefined;
    }
    this.deps.log.info(`Link through ${target.id}: ${outcome.ok ? 'ok' : `failed at ${outcome.stage}: ${outcome.failureReason ?? ''}`}`);
    if (outcome.cancelled) {
      this.post({ type: 'linkOutcome', ok: false, message: 'Cancelled.' });
      return outcome;
    }
    if (outcome.ok && outcome.needsConfirmation) {
      this.validatedLink = { upn: form.upn, ewsUrl: form.ewsUrl, accessMethod: form.accessMethod };
      this.post({
        type: 'linkOutcome', ok: true, values: this.validatedLink,
        message: 'Validated. In the Alexa for Business console (Calendar > Microsoft Exchange) enter these values, then Link account; then mark the step as linked here.',
      });
      return outcome;
    }
    const message = linkOutcomeText(target.title, outcome);
    // A failed validation is already on the checklist (login and access steps); the link step records its own stage only.
    if (outcome.ok) this.deps.model.record('link', 'done', 'probe', message);
    else if (outcome.stage === 'link') this.deps.model.record('link', 'failed', 'probe', message);
    this.post({ type: 'linkOutcome', ok: outcome.ok, message });
    this.post({ type: 'link', link: this.linkView() });
    return outcome;
  }

  private async copyLinkPassword(): Promise<void> {
    const values = this.validatedLink;
    if (!values) return;
    const password = await this.secrets.getPassword(values.ewsUrl, values.upn).catch(() => undefined);
    if (password === undefined) {
      this.post({ type: 'notice', level: 'warning', text: 'No stored password to copy for this account.' });
      return;
    }
    await this.clipboardSecret.copy(password);
    this.post({ type: 'notice', level: 'info', text: `Copied the password of ${values.upn}. The clipboard is cleared in ${CLIPBOARD_CLEAR_MS / 1000} s, or when this panel or the window closes, if it still holds it.` });
  }

  private async markLinked(): Promise<void> {
    const values = this.validatedLink;
    if (!values) return;
    const confirm = await vscode.window.showInformationMessage(
      `Did the calendar service accept ${values.upn} (Link account succeeded)?`,
      { modal: true, detail: 'This marks "Link the service account" done on the checklist, with the time.' },
      'Mark as linked',
    );
    if (confirm !== 'Mark as linked') return;
    this.deps.model.record('link', 'done', 'manual', `Linked ${values.upn} to ${safeHost(values.ewsUrl)} (${values.accessMethod}) in the Alexa for Business console; confirmed in the probe panel.`);
    this.post({ type: 'link', link: this.linkView() });
  }

  private async setLinkAuthorization(): Promise<void> {
    const link = readLinkSettings();
    if (link.http.url === '') {
      this.post({ type: 'notice', level: 'warning', text: 'Set exchangeSetup.link.http.url first: the header is kept per URL origin.' });
      return;
    }
    const value = await vscode.window.showInputBox({ title: 'Authorization header for the link endpoint', prompt: `Sent as the Authorization header to ${link.http.url}; kept only in secret storage.`, password: true, ignoreFocusOut: true });
    if (value === undefined) return;
    try {
      await this.secrets.storeLinkAuthorization(link.http.url, value);
      this.post({ type: 'notice', level: 'info', text: 'Stored the authorization header in secret storage.' });
    } catch (error) {
      if (!(error instanceof KeyringUnavailableError)) throw error;
      this.post({ type: 'notice', level: 'error', text: error.message });
    }
  }

  private reportError(action: string, error: unknown): void {
    if (isCancellation(error)) return;
    this.deps.log.error(`${action} failed`, error instanceof Error ? error : new Error(String(error)));
    this.post({ type: 'notice', level: 'error', text: `${action}: ${oneLineErrorText(error)}` });
  }
}

function linkOutcomeText(title: string, outcome: LinkOutcome): string {
  const details = outcome.details;
  let extra = '';
  if (details?.target === 'http') extra = ` HTTP ${details.status} ${details.statusText}: ${details.body}${details.bodyTruncated ? ' (cut)' : ''}`;
  if (details?.target === 'workmail' && details.configuration) extra = ` Availability configuration ${details.configuration} for ${details.domainName}.`;
  return outcome.ok ? `Linked through ${title}.${extra}` : `${title}: ${outcome.failureReason ?? 'failed'}${extra}`;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
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

/** Registers the panel and its commands (its serializer is registered at activation, in extension.ts). */
export function registerProbePanel(context: vscode.ExtensionContext, deps: ProbePanelDeps): {
  disposables: vscode.Disposable[];
  inspector: ProbePanelInspector;
  /** Shows a restored panel; extension.ts registers the serializer at activation and calls this. */
  restore(panel: vscode.WebviewPanel): void;
  /** For deactivate(), which VS Code awaits (disposables are not): takes a copied password off the clipboard. */
  clearClipboard(): Promise<boolean>;
} {
  const controller = new ProbePanelController(context, deps, new SecretStore(context.secrets));
  const { log } = deps;
  const inspector: ProbePanelInspector = { current: () => controller.inspect(), receive: (raw) => controller.receive(raw) };
  return { inspector, restore: (panel) => controller.attach(panel), clearClipboard: () => controller.clipboardSecret.clearIfHeld(), disposables: [
    controller,
    registerSafeCommand(log, 'exchangeSetup.openProbePanel', 'Open Probe & Link panel', (arg: unknown) => {
      controller.show();
      // From the checklist's link or test step: bring the part of the panel for that step into view.
      const stepId = typeof arg === 'string' ? arg : (arg as { id?: unknown } | undefined)?.id;
      if (stepId === 'link') controller.reveal('link');
      else if (stepId === 'test') controller.reveal('probes');
    }),
    registerSafeCommand(log, 'exchangeSetup.runProbes', 'Run probes', async () => {
      controller.show();
      return controller.runProbes(controller.formFromSettings(), 'probes');
    }),
    registerSafeCommand(log, 'exchangeSetup.linkAccount', 'Link the service account', async () => {
      controller.show();
      return controller.runLink(controller.formFromSettings());
    }),
    registerSafeCommand(log, 'exchangeSetup.cancelProbes', 'Cancel probes', () => controller.cancel()),
    registerSafeCommand(log, 'exchangeSetup.setPassword', 'Store the service account password', async () => {
      await controller.askAndStorePassword(controller.formFromSettings());
    }),
    registerSafeCommand(log, 'exchangeSetup.exportProbeReport', 'Export probe report', (arg: unknown) => controller.exportReport(arg instanceof vscode.Uri ? arg : undefined)),
    registerSafeCommand(log, 'exchangeSetup.copyDiagnostics', 'Copy diagnostics', () => controller.copyDiagnostics()),
  ] };
}

/**
 * Asks the admin, in a modal dialog, before Autodiscover contacts a host outside the address's domain
 * (Microsoft, [MS-OXDISCO], on the HTTP GET redirect method: "prompt the user to warn them of the redirection"; Outlook asks the
 * same before it lets such a server configure the account).
 */
async function confirmAutodiscoverHost(email: string, question: HostQuestion): Promise<boolean> {
  const trust = `Trust ${question.host}`;
  const what = question.withCredentials
    ? `the service account's user name and password (Basic authentication over https)`
    : 'the address';
  const choice = await vscode.window.showWarningMessage(
    `Autodiscover for ${email} leads to ${question.host}, which is outside ${question.domain}. Send it ${question.withCredentials ? 'the service account\'s credentials' : 'the request'}?`,
    {
      modal: true,
      detail: `${question.host} was ${ROUTE_WORDS[question.via]}. If you trust it, it receives ${what} and may name the EWS URL that the probes then use. Trust it only if you know that it serves your organisation's Autodiscover; an attacker on the network path can answer the plain-http request and DNS with any host that has a valid certificate.`,
    },
    trust,
  );
  return choice === trust;
}
