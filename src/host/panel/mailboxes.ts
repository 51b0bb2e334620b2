/**
 * The panel's "Verify all enrolled users": a pasted list, a file's list, or (one click after a run
 * that left some not checked) only those, verified by the MailboxVerifier. Its events go to the page
 * and are kept (the start, the latest progress, the end) so a page shown again shows them as they were.
 */
import * as vscode from 'vscode';
import { probeEngine } from './engine';
import { mailboxCountsText, type HostMessage, type MailboxListProblemView } from '../../core/protocol';
import { MailboxVerifier, type MailboxVerificationEvent } from '../../core/runs/mailboxVerification';
import type { Connection } from './connection';
import type { Probes } from './probes';
import { listenerFailed, type PanelServices } from './services';
import { requireTrustedWorkspace } from './trust';

const MAX_MAILBOX_FILE_BYTES = 4_000_000;
/**
 * The longest throttling back-off the panel waits out for one verification. A longer one stops the
 * run at once: the rest are "not checked: throttled, retry after N s", and "Verify N not checked
 * again" picks them up later, instead of a progress bar that stands still for an hour.
 */
const LONGEST_PANEL_WAIT_MS = 5 * 60_000;

type VerifyMessage = Extract<HostMessage, { type: 'verifyStarted' | 'verifyProgress' | 'verifyFinished' }>;

export type MailboxSource = { kind: 'pasted'; text: string } | { kind: 'file' } | { kind: 'notChecked' };

export class Mailboxes implements vscode.Disposable {
  readonly verifier: MailboxVerifier;
  private shown: VerifyMessage[] = [];

  constructor(private readonly panel: PanelServices, private readonly connection: Connection, private readonly probes: Probes) {
    this.verifier = new MailboxVerifier(() => probeEngine().verifyMailboxes, listenerFailed(panel), () => probeEngine().verifyMailboxesAcrossNodes);
    this.verifier.onEvent((event) => this.show(event));
  }

  private show(event: MailboxVerificationEvent): void {
    let message: VerifyMessage;
    switch (event.type) {
      case 'started': message = { type: 'verifyStarted', total: event.total, problems: event.problems }; break;
      case 'progress': {
        const { type: _progress, ...counts } = event;
        message = { type: 'verifyProgress', ...counts };
        break;
      }
      case 'finished': {
        const { byNode } = event.result.mailboxes;
        message = { type: 'verifyFinished', counts: event.result.counts, unverified: event.result.mailboxes.unverified, outcome: event.result.outcome, ...(byNode ? { byNode } : {}) };
        break;
      }
      default: {
        const never: never = event;
        throw new Error(`Unhandled verification event ${JSON.stringify(never)}`);
      }
    }
    this.shown = message.type === 'verifyStarted' ? [message] : [...this.shown.filter((m) => m.type !== 'verifyProgress'), message];
    this.panel.post(message);
  }

  replay(): void {
    for (const message of this.shown) this.panel.post(message);
  }

  async verify(source: MailboxSource): Promise<void> {
    requireTrustedWorkspace();
    const list = await this.list(source);
    if (!list) return;
    const total = list.mailboxes.length;
    if (total === 0) {
      this.verifier.refuse('error', 0, list.problems);
      this.panel.post({ type: 'notice', level: 'warning', text: vscode.l10n.t('No addresses to verify: paste one SMTP address per line, or pick a file.') });
      return;
    }
    const form = this.connection.form();
    const problems = this.connection.problems(form);
    const password = problems.length === 0 ? await this.connection.passwordFor(form) : undefined;
    if (password === undefined) {
      this.verifier.refuse('cancelled', total, list.problems);
      if (problems.length > 0) this.panel.post({ type: 'notice', level: 'error', text: problems.join(' ') });
      return;
    }
    // Per-node mode: the last probe run of this EWS URL probed the nodes; the mailboxes are spread over them.
    const last = this.probes.runner.lastResult;
    const nodes = last?.nodes && last.report.configuration.ewsUrl === form.ewsUrl ? last.nodes.nodes : undefined;
    const result = await this.verifier.start({
      ewsUrl: form.ewsUrl, upn: form.upn, password, accessMethod: form.accessMethod, extraCaPem: await this.connection.extraCaPem(),
      mailboxes: list.mailboxes, problems: list.problems, longestWaitMs: LONGEST_PANEL_WAIT_MS, ...(nodes ? { nodes } : {}),
    });
    if (result.outcome !== 'cancelled') {
      this.probes.runner.attachMailboxes(result.mailboxes);
      this.panel.log.info(`Verified mailboxes: ${mailboxCountsText(result.counts)}.`);
    }
  }

  /** The addresses to verify, or undefined when the admin picked no file (or the file is too large). */
  private async list(source: MailboxSource): Promise<{ mailboxes: string[]; problems: MailboxListProblemView[] } | undefined> {
    if (source.kind === 'notChecked') {
      if (this.verifier.notChecked.length === 0) {
        this.panel.post({ type: 'notice', level: 'info', text: vscode.l10n.t('No mailbox was left not checked by the last verification.') });
        return undefined;
      }
      return { mailboxes: [...this.verifier.notChecked], problems: [] };
    }
    let text: string;
    if (source.kind === 'pasted') {
      text = source.text;
    } else {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Verify these mailboxes'), filters: { [vscode.l10n.t('Mailbox lists')]: ['txt', 'csv'], [vscode.l10n.t('All files')]: ['*'] } });
      if (!picked || picked.length === 0) return undefined;
      const bytes = await vscode.workspace.fs.readFile(picked[0]);
      if (bytes.byteLength > MAX_MAILBOX_FILE_BYTES) {
        this.panel.post({ type: 'notice', level: 'error', text: vscode.l10n.t('That file is larger than {0} MB; split the list.', MAX_MAILBOX_FILE_BYTES / 1_000_000) });
        return undefined;
      }
      text = new TextDecoder('utf-8').decode(bytes);
    }
    return probeEngine().parseMailboxList(text);
  }

  dispose(): void {
    this.verifier.dispose();
  }
}
