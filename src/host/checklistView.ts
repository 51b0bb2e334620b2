import * as vscode from 'vscode';
import { manualCheckboxLabel, manualCheckboxTooltip, settingsProblemsMessage, stepsLeftTooltip, stepTooltipMarkdown } from '../core/checklistText';
import { type SetupModel, type StepView } from '../core/model';
import { checklistLabel } from '../core/probeEvidence';
import { stepDefinition, type StepId, type StepStatus } from '../core/steps';
import { describeError, errorToLog } from '../core/errors';
import { registerSafeCommand } from './commandRunner';
import { inspectConfig } from './configuration';
import { loadSettingsChecks } from './loadSettingsChecks';
import type { Log } from './log';

export const CHECKLIST_VIEW_ID = 'exchangeSetup.checklist';

const STATUS_ICONS: Record<StepStatus, vscode.ThemeIcon> = {
  notStarted: new vscode.ThemeIcon('circle-large-outline'),
  done: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  notApplicable: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
  unknown: new vscode.ThemeIcon('question', new vscode.ThemeColor('testing.iconQueued')),
};

/** Only maps the model's view onto tree items; the model decides everything. */
export class ChecklistTreeProvider implements vscode.TreeDataProvider<StepView>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StepView | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };

  /**
   * `configured` decides whether the tree has rows at all: VS Code shows a view's welcome content (the
   * Configure button) only while the tree is empty, so an unconfigured checklist must be empty.
   */
  constructor(
    private readonly model: SetupModel,
    private readonly configured: () => boolean = () => true,
    private readonly titleOf: (id: StepId) => string = (id) => stepDefinition(id).title,
  ) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: StepView): StepView[] {
    if (element) return [...element.children];
    return this.configured() ? this.model.view() : [];
  }

  getParent(element: StepView): StepView | undefined {
    const parentId = element.definition.parent;
    return parentId ? this.model.view().find((v) => v.id === parentId) : undefined;
  }

  getTreeItem(step: StepView): vscode.TreeItem {
    const title = this.titleOf(step.id);
    const item = new vscode.TreeItem(
      title,
      step.children.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = step.id;
    item.description = step.description;
    item.iconPath = STATUS_ICONS[step.status];
    item.tooltip = tooltipFor(step);
    item.contextValue = contextValueFor(step);
    item.accessibilityInformation = { label: checklistLabel(step, title) };
    if (step.definition.manual && step.status !== 'notApplicable') {
      item.checkboxState = {
        state: step.status === 'done' ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked,
        tooltip: manualCheckboxTooltip(),
        accessibilityInformation: { label: manualCheckboxLabel(title) },
      };
    }
    if (step.definition.hasSnippet && step.status !== 'notApplicable') {
      item.command = { command: 'exchangeSetup.openStepHelp', title: vscode.l10n.t('Open Step Explanation'), arguments: [step] };
    }
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Menus match on these words: `step`, `id-<step id>`, `snippet`, `readback`, `dryrun`, `manual`, `leaf`, `confirmable` and `status-<status>`. */
export function contextValueFor(step: StepView): string {
  const words = ['step', `id-${step.id}`, `status-${step.status}`];
  if (step.children.length === 0) words.push('leaf');
  // A person may confirm a step by hand, with a reason, when the evidence cannot be had here.
  if (step.children.length === 0 && !step.definition.manual && step.status !== 'done' && step.status !== 'notApplicable') words.push('confirmable');
  if (step.definition.hasSnippet && step.status !== 'notApplicable') words.push('snippet');
  if (step.definition.readBack && step.status !== 'notApplicable') words.push('readback');
  if (step.definition.hasDryRun && step.status !== 'notApplicable') words.push('dryrun');
  if (step.definition.manual) words.push('manual');
  return words.join(' ');
}

function tooltipFor(step: StepView): vscode.MarkdownString {
  const md = new vscode.MarkdownString(stepTooltipMarkdown(step), false);
  md.supportThemeIcons = false;
  return md;
}

function findStep(steps: readonly StepView[], id: unknown): StepView | undefined {
  for (const step of steps) {
    if (step.id === id) return step;
    const inner = findStep(step.children, id);
    if (inner) return inner;
  }
  return undefined;
}

/** What the checklist needs from the session (src/extension.ts passes it). */
export interface ChecklistSettings {
  configured(): boolean;
  /** The settings' problems (validation), read when the view is shown and on a change while it is. */
  problems?(): readonly { readonly message: string }[];
  titleOf?(id: StepId): string;
  onDidRefresh(listener: () => void): vscode.Disposable;
  onDidShow?(): void;
}

/** Creates the tree view with its badge and checkboxes. */
export function registerChecklistView(
  model: SetupModel,
  settings: ChecklistSettings,
  log: Log,
): { provider: ChecklistTreeProvider; view: vscode.TreeView<StepView>; disposables: vscode.Disposable[] } {
  const checklist = new ChecklistView(model, settings, log);
  return { provider: checklist.provider, view: checklist.view, disposables: checklist.disposables };
}

/**
 * The tree view, its badge, checkboxes, the Reveal Step command and the workspace-override warning.
 * A class for the start's sake (as SetupSession in session.ts): a start compiles the constructor; the
 * handlers are compiled when first called.
 */
class ChecklistView {
  readonly provider: ChecklistTreeProvider;
  readonly view: vscode.TreeView<StepView>;
  readonly disposables: vscode.Disposable[];
  /** Whether the override context key was last set on (undefined: not set by this window yet). */
  private overrideKey: boolean | undefined;
  private loggedOverrideWarning: string | undefined;
  /** The last failure to work out the message, logged once while it repeats. */
  private loggedFailure: string | undefined;

  constructor(private readonly model: SetupModel, private readonly settings: ChecklistSettings, private readonly log: Log) {
    const titleOf = settings.titleOf?.bind(settings);
    this.provider = new ChecklistTreeProvider(model, () => settings.configured(), titleOf);
    this.view = vscode.window.createTreeView(CHECKLIST_VIEW_ID, {
      treeDataProvider: this.provider,
      manageCheckboxStateManually: true,
      showCollapseAll: false,
    });
    this.updateBadge();
    this.disposables = [
      this.provider,
      this.view,
      model.onDidChange(() => this.updateBadge()),
      this.view.onDidChangeCheckboxState((e) => this.checkboxesChanged(e)),
      registerSafeCommand(log, 'exchangeSetup.revealStep', vscode.l10n.t('Reveal Step in Checklist'), (arg: unknown) => this.reveal(arg)),
      this.view.onDidChangeVisibility((e) => {
        if (e.visible) this.shown();
      }),
      // Configuring may not change the model (same organisation): the welcome view must still give way.
      settings.onDidRefresh(() => {
        this.updateWarningIfShown();
        this.provider.refresh();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.updateWarningIfShown()),
    ];
    if (this.view.visible) this.shown();
  }

  private updateBadge(): void {
    const left = this.model.remaining();
    this.view.badge = left > 0 ? { value: left, tooltip: stepsLeftTooltip(left) } : undefined;
  }

  private checkboxesChanged(e: vscode.TreeCheckboxChangeEvent<StepView>): void {
    for (const [step, state] of e.items) {
      this.model.setConfirmed(step.id, state === vscode.TreeItemCheckboxState.Checked);
    }
  }

  private async reveal(arg: unknown): Promise<void> {
    const id = typeof arg === 'string' ? arg : (arg as { id?: unknown } | undefined)?.id;
    const target = findStep(this.model.view(), id);
    if (!target) return;
    await vscode.commands.executeCommand(`${CHECKLIST_VIEW_ID}.focus`);
    await this.view.reveal(target, { select: true, focus: true, expand: true });
  }

  private shown(): void {
    this.updateWarning();
    this.settings.onDidShow?.();
  }

  /**
   * Settings with problems, and a workspace value for a setting that shapes snippets, are shown above
   * the tree once it has rows. VS Code hides a view's welcome content while the view has a message, so
   * before Configure the override warning is a context key that a second welcome paragraph
   * (package.json) shows instead: the Configure button must stay reachable in a cloned repository that
   * sets such a value. (Configure itself reports the problems of what it is given.)
   */
  private updateWarning(): void {
    let message: string | undefined;
    try {
      message = this.workOutMessage();
      this.loggedFailure = undefined;
    } catch (error) {
      // A damaged installation (lazyModule's words say which file and what to do; anything else is
      // described as unexpected): the checklist says so where the settings' problems would be, the log
      // has it once with its stack, and the view works on.
      message = describeError(vscode.l10n.t('Checking the settings'), error);
      if (message !== this.loggedFailure) {
        this.loggedFailure = message;
        this.log.error('The checklist could not check the settings', errorToLog(error));
      }
    }
    if (message !== this.view.message) this.view.message = message;
  }

  private workOutMessage(): string | undefined {
    const checks = loadSettingsChecks();
    const overrides = checks.workspaceOverrides(inspectConfig, vscode.workspace.isTrusted);
    if (this.overrideKey !== overrides.length > 0) {
      this.overrideKey = overrides.length > 0;
      void vscode.commands.executeCommand('setContext', 'exchangeSetup.workspaceOverride', this.overrideKey);
    }
    const configured = this.settings.configured();
    const overrideWarning = configured ? checks.workspaceOverrideWarning(overrides) : undefined;
    // The session logs setting problems when it reads a change; the override warning is logged here.
    if (overrideWarning !== this.loggedOverrideWarning) {
      this.loggedOverrideWarning = overrideWarning;
      if (overrideWarning) this.log.warn(overrideWarning);
    }
    const problems = configured ? settingsProblemsMessage(this.settings.problems?.() ?? []) : undefined;
    return [problems, overrideWarning].filter((part) => part !== undefined).join(' ') || undefined;
  }

  /**
   * The message shows only in this view, and reading each setting's layers (inspect) and validating
   * them would be the dearest part of activation: it is worked out when the view is shown, and on a
   * change while it is shown.
   */
  private updateWarningIfShown(): void {
    if (this.view.visible) this.updateWarning();
  }
}
