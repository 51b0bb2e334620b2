/**
 * Issue 15, item 3, for the text src/core builds on its own: setting validation (validate.ts), the
 * verification reader (verification.ts, readBack.ts) and the step explanations (stepHelp.ts). Under the
 * pseudo-locale bundle (test/support/pseudoLocale.ts: every string accented and wrapped in ⟦ ⟧) every
 * letter of what they produce must be pseudo-localized, apart from the data the case put in (values,
 * host names, UPNs, server and role names, cmdlets, codes). Pseudo-localization accents every ASCII
 * letter, so a plain letter left after removing the data is English that escaped `l10n.t`, whether
 * concatenated around a message or handed to one as an argument.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as l10n from '../../src/core/l10n';
import { readPastedVerification } from '../../src/core/readBack';
import { renderRunbook } from '../../src/core/runbook';
import { parseChallenges } from '../../src/core/ews/authChallenge';
import { DirectEwsTransport } from '../../src/core/ews/directTransport';
import { checkNodeName, readNodesSetting } from '../../src/core/ews/nodeNames';
import { EwsTransport, withTimeout } from '../../src/core/ews/transport';
import { canonicalOpath } from '../../src/core/opath';
import { psQuote, unquotableReason } from '../../src/core/quote';
import { DEFAULT_SETTINGS, SETTING_EXAMPLES, SETTING_FIELDS, type SetupSettings } from '../../src/core/settings';
import { OTHER_PROTOCOLS, REQUIRED_MANAGEMENT_ROLES, impersonationScopeFilter, markerLines } from '../../src/core/snippets';
import { stepHelpMarkdown } from '../../src/core/stepHelp';
import { STEPS, stepDefinition, type StepId } from '../../src/core/steps';
import { readSettingsObject, validateSettings, type FieldIssue } from '../../src/core/validate';
import { interpretVerification } from '../../src/core/verification';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { getTestPki } from '../fake-exchange/certs';
import { OPEN, pseudoLocalize } from '../support/pseudoLocale';

const ROOT = resolve(__dirname, '..', '..', '..');
const ENGLISH: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8'));
const PSEUDO = pseudoLocalize(ENGLISH);

/** What is left of `text` once the data values are taken out: plain letters are English that escaped. */
function escapedEnglish(text: string, data: readonly string[]): string[] {
  let rest = text;
  for (const value of [...data].filter((v) => v !== '').sort((a, b) => b.length - a.length)) rest = rest.split(value).join(' ');
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

function assertLocalized(where: string, text: string, data: readonly string[]): void {
  assert.ok(text.includes(OPEN), `${where}: nothing marked in ${JSON.stringify(text)}`);
  const words = escapedEnglish(text, data);
  assert.deepEqual(words, [], `${where}: unmarked English ${JSON.stringify(words)} in ${JSON.stringify(text)}`);
}

const UPN = 'alexaforbusiness@contoso.com';
const settings = (overrides: Partial<SetupSettings> = {}): SetupSettings => ({
  ...DEFAULT_SETTINGS,
  exchangeServer: 'EXCH01',
  serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: UPN },
  ...overrides,
});

function withSettings(base: SetupSettings, field: string, value: string): SetupSettings {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, Record<string, unknown>>;
  const [head, tail] = field.split('.');
  if (tail === undefined) (copy as Record<string, unknown>)[head] = value;
  else copy[head][tail] = value;
  return copy as unknown as SetupSettings;
}

