import * as assert from 'node:assert/strict';
import { renderRunbook } from '../../src/core/runbook';
import { DEFAULT_SETTINGS, type AccessMethod, type SetupSettings } from '../../src/core/settings';
import { renderScript, snippetForStep, type SnippetContext } from '../../src/core/snippets';
import { SNIPPET_STEPS } from '../../src/core/steps';
import { SHARED_TABLE, checkInvocation, loadCmdletTable, looksLikeExchangeCmdlet, type CmdletTable } from '../support/cmdletSets';
import { loadPowerShellParser, type PowerShellParser } from '../support/powershellParser';

const GROUP = "CN=Calendar O'Brien Users,OU=Groups,DC=contoso,DC=com";

function settingsFor(accessMethod: AccessMethod, group: string, organizationWide: boolean): SetupSettings {
  return {
    ...DEFAULT_SETTINGS,
    exchangeServer: 'exch01.contoso.local',
    serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: 'alexaforbusiness@contoso.com', organizationalUnit: 'contoso.com/Service Accounts' },
    accessMethod,
    access: { limitToGroup: group },
    impersonation: { ...DEFAULT_SETTINGS.impersonation, organizationWide },
    testMailbox: 'alice@contoso.com',
  };
}

/** Representative settings: both methods, with and without a group, and the org-wide opt-in. */
const VARIANTS: readonly { label: string; settings: SetupSettings }[] = [
  { label: 'impersonation', settings: settingsFor('impersonation', '', false) },
  { label: 'impersonation, group', settings: settingsFor('impersonation', GROUP, false) },
  { label: 'impersonation, organization-wide opt-in', settings: settingsFor('impersonation', '', true) },
  { label: 'delegate', settings: settingsFor('delegate', '', false) },
  { label: 'delegate, group', settings: settingsFor('delegate', GROUP, false) },
  // The shortcut path (issue 14): an existing account, rights added beside what it has.
  { label: 'existing account, impersonation', settings: { ...settingsFor('impersonation', '', true), serviceAccount: { ...settingsFor('impersonation', '', true).serviceAccount, existing: true } } },
  { label: 'existing account, impersonation, one scope over rooms and users, group', settings: { ...settingsFor('impersonation', GROUP, false), serviceAccount: { ...settingsFor('impersonation', GROUP, false).serviceAccount, existing: true }, impersonation: { ...DEFAULT_SETTINGS.impersonation, scopeCoversRooms: true } } },
  { label: 'existing account, delegate', settings: { ...settingsFor('delegate', '', false), serviceAccount: { ...settingsFor('delegate', '', false).serviceAccount, existing: true } } },
];

const CONTEXTS: readonly SnippetContext[] = [{}, { basicAuthPrior: [{ identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false }] }];

/** Every script the product emits for these settings, by a label: each step's parts and the runbook. */
function sources(settings: SetupSettings): [string, string][] {
  const out: [string, string][] = [];
  for (const context of CONTEXTS) {
    for (const id of SNIPPET_STEPS) {
      const result = snippetForStep(id, settings, context);
      if (!result.ok) assert.fail(`${id}: ${result.issues.map((i) => i.message).join('; ')}`);
      for (const part of ['dryRun', 'action', 'verify', 'rollback'] as const) {
        const script = result.snippet[part];
        if (script) out.push([`${id} ${part}${context.basicAuthPrior ? ' (prior recorded)' : ''}`, renderScript(script)]);
      }
    }
    const runbook = renderRunbook(settings, context);
    if (!runbook.ok) assert.fail(runbook.issues.map((i) => i.message).join('; '));
    out.push([`runbook${context.basicAuthPrior ? ' (prior recorded)' : ''}`, runbook.text]);
  }
  return out;
}

