/**
 * The whole procedure as one .ps1 file: a parameter block with every value quoted once, then each
 * step's action and verification in order. Rollbacks are functions the file defines but never
 * calls, so running it top to bottom can never undo anything.
 */
import * as l10n from './l10n';
import { psQuote } from './quote';
import { getField, type SetupSettings, type SettingField } from './settings';
import { buildSnippet, fieldsUsedBy, hasStatements, literalRefs, renderScript, type SnippetContext, type StepSnippet, type ValueRefs } from './snippets';
import { SNIPPET_STEPS, stepDefinition, type StepId } from './steps';
import { validateSettings, type FieldIssue } from './validate';

/** The runbook's variable for each setting a snippet can read. */
const PARAMETER_NAMES: { readonly [K in SettingField]?: string } = {
  ewsUrl: 'EwsUrl',
  exchangeServer: 'ExchangeServer',
  'serviceAccount.upn': 'ServiceAccountUpn',
  'serviceAccount.alias': 'ServiceAccountAlias',
  'serviceAccount.displayName': 'ServiceAccountDisplayName',
  'serviceAccount.organizationalUnit': 'ServiceAccountOrganizationalUnit',
  'access.limitToGroup': 'AccessLimitToGroup',
  'impersonation.scopeName': 'ImpersonationScopeName',
  'impersonation.assignmentName': 'ImpersonationAssignmentName',
  testMailbox: 'TestMailbox',
};

function parameterName(field: SettingField): string {
  const name = PARAMETER_NAMES[field];
  if (!name) throw new Error(`The runbook has no parameter for ${field}`);
  return name;
}

function constant(text: string): string {
  return psQuote(text, 'runbook constant');
}

const variableRefs: ValueRefs = {
  value: (field) => `$${parameterName(field)}`,
  valueWithSuffix: (field, suffix) => `($${parameterName(field)} + ${constant(suffix)})`,
  valueBetween: (prefix, field, suffix) => `(${constant(prefix)} + $${parameterName(field)} + ${constant(suffix)})`,
  // Microsoft's own form for a variable inside an OPATH text value: $User -Replace "'","''".
  opathValueBetween: (prefix, field, suffix) => `(${constant(prefix)} + ($${parameterName(field)} -replace "'", "''") + ${constant(suffix)})`,
};

/** The steps of the runbook: every step with a snippet, except the access method not chosen. */
export function runbookStepIds(settings: SetupSettings): StepId[] {
  return SNIPPET_STEPS.filter((id) => {
    const method = stepDefinition(id).method;
    return method === undefined || method === settings.accessMethod;
  });
}

export interface RunbookStep {
  id: StepId;
  title: string;
  action: string;
  verify: string;
  rollback: string;
  /** Only for steps with a dry run (-WhatIf). */
  dryRun?: string;
}

export type RunbookResult = { ok: true; text: string } | { ok: false; issues: FieldIssue[] };
export type RunbookStepsResult = { ok: true; steps: RunbookStep[] } | { ok: false; issues: FieldIssue[] };

/** Builds every step's snippet with `refs`, or collects every issue (each field reported once). */
function buildAll(settings: SetupSettings, context: SnippetContext, refs: ValueRefs): { ok: true; snippets: StepSnippet[] } | { ok: false; issues: FieldIssue[] } {
  const ids = runbookStepIds(settings);
  const base = validateSettings(settings, ['accessMethod']);
  if (base.length > 0) return { ok: false, issues: base };
  const snippets: StepSnippet[] = [];
  const issues = new Map<SettingField, FieldIssue>();
  for (const id of ids) {
    const result = buildSnippet(id, settings, context, refs);
    if (result.ok) snippets.push(result.snippet);
    else for (const issue of result.issues) if (!issues.has(issue.field)) issues.set(issue.field, issue);
  }
  return issues.size > 0 ? { ok: false, issues: [...issues.values()] } : { ok: true, snippets };
}

/** Each step as standalone text (values as literals), for `snippets --json` and other tools. */
export function runbookSteps(settings: SetupSettings, context: SnippetContext = {}): RunbookStepsResult {
  const built = buildAll(settings, context, literalRefs(settings));
  if (!built.ok) return built;
  return {
    ok: true,
    steps: built.snippets.map((s) => ({
      id: s.stepId,
      title: s.title,
      action: renderScript(s.action),
      verify: renderScript(s.verify),
      rollback: renderScript(s.rollback),
      ...(s.dryRun ? { dryRun: renderScript(s.dryRun) } : {}),
    })),
  };
}

