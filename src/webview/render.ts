/**
 * The Probe & Link panel's page, built with DOM APIs only. Data from the host (server messages,
 * event subjects, mailbox names) is only ever set with `textContent`, so a hostile subject such as
 * `<img src=x onerror=...>` shows as text. No inline styles: classes, the `hidden` attribute and
 * media/panel.css, themed with the `--vscode-*` variables.
 *
 * Separate from main.ts (which owns `acquireVsCodeApi`) so the unit tests can build the page in jsdom
 * with a recording host.
 */
import {
  assertNever,
  type CheckStatus,
  type CheckView,
  type EventView,
  type HostMessage,
  type LinkValues,
  type LinkView,
  type MailboxCountsView,
  type MailboxFailureView,
  type NodeView,
  type NodesView,
  type ProbeForm,
  type RemedyAction,
  type RemedyView,
  type RunOutcome,
  type SecretState,
  type ServerView,
  type WebviewMessage,
} from '../core/protocol';
import * as l10n from '../core/l10n';
import { probeEvidence, procedureStepTitle, stepVerdictLine } from '../core/pure/stepVerdict';
import { autodiscoverProgressText, mailboxProgressText, writeStepText } from '../core/pure/progress';

/** What the page persists with setState: the form and the texts typed into it. Never a secret. */
export interface ViewState {
  form?: ProbeForm;
  email?: string;
  mailboxText?: string;
}

export interface PanelHost {
  post(message: WebviewMessage): void;
  saveState(state: ViewState): void;
}

/** Pasted lists longer than this are not kept in the view state (it is meant to be small). */
const MAX_SAVED_MAILBOX_TEXT = 100_000;

const STATUS_GLYPHS: Record<CheckStatus, string> = { pass: '\u2714', warn: '\u26A0', fail: '\u2716', skip: '\u2212' };
// Functions, not constants: the words are looked up in the bundle in use when the page shows them.
const statusWords = (): Record<CheckStatus, string> => ({ pass: l10n.t('Passed'), warn: l10n.t('Warning'), fail: l10n.t('Failed'), skip: l10n.t('Skipped') });
const outcomeWords = (): Record<RunOutcome, string> => ({
  passed: l10n.t('No check failed.'),
  failed: l10n.t('Some checks failed: see the remedies below.'),
  cancelled: l10n.t('Cancelled.'),
  error: l10n.t('The run stopped on an unexpected error.'),
});
/** A finished run's line. A run refused before it started is not an unexpected error: its summary says what to fix. */
function finishedText(outcome: RunOutcome, summary: string, refused: boolean): string {
  const words = refused && outcome === 'error' ? l10n.t('The run did not start:') : outcomeWords()[outcome];
  return summary === '' ? words : `${words} ${summary}`;
}
/**
 * The panel's own words for mailbox counts and statuses. The CLI and the exported reports keep
 * protocol.ts's English ones (mailboxCountsText, MAILBOX_STATUS_WORDS): a report read by someone
 * else stays in one language whatever the display language of the VS Code that wrote it.
 */
const mailboxCounts = (c: MailboxCountsView): string =>
  l10n.t('{0} verified, {1} denied, {2} not found, {3} not checked (of {4})', c.verified, c.denied, c.notFound, c.notChecked, c.total);
const mailboxStatusWords = (): Record<MailboxFailureView['status'], string> => ({ denied: l10n.t('denied'), 'not-found': l10n.t('not found'), 'not-checked': l10n.t('not checked') });
const remedyButtons = (): { action: RemedyAction; label: string; needsSnippet: boolean; needsTrust: boolean }[] => [
  { action: 'insert', label: l10n.t('Insert fix into terminal'), needsSnippet: true, needsTrust: true },
  { action: 'copy', label: l10n.t('Copy fix'), needsSnippet: true, needsTrust: false },
  { action: 'reveal', label: l10n.t('Show step in checklist'), needsSnippet: false, needsTrust: false },
];

type Attributes = Record<string, string>;

/**
 * The per-node table's probe columns (src/core/ews/nodes.ts NODE_PROBES), with short headings; the
 * access column shows whichever access probe the run's method used.
 */
const nodeColumns = (): { ids: readonly string[]; heading: string }[] => [
  { ids: ['net.dns'], heading: l10n.t('DNS') },
  { ids: ['net.tcp'], heading: l10n.t('TCP') },
  { ids: ['tls.handshake'], heading: l10n.t('TLS') },
  { ids: ['tls.name'], heading: l10n.t('Name') },
  { ids: ['tls.trust'], heading: l10n.t('Trust') },
  { ids: ['tls.expiry'], heading: l10n.t('Expiry') },
  { ids: ['auth.schemes'], heading: l10n.t('Basic') },
  { ids: ['auth.login'], heading: l10n.t('Logon') },
  { ids: ['server.version'], heading: l10n.t('Version') },
  { ids: ['access.impersonation', 'access.delegate'], heading: l10n.t('Access') },
];

