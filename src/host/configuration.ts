import * as vscode from 'vscode';
import { checkSetting, settingDefault, SETTINGS_PREFIX, type SettingKey, type SettingValue } from '../core/contributions/configuration';
import { SETTING_FIELDS, type SetupSettings } from '../core/settings';
import { readSettingsObject, type FieldIssue } from '../core/validate';
import type { SettingInspection } from '../core/workspaceSettings';

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
  readonly issues: readonly FieldIssue[];
}

/**
 * Reads the procedure's fields into the core's shape and validates them with the same rules as the CLI.
 * The raw values go to the validation (not through readConfig's fallback), so that a bad value is
 * reported field by field with an example instead of being replaced quietly.
 */
export function readSettings(): SettingsReading {
  const config = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
  const raw: Record<string, unknown> = {};
  for (const field of SETTING_FIELDS) setNested(raw, field, config.get<unknown>(field, settingDefault(field)));
  const { settings, issues } = readSettingsObject(raw, 'VS Code settings');
  return { settings, issues };
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
