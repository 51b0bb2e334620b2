/**
 * The structure every snippet is built from. A script is a list of lines, each a comment or one
 * complete PowerShell statement, so the same snippet can be shown commented (runbook, hover) or
 * joined into one prompt line for a terminal, where a multi-line paste would run half a script.
 */
import { psQuote } from '../quote';
import { getField, type SetupSettings, type SettingField } from '../settings';
import type { StepId } from '../steps';

export type ScriptLine =
  | { readonly kind: 'comment'; readonly text: string }
  | { readonly kind: 'statement'; readonly text: string };

export interface Script {
  readonly lines: readonly ScriptLine[];
}

export interface StepSnippet {
  readonly stepId: StepId;
  readonly title: string;
  /** Changes Exchange (or, for manual steps, says what to do). */
  readonly action: Script;
  /** Reads the state back, printing a marker block that verification.ts parses. */
  readonly verify: Script;
  /** Shows what the action would change without changing anything (-WhatIf), for steps that change many objects. */
  readonly dryRun?: Script;
  /** Undoes the action. */
  readonly rollback: Script;
}

/** Basic authentication values recorded before basicAuth.enable changed them. */
export interface BasicAuthPriorEntry {
  readonly identity: string;
  readonly basicAuthentication: boolean;
  /** The server of the directory (recorded since the all-server snippet; older records derive it from the identity). */
  readonly server?: string;
}

export interface SnippetContext {
  readonly basicAuthPrior?: readonly BasicAuthPriorEntry[];
}

/**
 * How a setting appears in code: a quoted literal in a snippet, a `$Variable` from the parameter
 * block in the runbook. Generators only ever reach values through this, never by concatenation.
 */
export interface ValueRefs {
  /** An expression whose value is the field's value. */
  value(field: SettingField): string;
  /** An expression whose value is the field's value followed by `suffix` (a constant of ours). */
  valueWithSuffix(field: SettingField, suffix: string): string;
  /** An expression whose value is `prefix + field + suffix` (constants of ours around the value). */
  valueBetween(prefix: string, field: SettingField, suffix: string): string;
  /**
   * Like valueBetween, for a value that sits inside a single-quoted text value of an OPATH filter:
   * every apostrophe in it is doubled, the escape Microsoft documents for OPATH ("Recipient filters in
   * Exchange PowerShell commands", section "Additional OPATH syntax information", Variables).
   */
  opathValueBetween(prefix: string, field: SettingField, suffix: string): string;
}

/** The field's value as the text inside an OPATH '...' value: apostrophes doubled (see ValueRefs.opathValueBetween). */
export function opathText(value: string): string {
  return value.split("'").join("''");
}

export function literalRefs(settings: SetupSettings): ValueRefs {
  const text = (field: SettingField): string => String(getField(settings, field));
  return {
    value: (field) => psQuote(text(field), field),
    valueWithSuffix: (field, suffix) => psQuote(text(field) + suffix, field),
    valueBetween: (prefix, field, suffix) => psQuote(prefix + text(field) + suffix, field),
    opathValueBetween: (prefix, field, suffix) => psQuote(prefix + opathText(text(field)) + suffix, field),
  };
}

export function comment(text: string): ScriptLine {
  return { kind: 'comment', text };
}

export function statement(text: string): ScriptLine {
  return { kind: 'statement', text };
}

export function script(...lines: ScriptLine[]): Script {
  return { lines };
}

/** The commented multi-line text, as in the runbook. */
export function renderScript(source: Script, indent = ''): string {
  return source.lines.map((line) => (line.kind === 'comment' ? `${indent}# ${line.text}`.trimEnd() : `${indent}${line.text}`)).join('\n');
}

/** The statements joined into one line for a prompt (comments dropped); '' when there are none. */
export function toPromptLine(source: Script): string {
  return source.lines.filter((line) => line.kind === 'statement').map((line) => line.text).join('; ');
}

export function hasStatements(source: Script): boolean {
  return source.lines.some((line) => line.kind === 'statement');
}

export const MARKER_PREFIX_BEGIN = 'ECS-BEGIN';
export const MARKER_PREFIX_END = 'ECS-END';

/** The marker lines a verification prints, as the terminal shows them. */
export function markerLines(blockName: string): { begin: string; end: string } {
  return { begin: `${MARKER_PREFIX_BEGIN} ${blockName}`, end: `${MARKER_PREFIX_END} ${blockName}` };
}

/**
 * Statements that print `value` (a PowerShell expression, usually `@(...)`) as compressed JSON
 * between marker lines. The markers are concatenated at run time so that the echoed command line
 * never contains the marker text and cannot be mistaken for output.
 */
export function markedJson(blockName: string, valueExpression: string, depth = 4): ScriptLine[] {
  return markedOutput(blockName, `ConvertTo-Json -Compress -Depth ${depth} -InputObject ${valueExpression}`);
}

/** Like markedJson, for a statement that already prints JSON text. */
export function markedOutput(blockName: string, printingStatement: string): ScriptLine[] {
  return [
    statement(`Write-Output ('${MARKER_PREFIX_BEGIN} ' + '${blockName}')`),
    statement(printingStatement),
    statement(`Write-Output ('${MARKER_PREFIX_END} ' + '${blockName}')`),
  ];
}