function functionName(verb: string, id: StepId): string {
  const words = id.split(/[.]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1));
  return `${verb}-Ecs${words.join('')}`;
}

const undoFunctionName = (id: StepId): string => functionName('Undo', id);

const RULE = `# ${'-'.repeat(98)}`;

/**
 * `text` (the runbook's prose, in the display language) as PowerShell comment lines. The PowerShell
 * itself, and the names of cmdlets, functions and markers the prose quotes, stay as they are.
 */
function comment(text: string): string[] {
  return text.split(/\r?\n/).map((line) => `# ${line}`);
}

function renderParameterBlock(settings: SetupSettings, ids: readonly StepId[]): string[] {
  const used = new Set<SettingField>();
  for (const id of ids) for (const field of fieldsUsedBy(id)) if (PARAMETER_NAMES[field]) used.add(field);
  // Empty optional values are left out: the steps do not refer to them either.
  const ordered = (Object.keys(PARAMETER_NAMES) as SettingField[]).filter((f) => used.has(f) && getField(settings, f) !== '');
  return [
    ...comment(l10n.t('Parameters: the values from your settings ({0}). Change them here, not in the steps below.', 'exchangeSetup.*')),
    ...ordered.map((field) => `$${parameterName(field)} = ${psQuote(String(getField(settings, field)), field)}`),
  ];
}

/** An optional step's action is a function the file defines but never calls: running the file never does it. */
function renderAction(snippet: StepSnippet): string[] {
  if (!stepDefinition(snippet.stepId).optional) return [...comment(l10n.t('Action')), renderScript(snippet.action)];
  const name = functionName('Invoke', snippet.stepId);
  return [
    ...comment(l10n.t('Action (optional): defined here, never called by this file. Call {0} yourself to do this step.', name)),
    `function ${name} {`,
    renderScript(snippet.action, '    '),
    '}',
  ];
}

function renderStep(snippet: StepSnippet, index: number): string[] {
  const definition = stepDefinition(snippet.stepId);
  const rollbackBody = renderScript(snippet.rollback, '    ');
  const dryRun = snippet.dryRun && hasStatements(snippet.dryRun) ? [...comment(l10n.t('Dry run: changes nothing ({0}); read its output before the action.', '-WhatIf')), renderScript(snippet.dryRun), ''] : [];
  return [
    RULE,
    ...comment(l10n.t('Step {0}: {1} ({2})', index + 1, snippet.title, snippet.stepId)),
    ...comment(definition.summary),
    RULE,
    ...dryRun,
    ...renderAction(snippet),
    '',
    ...comment(hasStatements(snippet.verify) ? l10n.t('Verification: prints the result as JSON between {0} and {1} lines.', 'ECS-BEGIN', 'ECS-END') : l10n.t('Verification')),
    renderScript(snippet.verify),
    '',
    ...comment(l10n.t('Rollback: defined here, never called by this file. Call {0} yourself to undo this step.', undoFunctionName(snippet.stepId))),
    `function ${undoFunctionName(snippet.stepId)} {`,
    rollbackBody,
    '}',
    '',
  ];
}

/** The runbook .ps1 for these settings, or the issues that prevent it. */
export function renderRunbook(settings: SetupSettings, context: SnippetContext = {}): RunbookResult {
  const built = buildAll(settings, context, variableRefs);
  if (!built.ok) return built;
  const ids = built.snippets.map((s) => s.stepId);
  const method = settings.accessMethod === 'impersonation' ? l10n.t('Method 1, impersonation') : l10n.t('Method 2, per-mailbox rights');
  const lines = [
    ...comment(
      l10n.t(
        'Exchange Calendar Setup: runbook for giving a calendar service access to Exchange calendars through EWS.\nGenerated by the {0} extension from your settings. Run it in an Exchange Management Shell\n(or a Windows PowerShell session that can reach the Exchange server), preferably one step at a time.\nAccess method: {1}. Rollbacks are {2} functions: to use them, dot-source this file ({3})\nor copy a function body, and undo steps in the reverse of their order here.\nNo password is written in this file: {4} asks for it with {5}.',
        'exchange-calendar-setup',
        method,
        'Undo-Ecs*',
        '. .\\runbook.ps1',
        'New-Mailbox',
        'Read-Host -AsSecureString',
      ),
    ),
    '',
    ...renderParameterBlock(settings, ids),
    '',
    ...comment(l10n.t('Stop at the first error instead of carrying on with a half-done step.')),
    "$ErrorActionPreference = 'Stop'",
    '',
    ...built.snippets.flatMap((snippet, index) => renderStep(snippet, index)),
  ];
  return { ok: true, text: `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n` };
}