export class PanelView {
  readonly root: HTMLElement;
  private readonly doc: Document;
  private running = false;
  private verifying = false;
  private currentRunId = -1;
  private workspaceTrusted = true;
  /**
   * Whether the host has filled the form. Until then every control that sends the form stays disabled:
   * the form is empty (or as last saved), and Run, Link, Save and the password buttons first write the
   * form to the settings, so a click that came first would clear the admin's EWS URL, account and
   * mailbox (seen in a UI test that clicked Run the moment the page showed it).
   */
  private formFromHost = false;
  private secret: SecretState = { kind: 'missing' };
  /** The id of this page's last request; an answer to an earlier request is ignored (it is stale). */
  private lastRequestId = 0;
  private autodiscoverRequest = -1;
  private secretRequest = -1;

  private readonly ewsUrl: HTMLInputElement;
  private readonly upn: HTMLInputElement;
  private readonly testMailbox: HTMLInputElement;
  private readonly accessMethod: HTMLSelectElement;
  private readonly write: HTMLInputElement;
  private readonly email: HTMLInputElement;
  private readonly autodiscoverStatus: HTMLElement;
  /** Shown while a lookup runs: stops it (the host's "cancel"). */
  private readonly stopAutodiscover: HTMLButtonElement;
  private readonly passwordStatus: HTMLElement;
  private readonly changePassword: HTMLButtonElement;
  private readonly forgetPassword: HTMLButtonElement;
  private readonly notice: HTMLElement;
  private readonly runButton: HTMLButtonElement;
  private readonly saveButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly summary: HTMLElement;
  /** The checklist steps this run leaves not done, worded as the checklist words them. */
  private readonly stepVerdicts: HTMLUListElement;
  /** This run's checks and access method, which decide what the checklist records. */
  private runChecks: CheckView[] = [];
  private runMethod: ProbeForm['accessMethod'] = 'impersonation';
  private readonly checks: HTMLOListElement;
  private readonly server: HTMLElement;
  private readonly eventsSection: HTMLElement;
  private readonly events: HTMLUListElement;
  private readonly roomEventsSection: HTMLElement;
  private readonly roomEvents: HTMLUListElement;
  private readonly allNodes: HTMLInputElement;
  private readonly nodesSection: HTMLElement;
  private readonly nodesHeading: HTMLElement;
  private readonly nodeRows: HTMLTableSectionElement;
  /** The nodes in the order the run lists them: rows arrive as nodes finish but are kept in this order. */
  private nodeOrder: string[] = [];
  private readonly nodesSummary: HTMLElement;
  private readonly nodesRemedies: HTMLElement;
  private readonly exportButton: HTMLButtonElement;
  private readonly copyButton: HTMLButtonElement;
  private readonly mailboxText: HTMLTextAreaElement;
  private readonly verifyPasted: HTMLButtonElement;
  private readonly verifyFile: HTMLButtonElement;
  /** One click re-verifies only the mailboxes the last verification left not checked. */
  private readonly verifyNotChecked: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressText: HTMLElement;
  /** Cancels the mailbox verification (the same "cancel" request as the probe run's button). */
  private readonly cancelVerify: HTMLButtonElement;
  private readonly failures: HTMLUListElement;
  private readonly linkDescription: HTMLElement;
  private readonly linkButton: HTMLButtonElement;
  private readonly linkAuthorization: HTMLButtonElement;
  private readonly linkOutcome: HTMLElement;
  private readonly linkValues: HTMLElement;
  private readonly copyLinkPassword: HTMLButtonElement;
  private readonly markLinked: HTMLButtonElement;
  private readonly linkedAt: HTMLElement;

