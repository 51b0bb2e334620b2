/**
 * The one table of the extension's commands and the menus that show them. package.json's
 * `contributes.commands` and `contributes.menus` are rendered from it by scripts/sync-manifest.mjs, and
 * test/unit/manifest.test.ts fails when they differ, when a contributed command has no handler, when a
 * handler is registered for a command the manifest does not contribute, or when a menu, keybinding or
 * `command:` link names an unknown command (as vscode-pull-request-github's scripts/check-commands.js
 * holds its manifest to its registrations).
 *
 * The host registers handlers with a `CommandId` (host/commandRunner.ts), so a handler for a command
 * missing here does not compile. Only the type is imported at run time: the titles stay out of the
 * activation bundle.
 */

export const COMMAND_CATEGORY = 'Exchange Setup';

/**
 * `enablement` for commands that insert, copy, export or run what a snippet or probe does: VS Code
 * greys them out in Restricted Mode ("Workspace Trust Extension Guide", section "Enablement").
 */
const TRUSTED = 'isWorkspaceTrusted';

export interface CommandSpec {
  /** The title in the Command Palette (after the category) and in menus. */
  readonly title: string;
  /** A product icon, `$(name)`, for toolbars and inline menu entries. */
  readonly icon?: string;
  /** A when-clause that must hold for the command to run from any menu, keybinding or the palette. */
  readonly enablement?: string;
}

export const COMMANDS = {
  'exchangeSetup.configure': { title: 'Configure...', icon: '$(gear)' },
  'exchangeSetup.refresh': { title: 'Refresh Checklist', icon: '$(refresh)' },
  'exchangeSetup.exportRunbook': { title: 'Export Runbook...', icon: '$(export)', enablement: TRUSTED },
  'exchangeSetup.insertSnippet': { title: 'Insert Step Snippet into Terminal', icon: '$(terminal)', enablement: TRUSTED },
  'exchangeSetup.insertVerification': { title: 'Insert Verification Command into Terminal', enablement: TRUSTED },
  'exchangeSetup.insertRollback': { title: 'Insert Rollback Command into Terminal', enablement: TRUSTED },
  'exchangeSetup.insertDryRun': { title: 'Insert Dry Run (-WhatIf) into Terminal', enablement: TRUSTED },
  'exchangeSetup.copySnippet': { title: 'Copy Step Snippet', icon: '$(copy)', enablement: TRUSTED },
  'exchangeSetup.runVerification': { title: 'Run Verification and Read Result', icon: '$(play)', enablement: TRUSTED },
  'exchangeSetup.readVerificationOutput': { title: 'Read Verification Output...', icon: '$(clippy)' },
  'exchangeSetup.readPastedOutput': { title: 'Read Pasted Output', icon: '$(check)' },
  'exchangeSetup.openStepHelp': { title: 'Open Step Explanation', icon: '$(info)' },
  'exchangeSetup.revealStep': { title: 'Reveal Step in Checklist' },
  'exchangeSetup.confirmStep': { title: 'Mark Step Done by Hand...' },
  'exchangeSetup.resetStep': { title: 'Reset Step Status' },
  'exchangeSetup.resetProgress': { title: 'Reset All Progress...' },
  'exchangeSetup.showTerminal': { title: 'Open Exchange Management Shell Terminal', enablement: TRUSTED },
  'exchangeSetup.showLog': { title: 'Show Log' },
  'exchangeSetup.openProbePanel': { title: 'Open Probe & Link Panel', icon: '$(beaker)' },
  'exchangeSetup.runProbes': { title: 'Run Probes', icon: '$(play-circle)', enablement: TRUSTED },
  'exchangeSetup.linkAccount': { title: 'Validate and Link Service Account', icon: '$(link)', enablement: TRUSTED },
  'exchangeSetup.cancelProbes': { title: 'Cancel Probes' },
  'exchangeSetup.setPassword': { title: 'Store Service Account Password...', icon: '$(key)' },
  'exchangeSetup.exportProbeReport': { title: 'Export Probe Report...' },
  'exchangeSetup.copyDiagnostics': { title: 'Copy Probe Diagnostics' },
} as const satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof COMMANDS;