/** One bad value per branch of validate.ts (quote.ts's reasons: see "quote, opath and the EWS transport"). */
const BAD_VALUES: readonly (readonly [string, string, readonly string[]])[] = [
  ['ewsUrl', 'nourl', []],
  ['ewsUrl', 'http://mail.contoso.com/EWS/Exchange.asmx', ['http']],
  ['ewsUrl', 'https://u:p@mail.contoso.com/EWS/Exchange.asmx', []],
  ['ewsUrl', 'https://mail.contoso.com/EWS/Exchange.asmx#x', []],
  ['ewsUrl', 'https://mail.contoso.com/', ['/EWS/Exchange.asmx']],
  ['serviceAccount.upn', 'svc account@contoso.com', []],
  ['serviceAccount.upn', 'svcaccount', []],
  ['serviceAccount.upn', '@contoso.com', []],
  ['serviceAccount.upn', 'svc..x@contoso.com', []],
  ['serviceAccount.upn', '.svc@contoso.com', []],
  ['serviceAccount.upn', 'svc(x)@contoso.com', []],
  ['serviceAccount.upn', 'svc@contoso', ['contoso']],
  ['serviceAccount.upn', 'svc@contoso..com', []],
  ['serviceAccount.upn', 'svc@-bad-.com', ['-bad-']],
  ['serviceAccount.upn', `${'x'.repeat(65)}@contoso.com`, []],
  ['testMailbox', 'alice', []],
  ['exchangeServer', 'exch 01', []],
  ['exchangeServer', 'waytoolongnetbiosname', []],
  ['exchangeServer', 'exch..contoso.com', []],
  ['serviceAccount.alias', 'svc account', []],
  ['serviceAccount.alias', 'svc(x)', []],
  ['serviceAccount.alias', '.svc', []],
  ['serviceAccount.alias', 'svc..x', []],
  ['serviceAccount.alias', 'x'.repeat(65), []],
  ['serviceAccount.displayName', ' Calendar service', []],
  ['serviceAccount.displayName', 'y'.repeat(65), []],
  ['impersonation.scopeName', '', []],
  ['impersonation.scopeName', '   ', []],
  ['access.limitToGroup', 'Sales', ['Get-DistributionGroup <name> | Format-List DistinguishedName']],
  ['access.limitToGroup', 'OU=Sales,DC=contoso,DC=com', ['Get-DistributionGroup <name> | Format-List DistinguishedName']],
  ['access.limitToGroup', 'CN=Sales,OU=Groups', ['Get-DistributionGroup <name> | Format-List DistinguishedName']],
  ['access.limitToGroup', 'CN=Sales\u2019,DC=contoso,DC=com', []],
  ['accessMethod', 'other', ['impersonation', 'delegate']],
];

function issueData(issue: FieldIssue, extra: readonly string[]): string[] {
  return [issue.setting, issue.example, issue.value, ...extra];
}

