import * as vscode from 'vscode';
import { manualCheckboxLabel, manualCheckboxTooltip, stepsLeftTooltip, stepTooltipMarkdown } from '../core/checklistText';
import { type SetupModel, type StepView } from '../core/model';
import { checklistLabel } from '../core/probeEvidence';
import { stepDefinition, type StepId, type StepStatus } from '../core/steps';
import { workspaceOverrideWarning, workspaceOverrides } from '../core/workspaceSettings';
import { registerSafeCommand } from './commandRunner';
import { inspectConfig } from './configuration';
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

/** Creates the tree view with its badge and checkboxes. */
export function registerChecklistView(
  model: SetupModel,
  settings: { configured(): boolean; titleOf?(id: StepId): string; onDidRefresh(listener: () => void): vscode.Disposable; onDidShow?(): void },
  log: Log,
): { provider: ChecklistTreeProvider; view: vscode.TreeView<StepView>; disposables: vscode.Disposable[] } {
  const titleOf = settings.titleOf?.bind(settings);
  const provider = new ChecklistTreeProvider(model, () => settings.configured(), titleOf);
  const view = vscode.window.createTreeView(CHECKLIST_VIEW_ID, {
    treeDataProvider: provider,
    manageCheckboxStateManually: true,
    showCollapseAll: false,
  });
  const updateBadge = () => {
    const left = model.remaining();
    view.badge = left > 0 ? { value: left, tooltip: stepsLeftTooltip(left) } : undefined;
  };
  updateBadge();
  const modelListener = model.onDidChange(updateBadge);
  const checkboxListener = view.onDidChangeCheckboxState((e) => {
    for (const [step, state] of e.items) {
      model.setConfirmed(step.id, state === vscode.TreeItemCheckboxState.Checked);
    }
  });
  const reveal = registerSafeCommand(log, 'exchangeSetup.revealStep', vscode.l10n.t('Reveal Step in Checklist'), async (arg: unknown) => {
    const id = typeof arg === 'string' ? arg : (arg as { id?: unknown } | undefined)?.id;
    const target = findStep(model.view(), id);
    if (!target) return;
    await vscode.commands.executeCommand(`${CHECKLIST_VIEW_ID}.focus`);
    await view.reveal(target, { select: true, focus: true, expand: true });
  });
  // A workspace value for a setting that shapes snippets is shown above the tree once it has rows.
  // VS Code hides a view's welcome content while the view has a message, so before Configure the
  // warning is a context key that a second welcome paragraph (package.json) shows instead: the
  // Configure button must stay reachable in a cloned repository that sets such a value.
  let overrideKey: boolean | undefined;
  const updateWarning = () => {
    const overrides = workspaceOverrides(inspectConfig, vscode.workspace.isTrusted);
    if (overrideKey !== overrides.length > 0) {
      overrideKey = overrides.length > 0;
      void vscode.commands.executeCommand('setContext', 'exchangeSetup.workspaceOverride', overrideKey);
    }
    const warning = settings.configured() ? workspaceOverrideWarning(overrides) : undefined;
    if (warning !== view.message) {
      view.message = warning;
      if (warning) log.warn(warning);
    }
  };
  // The warning shows only in this view, and reading each setting's layers (inspect) is the dearest
  // part of activation: it is worked out when the view is shown, and on a change while it is shown.
  const updateWarningIfShown = () => {
    if (view.visible) updateWarning();
  };
  const visibilityListener = view.onDidChangeVisibility((e) => {
    if (!e.visible) return;
    updateWarning();
    settings.onDidShow?.();
  });
  if (view.visible) {
    updateWarning();
    settings.onDidShow?.();
  }
  // Configuring may not change the model (same organisation): the welcome view must still give way.
  const settingsListener = settings.onDidRefresh(() => {
    updateWarningIfShown();
    provider.refresh();
  });
  const trustListener = vscode.workspace.onDidGrantWorkspaceTrust(updateWarningIfShown);
  return { provider, view, disposables: [provider, view, modelListener, checkboxListener, reveal, visibilityListener, settingsListener, trustListener] };
}