  constructor(doc: Document, private readonly host: PanelHost, saved: ViewState = {}) {
    this.doc = doc;
    this.root = this.el('main', { id: 'panel', 'aria-label': l10n.t('Exchange probe and link') });
    this.notice = this.el('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });
    this.notice.hidden = true;

    // Connection form
    this.ewsUrl = this.input('ews-url', 'url', l10n.t('https://mail.contoso.com/EWS/Exchange.asmx'));
    this.upn = this.input('upn', 'email', l10n.t('alexaforbusiness@contoso.com'));
    this.testMailbox = this.input('test-mailbox', 'email', l10n.t('alice@contoso.com'));
    this.accessMethod = this.el('select', { id: 'access-method' }) as HTMLSelectElement;
    for (const [value, label] of [['impersonation', l10n.t('Method 1: impersonation')], ['delegate', l10n.t('Method 2: per-mailbox rights')]]) {
      const option = this.el('option', { value }, label) as HTMLOptionElement;
      this.accessMethod.append(option);
    }
    this.write = this.input('write-test', 'checkbox');
    this.email = this.input('autodiscover-email', 'email', l10n.t('you@contoso.com'));
    this.autodiscoverStatus = this.el('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
    this.passwordStatus = this.el('span', { id: 'password-status', role: 'status', 'aria-live': 'polite' });
    this.changePassword = this.button(l10n.t('Set password\u2026'), () => this.host.post({ type: 'changePassword', form: this.readForm(), requestId: this.secretRequest = this.nextRequestId() }));
    this.forgetPassword = this.button(l10n.t('Forget password'), () => this.host.post({ type: 'forgetPassword', form: this.readForm(), requestId: this.secretRequest = this.nextRequestId() }), 'secondary');

    const findButton = this.button(l10n.t('Find my EWS URL'), () => this.findEwsUrl(), 'secondary');
    this.saveButton = this.button(l10n.t('Save to settings'), () => this.host.post({ type: 'saveForm', form: this.readForm() }), 'secondary');

    this.stopAutodiscover = this.button(l10n.t('Stop looking'), () => this.host.post({ type: 'cancel', run: 'autodiscover' }), 'secondary');
    this.stopAutodiscover.id = 'stop-autodiscover';
    this.stopAutodiscover.hidden = true;

    const connection = this.section('connection', l10n.t('Connection'), [
      this.field('ews-url', l10n.t('EWS URL'), this.ewsUrl),
      this.el('details', { class: 'autodiscover' }, [
        this.el('summary', {}, l10n.t('Find the EWS URL from an e-mail address (Autodiscover)')),
        this.field('autodiscover-email', l10n.t('E-mail address'), this.email),
        findButton,
        this.stopAutodiscover,
        this.autodiscoverStatus,
      ]),
      this.field('upn', l10n.t('Service account UPN'), this.upn),
      this.field('test-mailbox', l10n.t('Test mailbox'), this.testMailbox),
      this.field('access-method', l10n.t('Access method'), this.accessMethod),
      this.el('div', { class: 'field checkbox' }, [this.write, this.el('label', { for: 'write-test' }, l10n.t('Also test writing: create and delete an event in the test mailbox (no invitations are sent; Exchange keeps the deleted event in Recoverable Items until its retention period ends)'))]),
      this.el('div', { class: 'field password' }, [
        this.el('span', { class: 'label', id: 'password-label' }, l10n.t('Password')),
        this.passwordStatus,
        this.changePassword,
        this.forgetPassword,
      ]),
      this.el('div', { class: 'actions' }, [this.saveButton]),
    ]);

    // Probes
    this.allNodes = this.input('all-nodes', 'checkbox');
    this.runButton = this.button(l10n.t('Run probes'), () => this.host.post({ type: 'runProbes', form: this.readForm(), ...(this.allNodes.checked ? { allNodes: true } : {}) }));
    this.runButton.id = 'run-probes';
    this.cancelButton = this.button(l10n.t('Cancel'), () => this.host.post({ type: 'cancel', run: 'run' }), 'secondary');
    this.cancelButton.id = 'cancel';
    this.summary = this.el('p', { class: 'summary', role: 'status', 'aria-live': 'polite' });
    this.stepVerdicts = this.el('ul', { class: 'step-verdicts', 'aria-label': l10n.t('Checklist steps this run leaves to do') }) as HTMLUListElement;
    this.stepVerdicts.hidden = true;
    this.checks = this.el('ol', { class: 'checks', id: 'checks', 'aria-label': l10n.t('Check results') }) as HTMLOListElement;
    this.server = this.el('p', { class: 'server' });
    this.server.hidden = true;
    this.events = this.el('ul', { class: 'events', 'aria-label': l10n.t('Upcoming events') }) as HTMLUListElement;
    this.eventsSection = this.el('div', { class: 'events-block' }, [
      this.el('h3', {}, l10n.t('Upcoming events, as the calendar service would read them back')),
      this.events,
    ]);
    this.eventsSection.hidden = true;
    this.roomEvents = this.el('ul', { class: 'events', 'aria-label': l10n.t('Upcoming events of the test room mailbox') }) as HTMLUListElement;
    this.roomEventsSection = this.el('div', { class: 'events-block' }, [
      this.el('h3', {}, l10n.t('Upcoming events of the test room mailbox')),
      this.roomEvents,
    ]);
    this.roomEventsSection.hidden = true;
    // Per-node mode (issue 16): one row per server behind the EWS name, one column per probe.
    this.nodesHeading = this.el('h3', { id: 'nodes-heading' }, l10n.t('Servers behind the EWS name'));
    this.nodeRows = this.el('tbody', {}) as HTMLTableSectionElement;
    const headings = [l10n.t('Node'), l10n.t('Address'), ...nodeColumns().map((c) => c.heading), l10n.t('Server build')].map((h) => this.el('th', { scope: 'col' }, h));
    this.nodesSummary = this.el('p', { class: 'nodes-summary', role: 'status', 'aria-live': 'polite' });
    this.nodesRemedies = this.el('div', { class: 'nodes-remedies' });
    this.nodesSection = this.el('div', { class: 'nodes-block', id: 'nodes' }, [
      this.nodesHeading,
      this.el('table', { class: 'nodes', 'aria-labelledby': 'nodes-heading' }, [this.el('thead', {}, [this.el('tr', {}, headings)]), this.nodeRows]),
      this.nodesSummary,
      this.nodesRemedies,
    ]);
    this.nodesSection.hidden = true;
    this.exportButton = this.button(l10n.t('Export report\u2026'), () => this.host.post({ type: 'exportReport' }), 'secondary');
    this.copyButton = this.button(l10n.t('Copy diagnostics'), () => this.host.post({ type: 'copyDiagnostics' }), 'secondary');
    const probes = this.section('probes', l10n.t('Probes'), [
      this.el('div', { class: 'field checkbox' }, [this.allNodes, this.el('label', { for: 'all-nodes' }, l10n.t('Probe every server behind the name: each address the EWS host name resolves to, on its own (besides the servers in the setting exchangeSetup.probes.nodes)'))]),
      this.el('div', { class: 'actions' }, [this.runButton, this.cancelButton]),
      this.summary,
      this.stepVerdicts,
      this.checks,
      this.server,
      this.nodesSection,
      this.eventsSection,
      this.roomEventsSection,
      this.el('div', { class: 'actions' }, [this.exportButton, this.copyButton]),
    ]);

    // Enrolled users
    this.mailboxText = this.el('textarea', { id: 'mailbox-list', rows: '5', spellcheck: 'false', placeholder: l10n.t('alice@contoso.com\nbob@contoso.com') }) as HTMLTextAreaElement;
    this.verifyPasted = this.button(l10n.t('Verify pasted list'), () => this.host.post({ type: 'verifyMailboxes', source: 'pasted', text: this.mailboxText.value }));
    this.verifyFile = this.button(l10n.t('Verify from file\u2026'), () => this.host.post({ type: 'verifyMailboxes', source: 'file' }), 'secondary');
    this.verifyNotChecked = this.button(l10n.t('Verify not-checked again'), () => this.host.post({ type: 'verifyMailboxes', source: 'notChecked' }), 'secondary');
    this.verifyNotChecked.hidden = true;
    this.progress = this.el('progress', { max: '1', value: '0', 'aria-label': l10n.t('Mailboxes checked') }) as HTMLProgressElement;
    this.progress.hidden = true;
    this.progressText = this.el('p', { class: 'progress-text', role: 'status', 'aria-live': 'polite' });
    this.cancelVerify = this.button(l10n.t('Cancel verification'), () => this.host.post({ type: 'cancel', run: 'verification' }), 'secondary');
    this.cancelVerify.id = 'cancel-verify';
    this.cancelVerify.hidden = true;
    this.failures = this.el('ul', { class: 'failures', 'aria-label': l10n.t('Mailboxes not verified') }) as HTMLUListElement;
    const users = this.section('users', l10n.t('Verify all enrolled users'), [
      this.field('mailbox-list', l10n.t('Addresses, one per line (# starts a comment)'), this.mailboxText),
      this.el('div', { class: 'actions' }, [this.verifyPasted, this.verifyFile, this.verifyNotChecked]),
      this.progress,
      this.progressText,
      this.el('div', { class: 'actions' }, [this.cancelVerify]),
      this.failures,
    ]);

    // Link
    this.linkDescription = this.el('p', { class: 'link-description' });
    this.linkButton = this.button(l10n.t('Validate and link'), () => this.host.post({ type: 'runLink', form: this.readForm() }));
    this.linkAuthorization = this.button(l10n.t('Set authorization header\u2026'), () => this.host.post({ type: 'setLinkAuthorization' }), 'secondary');
    this.linkAuthorization.hidden = true;
    this.linkOutcome = this.el('p', { class: 'link-outcome', role: 'status', 'aria-live': 'polite' });
    this.linkValues = this.el('dl', { class: 'link-values' });
    this.linkValues.hidden = true;
    this.copyLinkPassword = this.button(l10n.t('Copy password'), () => this.host.post({ type: 'copyLinkPassword' }), 'secondary');
    this.copyLinkPassword.hidden = true;
    this.markLinked = this.button(l10n.t('Mark as linked'), () => this.host.post({ type: 'markLinked' }));
    this.markLinked.hidden = true;
    this.linkedAt = this.el('p', { class: 'hint' });
    const link = this.section('link', l10n.t('Link the service account'), [
      this.linkDescription,
      this.el('div', { class: 'actions' }, [this.linkButton, this.linkAuthorization]),
      this.linkOutcome,
      this.linkValues,
      this.el('div', { class: 'actions' }, [this.copyLinkPassword, this.markLinked]),
      this.linkedAt,
    ]);

    this.root.append(this.el('h1', {}, l10n.t('Exchange probe and link')), this.notice, connection, probes, users, link);
    for (const control of [this.ewsUrl, this.upn, this.testMailbox, this.accessMethod, this.write, this.email, this.mailboxText]) {
      control.addEventListener('change', () => this.persist());
      control.addEventListener('input', () => this.persist());
    }
    this.email.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.findEwsUrl();
    });
    if (saved.form) this.fillForm(saved.form);
    if (saved.email !== undefined) this.email.value = saved.email;
    if (saved.mailboxText !== undefined) this.mailboxText.value = saved.mailboxText;
    this.updateSecret(this.secret);
    this.updateBusy();
  }