describe('l10n in src/core: validation, readings and step help in the pseudo-locale', () => {
  before(() => l10n.useL10nBundle(PSEUDO));
  after(() => l10n.useL10nBundle(undefined));

  describe('setting validation (validate.ts)', () => {
    for (const [field, value, extra] of BAD_VALUES) {
      it(`${field} = ${JSON.stringify(value.length > 30 ? `${value.slice(0, 27)}...` : value)}: problem and message are marked`, () => {
        const issues = validateSettings(withSettings(settings(), field, value), [field as (typeof SETTING_FIELDS)[number]]);
        assert.equal(issues.length, 1, `one issue for ${field}`);
        assertLocalized('problem', issues[0].problem, issueData(issues[0], extra));
        assertLocalized('message', issues[0].message, issueData(issues[0], extra));
      });
    }

    it('a settings file of the wrong shape: unknown keys, a section that is not an object, wrong types', () => {
      const reading = readSettingsObject({ bogus: 1, serviceAccount: 5, ewsUrl: 42, impersonation: { organizationWide: 'yes' }, tls: { extraCaFile: [] } }, 'settings.json');
      const fieldNames = SETTING_FIELDS.flatMap((f) => [f, ...f.split('.')]);
      for (const unknownKey of reading.unknownKeys) assertLocalized('unknown key', unknownKey.message, ['settings.json', 'bogus', ...fieldNames]);
      assert.ok(reading.unknownKeys.length >= 2);
      const typeIssues = reading.issues.filter((i) => /yes|42|\[\]/.test(i.value));
      assert.equal(typeIssues.length, 3);
      for (const issue of typeIssues) assertLocalized('type issue', issue.message, [...issueData(issue, ['settings.json'])]);
      const notObject = readSettingsObject([], 'settings.json');
      assertLocalized('not an object', notObject.unknownKeys[0].message, ['settings.json', 'serviceAccount', 'upn', SETTING_EXAMPLES['serviceAccount.upn'], ...fieldNames]);
    });
  });

  describe('verification readings (verification.ts, readBack.ts)', () => {
    const NOW = new Date('2026-11-29T12:00:00Z');
    const block = (name: string, json: unknown): string => `ECS-BEGIN ${name}\r\n${JSON.stringify(json)}\r\nECS-END ${name}\r\n`;
    const PUBLIC_CERT = { Thumbprint: '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C', Subject: 'CN=mail.contoso.com', Issuer: 'CN=DigiCert CA1', NotAfter: '2027-03-14T23:59:59Z', IsSelfSigned: false, RootCAType: 'ThirdParty', Status: 'Valid', Domains: ['mail.contoso.com'] };
    const SCOPE = DEFAULT_SETTINGS.impersonation.scopeName;
    const SCOPED = { Name: 'Alexa impersonation', CustomRecipientWriteScope: SCOPE, RecipientWriteScope: 'CustomRecipientScope', DelegationType: 'Regular' };
    const ORG_WIDE = { Name: 'OrgWideAssignment', CustomRecipientWriteScope: '', RecipientWriteScope: 'Organization', DelegationType: 'Regular' };
    const OU = { Name: 'SalesAssignment', CustomRecipientWriteScope: 'contoso.com/Sales', RecipientWriteScope: 'OU', DelegationType: 'Regular' };
    const impersonation = (o: Record<string, unknown> = {}) => ({ AccountFound: true, ScopeName: SCOPE, ScopeFilter: "(RecipientTypeDetails -eq 'UserMailbox')", Assignments: [SCOPED], ...o });
    const delegate = (o: Record<string, unknown> = {}) => ({ UserMailboxes: 10, WithoutFullAccessCount: 0, WithoutFullAccess: [], WithoutSendAsCount: 0, WithoutSendAs: [], TestMailbox: { Mailbox: 'alice@contoso.com', FullAccess: true, SendAs: true }, ...o });
    const DATA = [
      UPN, 'CONTOSO\\admin', 'EXCH01', 'EXCH02', 'EXCH01\\EWS (Default Web Site)', 'EXCH02\\EWS (Default Web Site)', 'mail.contoso.com', 'alice@contoso.com', 'bob@contoso.com',
      ...REQUIRED_MANAGEMENT_ROLES, 'New-Mailbox', 'Set-Foo', 'CustomRole', 'Version 15.2 (Build 1544.4)', 'Version 8.3 (Build 83.6)', 'Version 15.20 (Build 1.1)', 'Version x',
      'Exchange 2019', 'Exchange 2007 or older', 'Exchange Online', ...Object.values(PUBLIC_CERT).filter((v): v is string => typeof v === 'string'), '2027-03-14', '2026-01-01', '2030-01-01',
      'Enterprise', 'Revoked', 'tls.trust', 'exchangeSetup.ewsUrl', 'exchangeSetup.serviceAccount.existing', 'alexaforbusiness', 'LinkedMailbox', SCOPE, 'Alexa impersonation', 'OrgWideAssignment',
      'SalesAssignment', 'contoso.com/Sales', 'RoomScope', "(RecipientTypeDetails -eq 'RoomMailbox')", "(RecipientTypeDetails -ne 'UserMailbox')", "RecipientTypeDetails -ne 'UserMailbox'",
      impersonationScopeFilter(settings()), 'Full Access', 'Send As', `Set-CASMailbox -Identity ${UPN} -EwsEnabled $true`, ...OTHER_PROTOCOLS.flatMap((p) => [p.label, p.parameter]),
      'Get-Mailbox : The term is not recognized',
      // Data too: the JavaScript engine's own parse error (opath.ts's reasons are wrapped: see "quote, opath and the EWS transport").
      jsonParseError('not json'),
    ];
    const cases: readonly (readonly [string, StepId, unknown, Partial<SetupSettings>?])[] = [
      ['all roles', 'prerequisites.adminRights', { User: 'CONTOSO\\admin', Roles: [...REQUIRED_MANAGEMENT_ROLES] }],
      ['roles missing', 'prerequisites.adminRights', { User: 'CONTOSO\\admin', Roles: [REQUIRED_MANAGEMENT_ROLES[0]] }],
      ['one role missing', 'prerequisites.adminRights', { User: 'CONTOSO\\admin', Roles: REQUIRED_MANAGEMENT_ROLES.slice(1) }],
      ['cmdlets blocked', 'prerequisites.adminRights', { Roles: [], Cmdlets: [{ Cmdlet: 'New-Mailbox', Roles: ['CustomRole'] }, { Cmdlet: 'Set-Foo', Roles: [] }, ...Array.from({ length: 5 }, () => ({ Cmdlet: 'Set-Foo', Roles: [] }))] }],
      ['every cmdlet', 'prerequisites.adminRights', { User: 'CONTOSO\\admin', Roles: ['CustomRole'], Cmdlets: [{ Cmdlet: 'New-Mailbox', Roles: ['CustomRole'] }] }],
      ['no data', 'prerequisites.adminRights', null],
      ['version supported', 'prerequisites.exchangeVersion', [{ Name: 'EXCH01', AdminDisplayVersion: 'Version 15.2 (Build 1544.4)' }]],
      ['version too old', 'prerequisites.exchangeVersion', [{ Name: 'EXCH01', AdminDisplayVersion: 'Version 8.3 (Build 83.6)' }, { Name: 'EXCH02', AdminDisplayVersion: 'Version 8.3 (Build 83.6)' }]],
      ['version online', 'prerequisites.exchangeVersion', [{ Name: 'EXCH01', AdminDisplayVersion: 'Version 15.20 (Build 1.1)' }]],
      ['version unreadable', 'prerequisites.exchangeVersion', [{ Name: 'EXCH01', AdminDisplayVersion: 'Version x' }]],
      ['no servers', 'prerequisites.exchangeVersion', []],
      ['certificate public', 'prerequisites.certificate', [PUBLIC_CERT]],
      ['certificate self-signed and expired', 'prerequisites.certificate', [{ ...PUBLIC_CERT, IsSelfSigned: true, NotAfter: '2026-01-01T00:00:00Z' }]],
      ['certificate enterprise, revoked', 'prerequisites.certificate', [{ ...PUBLIC_CERT, RootCAType: 'Enterprise', Status: 'Revoked' }]],
      ['certificate unreadable', 'prerequisites.certificate', [{ ...PUBLIC_CERT, RootCAType: '', Status: '', NotAfter: 'x' }]],
      ['certificate host not covered', 'prerequisites.certificate', [{ ...PUBLIC_CERT, Domains: ['other.contoso.com'] }], {}],
      ['no EWS host', 'prerequisites.certificate', [PUBLIC_CERT], { ewsUrl: 'nourl' }],
      ['basic on', 'basicAuth.verify', [{ Server: 'EXCH01', Identity: 'EXCH01\\EWS (Default Web Site)', BasicAuthentication: true }]],
      ['basic off and unread', 'basicAuth.verify', [{ Server: 'EXCH01', Identity: 'EXCH01\\EWS (Default Web Site)', BasicAuthentication: false }, { Server: 'EXCH02', Identity: 'EXCH02\\EWS (Default Web Site)', BasicAuthentication: null }]],
      ['basic unread', 'basicAuth.verify', [{ Server: 'EXCH02', Identity: 'EXCH02\\EWS (Default Web Site)', BasicAuthentication: null }]],
      ['no virtual directory', 'basicAuth.verify', []],
      ['account exists', 'serviceAccount.create', [{ UserPrincipalName: UPN, RecipientTypeDetails: 'UserMailbox', Alias: 'alexaforbusiness', PasswordNeverExpires: true }]],
      ['account expiring', 'serviceAccount.create', [{ UserPrincipalName: UPN, RecipientTypeDetails: 'UserMailbox', PasswordExpiryTime: '2030-01-01T00:00:00Z' }]],
      ['account expired', 'serviceAccount.create', [{ UserPrincipalName: UPN, RecipientTypeDetails: 'UserMailbox', PasswordExpiryTime: '2026-01-01T00:00:00Z' }]],
      ['account wrong type', 'serviceAccount.create', [{ UserPrincipalName: UPN, RecipientTypeDetails: 'LinkedMailbox' }]],
      ['account disabled', 'serviceAccount.create', [{ UserPrincipalName: UPN, RecipientTypeDetails: 'UserMailbox', AccountDisabled: true }]],
      ['account missing', 'serviceAccount.create', []],
      ['existing account missing', 'serviceAccount.create', [], { serviceAccount: { ...settings().serviceAccount, existing: true } }],
      ['impersonation scoped', 'access.impersonation', impersonation({ Assignments: [SCOPED, OU] })],
      ['impersonation org-wide', 'access.impersonation', impersonation({ Assignments: [SCOPED, ORG_WIDE] })],
      ['impersonation no scope', 'access.impersonation', impersonation({ ScopeName: '', Assignments: [OU] })],
      ['impersonation other filter', 'access.impersonation', impersonation({ ScopeFilter: "(RecipientTypeDetails -ne 'UserMailbox')" })],
      ['impersonation unreadable filter', 'access.impersonation', impersonation({ ScopeFilter: '((' })],
      ['impersonation no assignment', 'access.impersonation', impersonation({ Assignments: [] })],
      ['impersonation unreadable reach', 'access.impersonation', impersonation({ Assignments: [SCOPED, { ...SCOPED, Name: 'OrgWideAssignment', RecipientWriteScope: 99 }] })],
      ['impersonation account missing', 'access.impersonation', impersonation({ AccountFound: false })],
      [
        'impersonation existing account',
        'access.impersonation',
        impersonation({ Assignments: [SCOPED, { ...SCOPED, Name: 'OrgWideAssignment', CustomRecipientWriteScope: 'RoomScope', ScopeFilter: "(RecipientTypeDetails -eq 'RoomMailbox')" }] }),
        { serviceAccount: { ...settings().serviceAccount, existing: true } },
      ],
      ['delegate done', 'access.delegate', delegate({ RoomMailboxes: 2, RoomsWithFullAccess: ['bob@contoso.com'], RoomsWithFullAccessCount: 1 })],
      ['delegate lacking', 'access.delegate', delegate({ WithoutFullAccessCount: 3, WithoutFullAccess: ['bob@contoso.com'], WithoutSendAsCount: 1, TestMailbox: { Mailbox: 'alice@contoso.com', FullAccess: false, SendAs: false } })],
      ['delegate none', 'access.delegate', delegate({ UserMailboxes: 0 })],
      ['delegate counts missing', 'access.delegate', { TestMailbox: null }],
      ['protocols only EWS', 'serviceAccount.protocols', [Object.fromEntries([...OTHER_PROTOCOLS.map((p) => [p.parameter, false]), ['EwsEnabled', true]])]],
      ['protocols still on', 'serviceAccount.protocols', [Object.fromEntries([...OTHER_PROTOCOLS.map((p) => [p.parameter, true]), ['EwsEnabled', true]])]],
      ['protocols one still on', 'serviceAccount.protocols', [Object.fromEntries([...OTHER_PROTOCOLS.map((p, i) => [p.parameter, i === 0]), ['EwsEnabled', true]])]],
      ['EWS off', 'serviceAccount.protocols', [{ EwsEnabled: false }]],
      ['protocols unreadable', 'serviceAccount.protocols', [{ EwsEnabled: true }]],
    ];
    for (const [name, step, json, overrides] of cases) {
      it(`${step}: ${name}`, () => {
        const reading = interpretVerification(step, block(step, json), settings(overrides), NOW);
        assertLocalized(`${step} (${reading.rule})`, reading.detail, DATA);
        for (const server of reading.serversNotRight ?? []) assertLocalized('server not right', server, DATA);
      });
    }

    it('output that is missing, cut off, not JSON, or comes with a shell error', () => {
      const step: StepId = 'basicAuth.verify';
      const { begin, end } = markerLines(step);
      const error = 'Get-Mailbox : The term is not recognized';
      const outputs = ['', `${error}\r\n`, `${begin}\r\n[`, `${begin}\r\n${error}\r\n`, `${begin}\r\nnot json\r\n${end}\r\n`, `${error}\r\n${begin}\r\n[]\r\n${end}\r\n`, `${begin}\r\n\r\n${end}\r\n`];
      for (const output of outputs) {
        const reading = interpretVerification(step, output, settings(), NOW);
        assertLocalized(`${reading.rule} for ${JSON.stringify(output)}`, reading.detail, [...DATA, begin, end]);
      }
      for (const [id, text] of [['no.such.step', ''], ['link', ''], [step, 'nothing'], [step, `${begin}\r\n${error}\r\n`]] as const) {
        const pasted = readPastedVerification(id, text, settings(), NOW);
        assert.equal(pasted.ok, false);
        if (!pasted.ok) assertLocalized(`pasted ${id}`, pasted.error, [...DATA, begin, end, id, ...STEPS.map((s) => s.id)]);
      }
    });
  });

  describe('step explanations (stepHelp.ts)', () => {
    for (const { id } of STEPS) {
      it(`${id}: the explanation is marked`, () => {
        const def = stepDefinition(id);
        const page = stepHelpMarkdown(id);
        // The title and summary come from the steps table (checked with the checklist); this is the rest.
        const head = `# ${def.title}\n\n${def.summary}\n\n`;
        assert.ok(page.startsWith(head));
        assertLocalized(id, page.slice(head.length), []);
      });
    }
  });

  describe('runbook prose (runbook.ts)', () => {
    for (const accessMethod of ['impersonation', 'delegate'] as const) {
      it(`${accessMethod}: the header and each step's comments are marked; the PowerShell is not touched`, () => {
        const runbookSettings = settings({ accessMethod, testMailbox: 'alice@contoso.com' });
        const render = (): string[] => {
          const result = renderRunbook(runbookSettings);
          assert.ok(result.ok);
          return result.ok ? result.text.split('\n') : [];
        };
        l10n.useL10nBundle(undefined);
        const english = render();
        l10n.useL10nBundle(PSEUDO);
        const pseudo = render();
        assert.equal(pseudo.length, english.length, 'the same lines in both languages');
        const prose = /^# (Exchange Calendar Setup:|Generated by|\(or a Windows|Access method:|or copy a function|No password|Parameters:|Stop at the first|Step \d+:|Action$|Action \(optional\):|Dry run: changes nothing|Verification|Rollback: defined here)/;
        const checked = english.map((line, index) => [line, index] as const).filter(([line]) => prose.test(line));
        assert.ok(checked.length > 20, `${checked.length} prose lines`);
        const data = ['exchangeSetup.*', 'exchange-calendar-setup', 'Undo-Ecs*', '. .\\runbook.ps1', 'New-Mailbox', 'Read-Host -AsSecureString', '-WhatIf', 'ECS-BEGIN', 'ECS-END', ...STEPS.flatMap((step) => [step.id, step.title])];
        for (const [, index] of checked) {
          const line = pseudo[index];
          const names = /(?:Invoke|Undo)-Ecs\w+/.exec(line)?.[0];
          // A multi-line text is marked once, at its first and last line: every line must still be accented.
          const words = escapedEnglish(line.slice(2), names ? [...data, names] : data);
          assert.deepEqual(words, [], `line ${index + 1}: unmarked English ${JSON.stringify(words)} in ${JSON.stringify(line)}`);
          assert.notEqual(line, english[index]);
        }
        const code = (lines: string[]): string[] => lines.filter((_line, index) => !prose.test(english[index]) && !/^# /.test(english[index]));
        assert.deepEqual(code(pseudo), code(english), 'the PowerShell is the same in every language');
      });
    }
  });

  describe('walkthrough pages (package.json media.markdown)', () => {
    // VS Code replaces a %key% in any string of the manifest, walkthrough media paths included
    // (microsoft/vscode, src/vs/platform/extensionManagement/common/extensionNls.ts, replaceNLStrings walks
    // every object and array), so each page's path is a key and a language's package.nls.<id>.json can
    // point it at a translated page.
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { walkthroughs: { steps: { id: string; media: { markdown?: string } }[] }[] };
    };
    const bundles = readdirSync(ROOT).filter((file) => /^package\.nls(\.[\w-]+)?\.json$/.test(file));
    for (const step of manifest.contributes.walkthroughs.flatMap((walkthrough) => walkthrough.steps)) {
      it(`${step.id}: the page is a %key% whose file exists in every package.nls*.json (${bundles.join(', ')})`, () => {
        const reference = /^%([^%\s]+)%$/.exec(step.media.markdown ?? '');
        assert.ok(reference, `${step.id}: media.markdown ${JSON.stringify(step.media.markdown)} is not a %key%`);
        for (const file of bundles) {
          const nls = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;
          const page: unknown = nls[reference[1]];
          if (file !== 'package.nls.json' && page === undefined) continue; // a language without its own page falls back to English
          assert.equal(typeof page, 'string', `${file} has ${reference[1]}`);
          assert.ok(existsSync(join(ROOT, String(page))), `${file}: ${String(page)} exists`);
        }
      });
    }
  });

  describe('quote, opath and the EWS transport (quote.ts, opath.ts, ews/nodeNames.ts, ews/authChallenge.ts, ews/transport.ts, ews/directTransport.ts, ews/http1.ts)', () => {
    const thrown = (work: () => unknown): string => {
      try {
        work();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('nothing thrown');
    };
    const rejection = async (work: Promise<unknown>): Promise<string> => work.then(
      () => { throw new Error('no rejection'); },
      (error: Error) => error.message,
    );

    it('quote.ts: why a value cannot be quoted, and the error naming the setting', () => {
      for (const value of ['a\nb', 'a\u0000b', 'a\u202eb', 'a\ud800b', 'a\u0007b', 'x'.repeat(1025)]) {
        assertLocalized(JSON.stringify(value.slice(0, 5)), unquotableReason(value) ?? '', ['U+000A', 'U+0000', 'U+202E', 'U+D800', 'U+0007', 'Unicode']);
      }
      assertLocalized('UnsafeValueError', thrown(() => psQuote('a\tb', 'exchangeServer')), ['exchangeSetup.exchangeServer', 'U+0009', 'PowerShell']);
    });

    it('opath.ts: why a scope filter cannot be read', () => {
      for (const filter of ['((', "Name -eq 'x", "'x'", 'Name', 'Name -eq', "(Name -eq 'x') Other", "(Name -eq 'x'"]) {
        assertLocalized(filter, unreadableOpathReason(filter), ['Name', 'Other', '-eq', '-ne']);
      }
    });

    it('ews/nodeNames.ts: a node name and the setting exchangeSetup.probes.nodes', () => {
      const data = ['exchangeSetup.probes.nodes', 'exch01.contoso.com', 'exch02.contoso.com', '10.0.0.12', 'https://', 'EWS URL', 'bad host'];
      assertLocalized('empty', thrown(() => checkNodeName(' ')), data);
      assertLocalized('not a name', thrown(() => checkNodeName('bad host')), data);
      for (const value of ['exch01', [1], ['bad host']]) {
        const { problems } = readNodesSetting(value);
        assert.equal(problems.length, 1);
        assertLocalized(JSON.stringify(value), problems[0], data);
      }
    });

    it('ews/authChallenge.ts: why a WWW-Authenticate line cannot be read', () => {
      const lines = ['Basic realm="x', '=x', 'Basic  =', 'Basic realm=', 'Basic realm="x" y', 'Basic,Negotiate x=1 y'];
      const { problems } = parseChallenges(lines);
      assert.ok(problems.length >= 5, JSON.stringify(problems));
      for (const problem of problems) assertLocalized(problem, problem, ['Basic', 'Negotiate', 'realm', 'name=value', '=x']);
    });

    it('ews/transport.ts: a timeout, a cancellation and a URL that is not https', async () => {
      assertLocalized('timeout', await rejection(withTimeout(() => () => undefined, 1)), []);
      assertLocalized('cancelled', await rejection(withTimeout(() => () => undefined, 10_000, AbortSignal.abort())), []);
      const transport = new EwsTransport();
      try {
        assertLocalized('http', await rejection(transport.request({ url: 'http://mail.contoso.com/EWS/Exchange.asmx' })), ['EWS', 'http:']);
      } finally {
        transport.close();
      }
    });

    it('ews/directTransport.ts: a response that is not HTTP', async function () {
      this.timeout(20_000);
      const pki = await getTestPki();
      const sockets = new Set<tls.TLSSocket>();
      const server = tls.createServer({ cert: pki.healthy.certChainPem, key: pki.healthy.keyPem }, (socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.end('NOT HTTP AT ALL\r\n\r\n');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const transport = new DirectEwsTransport({ extraCaPem: pki.caPem, requestTimeoutMs: 5_000 });
      try {
        const message = await rejection(transport.request({ url: `https://localhost:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx` }));
        // The sentence and the HTTP/1.1 parser's own detail after its colon (ews/http1.ts) are both marked.
        assertLocalized('not HTTP', message, ['NOT HTTP AT ALL', 'HTTP/1.x', '"NOT HTTP AT ALL"']);
      } finally {
        transport.close();
        for (const socket of sockets) socket.destroy();
        await new Promise((r) => server.close(r));
      }
    });
  });

  it('the check can fail: in English (no bundle) the same texts are found unmarked', () => {
    l10n.useL10nBundle(undefined);
    try {
      const issue = validateSettings(withSettings(settings(), 'ewsUrl', 'nourl'), ['ewsUrl'])[0];
      assert.notDeepEqual(escapedEnglish(issue.message, issueData(issue, [])), []);
      const reading = interpretVerification('basicAuth.verify', block2('basicAuth.verify', []), settings());
      assert.notDeepEqual(escapedEnglish(reading.detail, []), []);
      assert.notDeepEqual(escapedEnglish(stepHelpMarkdown('link'), []), []);
      assert.notDeepEqual(escapedEnglish(unreadableOpathReason('(('), []), []);
      assert.notDeepEqual(escapedEnglish(unquotableReason('a\nb') ?? '', ['U+000A']), []);
    } finally {
      l10n.useL10nBundle(PSEUDO);
    }
  });
});

function jsonParseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} parsed`);
}

function unreadableOpathReason(filter: string): string {
  const parsed = canonicalOpath(filter);
  if (parsed.ok) throw new Error(`${filter} parsed`);
  return parsed.reason;
}

function block2(name: string, json: unknown): string {
  return `ECS-BEGIN ${name}\r\n${JSON.stringify(json)}\r\nECS-END ${name}\r\n`;
}
