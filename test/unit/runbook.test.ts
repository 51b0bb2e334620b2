import * as assert from 'node:assert/strict';
import { renderRunbook, runbookStepIds, runbookSteps } from '../../src/core/runbook';
import { DEFAULT_SETTINGS, type AccessMethod, type SetupSettings } from '../../src/core/settings';
import { loadPowerShellParser, type PowerShellParser } from '../support/powershellParser';

function settingsFor(method: AccessMethod): SetupSettings {
  return {
    ...DEFAULT_SETTINGS,
    exchangeServer: 'exch01.contoso.local',
    serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: "o'brien@contoso.com" },
    accessMethod: method,
  };
}

function text(method: AccessMethod): string {
  const runbook = renderRunbook(settingsFor(method));
  if (!runbook.ok) assert.fail(runbook.issues.map((i) => i.message).join('; '));
  return runbook.text;
}

describe('runbook', () => {
  let parser: PowerShellParser;
  before(async function () {
    this.timeout(20000);
    parser = await loadPowerShellParser();
  });

  it('starts with a header and a parameter block of quoted values', () => {
    const lines = text('impersonation').split('\n');
    assert.match(lines[0], /^# Exchange Calendar Setup: runbook/);
    assert.ok(lines.includes("$ServiceAccountUpn = 'o''brien@contoso.com'"));
    assert.ok(lines.includes("$ExchangeServer = 'exch01.contoso.local'"));
    assert.ok(!lines.some((l) => l.startsWith('$TestMailbox')), 'empty optional values are left out');
    const firstStep = lines.findIndex((l) => l.startsWith('# Step 1:'));
    const lastParameter = lines.findIndex((l) => l.startsWith('$ImpersonationAssignmentName = '));
    assert.ok(lastParameter > 0 && lastParameter < firstStep);
  });

  it('lists the steps in procedure order with only the chosen access method', () => {
    assert.deepEqual(runbookStepIds(settingsFor('delegate')), [
      'prerequisites.adminRights', 'prerequisites.exchangeVersion', 'prerequisites.certificate', 'basicAuth.verify', 'basicAuth.enable',
      'serviceAccount.create', 'serviceAccount.protocols', 'access.delegate', 'link', 'test',
    ]);
    assert.ok(text('impersonation').includes('(access.impersonation)'));
    assert.ok(!text('impersonation').includes('(access.delegate)'));
  });

  it('refers to the parameters in the steps, never repeating a value', () => {
    const body = text('impersonation').split('# Step 1:')[1];
    assert.ok(body.includes('-UserPrincipalName $ServiceAccountUpn'));
    assert.ok(body.includes("-ConnectionUri ('http://' + $ExchangeServer + '/PowerShell/')"));
    // Basic auth and the certificate take their servers from Exchange, not from the parameter.
    assert.ok(body.includes('Set-WebServicesVirtualDirectory -Identity ([string]$ecsDirectory.Identity) -BasicAuthentication $true'));
    assert.ok(body.includes('Invoke-Command -ComputerName $ecsFqdn -ErrorAction Stop -ScriptBlock'));
    assert.ok(!body.includes("'o''brien@contoso.com'"));
  });

  it('never rolls back when run top to bottom: every rollback is inside an uncalled Undo- function', () => {
    const runbook = text('delegate');
    const rollbackCommands = /^\s*(Remove-(?!Variable )|Set-WebServicesVirtualDirectory .*-BasicAuthentication \$false|foreach \(\$ecsEntry|\$ecsRestored = )/;
    let depth = 0;
    for (const line of runbook.split('\n')) {
      if (/^function (Undo|Invoke)-Ecs[A-Za-z]+ \{$/.test(line)) depth++;
      else if (line === '}') depth--;
      else if (depth === 0 && !line.startsWith('#')) assert.doesNotMatch(line, rollbackCommands, line);
    }
    assert.equal(depth, 0);
    const defined = [...runbook.matchAll(/^function (Undo-Ecs[A-Za-z]+) \{$/gm)].map((m) => m[1]);
    assert.equal(defined.length, runbookStepIds(settingsFor('delegate')).length);
    for (const name of defined) assert.equal(runbook.split(name).length - 1, 2, `${name} is only defined and mentioned, never called`);
  });

  it('parses as PowerShell', () => {
    assert.deepEqual(parser.syntaxProblems(text('impersonation')), []);
    assert.deepEqual(parser.syntaxProblems(text('delegate')), []);
  });

  it('refuses invalid settings, naming each field once', () => {
    const broken = { ...settingsFor('impersonation'), exchangeServer: '', serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: 'not valid' } };
    const runbook = renderRunbook(broken);
    assert.equal(runbook.ok, false);
    if (!runbook.ok) assert.deepEqual(runbook.issues.map((i) => i.field), ['exchangeServer', 'serviceAccount.upn']);
  });

  it('gives each step as text for --json', () => {
    const steps = runbookSteps(settingsFor('delegate'));
    assert.ok(steps.ok);
    if (!steps.ok) return;
    assert.equal(steps.steps.length, 10);
    const create = steps.steps.find((s) => s.id === 'serviceAccount.create');
    assert.match(create?.action ?? '', /-UserPrincipalName 'o''brien@contoso.com'/);
    assert.deepEqual(Object.keys(steps.steps[0]), ['id', 'title', 'action', 'verify', 'rollback']);
  });
});
