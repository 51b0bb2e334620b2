/**
 * The panel's probe runs: the ProbeRunner's events shown on the page (and replayed when a hidden page
 * is shown again), probe evidence recorded on the checklist, and the report of the last run exported
 * or copied. The run itself, and the redaction of what the server said, are the runner's.
 */
import * as vscode from 'vscode';
import { probeEngine } from './engine';
import { recordProbeEvidence, type ProbeEvidence } from '../../core/probeEvidence';
import type { CheckStatus, EventView, HostMessage, NodeView, NodesView, ProbeForm, RemedyAction, RemedyView, RunOutcome } from '../../core/protocol';
import { diagnosticsText, reportJson, reportMarkdown, spokenEvent, toCheckView, type NodesFinding, type ReportInput } from '../../core/report';
import { ProbeRunner, type NodeFinding, type ProbeRunEvent, type ProbeRunResult } from '../../core/runs/probeRun';
import { stepDefinition, type StepId } from '../../core/steps';
import type { Connection } from './connection';
import { listenerFailed, type PanelServices } from './services';
import { requireTrustedWorkspace } from './trust';

/** What `exchangeSetup.runProbes` returns (the integration tests read it): no secret in it. */
export interface ProbeRunSummary {
  outcome: RunOutcome;
  checks: { id: string; status: CheckStatus; message: string }[];
  evidence: ProbeEvidence[];
  /** Per-node mode: the node counts and the sentence naming the odd nodes. */
  nodes?: { total: number; passing: number; summary: string };
}

/** The run as the page last saw it, replayed to a page shown again. */
interface ShownRun {
  started: Extract<HostMessage, { type: 'runStarted' }>;
  /** The checks, then (per-node mode) the nodes, in the order they were shown. */
  checks: Extract<HostMessage, { type: 'check' | 'nodesStarted' | 'node' }>[];
  finished?: Extract<HostMessage, { type: 'runFinished' }>;
}

const MAX_KEPT_EVIDENCE = 4;

/** Events as a voice assistant says them, in the admin's time zone (the host's). */
const spoken = (list: ProbeRunResult['events']): EventView[] | undefined => list?.map((e) => spokenEvent(e));

/** One node as the page shows it: its checks in the panel's check form (names, remedy steps). */
export function nodeView(node: NodeFinding): NodeView {
  return {
    node: node.node, ...(node.address === undefined ? {} : { address: node.address }), label: node.label, ok: node.ok,
    ...(node.server ? { server: { build: node.server.build, product: node.server.product } } : {}), checks: node.checks.map(toCheckView),
  };
}

/** The per-node stage's end as the page shows it: each odd node's fix goes through the same remedy view as a check's. */
export function nodesView(nodes: NodesFinding): NodesView {
  const remedies: RemedyView[] = [];
  for (const d of nodes.differing) {
    // toCheckView gives the step's title and whether it has a snippet, as for any check row.
    const remedy = d.remedy ? toCheckView({ id: 'node', status: 'fail', message: '', ms: 0, remedy: d.remedy }).remedy : undefined;
    if (remedy) remedies.push(remedy);
  }
  return { host: nodes.host, total: nodes.total, passing: nodes.passing, summary: nodes.summary, remedies };
}

export class Probes implements vscode.Disposable {
  readonly runner: ProbeRunner;
  private shown: ShownRun | undefined;
  private readonly evidence = new Map<number, ProbeEvidence[]>();

  constructor(private readonly panel: PanelServices, private readonly connection: Connection) {
    this.runner = new ProbeRunner(() => probeEngine().runProbes, listenerFailed(panel), () => probeEngine());
    this.runner.onEvent((event) => this.show(event));
  }

