import * as assert from 'node:assert/strict';
import { EMPTY_STATE, SetupModel } from '../../src/core/model';
import { renderRunbook, runbookSteps } from '../../src/core/runbook';
import { DEFAULT_SETTINGS, type AccessMethod, type SetupSettings } from '../../src/core/settings';
import { OTHER_PROTOCOLS, impersonationScopeFilter, renderScript, snippetForStep, toPromptLine, type Script, type StepSnippet } from '../../src/core/snippets';
import { STEPS, isLeaf } from '../../src/core/steps';
import { stepHelpMarkdown } from '../../src/core/stepHelp';
import { validateSettings } from '../../src/core/validate';
import { interpretVerification } from '../../src/core/verification';
import { loadPowerShellParser, verbatimStringValue } from '../support/powershellParser';

const GROUP = "CN=O'Brien Calendar Users,OU=Groups,DC=contoso,DC=com";

function settingsFor(accessMethod: AccessMethod, group = ''): SetupSettings {
  return {
    ...DEFAULT_SETTINGS,
    exchangeServer: 'EXCH01',
    serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: 'alexaforbusiness@contoso.com' },
    accessMethod,
    access: { limitToGroup: group },
    testMailbox: 'alice@contoso.com',
  };
}

function mustSnippet(id: Parameters<typeof snippetForStep>[0], settings: SetupSettings): StepSnippet {
  const result = snippetForStep(id, settings);
  if (!result.ok) assert.fail(result.issues.map((i) => i.message).join('; '));
  return result.snippet;
}

const statements = (script: Script): string[] => script.lines.filter((l) => l.kind === 'statement').map((l) => l.text);

function block(name: string, json: unknown): string {
  return `ECS-BEGIN ${name}\r\n${JSON.stringify(json)}\r\nECS-END ${name}\r\n`;
}

