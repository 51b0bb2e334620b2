import * as vscode from 'vscode';
import { UserFacingError } from '../core/errors';
import type { SetupModel } from '../core/model';
import { hasStatements, renderScript, snippetForStep, toPromptLine, type Script, type StepSnippet } from '../core/snippets';
import { stepDefinition, type StepId } from '../core/steps';
import { applyVerificationReading, readBackOutcome } from '../core/readBack';
import { interpretVerification, type VerificationReading } from '../core/verification';
import type { FieldIssue } from '../core/validate';
import { registerSafeCommand, runCommand } from './commandRunner';
import type { Log } from './log';
import type { SettingsReading } from './configuration';
import { resolveStep } from './stepArgument';
import type { ExchangeTerminal } from './terminal';

export interface SnippetCommandDeps {
  readonly model: SetupModel;
  readonly terminal: ExchangeTerminal;
  readonly log: Log;
  readonly readSettings: () => SettingsReading;
}

type SnippetPart = 'action' | 'verify' | 'rollback' | 'dryRun';

/** Settings are invalid: the message names each setting, its problem and a good example. */
export class InvalidSettingsError extends UserFacingError {
  constructor(readonly issues: readonly FieldIssue[]) {
    super(
      issues.length === 1
        ? vscode.l10n.t('Fix this setting first: {0}', issues[0].message)
        : vscode.l10n.t('Fix these {0} settings first: {1}', issues.length, issues.map((i) => i.message).join(' | ')),
    );
  }
}

export function requireTrustedWorkspace(action: string): void {
  if (!vscode.workspace.isTrusted) {
    throw new UserFacingError(
      vscode.l10n.t('{0} is disabled in an untrusted workspace: a folder you have not trusted could otherwise steer what runs in your Exchange shell. Trust the folder (Workspaces: Manage Workspace Trust) to use it; the checklist stays readable.', action),
    );
  }
}

/** A step that only verifies (its action has no statement) inserts its verification as its snippet. */
function commandsToInsert(snippet: StepSnippet, part: SnippetPart): Script | undefined {
  const script = snippet[part];
  if (script && hasStatements(script)) return script;
  if (part === 'action' && hasStatements(snippet.verify)) return snippet.verify;
  return undefined;
}

export function snippetFor(deps: SnippetCommandDeps, id: StepId): StepSnippet {
  const { settings } = deps.readSettings();
  const result = snippetForStep(id, settings, { basicAuthPrior: deps.model.getBasicAuthPrior() });
  if (!result.ok) throw new InvalidSettingsError(result.issues);
  return result.snippet;
}

const PART_LABELS: Record<SnippetPart, string> = { action: 'snippet', verify: 'verification command', rollback: 'rollback command', dryRun: 'dry run (-WhatIf)' };

/** Whole sentences per part, so that a translation never has to fit a word into someone else's sentence. */
const PART_TEXT: Record<SnippetPart, { inserting(): string; which(): string; nothing(title: string): string }> = {
  action: {
    inserting: () => vscode.l10n.t('Inserting a snippet'),
    which: () => vscode.l10n.t("Insert which step's snippet?"),
    nothing: (title) => vscode.l10n.t('"{0}" has no shell command to run: its explanation says what to do.', title),
  },
  verify: {
    inserting: () => vscode.l10n.t('Inserting a verification command'),
    which: () => vscode.l10n.t("Insert which step's verification command?"),
    nothing: (title) => vscode.l10n.t('"{0}" has no shell command to verify it: its explanation says what to do.', title),
  },
  rollback: {
    inserting: () => vscode.l10n.t('Inserting a rollback command'),
    which: () => vscode.l10n.t("Insert which step's rollback command?"),
    nothing: (title) => vscode.l10n.t('"{0}" has no shell command to undo it: its explanation says what to do.', title),
  },
  dryRun: {
    inserting: () => vscode.l10n.t('Inserting a dry run (-WhatIf)'),
    which: () => vscode.l10n.t("Insert which step's dry run (-WhatIf)?"),
    nothing: (title) => vscode.l10n.t('"{0}" has no shell command to try it without changes (no dry run): its explanation says what to do.', title),
  },
};