  private show(event: ProbeRunEvent): void {
    switch (event.type) {
      case 'started':
        this.shown = { started: { type: 'runStarted', runId: event.runId, purpose: event.purpose }, checks: [] };
        this.panel.post(this.shown.started);
        return;
      case 'check': {
        const message: HostMessage = { type: 'check', runId: event.runId, check: toCheckView(event.check) };
        this.shown?.checks.push(message);
        this.panel.post(message);
        return;
      }
      case 'mailboxProgress':
        return;
      case 'nodesStarted':
      case 'node': {
        const message: Extract<HostMessage, { type: 'nodesStarted' | 'node' }> = event.type === 'node'
          ? { type: 'node', runId: event.runId, node: nodeView(event.node) }
          : { type: 'nodesStarted', runId: event.runId, host: event.host, nodes: event.nodes };
        this.shown?.checks.push(message);
        this.panel.post(message);
        return;
      }
      case 'writeStep':
        this.panel.post({ type: 'writeStep', runId: event.runId, step: event.step, index: event.index, of: event.of });
        return;
      case 'leftBehind':
        // Also after a cancel, when the run's checks are no longer shown: the admin must delete it.
        this.panel.log.warn(`Probe run ${event.runId}: ${event.message}`);
        this.panel.post({ type: 'notice', level: 'warning', text: event.message });
        return;
      case 'finished': {
        const { result } = event;
        // What completed before a cancel or an error is still true: it is recorded too.
        this.evidence.set(result.runId, recordProbeEvidence(this.panel.model, result.checks, result.report.configuration.accessMethod));
        // Only the latest runs are ever asked for (by the run that awaits its own result).
        if (this.evidence.size > MAX_KEPT_EVIDENCE) this.evidence.delete(this.evidence.keys().next().value as number);
        const finished: Extract<HostMessage, { type: 'runFinished' }> = {
          type: 'runFinished', runId: result.runId, outcome: result.outcome, summary: result.summary,
          ...(result.server ? { server: result.server } : {}), ...(result.events ? { events: spoken(result.events) } : {}), ...(result.roomEvents ? { roomEvents: spoken(result.roomEvents) } : {}),
          ...(result.nodes ? { nodes: nodesView(result.nodes) } : {}), ...(result.nodesError === undefined ? {} : { nodesError: result.nodesError }),
          ...(result.refused ? { refused: true } : {}),
        };
        if (this.shown?.started.runId === result.runId) this.shown.finished = finished;
        this.panel.post(finished);
        if (result.outcome === 'error') this.panel.log.warn(`Probe run ${result.runId} stopped: ${result.summary}`);
        this.panel.log.info(`Probe run ${result.runId} (${result.purpose}): ${result.outcome}; ${result.checks.map((f) => `${f.id}=${f.status}`).join(' ')}`);
        return;
      }
      default: {
        const never: never = event;
        throw new Error(`Unhandled probe run event ${JSON.stringify(never)}`);
      }
    }
  }

  /** Sends the last (or running) run again, for a page shown again. */
  replay(): void {
    if (!this.shown) return;
    this.panel.post(this.shown.started);
    for (const check of this.shown.checks) this.panel.post(check);
    if (this.shown.finished) this.panel.post(this.shown.finished);
  }

  /**
   * Runs the probes with the form's values; the page follows through the runner's events. Per-node
   * mode when exchangeSetup.probes.nodes lists servers and/or `allNodes` (the page's "Probe every
   * server behind the name").
   */
  async run(form: ProbeForm, allNodes = false): Promise<ProbeRunSummary> {
    // A run that cannot start still shows on the page as a run that ended, with the reason.
    try {
      requireTrustedWorkspace();
    } catch (error) {
      return this.summary(this.runner.refuse('error', (error as Error).message));
    }
    const nodes = this.connection.probeNodes();
    const problems = [...this.connection.problems(form), ...nodes.problems];
    if (problems.length > 0) return this.summary(this.runner.refuse('error', problems.join(' ')));
    const password = await this.connection.passwordFor(form);
    if (password === undefined) return this.summary(this.runner.refuse('cancelled', vscode.l10n.t('No password was given.')));
    let result: ProbeRunResult;
    try {
      result = await this.runner.start({
        ewsUrl: form.ewsUrl, upn: form.upn, password, accessMethod: form.accessMethod, testMailbox: form.testMailbox, testRoomMailbox: this.connection.testRoomMailbox(),
        extraCaPem: await this.connection.extraCaPem(), write: form.write, timeoutMs: this.connection.probeTimeoutMs(),
        ...(nodes.nodes.length > 0 || allNodes ? { nodes: nodes.nodes, allNodes } : {}),
      });
    } catch (error) {
      return this.summary(this.runner.refuse('error', (error as Error).message));
    }
    return this.summary(result);
  }