  /** Applies one message from the host. */
  handle(message: HostMessage): void {
    switch (message.type) {
      case 'init':
        this.workspaceTrusted = message.workspaceTrusted;
        this.formFromHost = true;
        this.fillForm(message.form);
        this.updateSecret(message.secret);
        this.updateLink(message.link);
        this.updateBusy();
        this.persist();
        return;
      case 'form':
        this.formFromHost = true;
        this.fillForm(message.form);
        this.updateSecret(this.secret);
        this.updateBusy();
        this.persist();
        return;
      case 'secret':
        // Unasked (no id), or the answer to the latest password request.
        if (message.requestId !== undefined && message.requestId !== this.secretRequest) return;
        this.updateSecret(message.secret);
        return;
      case 'runStarted':
        this.currentRunId = message.runId;
        this.running = true;
        this.checks.replaceChildren();
        this.checks.setAttribute('aria-busy', 'true');
        this.runChecks = [];
        this.runMethod = this.readForm().accessMethod;
        this.showStepVerdicts();
        this.server.hidden = true;
        this.eventsSection.hidden = true;
        this.roomEventsSection.hidden = true;
        this.nodesSection.hidden = true;
        this.nodeRows.replaceChildren();
        this.nodesSummary.textContent = '';
        this.nodesRemedies.replaceChildren();
        this.summary.textContent = message.purpose === 'link' ? l10n.t('Validating before linking\u2026') : l10n.t('Running the probes\u2026');
        if (message.purpose === 'link') this.showLinkValues(undefined);
        this.updateBusy();
        return;
      case 'check':
        if (message.runId !== this.currentRunId) return;
        this.runChecks.push(message.check);
        this.checks.append(this.checkRow(message.check));
        return;
      case 'nodesStarted':
        if (message.runId !== this.currentRunId) return;
        this.nodesSection.hidden = false;
        this.nodeOrder = [...message.nodes];
        this.nodesHeading.textContent = l10n.t('Servers behind {0} ({1})', message.host, message.nodes.length);
        this.nodesSummary.textContent = message.nodes.length === 1 ? l10n.t('Probing 1 server\u2026') : l10n.t('Probing {0} servers one by one\u2026', message.nodes.length);
        return;
      case 'node':
        if (message.runId !== this.currentRunId) return;
        this.nodesSection.hidden = false;
        this.insertNodeRow(this.nodeRow(message.node), message.node.node);
        return;
      case 'writeStep':
        if (message.runId !== this.currentRunId || !this.running) return;
        this.summary.textContent = l10n.t('Running the probes\u2026 {0}', writeStepText(message.step));
        return;
      case 'runFinished':
        if (message.runId !== this.currentRunId) return;
        this.showNodes(message.nodes, message.nodesError);
        this.running = false;
        this.checks.removeAttribute('aria-busy');
        this.summary.textContent = finishedText(message.outcome, message.summary, message.refused === true);
        this.summary.className = `summary outcome-${message.outcome}`;
        this.showStepVerdicts();
        this.showServer(message.server);
        this.showEvents(this.events, this.eventsSection, message.events);
        this.showEvents(this.roomEvents, this.roomEventsSection, message.roomEvents);
        this.updateBusy();
        return;
      case 'verifyStarted':
        this.verifying = true;
        this.failures.replaceChildren();
        for (const problem of message.problems) {
          this.failures.append(this.el('li', { class: 'problem' }, l10n.t('Line {0}: {1} \u2014 {2}', problem.line, problem.text, problem.reason)));
        }
        this.showProgress({ checked: 0, total: message.total });
        this.updateBusy();
        return;
      case 'verifyProgress':
        this.showProgress(message);
        return;
      case 'verifyFinished':
        this.verifying = false;
        this.progress.hidden = true;
        this.cancelVerify.hidden = true;
        this.progressText.textContent = message.outcome === 'cancelled' ? l10n.t('{0}. Cancelled.', mailboxCounts(message.counts)) : l10n.t('{0}.', mailboxCounts(message.counts));
        for (const n of message.byNode ?? []) this.failures.append(this.el('li', { class: 'node-counts' }, [this.el('span', { class: 'node' }, n.node), this.el('span', {}, l10n.t(': {0}', mailboxCounts(n)))]));
        for (const failure of message.unverified) this.failures.append(this.failureItem(failure));
        this.verifyNotChecked.hidden = message.counts.notChecked === 0;
        this.verifyNotChecked.textContent = l10n.t('Verify {0} not checked again', message.counts.notChecked);
        this.updateBusy();
        return;
      case 'autodiscover':
        // A late answer to an earlier lookup must not overwrite the latest one.
        if (message.requestId !== this.autodiscoverRequest) return;
        if (message.ok && message.ewsUrl !== undefined) {
          this.ewsUrl.value = message.ewsUrl;
          this.persist();
        }
        this.autodiscoverStatus.textContent = message.message;
        this.stopAutodiscover.hidden = true;
        return;
      case 'autodiscoverProgress':
        if (message.requestId !== this.autodiscoverRequest) return;
        this.autodiscoverStatus.textContent = l10n.t('{0}\u2026', autodiscoverProgressText(message));
        return;
      case 'link':
        this.updateLink(message.link);
        return;
      case 'linkOutcome':
        this.linkOutcome.textContent = message.message;
        this.linkOutcome.className = `link-outcome ${message.ok ? 'ok' : 'failed'}`;
        this.showLinkValues(message.values);
        return;
      case 'notice':
        this.notice.hidden = false;
        this.notice.className = `notice ${message.level}`;
        this.notice.textContent = message.text;
        return;
      case 'reveal': {
        // The section's heading takes focus so keyboard and screen-reader users land there too.
        const heading = this.root.querySelector<HTMLElement>(`#${message.section}-heading`);
        heading?.scrollIntoView?.({ block: 'start' });
        heading?.setAttribute('tabindex', '-1');
        heading?.focus();
        return;
      }
      default:
        assertNever(message);
    }
  }

