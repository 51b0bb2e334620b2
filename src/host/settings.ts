import * as vscode from 'vscode';
import { SETTINGS_PREFIX, SETTING_FIELDS, getField, DEFAULT_SETTINGS, type SetupSettings, type SettingField } from '../core/settings';
import { readSettingsObject, type FieldIssue } from '../core/validate';

export interface SettingsReading {
  readonly settings: SetupSettings;
  readonly issues: readonly FieldIssue[];
}

/** Reads `exchangeSetup.*` into the core's shape and validates it with the same rules as the CLI. */
export function readSettings(): SettingsReading {
  const config = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
  const raw: Record<string, unknown> = {};
  for (const field of SETTING_FIELDS) {
    const value = config.get<unknown>(field, getField(DEFAULT_SETTINGS, field));
    setNested(raw, field, value);
  }
  const { settings, issues } = readSettingsObject(raw, 'VS Code settings');
  return { settings, issues };
}

/** Writes one field to the user's (global) settings: machine-scoped settings cannot go anywhere else. */
export async function writeSetting(field: SettingField, value: string | boolean): Promise<void> {
  await vscode.workspace.getConfiguration(SETTINGS_PREFIX).update(field, value, vscode.ConfigurationTarget.Global);
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
