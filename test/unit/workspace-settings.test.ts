import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SETTING_FIELDS } from '../../src/core/settings';
import { SNIPPET_SHAPING_SETTINGS, workspaceOverrideWarning, workspaceOverrides, type GuardedSetting, type SettingInspection } from '../../src/core/workspaceSettings';

const ROOT = resolve(__dirname, '..', '..', '..');

interface Manifest {
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;
const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];

/** Window-scoped settings that shape nothing a workspace could abuse. */
const HARMLESS = new Set(['exchangeSetup.probes.timeoutSeconds']);

describe('workspace-steered settings (issue 13, item 2)', () => {
  it('package.json follows the table: machine scope or restrictedConfigurations for each setting that shapes a snippet', () => {
    for (const setting of SNIPPET_SHAPING_SETTINGS) {
      const key = `exchangeSetup.${setting.key}`;
      assert.ok(properties[key], `${key} is contributed`);
      if (setting.guard === 'machine') {
        assert.equal(properties[key].scope, 'machine', `${key} is machine-scoped`);
      } else {
        assert.ok(restricted.includes(key), `${key} is in restrictedConfigurations`);
      }
    }
    assert.equal(properties['exchangeSetup.exchangeServer'].scope, 'machine', 'the remote shell\'s host');
    assert.equal(properties['exchangeSetup.serviceAccount.organizationalUnit'].scope, 'machine', 'the account\'s OU');
    assert.deepEqual(restricted.filter((k) => !SNIPPET_SHAPING_SETTINGS.some((s) => `exchangeSetup.${s.key}` === k)), [], 'restrictedConfigurations lists only table settings');
  });

  it('leaves no window-scoped setting outside the table unless it is known to be harmless', () => {
    const unguarded = Object.entries(properties)
      .filter(([key, spec]) => spec.scope !== 'machine' && !restricted.includes(key) && !HARMLESS.has(key))
      .map(([key]) => key);
    assert.deepEqual(unguarded, []);
    const inTable = new Set<string>(SNIPPET_SHAPING_SETTINGS.map((s) => s.key));
    const notShaping = new Set(['powershellPath', 'tls.extraCaFile']);
    assert.deepEqual(SETTING_FIELDS.filter((f) => !inTable.has(f) && !notShaping.has(f)), [], 'every snippet field is in the table');
  });

  const inspectFrom = (values: Partial<Record<GuardedSetting, SettingInspection>>) => (key: GuardedSetting): SettingInspection | undefined => values[key];

  it('reports a restricted setting\'s workspace value in a trusted workspace, the folder value first', () => {
    const overrides = workspaceOverrides(inspectFrom({
      'impersonation.scopeName': { workspaceValue: 'Organization Management scope' },
      accessMethod: { workspaceValue: 'impersonation', workspaceFolderValue: 'delegate' },
    }), true);
    assert.deepEqual(overrides.map((o) => [o.key, o.from]), [['accessMethod', 'workspace folder'], ['impersonation.scopeName', 'workspace']]);
    const warning = workspaceOverrideWarning(overrides) ?? '';
    assert.match(warning, /exchangeSetup\.impersonation\.scopeName \(workspace: the management scope/);
    assert.match(warning, /exchangeSetup\.accessMethod \(workspace folder: which rights/);
  });

  it('reports nothing in Restricted Mode, where VS Code ignores those workspace values', () => {
    assert.deepEqual(workspaceOverrides(inspectFrom({ 'link.target': { workspaceValue: 'http' } }), false), []);
  });

  it('reports nothing for a machine-scoped setting, which never takes a workspace value', () => {
    assert.deepEqual(workspaceOverrides(inspectFrom({ exchangeServer: { workspaceValue: 'attacker.example.net' }, 'serviceAccount.organizationalUnit': { workspaceFolderValue: 'evil.example/OU' } }), true), []);
  });

  it('has no warning when nothing comes from the workspace, and counts a falsy workspace value as set', () => {
    assert.equal(workspaceOverrideWarning(workspaceOverrides(inspectFrom({ accessMethod: {} }), true)), undefined);
    assert.deepEqual(workspaceOverrides(inspectFrom({ 'serviceAccount.alias': { workspaceValue: '' } }), true).map((o) => o.key), ['serviceAccount.alias']);
  });
});