  readForm(): ProbeForm {
    return {
      ewsUrl: this.ewsUrl.value.trim(),
      upn: this.upn.value.trim(),
      testMailbox: this.testMailbox.value.trim(),
      accessMethod: this.accessMethod.value === 'delegate' ? 'delegate' : 'impersonation',
      write: this.write.checked,
    };
  }

  private findEwsUrl(): void {
    this.autodiscoverStatus.textContent = l10n.t('Looking up the EWS URL\u2026');
    this.stopAutodiscover.hidden = false;
    this.autodiscoverRequest = this.nextRequestId();
    this.host.post({ type: 'findEwsUrl', email: this.email.value.trim(), requestId: this.autodiscoverRequest });
  }

  private nextRequestId(): number {
    this.lastRequestId += 1;
    return this.lastRequestId;
  }

  private fillForm(form: ProbeForm): void {
    this.ewsUrl.value = form.ewsUrl;
    this.upn.value = form.upn;
    this.testMailbox.value = form.testMailbox;
    this.accessMethod.value = form.accessMethod;
    this.write.checked = form.write;
  }

  private persist(): void {
    const text = this.mailboxText.value;
    this.host.saveState({
      form: this.readForm(),
      email: this.email.value,
      mailboxText: text.length <= MAX_SAVED_MAILBOX_TEXT ? text : undefined,
    });
  }

