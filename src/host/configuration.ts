import * as vscode from 'vscode';
import { checkSetting, settingDefault, SETTINGS_PREFIX, type SettingKey, type SettingValue } from '../core/contributions/configuration';
import { SETTING_FIELDS, settingsFrom, startSettingsFrom, type SettingField, type SetupSettings, type StartSettings } from '../core/settings';
import type { FieldIssue } from '../core/validate';
import type { SettingInspection } from '../core/workspaceSettings';
import { loadSettingsChecks } from './loadSettingsChecks';

/**
 * The host's only way to read and write `exchangeSetup.*` (js-debug's typed `readConfig` and `writeConfig`,
 * src/common/contributionUtils.ts): keys and value types come from the settings table in
 * core/contributions/configuration.ts, which package.json is held to.
 */

/**
 * One setting, checked against the table: VS Code enforces neither type nor bounds (settings.json can
 * hold anything), so a value that does not fit gives way to the default and `onProblem` hears what to fix.
 */
export function readConfig<K extends SettingKey>(key: K, onProblem?: (message: string) => void): SettingValue<K> {
  const { value, problem } = checkSetting(key, vscode.workspace.getConfiguration(SETTINGS_PREFIX).get<unknown>(key));
  if (problem !== undefined) onProblem?.(problem);
  return value;
}

/** Writes one setting to the user's (global) settings: machine-scoped settings cannot go anywhere else. */
export async function writeConfig<K extends SettingKey>(key: K, value: SettingValue<K>): Promise<void> {
  await vscode.workspace.getConfiguration(SETTINGS_PREFIX).update(key, value, vscode.ConfigurationTarget.Global);
}

/** Where a setting's value comes from (user, workspace, folder), for the workspace-override warning. */
export function inspectConfig(key: SettingKey): SettingInspection | undefined {
  return vscode.workspace.getConfiguration(SETTINGS_PREFIX).inspect(key);
}

export interface SettingsReading {
  readonly settings: SetupSettings;
  /** Worked out on first use (validation is the dearest part of reading, and activation needs none of it). */
  readonly issues: readonly FieldIssue[];
}

/**
 * Reads the procedure's fields into the core's shape. Their problems are validated with the same rules as
 * the CLI when `issues` is first read: the raw values go to the validation (not through readConfig's
 * fallback), so that a bad value is reported field by field with an example instead of being replaced
 * quietly. The settings themselves are the ones the validation keeps (settingsFrom; a unit test holds the
 * two to each other).
 */
export function readSettings(): SettingsReading {
  const config = configDictionary();
  const values = new Map<SettingField, unknown>();
  for (const field of SETTING_FIELDS) {
    const value = valueIn(config, field);
    values.set(field, value === undefined ? settingDefault(field) : value);
  }
  return settingsReading(values);
}

/** Only what a start needs (core/settings.ts StartSettings): three lookups, nothing validated. */
export function readStartSettings(): StartSettings {
  const config = configDictionary();
  return startSettingsFrom((field) => valueIn(config, field));
}

/**
 * The WorkspaceConfiguration is itself the "readable dictionary that backs this configuration" (the
 * API's index signature): one lookup per field in it, rather than a get() call (and its checks) each.
 */
function configDictionary(): Readonly<Record<string, unknown>> {
  return vscode.workspace.getConfiguration(SETTINGS_PREFIX);
}

/** A field's raw value in the dictionary (dotted fields are nested objects there), or undefined. */
function valueIn(config: Readonly<Record<string, unknown>>, field: SettingField): unknown {
  let value: unknown = config;
  for (const part of field.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** A reading of these values (keys are fields, without the prefix), validated when its issues are first read. */
export function settingsReading(values: ReadonlyMap<SettingField, unknown>): SettingsReading {
  const settings = settingsFrom((field) => values.get(field));
  let issues: readonly FieldIssue[] | undefined;
  return {
    settings,
    get issues() {
      if (issues === undefined) {
        const raw: Record<string, unknown> = {};
        for (const [field, value] of values) setNested(raw, field, value);
        issues = loadSettingsChecks().readSettingsObject(raw, 'VS Code settings').issues;
      }
      return issues;
    },
  };
}

export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SETTINGS_PREFIX)) listener();
  });
}

function setNested(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}