describe('cmdlet parameter sets (../shared/exchange-cmdlets)', () => {
  let parser: PowerShellParser;
  let table: CmdletTable;
  before(async function () {
    this.timeout(20000);
    parser = await loadPowerShellParser();
    table = loadCmdletTable();
  });

  function problemsIn(source: string): string[] {
    return parser.commands(source).flatMap((invocation) => checkInvocation(invocation, table).map((p) => `line ${invocation.line}: ${invocation.text}\n    ${p}`));
  }

  for (const { label, settings } of VARIANTS) {
    it(`every snippet, verification, rollback, dry run and the runbook use on-premises parameters that fit one set: ${label}`, () => {
      const problems: string[] = [];
      const checked = new Set<string>();
      for (const [name, source] of sources(settings)) {
        for (const invocation of parser.commands(source)) if (table.entries.has(invocation.name.toLowerCase())) checked.add(invocation.name);
        problems.push(...problemsIn(source).map((p) => `${name}, ${p}`));
      }
      assert.deepEqual(problems, []);
      // The check reached the Exchange cmdlets the procedure depends on (so a pass means something).
      // An existing account is checked, not created (no New-Mailbox).
      const reached = ['Get-WebServicesVirtualDirectory', 'Set-WebServicesVirtualDirectory', 'Get-Mailbox', 'Set-CASMailbox', 'Get-CASMailbox', 'Get-ManagementRoleAssignment', 'Get-ManagementRole', 'Read-Host'];
      for (const cmdlet of settings.serviceAccount.existing ? reached : [...reached, 'New-Mailbox']) {
        assert.ok(checked.has(cmdlet), `${cmdlet} was not checked in ${label}`);
      }
    });
  }

  it('fails on an injected bad parameter, a cloud-only one, one from another set, a missing mandatory one and an unknown Exchange cmdlet', () => {
    const delegate = snippetForStep('access.delegate', settingsFor('delegate', '', false));
    assert.ok(delegate.ok);
    const action = renderScript(delegate.snippet.action);
    assert.deepEqual(problemsIn(action), []);
    const injected = action.replace('-AutoMapping $false }', '-AutoMapping $false -Recurse }');
    assert.notEqual(injected, action);
    assert.match(problemsIn(injected).join('\n'), /-Recurse is not a parameter of Add-MailboxPermission/);
    assert.match(problemsIn("Get-Mailbox -Identity 'a' -InactiveMailboxOnly").join('\n'), /available only in Exchange Online/);
    assert.match(problemsIn("Get-Mailbox -Identity 'a' -Database 'DB01'").join('\n'), /fits no parameter set of Get-Mailbox/);
    assert.match(problemsIn("Add-MailboxPermission -Identity 'a' -AccessRights FullAccess").join('\n'), /mandatory -User not given/);
    assert.match(problemsIn("Get-Mailbox -Identity 'a' -WhatIf").join('\n'), /-WhatIf is not a parameter of Get-Mailbox/);
    assert.match(problemsIn("Set-WebServicesVirtualDirectory -BasicAuthentication $true").join('\n'), /mandatory -Identity not given/);
    assert.deepEqual(problemsIn("Get-WebServicesVirtualDirectory -Server 'x' | Set-WebServicesVirtualDirectory -BasicAuthentication $true"), [], 'pipeline input gives Identity');
    assert.match(problemsIn('Add-RecipientPermission -Identity a -Trustee b -AccessRights SendAs').join('\n'), /only in Exchange Online/);
    assert.match(problemsIn("Get-MailboxFolderStatistics -Identity 'a'").join('\n'), /looks like an Exchange cmdlet but is not in/);
    assert.match(problemsIn("Read-Host 'x' -MaskInput").join('\n'), /only in PowerShell 7/);
    assert.deepEqual(problemsIn("# Get-Mailbox -Bogus 'x'\n$null"), [], 'comments hold no invocations');
  });

  it('treats Verb-Noun commands with Exchange nouns as Exchange cmdlets, and others not', () => {
    for (const name of ['Get-CASMailbox', 'Get-DistributionGroupMember', 'New-ManagementScope', 'Get-Group', 'Set-OrganizationConfig']) assert.ok(looksLikeExchangeCmdlet(name, table), name);
    for (const name of ['Restart-WebAppPool', 'Invoke-Command', 'Remove-Variable', 'Import-Module']) assert.ok(!looksLikeExchangeCmdlet(name, table), name);
  });

  it('reads ../shared relative to the repository root and says what to do when it is missing', () => {
    assert.match(SHARED_TABLE.replace(/\\/g, '/'), /\/shared\/exchange-cmdlets\/cmdlets\.json$/);
    assert.throws(() => loadCmdletTable('/nonexistent/shared/exchange-cmdlets/cmdlets.json'), /cmdlet parameter-set table is missing: .*\.\.\/shared\/exchange-cmdlets\/cmdlets\.json/);
  });
});