  private updateSecret(secret: SecretState): void {
    this.secret = secret;
    switch (secret.kind) {
      case 'stored':
        this.passwordStatus.textContent = l10n.t('A password is stored in VS Code\u2019s secret storage for this server and account.');
        this.changePassword.textContent = l10n.t('Change password\u2026');
        this.changePassword.disabled = !this.formFromHost;
        this.forgetPassword.disabled = !this.formFromHost;
        this.forgetPassword.hidden = false;
        return;
      case 'missing':
        this.passwordStatus.textContent = l10n.t('No password stored for this server and account.');
        this.changePassword.textContent = l10n.t('Set password\u2026');
        this.changePassword.disabled = !this.formFromHost;
        this.forgetPassword.hidden = true;
        return;
      case 'unavailable':
        this.passwordStatus.textContent = secret.message;
        this.changePassword.textContent = l10n.t('Set password\u2026');
        this.changePassword.disabled = true;
        this.forgetPassword.hidden = true;
        return;
      default:
        assertNever(secret);
    }
  }

  private updateBusy(): void {
    const busy = this.running || this.verifying;
    this.runButton.disabled = busy || !this.formFromHost;
    this.linkButton.disabled = busy || !this.formFromHost;
    this.saveButton.disabled = !this.formFromHost;
    this.verifyPasted.disabled = busy;
    this.verifyFile.disabled = busy;
    this.verifyNotChecked.disabled = busy;
    // The verification has its own Cancel; this one stops the probe run or the link.
    this.cancelButton.disabled = !this.running;
  }