describe('procedure gaps (issue 11, section 3)', () => {
  describe('limiting access to a group (exchangeSetup.access.limitToGroup)', () => {
    it('renders the scope filter with MemberOfGroup and the DN, apostrophes doubled for OPATH', () => {
      assert.equal(impersonationScopeFilter(settingsFor('impersonation')), "RecipientTypeDetails -eq 'UserMailbox'");
      assert.equal(impersonationScopeFilter(settingsFor('impersonation', GROUP)), "RecipientTypeDetails -eq 'UserMailbox' -and MemberOfGroup -eq 'CN=O''Brien Calendar Users,OU=Groups,DC=contoso,DC=com'");
    });

    it('creates the Method 1 scope with exactly the rendered filter, in the snippet and in the runbook', async () => {
      const parser = await loadPowerShellParser();
      const settings = settingsFor('impersonation', GROUP);
      const [scope] = statements(mustSnippet('access.impersonation', settings).action).filter((s) => s.startsWith('New-ManagementScope'));
      const literals = parser.verbatimStrings(scope).map((l) => verbatimStringValue(l));
      assert.equal(literals.at(-1), impersonationScopeFilter(settings), 'the filter literal is the rendered filter');
      const runbook = renderRunbook(settings);
      assert.ok(runbook.ok);
      assert.ok(runbook.text.includes(`$AccessLimitToGroup = 'CN=O''Brien Calendar Users,OU=Groups,DC=contoso,DC=com'`));
      assert.ok(runbook.text.includes(`-RecipientRestrictionFilter ('RecipientTypeDetails -eq ''UserMailbox'' -and MemberOfGroup -eq ''' + ($AccessLimitToGroup -replace "'", "''") + '''')`));
      const without = renderRunbook(settingsFor('impersonation'));
      assert.ok(without.ok && !without.text.includes('AccessLimitToGroup'), 'an empty group is left out of the runbook');
    });

    it('selects only the group members in every part of Method 2, with the same MemberOfGroup condition', () => {
      const snippet = mustSnippet('access.delegate', settingsFor('delegate', GROUP));
      for (const part of ['dryRun', 'action', 'verify', 'rollback'] as const) {
        const script = snippet[part] ?? assert.fail(`no ${part}`);
        const select = statements(script).find((s) => s.startsWith('$ecsMailboxes = '));
        assert.ok(select?.includes(`-Filter 'MemberOfGroup -eq ''CN=O''''Brien Calendar Users,OU=Groups,DC=contoso,DC=com'''`), `${part}: ${select}`);
      }
      assert.ok(!renderScript(mustSnippet('access.delegate', settingsFor('delegate')).action).includes('MemberOfGroup'));
    });

    it('accepts a group DN and refuses names, canonical names and typographic quotes with a message', () => {
      const problem = (value: string) => validateSettings({ ...settingsFor('delegate'), access: { limitToGroup: value } }, ['access.limitToGroup'])[0]?.message;
      assert.equal(problem(GROUP), undefined);
      assert.equal(problem('CN=Sales\\, East,OU=Groups,DC=contoso,DC=com'), undefined, 'an escaped comma stays in its part');
      assert.equal(problem(''), undefined, 'empty means every user mailbox');
      assert.match(problem('Calendar Users') ?? '', /^exchangeSetup\.access\.limitToGroup: "Calendar Users" is not the distinguished name of a group .*Get-DistributionGroup/);
      assert.match(problem('contoso.com/Groups/Calendar Users') ?? '', /not the distinguished name/);
      assert.match(problem('OU=Groups,DC=contoso,DC=com') ?? '', /must start with the group's CN=/);
      assert.match(problem('CN=Calendar Users,OU=Groups') ?? '', /no DC= parts/);
      assert.match(problem('CN=O\u2019Brien,DC=contoso,DC=com') ?? '', /quotation mark/);
      assert.match(problem("CN=x,DC=contoso,DC=com'\n; Remove-Mailbox") ?? '', /line feed/);
    });
  });

  describe('Method 2 dry run', () => {
    it('offers a dry run that counts the mailboxes and passes -WhatIf to every change', () => {
      const snippet = mustSnippet('access.delegate', settingsFor('delegate'));
      const dryRun = statements(snippet.dryRun ?? assert.fail('no dry run'));
      assert.ok(dryRun.some((s) => s.startsWith("Write-Output ('User mailboxes this step changes: ' + $ecsMailboxes.Count)")));
      const changes = dryRun.filter((s) => /Add-(MailboxPermission|ADPermission)/.test(s));
      assert.equal(changes.length, 2);
      for (const change of changes) assert.match(change, / -WhatIf \}$/);
      assert.ok(STEPS.find((s) => s.id === 'access.delegate')?.hasDryRun);
      assert.ok(!mustSnippet('access.impersonation', settingsFor('impersonation')).dryRun, 'Method 1 changes two objects: no dry run');
    });

    it('shows the count and changes nothing until the admin types it', () => {
      const action = statements(mustSnippet('access.delegate', settingsFor('delegate')).action);
      const count = action.findIndex((s) => s.includes('$ecsMailboxes.Count)'));
      const confirm = action.findIndex((s) => s.startsWith("if ((Read-Host 'Type the number of mailboxes to change them') -ne [string]$ecsMailboxes.Count) { throw "));
      const firstChange = action.findIndex((s) => /Add-(MailboxPermission|ADPermission)/.test(s));
      assert.ok(count >= 0 && confirm > count && firstChange > confirm, action.join('\n'));
    });

    it('puts the dry run in the runbook before the action and in the JSON steps', () => {
      const runbook = renderRunbook(settingsFor('delegate'));
      assert.ok(runbook.ok);
      const dry = runbook.text.indexOf('# Dry run: changes nothing (-WhatIf)');
      const action = runbook.text.indexOf('# Action', dry);
      assert.ok(dry > 0 && action > dry);
      const steps = runbookSteps(settingsFor('delegate'));
      assert.ok(steps.ok && steps.steps.find((s) => s.id === 'access.delegate')?.dryRun?.includes('-WhatIf'));
    });
  });

  describe('optional step: the service account\'s other protocols', () => {
    it('turns off OWA, ActiveSync, POP, IMAP and MAPI with Set-CASMailbox, records the old values first, and leaves EWS alone', () => {
      const snippet = mustSnippet('serviceAccount.protocols', settingsFor('impersonation'));
      const action = statements(snippet.action);
      const record = action.findIndex((s) => s.includes('Get-CASMailbox') && s.includes('Set-Content'));
      const set = action.findIndex((s) => s.startsWith('Set-CASMailbox'));
      assert.ok(record >= 0 && set > record);
      assert.equal(action[set], "Set-CASMailbox -Identity 'alexaforbusiness@contoso.com' -OWAEnabled $false -ActiveSyncEnabled $false -PopEnabled $false -ImapEnabled $false -MAPIEnabled $false");
      assert.doesNotMatch(renderScript(snippet.action).split('\n').filter((l) => !l.startsWith('#')).join('\n'), /Ews/);
      const rollback = toPromptLine(snippet.rollback);
      assert.match(rollback, /exchange-calendar-setup-protocols-prior\.json/);
      for (const p of OTHER_PROTOCOLS) assert.ok(rollback.includes(`-${p.parameter} ([bool]$ecsEntry.${p.parameter})`), p.parameter);
      assert.match(rollback, /throw \('No recorded values in '/);
    });

    describe('verification rules', () => {
      const s = settingsFor('impersonation');
      const off = { OWAEnabled: false, ActiveSyncEnabled: false, PopEnabled: false, ImapEnabled: false, MAPIEnabled: false, EwsEnabled: null };
      const read = (value: unknown) => interpretVerification('serviceAccount.protocols', block('serviceAccount.protocols', value), s);

      it('rule serviceAccount.protocols.noMailbox', () => {
        assert.equal(read([]).status, 'failed');
        assert.match(read(null).detail, /There is no mailbox alexaforbusiness@contoso\.com/);
      });

      it('rule serviceAccount.protocols.ewsOff', () => {
        for (const value of [false, 'False']) {
          const reading = read([{ ...off, EwsEnabled: value }]);
          assert.equal(reading.status, 'failed');
          assert.match(reading.detail, /EWS is turned off .*-EwsEnabled \$true/);
        }
      });

      it('rule serviceAccount.protocols.unreadable', () => {
        const reading = read([{ OWAEnabled: false }]);
        assert.equal(reading.status, 'unknown');
        assert.match(reading.detail, /lacks ActiveSyncEnabled, PopEnabled, ImapEnabled and MAPIEnabled/);
      });

      it('rule serviceAccount.protocols.stillOn', () => {
        const reading = read([{ ...off, PopEnabled: true, MAPIEnabled: 'True' }]);
        assert.equal(reading.status, 'failed');
        assert.match(reading.detail, /POP3 and MAPI \(Outlook\) are still on/);
        assert.equal(read([{ ...off, OWAEnabled: true }]).status, 'failed');
      });

      it('rule serviceAccount.protocols.onlyEws', () => {
        assert.equal(read([off]).status, 'done');
        assert.equal(read(off).status, 'done', 'PowerShell 5.1 prints a one-element array as the bare object');
        assert.equal(read([{ ...off, EwsEnabled: true }]).status, 'done');
      });
    });

    it('never counts toward the steps left, and says it is optional', () => {
      const model = new SetupModel(EMPTY_STATE, 'impersonation');
      const required = STEPS.filter((s) => isLeaf(s.id) && !s.optional && s.id !== 'access.delegate').length;
      assert.equal(model.remaining(), required);
      assert.ok(STEPS.find((s) => s.id === 'serviceAccount.protocols')?.optional);
      model.record('serviceAccount.protocols', 'failed', 'terminal', 'POP3 is still on');
      assert.equal(model.remaining(), required);
      assert.match(model.viewOf(STEPS.find((s) => s.id === 'serviceAccount.protocols') ?? assert.fail()).description, /^optional · failed/);
      for (const id of ['serviceAccount.create', 'access.impersonation', 'access.delegate', 'link', 'test', 'prerequisites.adminRights', 'prerequisites.exchangeVersion', 'prerequisites.certificate', 'basicAuth.verify', 'basicAuth.enable'] as const) {
        model.record(id, 'done', 'manual', 'done');
      }
      model.record('prerequisites.basicAuth', 'done', 'manual', 'done');
      assert.equal(model.remaining(), 0);
      assert.equal(model.contextKeys()['exchangeSetup.done.all'], true);
    });

    it('is defined but never called in the runbook', () => {
      const runbook = renderRunbook(settingsFor('impersonation'));
      assert.ok(runbook.ok);
      const start = runbook.text.indexOf('function Invoke-EcsServiceAccountProtocols {');
      assert.ok(start > 0);
      const end = runbook.text.indexOf('\n}\n', start);
      const set = runbook.text.indexOf('Set-CASMailbox -Identity $ServiceAccountUpn -OWAEnabled $false');
      assert.ok(set > start && set < end, 'Set-CASMailbox is only inside the function');
      assert.equal(runbook.text.split('\n').filter((l) => l.trim() === 'Invoke-EcsServiceAccountProtocols').length, 0);
    });
  });

  describe('admin rights and wording', () => {
    const base = { User: 'CONTOSO\\admin', Roles: ['Mail Recipients', 'Custom Vdir Role'], Required: [] };
    const readRights = (value: unknown) => interpretVerification('prerequisites.adminRights', block('prerequisites.adminRights', value), settingsFor('impersonation'));

    it('asks Exchange which roles grant each cmdlet the later steps run', () => {
      const snippet = mustSnippet('prerequisites.adminRights', settingsFor('impersonation'));
      assert.match(toPromptLine(snippet.verify), /Get-ManagementRole -Cmdlet \$_/);
      for (const cmdlet of ['Set-CASMailbox', 'Set-WebServicesVirtualDirectory', 'Add-ADPermission', 'New-ManagementRoleAssignment', 'Get-ExchangeCertificate']) assert.ok(toPromptLine(snippet.verify).includes(`'${cmdlet}'`), cmdlet);
    });

    it('rule prerequisites.adminRights.cmdletBlocked', () => {
      const missing = readRights([{ ...base, Cmdlets: [{ Cmdlet: 'Add-ADPermission', Roles: ['Active Directory Permissions'] }, { Cmdlet: 'Set-CASMailbox', Roles: 'Mail Recipients' }, { Cmdlet: 'Remove-ADPermission', Roles: [] }] }]);
      assert.equal(missing.status, 'failed');
      assert.match(missing.detail, /cannot run Add-ADPermission \(needs one of "Active Directory Permissions"\) and Remove-ADPermission \(no role grants it\)/);
      assert.doesNotMatch(missing.detail, /Set-CASMailbox/, 'a role given as a bare string (PowerShell 5.1) counts');
    });

    it('rule prerequisites.adminRights.everyCmdlet', () => {
      const ok = readRights([{ ...base, Cmdlets: [{ Cmdlet: 'Set-CASMailbox', Roles: ['Mail Recipients'] }, { Cmdlet: 'Set-WebServicesVirtualDirectory', Roles: ['Exchange Virtual Directories', 'Custom Vdir Role'] }] }]);
      assert.equal(ok.status, 'done', ok.detail);
      assert.match(ok.detail, /holds a role for each of the 2 cmdlets/);
      const fallback = readRights([base]);
      assert.equal(fallback.status, 'failed', 'without the per-cmdlet answer the built-in roles decide');
      assert.match(fallback.detail, /Exchange Server Certificates/);
    });

    it('says that Exchange 2016 and 2019 are out of support since 2025-10-14', () => {
      const reading = interpretVerification('prerequisites.exchangeVersion', block('prerequisites.exchangeVersion', [{ Name: 'EXCH01', AdminDisplayVersion: 'Version 15.1 (Build 2507.6)' }, { Name: 'EXCH02', AdminDisplayVersion: 'Version 15.2 (Build 2562.17)' }]), settingsFor('impersonation'));
      assert.equal(reading.status, 'done');
      assert.match(reading.detail, /EXCH01: Exchange 2016, out of support since 2025-10-14/);
      assert.doesNotMatch(reading.detail, /EXCH02: [^;]*out of support/);
      assert.doesNotMatch(STEPS.find((s) => s.id === 'prerequisites.exchangeVersion')?.summary ?? '', /2019 or Subscription Edition is supported/);
      assert.match(stepHelpMarkdown('prerequisites.exchangeVersion'), /2016 and 2019 since\s+2025-10-14/);
    });

    it('says in the help that Basic applies to every EWS user, and how password expiry shows', () => {
      assert.match(stepHelpMarkdown('basicAuth.enable'), /applies to every user of EWS/);
      assert.match(stepHelpMarkdown('basicAuth.enable'), /MSExchangeServicesAppPool/);
      assert.match(stepHelpMarkdown('basicAuth.enable'), /auth\.schemes/);
      assert.match(stepHelpMarkdown('serviceAccount.create'), /401[\s\S]*ActiveDirectory module[\s\S]*msDS-UserPasswordExpiryTimeComputed/);
      assert.match(stepHelpMarkdown('serviceAccount.protocols'), /does not affect EWS/);
    });
  });
});