  private summary(result: ProbeRunResult): ProbeRunSummary {
    return {
      outcome: result.outcome, checks: result.checks.map((f) => ({ id: f.id, status: f.status, message: f.message })), evidence: this.evidence.get(result.runId) ?? [],
      ...(result.nodes ? { nodes: { total: result.nodes.total, passing: result.nodes.passing, summary: result.nodes.summary } } : {}),
    };
  }

  async remedy(action: RemedyAction, step: StepId): Promise<void> {
    if (action !== 'reveal' && !stepDefinition(step).hasSnippet) {
      this.panel.log.warn(`Probe panel: step ${step} has no snippet to ${action}.`);
      return;
    }
    const command = action === 'insert' ? 'exchangeSetup.insertSnippet' : action === 'copy' ? 'exchangeSetup.copySnippet' : 'exchangeSetup.revealStep';
    await vscode.commands.executeCommand(command, step);
  }

  /** The last run's report input; the stored password is masked again, in case a server echoed it in a form the run did not know. */
  private async reportInput(): Promise<ReportInput | undefined> {
    const last = this.runner.lastResult;
    if (!last) return undefined;
    const { ewsUrl, upn } = last.report.configuration;
    const password = await this.connection.storedPassword(ewsUrl, upn);
    return { ...last.report, generatedAt: new Date(), toolVersion: String(this.panel.context.extension.packageJSON.version ?? 'unknown'), secrets: password === undefined ? [] : [password] };
  }

  /** Saves the Markdown report and the JSON beside it; returns the Markdown file, or undefined when dismissed. */
  async exportReport(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const input = await this.reportInput();
    if (!input) {
      vscode.window.showWarningMessage(vscode.l10n.t('Run the probes first: the report describes the last run.'));
      return undefined;
    }
    const stamp = input.generatedAt.toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = target ?? await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `exchange-probe-report-${stamp}.md`) : undefined,
      filters: { Markdown: ['md'] },
      saveLabel: vscode.l10n.t('Export report'),
    });
    if (!uri) return undefined;
    const jsonUri = uri.with({ path: uri.path.replace(/(\.md)?$/i, '.json') });
    const encoder = new TextEncoder();
    await vscode.workspace.fs.writeFile(uri, encoder.encode(reportMarkdown(input)));
    await vscode.workspace.fs.writeFile(jsonUri, encoder.encode(reportJson(input)));
    this.panel.log.info(`Exported the probe report to ${uri.toString(true)} and ${jsonUri.toString(true)}.`);
    if (!target) {
      const open = vscode.l10n.t('Open');
      void vscode.window.showInformationMessage(vscode.l10n.t('Saved the report and {0} beside it.', jsonUri.path.split('/').pop() ?? ''), open).then((choice) => {
        if (choice === open) void vscode.window.showTextDocument(uri);
      });
    }
    return uri;
  }

  async copyDiagnostics(): Promise<string | undefined> {
    const input = await this.reportInput();
    if (!input) {
      vscode.window.showWarningMessage(vscode.l10n.t('Run the probes first: the diagnostics describe the last run.'));
      return undefined;
    }
    const text = diagnosticsText(input);
    await vscode.env.clipboard.writeText(text);
    this.panel.post({ type: 'notice', level: 'info', text: vscode.l10n.t('Copied the diagnostics of the last run (no password in them).') });
    return text;
  }

  dispose(): void {
    this.runner.dispose();
  }
}