  private updateLink(link: LinkView): void {
    this.linkDescription.textContent = link.description;
    this.linkAuthorization.hidden = link.target !== 'http';
    this.linkButton.textContent = link.target === 'a4b-console' ? l10n.t('Validate and show the values to enter') : l10n.t('Validate and link');
    this.linkedAt.textContent = link.linkedAt ? l10n.t('Marked as linked on {0}.', link.linkedAt) : '';
  }

  private showLinkValues(values: LinkValues | undefined): void {
    this.linkValues.replaceChildren();
    this.linkValues.hidden = values === undefined;
    this.copyLinkPassword.hidden = values === undefined;
    this.markLinked.hidden = values === undefined;
    if (!values) return;
    const rows: [string, string][] = [
      [l10n.t('Service account (UPN)'), values.upn],
      [l10n.t('Password'), l10n.t('stored in VS Code \u2014 use \u201cCopy password\u201d')],
      [l10n.t('EWS URL'), values.ewsUrl],
      [l10n.t('Access method'), values.accessMethod === 'impersonation' ? l10n.t('Impersonation (method 1)') : l10n.t('Per-mailbox rights (method 2)')],
    ];
    for (const [term, value] of rows) this.linkValues.append(this.el('dt', {}, term), this.el('dd', {}, value));
  }

  /**
   * Under the summary: each checklist step this run leaves not done (a warning, a failure), in the
   * very words the checklist uses for it, from the same rule (src/core/probeEvidence.ts).
   */
  private showStepVerdicts(): void {
    const titleOf = (step: string): string | undefined => this.runChecks.find((c) => c.remedy?.step === step)?.remedy?.stepTitle;
    const lines = this.running ? [] : probeEvidence(this.runChecks, this.runMethod)
      .filter((e) => e.status !== 'done')
      .map((e) => stepVerdictLine(titleOf(e.step) ?? procedureStepTitle(e.step), e.status, e.detail));
    this.stepVerdicts.replaceChildren(...lines.map((line) => this.el('li', {}, line)));
    this.stepVerdicts.hidden = lines.length === 0;
  }

  private showServer(server: ServerView | undefined): void {
    this.server.hidden = server === undefined;
    if (server) this.server.textContent = server.supported ? l10n.t('Server: {0}, build {1}', server.product, server.build) : l10n.t('Server: {0}, build {1} (out of support)', server.product, server.build);
  }

  private showEvents(list: HTMLUListElement, section: HTMLElement, events: EventView[] | undefined): void {
    list.replaceChildren();
    section.hidden = events === undefined;
    if (!events) return;
    if (events.length === 0) list.append(this.el('li', { class: 'empty' }, l10n.t('No events in the next 7 days.')));
    for (const event of events) list.append(this.el('li', { class: 'event' }, event.spoken));
  }

  /** The bar and the words say the same: its aria-valuetext is the counts line, read by screen readers. */
  private showProgress(p: Omit<Extract<HostMessage, { type: 'verifyProgress' }>, 'type'>): void {
    const text = mailboxProgressText(p);
    this.progress.hidden = false;
    this.cancelVerify.hidden = false;
    this.progress.max = Math.max(1, p.total);
    this.progress.value = p.checked;
    this.progress.setAttribute('aria-valuetext', text);
    this.progressText.textContent = text;
  }

  private checkRow(check: CheckView): HTMLLIElement {
    const row = this.el('li', { class: `check status-${check.status}`, 'data-check': check.id }) as HTMLLIElement;
    const icon = this.el('span', { class: 'icon', 'aria-hidden': 'true' }, STATUS_GLYPHS[check.status]);
    const status = this.el('span', { class: 'visually-hidden' }, `${statusWords()[check.status]}: `);
    const head = this.el('div', { class: 'check-head' }, [
      icon,
      status,
      this.el('span', { class: 'name' }, check.name),
      this.el('span', { class: 'duration' }, l10n.t('{0} ms', check.ms)),
    ]);
    row.append(head, this.el('div', { class: 'message' }, check.message));
    if (check.remedy && (check.status === 'fail' || check.status === 'warn')) row.append(this.remedyBlock(check.remedy));
    return row;
  }

  /** A fix with its buttons: insert into the terminal, copy, show the step (the same for a check and a node). */
  private remedyBlock(remedy: RemedyView): HTMLElement {
    const buttons = remedyButtons().filter((b) => !b.needsSnippet || remedy.hasSnippet).map((b) => {
      const button = this.button(b.label, () => this.host.post({ type: 'remedy', action: b.action, step: remedy.step }), b.action === 'insert' ? '' : 'secondary');
      button.setAttribute('data-action', b.action);
      button.setAttribute('aria-label', `${b.label}: ${remedy.stepTitle}`);
      if (b.needsTrust && !this.workspaceTrusted) {
        button.disabled = true;
        button.title = l10n.t('Inserting into the terminal needs a trusted workspace');
      }
      return button;
    });
    return this.el('div', { class: 'remedy' }, [
      this.el('p', {}, [this.el('strong', {}, l10n.t('Fix: ')), this.el('span', {}, remedy.text)]),
      this.el('p', { class: 'hint' }, l10n.t('Checklist step: {0}', remedy.stepTitle)),
      this.el('div', { class: 'actions' }, buttons),
    ]);
  }