export function registerSnippetCommands(deps: SnippetCommandDeps): vscode.Disposable[] {
  const { model, log } = deps;
  const withSnippet = (id: StepId) => stepDefinition(id).hasSnippet;
  const readBack = (id: StepId) => stepDefinition(id).readBack === true;
  const withDryRun = (id: StepId) => stepDefinition(id).hasDryRun === true;

  const insert = (part: SnippetPart) => async (arg: unknown) => {
    requireTrustedWorkspace(PART_TEXT[part].inserting());
    const id = await resolveStep(arg, model, part === 'dryRun' ? withDryRun : withSnippet, PART_TEXT[part].which());
    if (!id) return;
    const snippet = snippetFor(deps, id);
    const script = commandsToInsert(snippet, part);
    if (!script) {
      void vscode.window
        .showInformationMessage(PART_TEXT[part].nothing(stepDefinition(id).title), vscode.l10n.t('Open Explanation'))
        .then((choice) => (choice ? runCommand('exchangeSetup.openStepHelp', id) : undefined));
      return;
    }
    await deps.terminal.insert(toPromptLine(script));
    log.info(`Inserted the ${PART_LABELS[part]} for ${id} into the terminal (not run).`);
  };

  return [
    registerSafeCommand(log, 'exchangeSetup.insertSnippet', vscode.l10n.t('Insert Step Snippet'), insert('action')),
    registerSafeCommand(log, 'exchangeSetup.insertVerification', vscode.l10n.t('Insert Verification Command'), insert('verify')),
    registerSafeCommand(log, 'exchangeSetup.insertRollback', vscode.l10n.t('Insert Rollback Command'), insert('rollback')),
    registerSafeCommand(log, 'exchangeSetup.insertDryRun', vscode.l10n.t('Insert Dry Run'), insert('dryRun')),
    registerSafeCommand(log, 'exchangeSetup.copySnippet', vscode.l10n.t('Copy Step Snippet'), async (arg: unknown) => {
      // A copied snippet is pasted into a shell as readily as an inserted one.
      requireTrustedWorkspace(vscode.l10n.t('Copying a snippet'));
      const id = await resolveStep(arg, model, withSnippet, vscode.l10n.t("Copy which step's snippet?"));
      if (!id) return;
      const snippet = snippetFor(deps, id);
      const text = [
        ...(snippet.dryRun ? ['# --- Dry run (-WhatIf, changes nothing): run it first ---', renderScript(snippet.dryRun), '', '# --- Action ---'] : []),
        renderScript(snippet.action),
        '',
        '# --- Verification ---',
        renderScript(snippet.verify),
        '',
        '# --- Rollback (do not run unless you are undoing this step) ---',
        renderScript(snippet.rollback),
      ].join('\n');
      await vscode.env.clipboard.writeText(text);
      vscode.window.showInformationMessage(vscode.l10n.t('Copied the snippet for "{0}" with its verification and rollback.', stepDefinition(id).title));
    }),
    registerSafeCommand(log, 'exchangeSetup.runVerification', vscode.l10n.t('Run Verification'), async (arg: unknown) => {
      requireTrustedWorkspace(vscode.l10n.t('Running a verification command'));
      const id = await resolveStep(arg, model, readBack, vscode.l10n.t('Verify which step?'));
      if (!id) return;
      await verifyStep(deps, id);
    }),
  ];
}

/**
 * Runs a step's verification in the terminal, reads the output back and records what it shows.
 * `commandLine` replaces the generated command only for the integration tests, where bash stands in for
 * PowerShell and prints recorded PowerShell output.
 */
export async function verifyStep(deps: SnippetCommandDeps, id: StepId, commandLine?: string): Promise<'read' | 'inserted'> {
  // Here, where the terminal is driven, so that every caller (the command, the API) is guarded.
  requireTrustedWorkspace(vscode.l10n.t('Running a verification command'));
  const { settings } = deps.readSettings();
  const line = commandLine ?? toPromptLine(snippetFor(deps, id).verify);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying "{0}" in the Exchange Management Shell', stepDefinition(id).title), cancellable: true },
    (_progress, token) => deps.terminal.run(line, 180_000, token),
  );
  if (outcome.kind === 'inserted') {
    vscode.window.showWarningMessage(
      vscode.l10n.t('Shell integration is not active in the Exchange Management Shell terminal, so the verification was put on the prompt instead of run. Press Enter there to run it; the status cannot be read back until shell integration works (see the README, Troubleshooting).'),
    );
    return 'inserted';
  }
  recordReading(deps, id, interpretVerification(id, outcome.output, settings), 'terminal');
  return 'read';
}

/** The end of every read-back, from the terminal or pasted: record it, log it, tell the person. */
export function recordReading(deps: Pick<SnippetCommandDeps, 'model' | 'log'>, id: StepId, reading: VerificationReading, source: 'terminal' | 'pasted'): void {
  deps.log.info(`Verification of ${id} (${source}): ${reading.status}: ${reading.detail}`);
  applyVerificationReading(deps.model, id, reading, source);
  const show = readBackOutcome(reading.status) === 'done' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(vscode.l10n.t('{0}: {1}', stepDefinition(id).title, reading.detail));
}