export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

export function isCommandId(id: string): id is CommandId {
  return Object.prototype.hasOwnProperty.call(COMMANDS, id);
}

export interface MenuEntry {
  readonly command: CommandId;
  readonly when?: string;
  /** `group@order`: where in the menu (`navigation` and `inline` are the toolbar and the row's buttons). */
  readonly group?: string;
}

/** The menus the commands appear in (VS Code, "Contribution Points", `contributes.menus`). */
export type MenuId = 'view/title' | 'view/item/context' | 'editor/title' | 'commandPalette';

const CHECKLIST = 'view == exchangeSetup.checklist';
/**
 * On a checklist row whose context value has the word `kind` (host/checklistView.ts builds the context
 * values; the match is a regular expression, "when clause contexts", section "Match operator").
 */
const onItem = (kind: string): string => `${CHECKLIST} && viewItem =~ /\\b${kind}\\b/`;

/** Which menu shows which command. A command not in `commandPalette` is in the palette unconditionally. */
export const MENUS: { readonly [M in MenuId]: readonly MenuEntry[] } = {
  'view/title': [
    { command: 'exchangeSetup.openProbePanel', when: CHECKLIST, group: 'navigation@0' },
    { command: 'exchangeSetup.refresh', when: CHECKLIST, group: 'navigation@1' },
    { command: 'exchangeSetup.exportRunbook', when: CHECKLIST, group: 'navigation@2' },
    { command: 'exchangeSetup.configure', when: CHECKLIST, group: '1_setup@1' },
    { command: 'exchangeSetup.showTerminal', when: CHECKLIST, group: '1_setup@2' },
    { command: 'exchangeSetup.resetProgress', when: CHECKLIST, group: '2_reset@1' },
    { command: 'exchangeSetup.showLog', when: CHECKLIST, group: '3_log@1' },
  ],
  'view/item/context': [
    { command: 'exchangeSetup.insertSnippet', when: onItem('readback'), group: 'inline@1' },
    { command: 'exchangeSetup.copySnippet', when: onItem('snippet'), group: 'inline@2' },
    { command: 'exchangeSetup.openStepHelp', when: onItem('step'), group: 'inline@3' },
    { command: 'exchangeSetup.insertSnippet', when: onItem('snippet'), group: '1_snippet@1' },
    { command: 'exchangeSetup.insertVerification', when: onItem('snippet'), group: '1_snippet@2' },
    { command: 'exchangeSetup.insertRollback', when: onItem('snippet'), group: '1_snippet@3' },
    { command: 'exchangeSetup.copySnippet', when: onItem('snippet'), group: '1_snippet@4' },
    { command: 'exchangeSetup.insertDryRun', when: onItem('dryrun'), group: '1_snippet@0' },
    { command: 'exchangeSetup.runVerification', when: onItem('readback'), group: '2_verify@1' },
    { command: 'exchangeSetup.readVerificationOutput', when: onItem('readback'), group: '2_verify@2' },
    { command: 'exchangeSetup.openStepHelp', when: onItem('step'), group: '3_help@1' },
    { command: 'exchangeSetup.confirmStep', when: onItem('confirmable'), group: '4_reset@0' },
    { command: 'exchangeSetup.resetStep', when: onItem('step'), group: '4_reset@1' },
    { command: 'exchangeSetup.openProbePanel', when: onItem('id-(link|test)'), group: 'inline@0' },
    { command: 'exchangeSetup.openProbePanel', when: onItem('id-(link|test)'), group: '2_verify@0' },
  ],
  'editor/title': [
    { command: 'exchangeSetup.readPastedOutput', when: 'resource in exchangeSetup.pasteDocuments', group: 'navigation' },
  ],
  'commandPalette': [
    { command: 'exchangeSetup.readPastedOutput', when: 'resource in exchangeSetup.pasteDocuments' },
    { command: 'exchangeSetup.revealStep', when: 'false' },
    { command: 'exchangeSetup.cancelProbes', when: 'false' },
  ],
};