  /** One server's row: its name, address, a cell per probe (the message on hover and for screen readers) and its build. */
  private nodeRow(node: NodeView): HTMLTableRowElement {
    const cells = nodeColumns().map((column) => {
      const check = node.checks.find((c) => column.ids.includes(c.id));
      if (!check) return this.el('td', { class: 'status-none' }, '\u2014');
      return this.el('td', { class: `status-${check.status}`, title: check.message, 'data-check': check.id }, [
        this.el('span', { class: 'icon', 'aria-hidden': 'true' }, STATUS_GLYPHS[check.status]),
        this.el('span', { class: 'visually-hidden' }, l10n.t('{0}: {1}', statusWords()[check.status], check.message)),
      ]);
    });
    // The build number in the table; the product name on hover and for screen readers.
    const build = node.server
      ? this.el('td', { class: 'build', title: node.server.product }, [this.el('span', {}, node.server.build), this.el('span', { class: 'visually-hidden' }, ` (${node.server.product})`)])
      : this.el('td', { class: 'build' }, '\u2014');
    return this.el('tr', { class: `node ${node.ok ? 'ok' : 'failed'}`, 'data-node': node.node }, [
      this.el('th', { scope: 'row' }, node.node),
      this.el('td', {}, node.address ?? l10n.t('not resolved')),
      ...cells,
      build,
    ]) as HTMLTableRowElement;
  }

  /** Puts a node's row before the first row of a node listed after it (unknown nodes go last). */
  private insertNodeRow(row: HTMLTableRowElement, node: string): void {
    const rank = (name: string | null): number => {
      const index = name === null ? -1 : this.nodeOrder.indexOf(name);
      return index === -1 ? Number.MAX_SAFE_INTEGER : index;
    };
    const mine = rank(node);
    const after = [...this.nodeRows.rows].find((r) => rank(r.getAttribute('data-node')) > mine);
    this.nodeRows.insertBefore(row, after ?? null);
  }

  /** The per-node stage's end: the sentence naming the odd nodes and each one's fix, or why there were no nodes. */
  private showNodes(nodes: NodesView | undefined, error: string | undefined): void {
    if (error !== undefined) {
      this.nodesSection.hidden = false;
      this.nodesSummary.textContent = l10n.t('The servers behind the name were not probed: {0}', error);
      return;
    }
    if (!nodes) return;
    this.nodesSection.hidden = false;
    this.nodesHeading.textContent = l10n.t('Servers behind {0} ({1} of {2} pass)', nodes.host, nodes.passing, nodes.total);
    this.nodesSummary.textContent = nodes.summary;
    this.nodesRemedies.replaceChildren(...nodes.remedies.map((r) => this.remedyBlock(r)));
  }

  private failureItem(failure: MailboxFailureView): HTMLLIElement {

    const status = mailboxStatusWords()[failure.status];
    const said = failure.code === undefined ? l10n.t(': {0}: {1}', status, failure.reason) : l10n.t(': {0} ({1}): {2}', status, failure.code, failure.reason);
    return this.el('li', { class: `failure status-${failure.status}` }, [
      this.el('span', { class: 'mailbox' }, failure.mailbox),
      this.el('span', {}, failure.node === undefined ? said : l10n.t('{0} [answered by {1}]', said, failure.node)),
    ]) as HTMLLIElement;
  }

  private section(id: string, title: string, children: HTMLElement[]): HTMLElement {
    const headingId = `${id}-heading`;
    return this.el('section', { id, 'aria-labelledby': headingId }, [this.el('h2', { id: headingId }, title), ...children]);
  }

  private field(id: string, label: string, control: HTMLElement): HTMLElement {
    return this.el('div', { class: 'field' }, [this.el('label', { for: id }, label), control]);
  }

  private input(id: string, type: string, placeholder?: string): HTMLInputElement {
    const attributes: Attributes = { id, type };
    if (placeholder) attributes.placeholder = placeholder;
    if (type !== 'checkbox') attributes.spellcheck = 'false';
    return this.el('input', attributes) as HTMLInputElement;
  }

  private button(label: string, onClick: () => void, variant = ''): HTMLButtonElement {
    const button = this.el('button', { type: 'button', class: variant }, label) as HTMLButtonElement;
    button.addEventListener('click', onClick);
    return button;
  }

  /** One element: attributes set one by one, text only through textContent. */
  private el(tag: string, attributes: Attributes, content?: string | HTMLElement[]): HTMLElement {
    const element = this.doc.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) if (value !== '') element.setAttribute(name, value);
    if (typeof content === 'string') element.textContent = content;
    else if (content) element.append(...content);
    return element;
  }
}
