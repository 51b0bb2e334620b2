import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRunbook } from '../../src/core/runbook';
import { DEFAULT_SETTINGS, type AccessMethod, type SetupSettings } from '../../src/core/settings';
import { fieldsUsedBy, renderScript, snippetForStep, snippetGenerator, toPromptLine, type Script, type SnippetContext, type StepSnippet } from '../../src/core/snippets';
import { SNIPPET_STEPS, STEP_IDS, type StepId } from '../../src/core/steps';
import { loadPowerShellParser, type PowerShellParser } from '../support/powershellParser';

const GOLDEN_DIR = join(__dirname, '..', '..', '..', 'test', 'unit', 'golden');

function settingsFor(method: AccessMethod, organizationWide = false): SetupSettings {
  return {
    ...DEFAULT_SETTINGS,
    exchangeServer: 'EXCH01',
    serviceAccount: { upn: "alexa.o'brien@contoso.com", alias: 'alexaforbusiness', displayName: 'Alexa for Business', organizationalUnit: 'contoso.com/Service Accounts', existing: false },
    accessMethod: method,
    impersonation: { ...DEFAULT_SETTINGS.impersonation, organizationWide },
    testMailbox: 'alice@contoso.com',
  };
}

function mustSnippet(id: StepId, settings: SetupSettings, context: SnippetContext = {}): StepSnippet {
  const result = snippetForStep(id, settings, context);
  if (!result.ok) assert.fail(`${id}: ${result.issues.map((i) => i.message).join('; ')}`);
  return result.snippet;
}

function statements(script: Script): string[] {
  return script.lines.filter((l) => l.kind === 'statement').map((l) => l.text);
}

function allText(snippet: StepSnippet): string {
  return [snippet.action, snippet.verify, snippet.rollback].map((s) => renderScript(s)).join('\n');
}

/** Every step's rendered parts and prompt lines, as one reviewable file. */
function snippetsDocument(settings: SetupSettings): string {
  const parts: string[] = [];
  for (const id of SNIPPET_STEPS) {
    const snippet = mustSnippet(id, settings);
    for (const part of ['dryRun', 'action', 'verify', 'rollback'] as const) {
      const script = snippet[part];
      if (!script) continue;
      parts.push(`# ==== ${id} ${part}`, renderScript(script), `# ---- prompt line`, toPromptLine(script) || '# (no statements)');
    }
  }
  return `${parts.join('\n')}\n`;
}

function checkGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `missing golden file ${path}; run with UPDATE_GOLDEN=1 to create it`);
  assert.equal(actual, readFileSync(path, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it after review)`);
}

describe('snippets', () => {
  let parser: PowerShellParser;
  before(async function () {
    this.timeout(20000);
    parser = await loadPowerShellParser();
  });

  function assertParses(label: string, source: string): void {
    // The grammar rejects a program without statements (PowerShell accepts one), so comment-only
    // scripts are checked with a trailing no-op statement: the comments are still parsed.
    const commentsOnly = source.split('\n').every((line) => line.trim() === '' || line.trimStart().startsWith('#'));
    const problems = parser.syntaxProblems(commentsOnly ? `${source}\n$null` : source);
    assert.deepEqual(problems, [], `${label} does not parse:\n${source}`);
  }

  it('has a generator for every step with a snippet and none for the others', () => {
    for (const id of STEP_IDS) assert.equal(snippetGenerator(id) !== undefined, SNIPPET_STEPS.includes(id), id);
  });

  describe('golden files', () => {
    for (const method of ['impersonation', 'delegate'] as const) {
      it(`snippets for ${method} match test/unit/golden/snippets-${method}.ps1`, () => {
        checkGolden(`snippets-${method}.ps1`, snippetsDocument(settingsFor(method)));
      });
      it(`runbook for ${method} matches test/unit/golden/runbook-${method}.ps1`, () => {
        const runbook = renderRunbook(settingsFor(method));
        assert.ok(runbook.ok);
        checkGolden(`runbook-${method}.ps1`, runbook.text);
      });
    }
  });

  describe('syntax (tree-sitter-powershell)', () => {
    const contexts: { label: string; context: SnippetContext }[] = [
      { label: 'no prior', context: {} },
      { label: 'prior recorded', context: { basicAuthPrior: [{ identity: "EXCH01\\EWS (Default Web Site)", basicAuthentication: false }, { identity: "EXCH'02\\EWS (Default Web Site)", basicAuthentication: true }] } },
    ];
    for (const method of ['impersonation', 'delegate'] as const) {
      for (const organizationWide of [false, true]) {
        for (const server of ['EXCH01', '']) {
          it(`every snippet parses: ${method}, organizationWide ${organizationWide}, server ${server || 'empty'}`, () => {
            const settings = { ...settingsFor(method, organizationWide), exchangeServer: server };
            let checked = 0;
            for (const id of SNIPPET_STEPS) {
              for (const { label, context } of contexts) {
                const result = snippetForStep(id, settings, context);
                if (!result.ok) {
                  // Only steps that need the server may refuse, and only for that reason.
                  assert.equal(server, '', `${id}: ${result.issues.map((i) => i.message).join('; ')}`);
                  assert.deepEqual(result.issues.map((i) => i.field), ['exchangeServer']);
                  continue;
                }
                for (const part of ['action', 'verify', 'rollback'] as const) {
                  assertParses(`${id} ${part} (${label})`, renderScript(result.snippet[part]));
                  const line = toPromptLine(result.snippet[part]);
                  if (line !== '') assertParses(`${id} ${part} prompt line (${label})`, line);
                  assert.ok(!line.includes('\n'), 'a prompt line is one line');
                  checked++;
                }
              }
            }
            assert.ok(checked >= 30, `checked ${checked} scripts`);
          });
        }
        it(`the runbook parses: ${method}, organizationWide ${organizationWide}`, () => {
          const runbook = renderRunbook(settingsFor(method, organizationWide));
          assert.ok(runbook.ok);
          assertParses('runbook', runbook.text);
        });
      }
    }

    it('the checker does find broken PowerShell (so a pass means something)', () => {
      assert.notDeepEqual(parser.syntaxProblems("New-Mailbox -Name 'unterminated"), []);
      assert.notDeepEqual(parser.syntaxProblems('Get-Mailbox | ForEach-Object { $_.Name'), []);
    });
  });

  describe('corrections to the AWS procedure (EXCHANGE.md)', () => {
    it('never assigns ApplicationImpersonation without the scope unless organizationWide is set', () => {
      const scoped = mustSnippet('access.impersonation', settingsFor('impersonation', false));
      const assignments = statements(scoped.action).filter((s) => s.startsWith('New-ManagementRoleAssignment'));
      assert.equal(assignments.length, 1);
      assert.match(assignments[0], /-Role ApplicationImpersonation .*-CustomRecipientWriteScope 'Alexa for Business user mailboxes'$/);
      const orgWide = mustSnippet('access.impersonation', settingsFor('impersonation', true));
      const orgAssignments = statements(orgWide.action).filter((s) => s.startsWith('New-ManagementRoleAssignment'));
      assert.equal(orgAssignments.length, 2);
      assert.ok(orgAssignments.some((s) => !s.includes('-CustomRecipientWriteScope')));
      assert.ok(orgWide.action.lines.some((l) => l.kind === 'comment' && l.text.startsWith('WARNING')));
      assert.ok(statements(orgWide.rollback).some((s) => s.includes('(organization-wide)')));
    });

    it('labels the scope as user mailboxes and filters UserMailbox with a string filter', () => {
      const snippet = mustSnippet('access.impersonation', settingsFor('impersonation'));
      assert.ok(statements(snippet.action).includes(`New-ManagementScope -Name 'Alexa for Business user mailboxes' -RecipientRestrictionFilter "RecipientTypeDetails -eq 'UserMailbox'"`));
      assert.match(allText(snippet), /user mailboxes/);
      assert.doesNotMatch(allText(snippet), /room mailboxes/i);
    });

    it('rolls back the assignment before the scope', () => {
      const rollback = statements(mustSnippet('access.impersonation', settingsFor('impersonation')).rollback);
      const assignment = rollback.findIndex((s) => s.startsWith('Remove-ManagementRoleAssignment'));
      const scope = rollback.findIndex((s) => s.startsWith('Remove-ManagementScope'));
      assert.ok(assignment >= 0 && scope > assignment);
    });

    it('takes the EWS directory from Get-WebServicesVirtualDirectory -Server instead of composing its identity, then recycles MSExchangeServicesAppPool', () => {
      const snippet = mustSnippet('basicAuth.enable', { ...settingsFor('delegate'), exchangeServer: 'exch01.contoso.local' });
      const action = statements(snippet.action);
      const at = (pattern: RegExp): number => action.findIndex((s) => pattern.test(s));
      // Every server with an EWS directory, each read with -Server; the record is written before any change.
      const read = at(/^\$ecsDirectories = @\(foreach \(\$ecsServer in @\(Get-WebServicesVirtualDirectory -ADPropertiesOnly \| ForEach-Object \{ \[string\]\$_\.Server \} \| Sort-Object -Unique\)\) \{ Get-WebServicesVirtualDirectory -Server \$ecsServer \}\)$/);
      const record = at(/Set-Content -LiteralPath \$ecsPriorFile/);
      const set = at(/Set-WebServicesVirtualDirectory -Identity \(\[string\]\$ecsDirectory\.Identity\) -BasicAuthentication \$true/);
      const recycle = at(/^foreach \(\$ecsServer in @\(\$ecsChanged \| Sort-Object -Unique\)\) \{ \$ecsFqdn = \[string\]\(Get-ExchangeServer -Identity \$ecsServer\)\.Fqdn;.*Invoke-Command -ComputerName \$ecsFqdn -ErrorAction Stop -ScriptBlock \{ Import-Module WebAdministration; Restart-WebAppPool -Name 'MSExchangeServicesAppPool' \}/);
      assert.ok(read >= 0 && record > read && set > record && recycle > set, action.join('\n'));
      // Only a directory that is off, readable and recorded is changed; the changed servers are the ones recycled.
      assert.match(action[set], /if \(\$ecsRecorded -notcontains \[string\]\$ecsDirectory\.Identity\) \{ Write-Warning/);
      assert.match(action[set], /if \(\$null -eq \$ecsDirectory\.BasicAuthentication\) \{ Write-Warning/);
      assert.match(action[set], /; \[string\]\$ecsDirectory\.Server \}\)$/);
      // A recorded value is never overwritten: only identities not yet in the file are added.
      assert.match(action.join('\n'), /\$ecsKnown -notcontains \[string\]\$ecsDirectory\.Identity/);
      // A server that refuses remoting is named with what to run there.
      assert.match(action[recycle], /catch \{ Write-Warning \('Could not recycle MSExchangeServicesAppPool on ' \+ \$ecsFqdn .*run: Restart-WebAppPool -Name MSExchangeServicesAppPool'\) \}/);
      assert.ok(!allText(snippet).includes('exch01.contoso.local'), 'no server setting is used: Exchange lists the servers');
      assert.match(renderScript(snippet.action), /every user of EWS/);
      assert.match(renderScript(snippet.action), /auth\.schemes probe/);
      assert.ok(statements(snippet.rollback).at(-1)?.includes('Restart-WebAppPool'), 'the rollback recycles the pool too');
    });

    it('creates the mailbox with a password typed twice and compared without plain text, no forced reset, every value quoted', () => {
      const action = statements(mustSnippet('serviceAccount.create', settingsFor('delegate')).action);
      const create = action.find((s) => s.startsWith('New-Mailbox')) ?? assert.fail('no New-Mailbox');
      const prompts = action.filter((s) => /Read-Host '[^']*' -AsSecureString/.test(s));
      assert.equal(prompts.length, 2);
      const check = action.findIndex((s) => s.startsWith('if (-not $ecsSame) { throw '));
      assert.ok(check >= 0 && check < action.indexOf(create), 'a mismatch stops before New-Mailbox');
      const text = action.join('\n');
      assert.doesNotMatch(text, /PtrToString|AsPlainText|ConvertFrom-SecureString/, 'the password never becomes a string');
      assert.match(text, /ZeroFreeBSTR\(\$ecsFirst\).*ZeroFreeBSTR\(\$ecsSecond\)/);
      assert.ok(create.includes('-Password $ecsPassword'));
      assert.ok(create.includes('-ResetPasswordOnNextLogon $false'));
      assert.ok(create.includes("-Alias 'alexaforbusiness'"));
      assert.ok(create.includes("-UserPrincipalName 'alexa.o''brien@contoso.com'"));
      assert.ok(create.includes("-OrganizationalUnit 'contoso.com/Service Accounts'"));
      assert.ok(!create.includes('-LastName Service Account'));
      assert.match(renderScript(mustSnippet('serviceAccount.create', settingsFor('delegate')).action), /401[\s\S]*msDS-UserPasswordExpiryTimeComputed/);
    });

    it('grants Send As with Add-ADPermission, never Add-RecipientPermission, and Full Access without auto-mapping', () => {
      const snippet = mustSnippet('access.delegate', settingsFor('delegate'));
      const text = allText(snippet);
      assert.ok(statements(snippet.action).some((s) => s.includes("Add-ADPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -ExtendedRights 'Send As'")));
      assert.ok(statements(snippet.action).some((s) => s.includes('Add-MailboxPermission') && s.includes('-AccessRights FullAccess -InheritanceType All -AutoMapping $false')));
      assert.ok(!statements(snippet.action).some((s) => s.includes('Add-RecipientPermission')));
      assert.ok(!statements(snippet.action).some((s) => s.includes('New-Mailbox')));
      assert.match(text, /Mailboxes created later/);
      assert.ok(statements(snippet.rollback).some((s) => s.includes('Remove-MailboxPermission')));
      assert.ok(statements(snippet.rollback).some((s) => s.includes('Remove-ADPermission')));
    });

    it('uses only ASCII hyphens and no Format-List anywhere', () => {
      for (const method of ['impersonation', 'delegate'] as const) {
        const runbook = renderRunbook(settingsFor(method, true));
        assert.ok(runbook.ok);
        const document = `${runbook.text}\n${snippetsDocument(settingsFor(method, true))}`;
        assert.doesNotMatch(document, /[\u2012\u2013\u2014\u2015\u2212]/);
        assert.doesNotMatch(document, /Format-List|\|\s*fl\b/);
      }
    });

    it('prints markers built at run time, so the echoed command never contains the marker text', () => {
      for (const id of SNIPPET_STEPS) {
        const snippet = mustSnippet(id, settingsFor('impersonation'));
        for (const part of ['action', 'verify'] as const) {
          const line = toPromptLine(snippet[part]);
          assert.doesNotMatch(line, /ECS-BEGIN [a-z]/, `${id} ${part}`);
          assert.doesNotMatch(line, /ECS-END [a-z]/, `${id} ${part}`);
        }
        if (statements(snippet.verify).length > 0) assert.ok(toPromptLine(snippet.verify).includes(`('ECS-BEGIN ' + '${id}')`), id);
      }
    });

    it('connects a remote shell with Kerberos and mentions the local-shell alternative', () => {
      const snippet = mustSnippet('prerequisites.adminRights', settingsFor('impersonation'));
      assert.ok(statements(snippet.action)[0].includes("-ConnectionUri 'http://EXCH01/PowerShell/' -Authentication Kerberos"));
      assert.match(allText(snippet), /RemoteExchange\.ps1/);
      assert.match(allText(snippet), /WSMan/);
      assert.deepEqual(statements(snippet.rollback), ['Remove-PSSession $ecsSession']);
    });

    it('restores Basic auth from the recorded context, else from the recorded file', () => {
      const fromContext = mustSnippet('basicAuth.enable', settingsFor('delegate'), {
        basicAuthPrior: [
          { identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false },
          { identity: 'EXCH02\\EWS (Default Web Site)', basicAuthentication: true, server: 'EXCH02' },
          { identity: 'EXCH03\\EWS (Default Web Site)', basicAuthentication: false, server: 'exch03.contoso.local' },
        ],
      });
      const restore = statements(fromContext.rollback);
      assert.deepEqual(restore.slice(0, 4), [
        "Set-WebServicesVirtualDirectory -Identity 'EXCH01\\EWS (Default Web Site)' -BasicAuthentication $false",
        "Set-WebServicesVirtualDirectory -Identity 'EXCH02\\EWS (Default Web Site)' -BasicAuthentication $true",
        "Set-WebServicesVirtualDirectory -Identity 'EXCH03\\EWS (Default Web Site)' -BasicAuthentication $false",
        // Only the servers recorded as off were changed: their pools are recycled (the server from the record, else from the identity).
        "$ecsRestored = @('EXCH01', 'exch03.contoso.local')",
      ]);
      assert.match(restore[4], /^foreach \(\$ecsServer in @\(\$ecsRestored \| Sort-Object -Unique\)\)/);
      const fromFile = statements(mustSnippet('basicAuth.enable', settingsFor('delegate')).rollback);
      assert.ok(fromFile.some((s) => s.includes('exchange-calendar-setup-basicauth-prior.json')));
      assert.ok(fromFile.some((s) => s.startsWith('$ecsRestored = @(foreach ($ecsEntry in $ecsPrior) { Set-WebServicesVirtualDirectory -Identity ([string]$ecsEntry.Identity) -BasicAuthentication ([bool]$ecsEntry.BasicAuthentication)')));
      assert.match(fromFile.at(-1) ?? '', /^foreach \(\$ecsServer in @\(\$ecsRestored/);
      // An identity read back from a terminal that cannot be quoted is not used.
      const unsafe = mustSnippet('basicAuth.enable', settingsFor('delegate'), { basicAuthPrior: [{ identity: 'EXCH01\n; Remove-Mailbox x', basicAuthentication: false }] });
      assert.ok(!renderScript(unsafe.rollback).includes('Remove-Mailbox'));
      const unsafeServer = mustSnippet('basicAuth.enable', settingsFor('delegate'), { basicAuthPrior: [{ identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false, server: 'EXCH01\n; Remove-Mailbox x' }] });
      assert.ok(!renderScript(unsafeServer.rollback).includes('Remove-Mailbox'));
    });

    it('never puts a password in the link or test steps', () => {
      for (const id of ['link', 'test'] as const) {
        const snippet = mustSnippet(id, settingsFor('impersonation'));
        assert.deepEqual([...statements(snippet.action), ...statements(snippet.verify), ...statements(snippet.rollback)], []);
      }
      assert.match(allText(mustSnippet('link', settingsFor('impersonation'))), /EWS URL: https:\/\/mail\.contoso\.com\/EWS\/Exchange\.asmx/);
    });
  });

  describe('validation before generation', () => {
    it('refuses to build a snippet from an invalid value and names the field', () => {
      const settings = settingsFor('impersonation');
      settings.serviceAccount.alias = 'Alexa for Business';
      const result = snippetForStep('serviceAccount.create', settings);
      assert.equal(result.ok, false);
      if (!result.ok) assert.deepEqual(result.issues.map((i) => i.field), ['serviceAccount.alias']);
    });

    it('validates exactly the fields each step reads', () => {
      const broken: SetupSettings = { ...settingsFor('impersonation'), ewsUrl: 'http://x', testMailbox: 'not an address' };
      assert.equal(snippetForStep('serviceAccount.create', broken).ok, true);
      assert.equal(snippetForStep('link', broken).ok, false);
      assert.equal(snippetForStep('access.delegate', broken).ok, false);
      assert.deepEqual(fieldsUsedBy('prerequisites.exchangeVersion'), []);
    });

    it('needs the Exchange server only for the remote shell; Basic auth and the certificate read every server whatever it says', () => {
      const settings = { ...settingsFor('impersonation'), exchangeServer: '' };
      const adminRights = snippetForStep('prerequisites.adminRights', settings);
      assert.equal(adminRights.ok, false);
      if (!adminRights.ok) assert.match(adminRights.issues[0].message, /^exchangeSetup\.exchangeServer is empty\./);
      for (const id of ['prerequisites.certificate', 'basicAuth.verify', 'basicAuth.enable'] as const) {
        assert.deepEqual(fieldsUsedBy(id), [], id);
        const verify = toPromptLine(mustSnippet(id, settings).verify);
        assert.ok(verify.includes('@(foreach ($ecsServer in @(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object { [string]$_.Server } | Sort-Object -Unique))'), id);
        assert.ok(verify.includes(id === 'prerequisites.certificate' ? 'Get-ExchangeCertificate -Server $ecsServer -ErrorAction SilentlyContinue -ErrorVariable ecsErrors' : 'Get-WebServicesVirtualDirectory -Server $ecsServer -ErrorAction SilentlyContinue -ErrorVariable ecsErrors'), id);
      }
    });
  });
});
