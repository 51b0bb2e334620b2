import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, type SetupSettings } from '../../src/core/settings';
import { DELEGATE_NAMES_SHOWN, impersonationScopeFilter, snippetForStep, toPromptLine } from '../../src/core/snippets';
import type { StepId, StepStatus } from '../../src/core/steps';
import {
  VERIFICATION_RULE_IDS,
  exchangeProductName,
  firstErrorLine,
  interpretVerification,
  parseAdminDisplayVersion,
  readMarkerBlock,
  stripTerminalEscapes,
  type VerificationReading,
  type VerificationRuleId,
} from '../../src/core/verification';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'terminal');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const NOW = new Date('2026-11-29T12:00:00Z');

function settings(overrides: Partial<SetupSettings> = {}): SetupSettings {
  return {
    ...DEFAULT_SETTINGS,
    exchangeServer: 'EXCH01',
    serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: 'alexaforbusiness@contoso.com' },
    ...overrides,
  };
}

function block(name: string, json: unknown): string {
  return `PS> Write-Output ('ECS-BEGIN ' + '${name}')\r\nECS-BEGIN ${name}\r\n${JSON.stringify(json)}\r\nECS-END ${name}\r\n`;
}

describe('stripTerminalEscapes', () => {
  it('removes CSI, OSC 633 (BEL and ST terminated), charset and title sequences', () => {
    const raw = '\x1b]633;A\x07\x1b[32;1mPS\x1b[0m> \x1b]633;B\x1b\\\x1b(B\x1b=\x1b]0;title\x07ok\x1b[?25h\r\n\x9b31mdone\x1bP1$r0m\x1b\\';
    assert.equal(stripTerminalEscapes(raw), 'PS> ok\ndone');
  });

  it('applies carriage returns and backspaces like a terminal', () => {
    assert.equal(stripTerminalEscapes('50%  \rECS\r\n'), 'ECS  \n');
    assert.equal(stripTerminalEscapes('abc\b\bX\r\n'), 'aXc\n');
  });

  it('turns cursor-forward into spaces (ConPTY writes runs of spaces that way)', () => {
    assert.equal(stripTerminalEscapes('Default\x1b[1CWeb\x1b[CSite'), 'Default Web Site');
  });

  it('drops an OSC cut off at the end of a chunk', () => {
    assert.equal(stripTerminalEscapes('ok\x1b]633;E;Get-Mail'), 'ok');
  });
});

describe('readMarkerBlock and firstErrorLine', () => {
  it('ignores the echoed command and finds the printed marker', () => {
    const text = stripTerminalEscapes(fixture('pwsh7-psreadline-basicauth-verify.txt'));
    const found = readMarkerBlock(text, 'basicAuth.verify');
    assert.equal(found.kind, 'json');
    assert.equal(readMarkerBlock("PS> Write-Output ('ECS-BEGIN ' + 'x')\nECS-BEGIN x and more\nECS-END x", 'x').kind, 'missing');
  });

  it('reports a block without its end marker as incomplete', () => {
    assert.equal(readMarkerBlock('ECS-BEGIN basicAuth.verify\n[{"a"', 'basicAuth.verify').kind, 'incomplete');
  });

  it('finds PowerShell 7 and Windows PowerShell 5.1 errors', () => {
    assert.match(firstErrorLine(stripTerminalEscapes(fixture('pwsh7-error-not-recognized.txt'))) ?? '', /^Get-WebServicesVirtualDirectory:/);
    assert.equal(firstErrorLine(stripTerminalEscapes(fixture('ps51-error-remote-exchange.txt'))), "The specified server 'EXCH09' couldn't be found.");
    assert.equal(firstErrorLine('Get-Mailbox : The term \'Get-Mailbox\' is not recognized\r\nAt line:1 char:1\n+ Get-Mailbox\n    + CategoryInfo : ObjectNotFound'), "Get-Mailbox : The term 'Get-Mailbox' is not recognized");
    assert.equal(firstErrorLine('all fine\n[{"a":1}]'), undefined);
  });
});

describe('interpretVerification on recorded terminal output', () => {
  it('PowerShell 7 + PSReadLine + shell integration: Basic auth off on one server fails, naming it', () => {
    const reading = interpretVerification('basicAuth.verify', fixture('pwsh7-psreadline-basicauth-verify.txt'), settings(), NOW);
    assert.equal(reading.status, 'failed');
    assert.match(reading.detail, /^Basic authentication is off on EXCH02: /);
    // EXCH01 is named only as a server that is right; the tooltip's list holds the one to fix.
    assert.match(reading.detail, /On: EXCH01\.$/);
    assert.deepEqual(reading.serversNotRight, ['EXCH02 (Basic off)']);
    assert.deepEqual(reading.basicAuth, [
      { server: 'EXCH01', identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: true },
      { server: 'EXCH02', identity: 'EXCH02\\EWS (Default Web Site)', basicAuthentication: false },
    ]);
  });

  it('all servers (modelled 5.1 output, wrapped at 120 columns): one server off, one whose IIS could not be read', () => {
    const reading = interpretVerification('basicAuth.verify', fixture('ps51-basicauth-verify-all-servers.txt'), settings(), NOW);
    assert.equal(reading.rule, 'basicAuth.verify.off');
    assert.deepEqual(reading.serversNotRight, ['EXCH02 (Basic off)', 'EXCH03 (could not be read)']);
    assert.equal(reading.basicAuth?.length, 3);
    assert.equal(reading.basicAuth?.[2].basicAuthentication, null);
  });

  it('all servers (modelled 5.1 output): the certificate of each server, one whose public certificate has run out', () => {
    const reading = interpretVerification('prerequisites.certificate', fixture('ps51-certificate-all-servers.txt'), settings(), NOW);
    assert.equal(reading.rule, 'prerequisites.certificate.expired');
    assert.deepEqual(reading.serversNotRight, ['EXCH02 (expired certificate)']);
    assert.match(reading.detail, /^EXCH02: .*expired on 2026-02-28; Exchange reports .* as DateInvalid: .* Right: EXCH01\.$/);
  });

  it('all servers (modelled 5.1 output): the enable step records each server with its directory and reads every server after', () => {
    const reading = interpretVerification('basicAuth.enable', fixture('ps51-basicauth-enable-all-servers.txt'), settings(), NOW);
    assert.equal(reading.rule, 'basicAuth.verify.on');
    assert.deepEqual(reading.basicAuthPrior, [
      { identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: true, server: 'EXCH01' },
      { identity: 'EXCH02\\EWS (Default Web Site)', basicAuthentication: false, server: 'EXCH02' },
      { identity: 'EXCH03\\EWS (Default Web Site)', basicAuthentication: false, server: 'EXCH03' },
    ]);
  });

  it('Windows PowerShell 5.1: Exchange 2019 and 2016 pass', () => {
    const reading = interpretVerification('prerequisites.exchangeVersion', fixture('ps51-exchange-version.txt'), settings(), NOW);
    assert.equal(reading.status, 'done');
    assert.match(reading.detail, /EXCH01: Exchange 2019, out of support since 2025-10-14 .*EXCH02: Exchange 2016, out of support since 2025-10-14/);
  });

  it('an error inside the block gives unknown with the error line', () => {
    const reading = interpretVerification('basicAuth.verify', fixture('pwsh7-error-not-recognized.txt'), settings(), NOW);
    assert.equal(reading.status, 'unknown');
    assert.match(reading.detail, /Get-WebServicesVirtualDirectory:/);
  });

  it('a remote Exchange error and no block gives unknown with the message', () => {
    const reading = interpretVerification('prerequisites.certificate', fixture('ps51-error-remote-exchange.txt'), settings(), NOW);
    assert.equal(reading.status, 'unknown');
    assert.equal(reading.detail, "The shell reported an error: The specified server 'EXCH09' couldn't be found.");
  });

  it('a JSON line broken at the terminal width is joined; without RootCAType and Status the certificate is unknown', () => {
    // Recorded before the snippet read RootCAType and Status, as a remote session may still print it.
    const reading = interpretVerification('prerequisites.certificate', fixture('ps51-conpty-wrapped-certificate.txt'), settings(), NOW);
    assert.equal(reading.status, 'unknown');
    assert.equal(reading.rule, 'prerequisites.certificate.unreadable');
    assert.match(reading.detail, /RootCAType of CN=mail\.contoso\.com, O=Contoso Ltd.* did not come back/);
    assert.match(reading.detail, /status of CN=mail\.contoso\.com.* is missing/);
    // The Exchange Back End site's self-signed certificate does not name the EWS host: not judged.
    assert.doesNotMatch(reading.detail, /EXCH01/);
  });

  it('basicAuth.enable returns the recorded prior values and the new state', () => {
    const reading = interpretVerification('basicAuth.enable', fixture('ps51-basicauth-enable.txt'), settings(), NOW);
    assert.equal(reading.status, 'done');
    assert.deepEqual(reading.basicAuthPrior, [
      { identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false },
      { identity: 'EXCH02\\EWS (Default Web Site)', basicAuthentication: true },
    ]);
    assert.equal(reading.basicAuth?.length, 2);
  });

  it('an unscoped ApplicationImpersonation assignment fails unless organization-wide was chosen', () => {
    const raw = fixture('pwsh7-impersonation-unscoped.txt');
    const scoped = interpretVerification('access.impersonation', raw, settings(), NOW);
    assert.equal(scoped.status, 'failed');
    assert.match(scoped.detail, /organization-wide ApplicationImpersonation through "ApplicationImpersonation-alexaforbusiness"/);
    const optedIn = interpretVerification('access.impersonation', raw, settings({ impersonation: { ...DEFAULT_SETTINGS.impersonation, organizationWide: true } }), NOW);
    assert.equal(optedIn.status, 'done');
  });
});

describe('interpretVerification decisions', () => {
  const s = settings();

  it('no block and no error: unknown, saying what was expected', () => {
    const reading = interpretVerification('basicAuth.verify', 'PS C:\\> \r\n', s, NOW);
    assert.equal(reading.status, 'unknown');
    assert.match(reading.detail, /ECS-BEGIN basicAuth\.verify/);
  });

  it('Basic auth on everywhere is done; no directory is failed', () => {
    assert.equal(interpretVerification('basicAuth.verify', block('basicAuth.verify', [{ Server: 'EXCH01', Identity: 'x', BasicAuthentication: true }]), s, NOW).status, 'done');
    assert.equal(interpretVerification('basicAuth.verify', block('basicAuth.verify', []), s, NOW).status, 'failed');
    // A single object (not an array) is read too.
    assert.equal(interpretVerification('basicAuth.verify', block('basicAuth.verify', { Server: 'EXCH01', Identity: 'x', BasicAuthentication: false }), s, NOW).status, 'failed');
  });

  it('Exchange 2010 fails, Exchange Online fails, unreadable versions are unknown', () => {
    const version = (v: string) => interpretVerification('prerequisites.exchangeVersion', block('prerequisites.exchangeVersion', [{ Name: 'EX', AdminDisplayVersion: v }]), s, NOW);
    assert.equal(version('Version 14.3 (Build 123.4)').status, 'failed');
    assert.match(version('Version 14.3 (Build 123.4)').detail, /older than Exchange 2013/);
    assert.equal(version('Version 15.20 (Build 7000.1)').status, 'failed');
    assert.equal(version('Version 15.0 (Build 1497.2)').status, 'done');
    assert.equal(version('15.1').status, 'unknown');
    assert.equal(exchangeProductName(parseAdminDisplayVersion('Version 15.2 (Build 2562.17)') ?? { major: 0, minor: 0, build: 0 }), 'Exchange Subscription Edition');
  });

  it('an expired certificate fails; a valid public one covering the host is done; a wildcard covers one label', () => {
    const cert = (notAfter: string, domains: string[]) =>
      interpretVerification('prerequisites.certificate', block('prerequisites.certificate', [{ Subject: 'CN=mail.contoso.com', Issuer: 'CN=Public CA', NotAfter: notAfter, IsSelfSigned: false, RootCAType: 'ThirdParty', Status: 'Valid', Domains: domains }]), s, NOW);
    assert.equal(cert('2026-01-01T00:00:00.0000000Z', ['mail.contoso.com']).status, 'failed');
    assert.match(cert('2026-01-01T00:00:00.0000000Z', ['mail.contoso.com']).detail, /expired on 2026-01-01/);
    assert.equal(cert('2027-06-01T00:00:00.0000000Z', ['mail.contoso.com']).status, 'done');
    assert.equal(cert('2027-06-01T00:00:00.0000000Z', ['*.contoso.com']).status, 'done');
    assert.equal(cert('2027-06-01T00:00:00.0000000Z', ['*.com']).status, 'failed');
    assert.equal(cert('2027-06-01T00:00:00.0000000Z', ['*.com']).rule, 'prerequisites.certificate.hostNotCovered');
    assert.equal(interpretVerification('prerequisites.certificate', block('prerequisites.certificate', []), s, NOW).status, 'failed');
  });

  it('admin rights: missing roles are named', () => {
    const reading = interpretVerification('prerequisites.adminRights', block('prerequisites.adminRights', [{ User: 'CONTOSO\\admin', Roles: ['Mail Recipients', 'Role Management'] }]), s, NOW);
    assert.equal(reading.status, 'failed');
    assert.match(reading.detail, /Mail Recipient Creation, Exchange Virtual Directories, Active Directory Permissions and Exchange Server Certificates/);
  });

  it('service account: missing mailbox fails, present is done', () => {
    assert.equal(interpretVerification('serviceAccount.create', block('serviceAccount.create', []), s, NOW).status, 'failed');
    assert.equal(interpretVerification('serviceAccount.create', block('serviceAccount.create', [{ UserPrincipalName: 'alexaforbusiness@contoso.com', RecipientTypeDetails: 'UserMailbox', Alias: 'alexaforbusiness' }]), s, NOW).status, 'done');
  });

  it('delegate: a test mailbox and mailboxes without Send As fail, naming them; complete is done', () => {
    const delegate = (json: unknown) => interpretVerification('access.delegate', block('access.delegate', json), s, NOW);
    const short = delegate([{ UserMailboxes: 10, WithoutFullAccessCount: 0, WithoutFullAccess: [], WithoutSendAsCount: 3, WithoutSendAs: ['bob@contoso.com', 'carol@contoso.com', 'dan@contoso.com'], TestMailbox: { Mailbox: 'alice@contoso.com', FullAccess: true, SendAs: false } }]);
    assert.equal(short.status, 'failed');
    assert.match(short.detail, /alice@contoso\.com does not give .* Send As; 3 of 10 user mailboxes lack Send As: bob@contoso\.com, carol@contoso\.com, dan@contoso\.com:/);
    assert.equal(delegate([{ UserMailboxes: 10, WithoutFullAccessCount: 0, WithoutFullAccess: [], WithoutSendAsCount: 0, WithoutSendAs: [], TestMailbox: null }]).status, 'done');
  });

  it('steps confirmed by hand are unknown', () => {
    assert.equal(interpretVerification('link', block('link', []), s, NOW).status, 'unknown');
  });
});

// ---------------------------------------------------------------------------------------------
// The rules that must hold on a real Exchange server (issue 11, section 2)

const NOTHING = (name: string): string => `ECS-BEGIN ${name}\r\n\r\nECS-END ${name}\r\n`;

const PUBLIC_CERT = {
  Thumbprint: '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C',
  Subject: 'CN=mail.contoso.com',
  Issuer: 'CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1',
  NotAfter: '2027-03-14T23:59:59.0000000Z',
  IsSelfSigned: false,
  RootCAType: 'ThirdParty',
  Status: 'Valid',
  Domains: ['mail.contoso.com', 'autodiscover.contoso.com'],
};
/** Exchange's own certificate, assigned to IIS for the Exchange Back End site. */
const BACK_END_CERT = {
  Thumbprint: '5A1E0B9C3D7F2E8A6B4C1D0E9F8A7B6C5D4E3F2A',
  Subject: 'CN=EXCH01',
  Issuer: 'CN=EXCH01',
  NotAfter: '2029-05-01T10:22:31.0000000Z',
  IsSelfSigned: true,
  RootCAType: 'Registry',
  Status: 'Valid',
  Domains: ['EXCH01', 'exch01.contoso.local'],
};
const SCOPE = DEFAULT_SETTINGS.impersonation.scopeName;
const SCOPED_ASSIGNMENT = { Name: 'Alexa for Business impersonation', RoleAssigneeName: 'alexaforbusiness', CustomRecipientWriteScope: SCOPE, RecipientWriteScope: 'CustomRecipientScope', DelegationType: 'Regular', Enabled: true };
const ORG_WIDE_ASSIGNMENT = { Name: 'ApplicationImpersonation-alexaforbusiness', RoleAssigneeName: 'alexaforbusiness', CustomRecipientWriteScope: '', RecipientWriteScope: 'Organization', DelegationType: 'Regular', Enabled: true };
const OU_ASSIGNMENT = { Name: 'Sales impersonation', RoleAssigneeName: 'alexaforbusiness', CustomRecipientWriteScope: 'contoso.com/Sales', RecipientWriteScope: 'OU', DelegationType: 'Regular', Enabled: true };
/** The scope as Exchange stores it: the filter we created, wrapped in parentheses. */
const impersonationState = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  AccountFound: true,
  ScopeName: SCOPE,
  ScopeFilter: "(RecipientTypeDetails -eq 'UserMailbox')",
  Assignments: [SCOPED_ASSIGNMENT],
  ...overrides,
});
const delegateState = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  UserMailboxes: 10,
  WithoutFullAccessCount: 0,
  WithoutFullAccess: [],
  WithoutSendAsCount: 0,
  WithoutSendAs: [],
  TestMailbox: { Mailbox: 'alice@contoso.com', FullAccess: true, SendAs: true },
  ...overrides,
});
const ALL_ROLES = { User: 'CONTOSO\\admin', Roles: ['Mail Recipient Creation', 'Mail Recipients', 'Role Management', 'Exchange Virtual Directories', 'Active Directory Permissions', 'Exchange Server Certificates'] };

function read(stepId: StepId, json: unknown, overrides: Partial<SetupSettings> = {}): VerificationReading {
  return interpretVerification(stepId, block(stepId, json), settings(overrides), NOW);
}

describe('certificate rule: RootCAType, Status and the EWS host', () => {
  const cert = (json: unknown, overrides: Partial<SetupSettings> = {}) => read('prerequisites.certificate', json, overrides);

  it('a ThirdParty certificate with status Valid covering the EWS host is done; the back-end self-signed one is listed, not judged', () => {
    const reading = cert([BACK_END_CERT, PUBLIC_CERT]);
    assert.equal(reading.status, 'done');
    assert.equal(reading.rule, 'prerequisites.certificate.thirdPartyValid');
    assert.match(reading.detail, /^The IIS certificate CN=mail\.contoso\.com from CN=DigiCert .* covers mail\.contoso\.com, comes from a public CA \(RootCAType ThirdParty\) with the status Valid, and is valid until 2027-03-14/);
    assert.match(reading.detail, /tls\.trust probe/);
    assert.match(reading.detail, /Not considered, as it does not name mail\.contoso\.com: CN=EXCH01 \(5A1E0B9C3D7F2E8A6B4C1D0E9F8A7B6C5D4E3F2A\)\.$/);
    assert.doesNotMatch(cert([PUBLIC_CERT]).detail, /Not considered/);
    assert.match(cert([BACK_END_CERT, { ...BACK_END_CERT, Subject: 'CN=EXCH02' }, PUBLIC_CERT]).detail, /Not considered, as they do not name mail\.contoso\.com: CN=EXCH01 .* and CN=EXCH02/);
  });

  it('an internal CA is not done, says which kind of root, and points to the tls.trust probe', () => {
    for (const [rootCaType, meaning] of [['Enterprise', 'an internal \\(enterprise\\) CA'], ['GroupPolicy', 'an internal CA distributed by Group Policy']]) {
      const reading = cert([{ ...PUBLIC_CERT, RootCAType: rootCaType }]);
      assert.equal(reading.status, 'failed', rootCaType);
      assert.equal(reading.rule, 'prerequisites.certificate.notPublicRoot');
      assert.match(reading.detail, new RegExp(`^CN=mail\\.contoso\\.com \\(0F1E.*\\) is not from a public CA \\(RootCAType ${rootCaType}: ${meaning}\\); the calendar service trusts only public CAs for mail\\.contoso\\.com: the tls\\.trust probe shows`));
    }
  });

  it('None, Registry and Unknown roots are not public CAs either, each explained', () => {
    const meanings: Record<string, RegExp> = { None: /a self-signed certificate/, Registry: /a root trusted only on this server/, Unknown: /a pending certificate request/ };
    for (const [rootCaType, meaning] of Object.entries(meanings)) {
      const reading = cert([{ ...PUBLIC_CERT, RootCAType: rootCaType }]);
      assert.equal(reading.rule, 'prerequisites.certificate.notPublicRoot', rootCaType);
      assert.match(reading.detail, meaning);
    }
  });

  it('every status other than Valid is not done, naming the status', () => {
    for (const status of ['Revoked', 'DateInvalid', 'Untrusted', 'Invalid', 'RevocationCheckFailure', 'PendingRequest']) {
      const reading = cert([{ ...PUBLIC_CERT, Status: status }]);
      assert.equal(reading.status, 'failed', status);
      assert.equal(reading.rule, 'prerequisites.certificate.statusNotValid');
      assert.match(reading.detail, new RegExp(`^Exchange reports CN=mail\\.contoso\\.com \\(0F1E.*\\) as ${status}: the tls\\.trust probe`));
    }
  });

  it('RootCAType or Status missing (remote PowerShell may leave them out) or Status Unknown is unknown, with the reason', () => {
    for (const missing of [{ RootCAType: '' }, { RootCAType: null }, { Status: '' }, { Status: undefined }, { Status: 'Unknown' }, { RootCAType: 'Public' }, { Status: 'Fine' }]) {
      const reading = cert([{ ...PUBLIC_CERT, ...missing }]);
      assert.equal(reading.status, 'unknown', JSON.stringify(missing));
      assert.equal(reading.rule, 'prerequisites.certificate.unreadable');
      assert.match(reading.detail, /^Cannot tell whether the certificate is publicly trusted: .*Run the verification in the Exchange Management Shell on the server \(a remote session may leave properties out\), or rely on the tls\.trust probe\.$/);
    }
    assert.match(cert([{ ...PUBLIC_CERT, RootCAType: '' }]).detail, /RootCAType of CN=mail\.contoso\.com .* did not come back \(""\)/);
    assert.match(cert([{ ...PUBLIC_CERT, Status: 'Unknown' }]).detail, /the status of CN=mail\.contoso\.com .* is Unknown to Exchange/);
    assert.match(cert([{ ...PUBLIC_CERT, Status: 'Fine' }]).detail, /the status of CN=mail\.contoso\.com .* is missing \("Fine"\)/);
  });

  it('RootCAType and Status as enum numbers (ConvertTo-Json without -EnumsAsStrings) or in another case are read by value', () => {
    assert.equal(cert([{ ...PUBLIC_CERT, RootCAType: 1, Status: 1 }]).rule, 'prerequisites.certificate.thirdPartyValid');
    assert.equal(cert([{ ...PUBLIC_CERT, RootCAType: '1', Status: '1' }]).rule, 'prerequisites.certificate.thirdPartyValid');
    assert.equal(cert([{ ...PUBLIC_CERT, RootCAType: 'thirdparty', Status: 'VALID' }]).rule, 'prerequisites.certificate.thirdPartyValid');
    const numbered: [number, string][] = [[0, 'None'], [2, 'Enterprise'], [3, 'Registry'], [4, 'GroupPolicy'], [5, 'Unknown']];
    for (const [value, name] of numbered) assert.match(cert([{ ...PUBLIC_CERT, RootCAType: value }]).detail, new RegExp(`RootCAType ${name}:`), String(value));
    const statuses: [number, string][] = [[2, 'Revoked'], [3, 'DateInvalid'], [4, 'Untrusted'], [5, 'Invalid'], [6, 'RevocationCheckFailure'], [7, 'PendingRequest']];
    for (const [value, name] of statuses) assert.match(cert([{ ...PUBLIC_CERT, Status: value }]).detail, new RegExp(` as ${name}: `), String(value));
    assert.equal(cert([{ ...PUBLIC_CERT, Status: 0 }]).status, 'unknown');
    assert.equal(cert([{ ...PUBLIC_CERT, RootCAType: 6 }]).status, 'unknown');
    assert.equal(cert([{ ...PUBLIC_CERT, Status: 8 }]).status, 'unknown');
  });

  it('a self-signed, expired or wrongly rooted certificate fails even when another property is missing', () => {
    const selfSigned = cert([{ ...PUBLIC_CERT, IsSelfSigned: true, Status: '' }]);
    assert.equal(selfSigned.status, 'failed');
    assert.equal(selfSigned.rule, 'prerequisites.certificate.selfSigned');
    assert.match(selfSigned.detail, /^CN=mail\.contoso\.com \(0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C\) is self-signed: /);
    const expired = cert([{ ...PUBLIC_CERT, NotAfter: '2026-11-29T12:00:00.0000000Z', RootCAType: '' }]);
    assert.equal(expired.rule, 'prerequisites.certificate.expired');
    assert.match(expired.detail, /expired on 2026-11-29/);
    assert.equal(cert([{ ...PUBLIC_CERT, NotAfter: '2026-11-29T12:00:01.0000000Z' }]).status, 'done');
    // Two problems are both named.
    assert.match(cert([{ ...PUBLIC_CERT, RootCAType: 'Enterprise', Status: 'Untrusted' }]).detail, /RootCAType Enterprise.*; Exchange reports .* as Untrusted/);
  });

  it('an unreadable expiry date is unknown, and a certificate covering the host must be there', () => {
    const unreadable = cert([{ ...PUBLIC_CERT, NotAfter: 'soon' }]);
    assert.equal(unreadable.status, 'unknown');
    assert.match(unreadable.detail, /the expiry date of CN=mail\.contoso\.com .* \("soon"\) could not be read/);
    const uncovered = cert([BACK_END_CERT]);
    assert.equal(uncovered.rule, 'prerequisites.certificate.hostNotCovered');
    assert.equal(uncovered.detail, 'No certificate assigned to IIS covers mail.contoso.com (found CN=EXCH01 (5A1E0B9C3D7F2E8A6B4C1D0E9F8A7B6C5D4E3F2A)): assign one from a public CA that names it.');
    assert.match(cert([{ Domains: ['other.contoso.com'] }]).detail, /found the certificate \(no thumbprint\)/);
  });

  it('an EWS URL setting that is not a URL gives unknown, not a verdict on the wrong host', () => {
    const reading = cert([PUBLIC_CERT], { ewsUrl: 'mail.contoso.com' });
    assert.equal(reading.status, 'unknown');
    assert.equal(reading.rule, 'prerequisites.certificate.noEwsHost');
  });
});

describe('impersonation rule: reach of each assignment and the scope filter', () => {
  const impersonation = (json: unknown, overrides: Partial<SetupSettings> = {}) => read('access.impersonation', json, overrides);
  const orgWideChosen: Partial<SetupSettings> = { impersonation: { ...DEFAULT_SETTINGS.impersonation, organizationWide: true } };

  it('the assignment limited to our scope, with the filter as Exchange stores it, is done', () => {
    const reading = impersonation([impersonationState()]);
    assert.equal(reading.status, 'done');
    assert.equal(reading.rule, 'access.impersonation.scoped');
    assert.equal(reading.detail, `alexaforbusiness@contoso.com can impersonate user mailboxes through "Alexa for Business impersonation", limited to the scope "${SCOPE}".`);
  });

  it('the stored filter equals the one the grant snippet generates, ignoring parentheses, spacing and case', () => {
    const generated = impersonationScopeFilter(settings());
    for (const stored of [generated, `(${generated})`, `((${generated}))`, "recipienttypedetails   -EQ 'usermailbox'", '(RecipientTypeDetails -eq "UserMailbox")']) {
      assert.equal(impersonation([impersonationState({ ScopeFilter: stored })]).status, 'done', stored);
    }
  });

  it("a filter that selects anything else fails, -ne 'UserMailbox' included", () => {
    const others = [
      "RecipientTypeDetails -ne 'UserMailbox'",
      "(RecipientTypeDetails -eq 'RoomMailbox')",
      "(RecipientTypeDetails -eq 'UserMailbox') -or (RecipientTypeDetails -eq 'RoomMailbox')",
      "-not (RecipientTypeDetails -eq 'UserMailbox')",
      "(RecipientType -eq 'UserMailbox')",
      "RecipientTypeDetails -like 'UserMailbox*'",
      '',
    ];
    for (const stored of others) {
      const reading = impersonation([impersonationState({ ScopeFilter: stored })]);
      assert.equal(reading.status, 'failed', stored);
      assert.equal(reading.rule, 'access.impersonation.filterMismatch');
      assert.equal(reading.detail, `The scope "${SCOPE}" filters "${stored}"${stored === '' ? ' (it could not be read: the filter ends where a comparison was expected)' : ''}, not "RecipientTypeDetails -eq 'UserMailbox'" as the impersonation step creates it: remove the scope (roll back the step) and run the step again.`);
    }
  });

  it('an organization-wide assignment (RecipientWriteScope Organization, by name or number) fails unless chosen, then it is done', () => {
    for (const orgWide of [ORG_WIDE_ASSIGNMENT, { ...ORG_WIDE_ASSIGNMENT, RecipientWriteScope: 2 }, { ...ORG_WIDE_ASSIGNMENT, RecipientWriteScope: 'organization' }]) {
      const reading = impersonation([impersonationState({ Assignments: [orgWide, SCOPED_ASSIGNMENT] })]);
      assert.equal(reading.status, 'failed');
      assert.equal(reading.rule, 'access.impersonation.organizationWideNotChosen');
      assert.equal(reading.detail, 'alexaforbusiness@contoso.com has organization-wide ApplicationImpersonation through "ApplicationImpersonation-alexaforbusiness", which defeats the user-mailbox scope: remove it with Remove-ManagementRoleAssignment.');
    }
    const chosen = impersonation([impersonationState({ Assignments: [ORG_WIDE_ASSIGNMENT], ScopeName: '' })], orgWideChosen);
    assert.equal(chosen.status, 'done');
    assert.equal(chosen.rule, 'access.impersonation.organizationWideOptedIn');
    // Chosen but not there: the scoped path decides.
    assert.equal(impersonation([impersonationState()], orgWideChosen).rule, 'access.impersonation.scoped');
  });

  it('an OU-scoped assignment is scoped, not organization-wide, and its OU is named', () => {
    const withOu = impersonation([impersonationState({ Assignments: [OU_ASSIGNMENT, SCOPED_ASSIGNMENT] })]);
    assert.equal(withOu.status, 'done');
    assert.match(withOu.detail, /limited to the scope "Alexa for Business user mailboxes"\. alexaforbusiness@contoso\.com also has ApplicationImpersonation limited to an organizational unit: "Sales impersonation" \(OU contoso\.com\/Sales\)\.$/);
    const onlyOu = impersonation([impersonationState({ Assignments: [{ ...OU_ASSIGNMENT, RecipientWriteScope: 6 }] })]);
    assert.equal(onlyOu.status, 'failed');
    assert.equal(onlyOu.rule, 'access.impersonation.noScopedAssignment');
    assert.match(onlyOu.detail, /has no ApplicationImpersonation assignment limited to "Alexa for Business user mailboxes": run the impersonation step\. .* "Sales impersonation" \(OU contoso\.com\/Sales\)\.$/);
    assert.match(impersonation([impersonationState({ ScopeName: '', Assignments: [{ ...OU_ASSIGNMENT, CustomRecipientWriteScope: '' }] })]).detail, /does not exist: run the impersonation step\. .*\(OU not named\)/);
  });

  it('delegating, disabled and other-scope assignments grant nothing', () => {
    const cases = [
      { ...SCOPED_ASSIGNMENT, DelegationType: 'DelegatingOrgWide' },
      { ...SCOPED_ASSIGNMENT, DelegationType: 'Delegating' },
      { ...SCOPED_ASSIGNMENT, Enabled: false },
      { ...SCOPED_ASSIGNMENT, Enabled: 'False' },
      { ...SCOPED_ASSIGNMENT, CustomRecipientWriteScope: 'Another scope' },
      { ...SCOPED_ASSIGNMENT, RecipientWriteScope: 'Self' },
    ];
    for (const assignment of cases) assert.equal(impersonation([impersonationState({ Assignments: [assignment] })]).rule, 'access.impersonation.noScopedAssignment', JSON.stringify(assignment));
    // A delegating organization-wide assignment does not defeat the scope.
    assert.equal(impersonation([impersonationState({ Assignments: [{ ...ORG_WIDE_ASSIGNMENT, DelegationType: 'DelegatingOrgWide' }, SCOPED_ASSIGNMENT] })]).status, 'done');
    // An assignment without the Enabled or DelegationType property (older output) counts.
    const { Enabled: _enabled, DelegationType: _delegation, ...bare } = SCOPED_ASSIGNMENT;
    assert.equal(impersonation([impersonationState({ Assignments: [bare] })]).status, 'done');
    assert.equal(impersonation([impersonationState({ Assignments: [{ ...SCOPED_ASSIGNMENT, CustomRecipientWriteScope: SCOPE.toUpperCase() }] })]).status, 'done');
  });

  it('an assignment whose reach did not come back makes the step unknown, not done', () => {
    const reading = impersonation([impersonationState({ Assignments: [SCOPED_ASSIGNMENT, { ...OU_ASSIGNMENT, Name: 'Old one', RecipientWriteScope: '' }] })]);
    assert.equal(reading.status, 'unknown');
    assert.equal(reading.rule, 'access.impersonation.writeScopeUnreadable');
    assert.match(reading.detail, /^The reach \(RecipientWriteScope\) of "Old one" could not be read, so it may be organization-wide/);
  });

  it('no state, no account or no scope fails', () => {
    assert.equal(impersonation([]).rule, 'access.impersonation.noData');
    assert.equal(impersonation([impersonationState({ AccountFound: false })]).rule, 'access.impersonation.accountMissing');
    assert.equal(impersonation([impersonationState({ ScopeName: '' })]).detail, `The management scope "${SCOPE}" does not exist: run the impersonation step.`);
  });
});

describe('delegate rule: which mailboxes lack each right', () => {
  const delegate = (json: unknown) => read('access.delegate', json);
  const names = (n: number): string[] => Array.from({ length: n }, (_v, i) => `user${i + 1}@contoso.com`);

  it('names the first 20 mailboxes lacking Full Access and says how many more there are', () => {
    const reading = delegate([delegateState({ UserMailboxes: 100, WithoutFullAccessCount: 57, WithoutFullAccess: names(20) })]);
    assert.equal(reading.status, 'failed');
    assert.equal(reading.rule, 'access.delegate.fullAccessMissing');
    assert.equal(reading.detail, `57 of 100 user mailboxes lack Full Access: ${names(20).join(', ')} and 37 more: run the per-mailbox rights step again (mailboxes created since need it too).`);
    assert.match(delegate([delegateState({ WithoutFullAccessCount: 2, WithoutFullAccess: names(2) })]).detail, /^2 of 10 user mailboxes lack Full Access: user1@contoso\.com, user2@contoso\.com: run/);
  });

  it('fails when only the count or only the list says Full Access or Send As is missing', () => {
    const countOnly = delegate([delegateState({ WithoutFullAccessCount: 2, WithoutFullAccess: [] })]);
    assert.equal(countOnly.rule, 'access.delegate.fullAccessMissing');
    assert.match(countOnly.detail, /^2 of 10 user mailboxes lack Full Access: run/);
    const listOnly = delegate([delegateState({ WithoutFullAccessCount: 0, WithoutFullAccess: ['bob@contoso.com'] })]);
    assert.equal(listOnly.rule, 'access.delegate.fullAccessMissing');
    assert.match(listOnly.detail, /^1 of 10 user mailboxes lack Full Access: bob@contoso\.com: run/);
    const sendAs = delegate([delegateState({ WithoutSendAsCount: 1, WithoutSendAs: null })]);
    assert.equal(sendAs.rule, 'access.delegate.sendAsMissing');
    assert.match(sendAs.detail, /^1 of 10 user mailboxes lack Send As: run/);
    assert.equal(delegate([delegateState({ WithoutSendAsCount: 0, WithoutSendAs: 'bob@contoso.com' })]).rule, 'access.delegate.sendAsMissing');
  });

  it('both rights missing are both reported, Full Access first', () => {
    const reading = delegate([delegateState({ WithoutFullAccessCount: 1, WithoutFullAccess: ['bob@contoso.com'], WithoutSendAsCount: 1, WithoutSendAs: ['carol@contoso.com'] })]);
    assert.equal(reading.detail, '1 of 10 user mailboxes lack Full Access: bob@contoso.com; 1 of 10 user mailboxes lack Send As: carol@contoso.com: run the per-mailbox rights step again (mailboxes created since need it too).');
  });

  it('the test mailbox lacking a right fails, naming it; no test mailbox is fine', () => {
    const reading = delegate([delegateState({ TestMailbox: { Mailbox: 'alice@contoso.com', FullAccess: false, SendAs: true } })]);
    assert.equal(reading.rule, 'access.delegate.testMailboxLacks');
    assert.match(reading.detail, /^alice@contoso\.com does not give alexaforbusiness@contoso\.com Full Access: run/);
    assert.equal(delegate([delegateState({ TestMailbox: null })]).rule, 'access.delegate.allMailboxes');
  });

  it('output without the counts (an older verification) is unknown; no user mailboxes is unknown, not done', () => {
    assert.equal(delegate([{ UserMailboxes: 10, WithFullAccess: 10, WithSendAs: 10, TestMailbox: null }]).rule, 'access.delegate.countsMissing');
    assert.equal(delegate([delegateState({ WithoutSendAsCount: undefined })]).rule, 'access.delegate.countsMissing');
    assert.equal(delegate([delegateState({ UserMailboxes: '10' })]).rule, 'access.delegate.countsMissing');
    const none = delegate([delegateState({ UserMailboxes: 0, TestMailbox: null })]);
    assert.equal(none.status, 'unknown');
    assert.equal(none.rule, 'access.delegate.noUserMailboxes');
    assert.equal(delegate([delegateState()]).detail, 'alexaforbusiness@contoso.com has Full Access and Send As on all 10 user mailboxes.');
  });
});

describe('Windows PowerShell 5.1 JSON shapes', () => {
  // ConvertTo-Json in Windows PowerShell 5.1 prints a one-element array as the bare element, and an
  // empty array or $null as nothing or null. Each step's "done" input is read in both shapes.
  const doneInputs: [StepId, unknown][] = [
    ['prerequisites.adminRights', ALL_ROLES],
    ['prerequisites.exchangeVersion', { Name: 'EXCH01', AdminDisplayVersion: 'Version 15.2 (Build 1544.4)' }],
    ['prerequisites.certificate', PUBLIC_CERT],
    ['basicAuth.verify', { Server: 'EXCH01', Identity: 'EXCH01\\EWS (Default Web Site)', BasicAuthentication: true }],
    ['basicAuth.enable', { Server: 'EXCH01', Identity: 'EXCH01\\EWS (Default Web Site)', BasicAuthentication: true }],
    ['serviceAccount.create', { UserPrincipalName: 'alexaforbusiness@contoso.com', RecipientTypeDetails: 'UserMailbox', Alias: 'alexaforbusiness' }],
    ['access.impersonation', impersonationState()],
    ['access.delegate', delegateState()],
  ];
  for (const [stepId, item] of doneInputs) {
    it(`${stepId}: a one-element array and its bare element read the same; null, [] and no output never pass`, () => {
      const asArray = read(stepId, [item]);
      assert.equal(asArray.status, 'done');
      assert.deepEqual(read(stepId, item), asArray);
      for (const empty of [null, []]) assert.equal(read(stepId, empty).status, 'failed', JSON.stringify(empty));
      const nothing = interpretVerification(stepId, NOTHING(stepId), settings(), NOW);
      assert.equal(nothing.status, 'unknown');
      assert.equal(nothing.rule, 'output.invalidJson');
    });
  }

  it('lists inside an object printed as a bare value are read: Roles, Domains, Assignments, WithoutFullAccess', () => {
    const oneRole = read('prerequisites.adminRights', { User: 'CONTOSO\\admin', Roles: 'Mail Recipients' });
    assert.equal(oneRole.rule, 'prerequisites.adminRights.missingRoles');
    assert.equal(oneRole.detail, 'CONTOSO\\admin lacks the management roles Mail Recipient Creation, Role Management, Exchange Virtual Directories, Active Directory Permissions and Exchange Server Certificates: add the account to Organization Management or assign the roles.');
    assert.equal(read('prerequisites.adminRights', { User: 'CONTOSO\\admin', Roles: null }).rule, 'prerequisites.adminRights.missingRoles');
    assert.equal(read('prerequisites.certificate', { ...PUBLIC_CERT, Domains: 'mail.contoso.com' }).rule, 'prerequisites.certificate.thirdPartyValid');
    assert.equal(read('prerequisites.certificate', { ...PUBLIC_CERT, Domains: null }).rule, 'prerequisites.certificate.hostNotCovered');
    assert.equal(read('access.impersonation', impersonationState({ Assignments: SCOPED_ASSIGNMENT })).rule, 'access.impersonation.scoped');
    assert.equal(read('access.impersonation', impersonationState({ Assignments: ORG_WIDE_ASSIGNMENT })).rule, 'access.impersonation.organizationWideNotChosen');
    assert.equal(read('access.impersonation', impersonationState({ Assignments: null })).rule, 'access.impersonation.noScopedAssignment');
    const bareName = read('access.delegate', delegateState({ WithoutFullAccessCount: 1, WithoutFullAccess: 'bob@contoso.com' }));
    assert.match(bareName.detail, /^1 of 10 user mailboxes lack Full Access: bob@contoso\.com: run/);
  });
});

describe('VERIFICATION_RULE_IDS', () => {
  const s = settings();
  /** Each rule decides with its status and its words for one input; `reading.rule` names it. */
  function expectRule(id: VerificationRuleId, status: StepStatus, reading: VerificationReading, detail: string | RegExp): void {
    assert.equal(reading.rule, id);
    assert.equal(reading.status, status);
    if (typeof detail === 'string') assert.equal(reading.detail, detail);
    else assert.match(reading.detail, detail);
  }

  it('rule output.noBlock', () => expectRule('output.noBlock', 'unknown', interpretVerification('basicAuth.verify', 'PS C:\\> \r\n', s, NOW), 'No verification output was found (a line "ECS-BEGIN basicAuth.verify"); run the verification again.'));
  it('rule output.shellError', () => expectRule('output.shellError', 'unknown', interpretVerification('prerequisites.certificate', fixture('ps51-error-remote-exchange.txt'), s, NOW), 'The shell reported an error: The specified server \'EXCH09\' couldn\'t be found.'));
  it('rule output.incomplete', () => expectRule('output.incomplete', 'unknown', interpretVerification('basicAuth.verify', 'ECS-BEGIN basicAuth.verify\n[{"a"', s, NOW), 'The verification output ended before its end marker; wait for the command to finish.'));
  it('rule output.invalidJson', () => expectRule('output.invalidJson', 'unknown', interpretVerification('basicAuth.verify', 'ECS-BEGIN basicAuth.verify\n[{"a"\nECS-END basicAuth.verify', s, NOW), /^The verification output could not be read as JSON \(.+\)\.$/));
  it('rule manual.confirmByHand', () => expectRule('manual.confirmByHand', 'unknown', read('link', []), 'This step has no shell verification; confirm it by hand.'));
  it('rule prerequisites.adminRights.noData', () => expectRule('prerequisites.adminRights.noData', 'failed', read('prerequisites.adminRights', []), 'No role assignment information came back.'));
  it('rule prerequisites.adminRights.missingRoles', () => expectRule('prerequisites.adminRights.missingRoles', 'failed', read('prerequisites.adminRights', [{ User: 'CONTOSO\\admin', Roles: ['Mail Recipients'] }]), 'CONTOSO\\admin lacks the management roles Mail Recipient Creation, Role Management, Exchange Virtual Directories, Active Directory Permissions and Exchange Server Certificates: add the account to Organization Management or assign the roles.'));
  it('rule prerequisites.adminRights.allRoles', () => expectRule('prerequisites.adminRights.allRoles', 'done', read('prerequisites.adminRights', [ALL_ROLES]), 'CONTOSO\\admin has every management role the setup needs.'));
  it('rule prerequisites.exchangeVersion.noServers', () => expectRule('prerequisites.exchangeVersion.noServers', 'failed', read('prerequisites.exchangeVersion', []), 'No Exchange servers were listed.'));
  it('rule prerequisites.exchangeVersion.unreadable', () => expectRule('prerequisites.exchangeVersion.unreadable', 'unknown', read('prerequisites.exchangeVersion', [{ Name: 'EX', AdminDisplayVersion: '15.1' }]), 'Could not read the version of EX ("15.1").'));
  it('rule prerequisites.exchangeVersion.olderThan2013', () => expectRule('prerequisites.exchangeVersion.olderThan2013', 'failed', read('prerequisites.exchangeVersion', [{ Name: 'EX', AdminDisplayVersion: 'Version 14.3 (Build 123.4)' }]), 'EX (Version 14.3 (Build 123.4)) is older than Exchange 2013 (15.0): EWS access needs 2013 or newer.'));
  it('rule prerequisites.exchangeVersion.exchangeOnline', () => expectRule('prerequisites.exchangeVersion.exchangeOnline', 'failed', read('prerequisites.exchangeVersion', [{ Name: 'EX', AdminDisplayVersion: 'Version 15.20 (Build 7000.1)' }]), 'EX reports an Exchange Online build: this procedure is for on-premises Exchange only.'));
  it('rule prerequisites.exchangeVersion.supported', () => expectRule('prerequisites.exchangeVersion.supported', 'done', read('prerequisites.exchangeVersion', [{ Name: 'EX', AdminDisplayVersion: 'Version 15.1 (Build 2507.6)' }]), 'Every server is Exchange 2013 or newer: EX: Exchange 2016, out of support since 2025-10-14 (Version 15.1 (Build 2507.6)).'));
  it('rule prerequisites.certificate.noIisCertificate', () => expectRule('prerequisites.certificate.noIisCertificate', 'failed', read('prerequisites.certificate', []), 'No certificate is assigned to IIS on the server: assign one from a public CA with Enable-ExchangeCertificate -Services IIS.'));
  it('rule prerequisites.certificate.noEwsHost', () => expectRule('prerequisites.certificate.noEwsHost', 'unknown', read('prerequisites.certificate', [PUBLIC_CERT], { ewsUrl: 'not a url' }), 'The EWS URL setting (exchangeSetup.ewsUrl) is not a URL, so the certificate cannot be matched to its host.'));
  it('rule prerequisites.certificate.hostNotCovered', () => expectRule('prerequisites.certificate.hostNotCovered', 'failed', read('prerequisites.certificate', [BACK_END_CERT]), 'No certificate assigned to IIS covers mail.contoso.com (found CN=EXCH01 (5A1E0B9C3D7F2E8A6B4C1D0E9F8A7B6C5D4E3F2A)): assign one from a public CA that names it.'));
  it('rule prerequisites.certificate.selfSigned', () => expectRule('prerequisites.certificate.selfSigned', 'failed', read('prerequisites.certificate', [{ ...PUBLIC_CERT, IsSelfSigned: true }]), 'CN=mail.contoso.com (0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C) is self-signed: the tls.trust probe shows the chain the server sends as the service sees it.'));
  it('rule prerequisites.certificate.expired', () => expectRule('prerequisites.certificate.expired', 'failed', read('prerequisites.certificate', [{ ...PUBLIC_CERT, NotAfter: '2026-01-01T00:00:00Z' }]), 'CN=mail.contoso.com (0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C) expired on 2026-01-01: the tls.trust probe shows the chain the server sends as the service sees it.'));
  it('rule prerequisites.certificate.notPublicRoot', () => expectRule('prerequisites.certificate.notPublicRoot', 'failed', read('prerequisites.certificate', [{ ...PUBLIC_CERT, RootCAType: 'Enterprise' }]), 'CN=mail.contoso.com (0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C) is not from a public CA (RootCAType Enterprise: an internal (enterprise) CA); the calendar service trusts only public CAs for mail.contoso.com: the tls.trust probe shows the chain the server sends as the service sees it.'));
  it('rule prerequisites.certificate.statusNotValid', () => expectRule('prerequisites.certificate.statusNotValid', 'failed', read('prerequisites.certificate', [{ ...PUBLIC_CERT, Status: 'Untrusted' }]), 'Exchange reports CN=mail.contoso.com (0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C) as Untrusted: the tls.trust probe shows the chain the server sends as the service sees it.'));
  it('rule prerequisites.certificate.unreadable', () => expectRule('prerequisites.certificate.unreadable', 'unknown', read('prerequisites.certificate', [{ ...PUBLIC_CERT, Status: '' }]), 'Cannot tell whether the certificate is publicly trusted: the status of CN=mail.contoso.com (0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C) is missing (""). Run the verification in the Exchange Management Shell on the server (a remote session may leave properties out), or rely on the tls.trust probe.'));
  it('rule prerequisites.certificate.serverUnreadable', () => expectRule('prerequisites.certificate.serverUnreadable', 'unknown', read('prerequisites.certificate', [{ Server: 'EXCH01', Error: '', Certificates: [PUBLIC_CERT] }, { Server: 'EXCH02', Error: 'The WinRM client cannot process the request.', Certificates: [] }]), 'EXCH02: The certificates of EXCH02 could not be read (The WinRM client cannot process the request.): run the verification again when the server is reachable. Right: EXCH01.'));
  it('rule prerequisites.certificate.thirdPartyValid', () => expectRule('prerequisites.certificate.thirdPartyValid', 'done', read('prerequisites.certificate', [PUBLIC_CERT]), 'The IIS certificate CN=mail.contoso.com from CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1 covers mail.contoso.com, comes from a public CA (RootCAType ThirdParty) with the status Valid, and is valid until 2027-03-14; the tls.trust probe shows the chain the server sends as the service sees it.'));
  it('rule basicAuth.verify.noVirtualDirectory', () => expectRule('basicAuth.verify.noVirtualDirectory', 'failed', read('basicAuth.verify', []), 'No EWS virtual directory was found.'));
  it('rule basicAuth.verify.off', () => expectRule('basicAuth.verify.off', 'failed', read('basicAuth.verify', [{ Server: 'EXCH01', BasicAuthentication: false }]), 'Basic authentication is off on EXCH01: run the Enable Basic authentication step (it turns it on for every server that has it off).'));
  it('rule basicAuth.verify.unreadable', () => expectRule('basicAuth.verify.unreadable', 'unknown', read('basicAuth.verify', [{ Server: 'EXCH01', BasicAuthentication: true, Error: '' }, { Server: 'EXCH02', Identity: '', BasicAuthentication: null, Error: 'An IIS directory entry couldn\'t be created. The error message is The RPC server is unavailable.' }]), 'Basic authentication could not be read on EXCH02 (An IIS directory entry couldn\'t be created. The error message is The RPC server is unavailable.): run the verification again when it is reachable. On: EXCH01.'));
  it('rule basicAuth.verify.on', () => expectRule('basicAuth.verify.on', 'done', read('basicAuth.verify', [{ Server: 'EXCH01', BasicAuthentication: 'True' }]), 'Basic authentication is on for EWS on every server: EXCH01.'));
  it('rule serviceAccount.create.missing', () => expectRule('serviceAccount.create.missing', 'failed', read('serviceAccount.create', []), 'There is no mailbox alexaforbusiness@contoso.com: run the Create the service account mailbox step.'));
  it('rule serviceAccount.create.notUserMailbox', () => expectRule('serviceAccount.create.notUserMailbox', 'failed', read('serviceAccount.create', [{ RecipientTypeDetails: 'SharedMailbox' }]), 'alexaforbusiness@contoso.com is a SharedMailbox, not a user mailbox; the service account needs a user mailbox to sign in to EWS.'));
  it('rule serviceAccount.create.disabled', () => expectRule('serviceAccount.create.disabled', 'failed', read('serviceAccount.create', [{ RecipientTypeDetails: 'UserMailbox', AccountDisabled: true }]), 'The account alexaforbusiness@contoso.com is disabled in Active Directory: enable it (Active Directory Users and Computers, or Enable-ADAccount), or EWS answers ErrorAccountDisabled.'));
  it('rule serviceAccount.create.passwordExpired', () => expectRule('serviceAccount.create.passwordExpired', 'failed', read('serviceAccount.create', [{ RecipientTypeDetails: 'UserMailbox', AccountDisabled: false, PasswordExpiryRead: true, PasswordExpires: '2026-11-01T08:00:00.0000000Z' }]), 'The password of alexaforbusiness@contoso.com expired on 2026-11-01: every EWS logon fails with 401 until it is changed, here and in the calendar service.'));
  it('an existing service account: its password expiry or why it could not be read, and a missing one is not sent to the create step', () => {
    const existing = { serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: 'alexaforbusiness@contoso.com', existing: true } };
    expectRule('serviceAccount.create.exists', 'done', read('serviceAccount.create', [{ RecipientTypeDetails: 'UserMailbox', AccountDisabled: false, PasswordExpiryRead: true, PasswordExpires: '2027-02-01T08:00:00.0000000Z' }], existing),
      'The existing service account mailbox alexaforbusiness@contoso.com exists. Its password expires on 2027-02-01.');
    expectRule('serviceAccount.create.exists', 'done', read('serviceAccount.create', [{ RecipientTypeDetails: 'UserMailbox', PasswordExpiryRead: true, PasswordNeverExpires: true, PasswordExpires: '' }], existing), /exists\. Its password never expires\.$/);
    expectRule('serviceAccount.create.exists', 'done', read('serviceAccount.create', [{ RecipientTypeDetails: 'UserMailbox', PasswordExpiryRead: false, PasswordExpires: '' }], existing), /could not be read \(the ActiveDirectory module of RSAT is not loaded\)\.$/);
    expectRule('serviceAccount.create.missing', 'failed', read('serviceAccount.create', [], existing), /exchangeSetup\.serviceAccount\.existing says the account exists: check the UPN/);
  });
  it('rule serviceAccount.create.exists', () => expectRule('serviceAccount.create.exists', 'done', read('serviceAccount.create', [{ RecipientTypeDetails: 'UserMailbox', Alias: 'alexaforbusiness' }]), 'The service account mailbox alexaforbusiness@contoso.com exists (alias alexaforbusiness).'));
  it('rule access.impersonation.noData', () => expectRule('access.impersonation.noData', 'failed', read('access.impersonation', null), 'No impersonation information came back.'));
  it('rule access.impersonation.accountMissing', () => expectRule('access.impersonation.accountMissing', 'failed', read('access.impersonation', [impersonationState({ AccountFound: false })]), 'There is no mailbox alexaforbusiness@contoso.com: create the service account first.'));
  it('rule access.impersonation.organizationWideNotChosen', () => expectRule('access.impersonation.organizationWideNotChosen', 'failed', read('access.impersonation', [impersonationState({ Assignments: [ORG_WIDE_ASSIGNMENT] })]), 'alexaforbusiness@contoso.com has organization-wide ApplicationImpersonation through "ApplicationImpersonation-alexaforbusiness", which defeats the user-mailbox scope: remove it with Remove-ManagementRoleAssignment.'));
  it('rule access.impersonation.organizationWideOptedIn', () => expectRule('access.impersonation.organizationWideOptedIn', 'done', read('access.impersonation', [impersonationState({ Assignments: [ORG_WIDE_ASSIGNMENT] })], { impersonation: { ...DEFAULT_SETTINGS.impersonation, organizationWide: true } }), 'alexaforbusiness@contoso.com has organization-wide ApplicationImpersonation through "ApplicationImpersonation-alexaforbusiness" (opted in).'));
  it('rule access.impersonation.scopeMissing', () => expectRule('access.impersonation.scopeMissing', 'failed', read('access.impersonation', [impersonationState({ ScopeName: '' })]), 'The management scope "Alexa for Business user mailboxes" does not exist: run the impersonation step.'));
  it('rule access.impersonation.filterMismatch', () => expectRule('access.impersonation.filterMismatch', 'failed', read('access.impersonation', [impersonationState({ ScopeFilter: "RecipientTypeDetails -ne 'UserMailbox'" })]), 'The scope "Alexa for Business user mailboxes" filters "RecipientTypeDetails -ne \'UserMailbox\'", not "RecipientTypeDetails -eq \'UserMailbox\'" as the impersonation step creates it: remove the scope (roll back the step) and run the step again.'));
  it('rule access.impersonation.noScopedAssignment', () => expectRule('access.impersonation.noScopedAssignment', 'failed', read('access.impersonation', [impersonationState({ Assignments: [] })]), 'alexaforbusiness@contoso.com has no ApplicationImpersonation assignment limited to "Alexa for Business user mailboxes": run the impersonation step.'));
  it('rule access.impersonation.writeScopeUnreadable', () => expectRule('access.impersonation.writeScopeUnreadable', 'unknown', read('access.impersonation', [impersonationState({ Assignments: [SCOPED_ASSIGNMENT, { Name: 'x' }] })]), 'The reach (RecipientWriteScope) of "x" could not be read, so it may be organization-wide: run the verification again in the Exchange Management Shell.'));
  it('rule access.impersonation.scoped', () => expectRule('access.impersonation.scoped', 'done', read('access.impersonation', [impersonationState()]), 'alexaforbusiness@contoso.com can impersonate user mailboxes through "Alexa for Business impersonation", limited to the scope "Alexa for Business user mailboxes".'));
  it('rule access.delegate.noData', () => expectRule('access.delegate.noData', 'failed', read('access.delegate', []), 'No permission information came back.'));
  it('rule access.delegate.countsMissing', () => expectRule('access.delegate.countsMissing', 'unknown', read('access.delegate', [{ UserMailboxes: 10 }]), 'The mailbox counts were missing from the output: run the current verification of this step again.'));
  it('rule access.delegate.testMailboxLacks', () => expectRule('access.delegate.testMailboxLacks', 'failed', read('access.delegate', [delegateState({ TestMailbox: { Mailbox: 'alice@contoso.com', FullAccess: true, SendAs: false } })]), 'alice@contoso.com does not give alexaforbusiness@contoso.com Send As: run the per-mailbox rights step again (mailboxes created since need it too).'));
  it('rule access.delegate.fullAccessMissing', () => expectRule('access.delegate.fullAccessMissing', 'failed', read('access.delegate', [delegateState({ WithoutFullAccessCount: 1, WithoutFullAccess: ['bob@contoso.com'] })]), '1 of 10 user mailboxes lack Full Access: bob@contoso.com: run the per-mailbox rights step again (mailboxes created since need it too).'));
  it('rule access.delegate.sendAsMissing', () => expectRule('access.delegate.sendAsMissing', 'failed', read('access.delegate', [delegateState({ WithoutSendAsCount: 1, WithoutSendAs: ['bob@contoso.com'] })]), '1 of 10 user mailboxes lack Send As: bob@contoso.com: run the per-mailbox rights step again (mailboxes created since need it too).'));
  it('rule access.delegate.noUserMailboxes', () => expectRule('access.delegate.noUserMailboxes', 'unknown', read('access.delegate', [delegateState({ UserMailboxes: 0 })]), 'No user mailboxes were found other than the service account.'));
  it('rule access.delegate.allMailboxes', () => expectRule('access.delegate.allMailboxes', 'done', read('access.delegate', [delegateState()]), 'alexaforbusiness@contoso.com has Full Access and Send As on all 10 user mailboxes.'));

  it('ids are unique, each has its own test above and is named in a comment at its rule in verification.ts', () => {
    assert.equal(new Set(VERIFICATION_RULE_IDS).size, VERIFICATION_RULE_IDS.length);
    const root = join(__dirname, '..', '..', '..');
    const source = readFileSync(join(root, 'src', 'core', 'verification.ts'), 'utf8');
    const tests = readFileSync(join(root, 'test', 'unit', 'verification.test.ts'), 'utf8');
    // The optional protocol step's and the per-cmdlet admin-rights rules are pinned in procedure-gaps.test.ts.
    const procedureTests = readFileSync(join(root, 'test', 'unit', 'procedure-gaps.test.ts'), 'utf8');
    for (const id of VERIFICATION_RULE_IDS) {
      const escaped = id.replace(/\./g, '\\.');
      assert.match(source, new RegExp(`// rule [^\\n]*${escaped}`), id);
      assert.ok(tests.includes(`it('rule ${id}', () => expectRule('${id}', `) || procedureTests.includes(`it('rule ${id}', () => {`), id);
    }
  });
});

describe('reading terminal output: edge cases the rules rely on', () => {
  const s = settings();

  it('terminal cleaning: a lone ESC at the end, other CSI sequences, 8-bit cursor-forward, tabs and control characters', () => {
    assert.equal(stripTerminalEscapes('ok\x1b'), 'ok');
    assert.equal(stripTerminalEscapes('a\x1b[2Kb\x1b[3Jc'), 'abc');
    assert.equal(stripTerminalEscapes('a\x9b3Cb'), 'a   b');
    assert.equal(stripTerminalEscapes('a\tb\x00c\x07d'), 'a\tbcd');
    assert.equal(stripTerminalEscapes(''), '');
    assert.equal(stripTerminalEscapes('\nx'), '\nx');
    assert.equal(stripTerminalEscapes('abc\rX\r\n'), 'Xbc\n');
  });

  it('marker block: END with trailing spaces, padding at a break outside and inside strings, a BOM, and what makes it unreadable', () => {
    assert.deepEqual(readMarkerBlock('ECS-BEGIN x\n[1]\nECS-END x   ', 'x'), { kind: 'json', value: [1] });
    // Trailing padding inside a number: joined without it; leading spaces inside a string are kept.
    assert.deepEqual(readMarkerBlock('ECS-BEGIN x\n[12   \n34,"a\n  b"]\nECS-END x', 'x'), { kind: 'json', value: [1234, 'a  b'] });
    // Leading padding inside a number: every line trimmed.
    assert.deepEqual(readMarkerBlock('ECS-BEGIN x\n[12\n   34]\nECS-END x', 'x'), { kind: 'json', value: [1234] });
    assert.deepEqual(readMarkerBlock('ECS-BEGIN x\n\uFEFF[1]\nECS-END x', 'x'), { kind: 'json', value: [1] });
    // The block of the last run counts, not an earlier one.
    assert.deepEqual(readMarkerBlock('ECS-BEGIN x\n[1]\nECS-END x\nECS-BEGIN x\n[2]\nECS-END x', 'x'), { kind: 'json', value: [2] });
    assert.deepEqual(readMarkerBlock('ECS-BEGIN x\n  \nECS-END x', 'x'), { kind: 'invalid', reason: 'no output between the markers' });
    const broken = readMarkerBlock('ECS-BEGIN x\n[1,\nECS-END x', 'x');
    assert.equal(broken.kind, 'invalid');
    assert.ok(broken.kind === 'invalid' && broken.reason !== 'no output between the markers' && broken.reason !== '');
    assert.equal(interpretVerification('basicAuth.verify', NOTHING('basicAuth.verify'), s, NOW).detail, 'The verification output could not be read as JSON (no output between the markers).');
  });

  it('PowerShell 7 concise errors with a position block, and Windows PowerShell 5.1 errors around CategoryInfo', () => {
    const concise = 'Get-Mailbox:\nLine |\n   1 |  Get-Mailbox -Identity nobody\n     |  ~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n     |  The operation couldn\'t be performed because object \'nobody\' couldn\'t be found.\n';
    assert.equal(firstErrorLine(concise), "Get-Mailbox: The operation couldn't be performed because object 'nobody' couldn't be found.");
    assert.equal(firstErrorLine('Get-Mailbox:\nLine |\n   1 |  Get-Mailbox\n'), 'Get-Mailbox:');
    assert.equal(firstErrorLine('Get-Mailbox:\n'), 'Get-Mailbox:');
    assert.equal(firstErrorLine('Get-Mailbox : boom'), 'Get-Mailbox : boom');
    const ps51 = "The specified server 'EXCH09' couldn't be found.\n\nAt line:1 char:1\n+ Get-ExchangeCertificate -Server EXCH09\n+ ~~~~~~~~~~~~~~~~~~~~~~~\n    + CategoryInfo          : NotSpecified: (:) [], ManagementObjectNotFoundException\nPS C:\\>";
    assert.equal(firstErrorLine(ps51), "The specified server 'EXCH09' couldn't be found.");
    assert.equal(firstErrorLine('    + CategoryInfo : NotSpecified'), '+ CategoryInfo : NotSpecified');
  });

  it('a shell error next to a decided block is added to a verdict that is not done, never to done', () => {
    const error = 'Get-Mailbox : The term \'Get-Mailbox\' is not recognized';
    const failedWithError = interpretVerification('serviceAccount.create', `${error}\n${block('serviceAccount.create', [])}`, s, NOW);
    assert.equal(failedWithError.detail, `There is no mailbox alexaforbusiness@contoso.com: run the Create the service account mailbox step. (The shell also reported: ${error})`);
    const doneWithError = interpretVerification('serviceAccount.create', `${error}\n${block('serviceAccount.create', [{ RecipientTypeDetails: 'UserMailbox' }])}`, s, NOW);
    assert.equal(doneWithError.detail, 'The service account mailbox alexaforbusiness@contoso.com exists.');
    assert.equal(interpretVerification('basicAuth.verify', `${error}\nECS-BEGIN basicAuth.verify\n[`, s, NOW).detail, `The verification stopped with an error: ${error}`);
    assert.equal(interpretVerification('basicAuth.verify', `${error}\nECS-BEGIN basicAuth.verify\n[\nECS-END basicAuth.verify`, s, NOW).detail.endsWith(` The shell reported: ${error}`), true);
  });

  it('every step without a shell verification is confirmed by hand', () => {
    for (const stepId of ['prerequisites', 'prerequisites.basicAuth', 'access', 'link', 'test'] as const) assert.equal(read(stepId, [{}]).rule, 'manual.confirmByHand', stepId);
  });

  it('basicAuth.enable reads the recorded prior values; entries without an identity and an empty record are dropped; basicAuth.verify ignores them', () => {
    const prior = (json: unknown) => `${block('basicAuth.enable.prior', json)}${block('basicAuth.enable', [{ Server: 'EXCH01', Identity: 'EXCH01\\EWS (Default Web Site)', BasicAuthentication: true }])}`;
    const entries = [{ Identity: 'EXCH01\\EWS (Default Web Site)', BasicAuthentication: false }, { Identity: '', BasicAuthentication: true }];
    assert.deepEqual(interpretVerification('basicAuth.enable', prior(entries), s, NOW).basicAuthPrior, [{ identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false }]);
    assert.equal(interpretVerification('basicAuth.enable', prior([]), s, NOW).basicAuthPrior, undefined);
    assert.equal(interpretVerification('basicAuth.enable', prior([{ Identity: '' }]), s, NOW).basicAuthPrior, undefined);
    assert.equal(interpretVerification('basicAuth.enable', block('basicAuth.enable', []), s, NOW).basicAuthPrior, undefined);
    const verifyWithPrior = `${block('basicAuth.enable.prior', entries)}${block('basicAuth.verify', [{ Server: 'EXCH01', BasicAuthentication: true }])}`;
    assert.equal('basicAuthPrior' in interpretVerification('basicAuth.verify', verifyWithPrior, s, NOW), false);
  });

  it('Basic auth names a directory by its identity when the server is empty, and names every server that is off', () => {
    const reading = read('basicAuth.verify', [{ Server: '', Identity: 'EXCH01\\EWS (Default Web Site)', BasicAuthentication: false }, { Server: 'EXCH02', BasicAuthentication: false }]);
    assert.equal(reading.detail, 'Basic authentication is off on EXCH01\\EWS (Default Web Site) and EXCH02: run the Enable Basic authentication step (it turns it on for every server that has it off).');
    assert.deepEqual(reading.serversNotRight, ['EXCH01\\EWS (Default Web Site) (Basic off)', 'EXCH02 (Basic off)']);
    assert.equal(read('basicAuth.verify', [{ Identity: 'EXCH01\\EWS (Default Web Site)', BasicAuthentication: true }]).detail, 'Basic authentication is on for EWS on every server: EXCH01\\EWS (Default Web Site).');
  });

  it('all servers: one off among three fails naming it; off decides over unreadable; an error on a server makes its value unknown even when it came back', () => {
    const dir = (server: string, basic: unknown, error = '') => ({ Server: server, Identity: `${server}\\EWS (Default Web Site)`, BasicAuthentication: basic, InternalUrl: '', ExternalUrl: '', Error: error });
    const oneOff = read('basicAuth.verify', [dir('EXCH01', true), dir('EXCH02', false), dir('EXCH03', true)]);
    assert.equal(oneOff.rule, 'basicAuth.verify.off');
    assert.deepEqual(oneOff.serversNotRight, ['EXCH02 (Basic off)']);
    assert.match(oneOff.detail, /On: EXCH01 and EXCH03\.$/);
    const offAndUnread = read('basicAuth.verify', [dir('EXCH01', false), dir('EXCH02', null, 'The RPC server is unavailable.')]);
    assert.equal(offAndUnread.rule, 'basicAuth.verify.off');
    assert.deepEqual(offAndUnread.serversNotRight, ['EXCH01 (Basic off)', 'EXCH02 (could not be read)']);
    assert.match(offAndUnread.detail, /It could not be read on EXCH02 \(The RPC server is unavailable\.\)\./);
    // A value printed next to an error is not trusted: the metabase read may have failed.
    const errorWithValue = read('basicAuth.verify', [dir('EXCH01', true), dir('EXCH02', false, 'Access is denied.')]);
    assert.equal(errorWithValue.rule, 'basicAuth.verify.unreadable');
    assert.deepEqual(errorWithValue.basicAuth?.[1], { server: 'EXCH02', identity: 'EXCH02\\EWS (Default Web Site)', basicAuthentication: false, error: 'Access is denied.' });
    const missingValue = read('basicAuth.verify', [dir('EXCH01', true), { Server: 'EXCH02', Identity: 'EXCH02\\EWS (Default Web Site)' }]);
    assert.equal(missingValue.rule, 'basicAuth.verify.unreadable');
    assert.match(missingValue.detail, /could not be read on EXCH02: run the verification again when it is reachable\. On: EXCH01\.$/);
    const allOn = read('basicAuth.verify', [dir('EXCH01', true), dir('EXCH02', 'true')]);
    assert.equal(allOn.status, 'done');
    assert.deepEqual(allOn.serversNotRight, []);
  });

  it('all servers: the certificate of each server is judged; one expired among good ones fails naming it, a server with none fails, all good is done', () => {
    const server = (name: string, certificates: unknown[], error = '') => ({ Server: name, Error: error, Certificates: certificates });
    const expiredOnOne = read('prerequisites.certificate', [server('EXCH01', [PUBLIC_CERT, BACK_END_CERT]), server('EXCH02', [{ ...PUBLIC_CERT, NotAfter: '2026-01-01T00:00:00Z' }])]);
    assert.equal(expiredOnOne.rule, 'prerequisites.certificate.expired');
    assert.equal(expiredOnOne.status, 'failed');
    assert.match(expiredOnOne.detail, /^EXCH02: CN=mail\.contoso\.com \(0F1E.*\) expired on 2026-01-01: .* Right: EXCH01\.$/);
    assert.deepEqual(expiredOnOne.serversNotRight, ['EXCH02 (expired certificate)']);
    const noneOnOne = read('prerequisites.certificate', [server('EXCH01', [PUBLIC_CERT]), server('EXCH02', []), server('EXCH03', [], 'Access is denied.')]);
    assert.equal(noneOnOne.rule, 'prerequisites.certificate.noIisCertificate', 'a failing server decides over an unreadable one');
    assert.deepEqual(noneOnOne.serversNotRight, ['EXCH02 (no certificate assigned to IIS)', 'EXCH03 (could not be read)']);
    const allGood = read('prerequisites.certificate', [server('EXCH01', [PUBLIC_CERT]), server('EXCH02', [PUBLIC_CERT])]);
    assert.equal(allGood.rule, 'prerequisites.certificate.thirdPartyValid');
    assert.match(allGood.detail, /^Every server with an EWS virtual directory \(EXCH01 and EXCH02\) has a publicly trusted certificate/);
    assert.deepEqual(allGood.serversNotRight, []);
    const single = read('prerequisites.certificate', [server('EXCH01', [PUBLIC_CERT])]);
    assert.match(single.detail, /^EXCH01: The IIS certificate CN=mail\.contoso\.com/);
    assert.equal(read('prerequisites.certificate', [server('EXCH01', [PUBLIC_CERT])], { ewsUrl: 'not a url' }).rule, 'prerequisites.certificate.noEwsHost');
  });

  it('nested arrays and bare text are not objects, and non-text entries of a list are skipped', () => {
    assert.equal(read('serviceAccount.create', [[{ RecipientTypeDetails: 'UserMailbox' }]]).rule, 'serviceAccount.create.missing');
    assert.equal(read('serviceAccount.create', ['alexaforbusiness@contoso.com']).rule, 'serviceAccount.create.missing');
    assert.equal(read('prerequisites.certificate', [{ ...PUBLIC_CERT, Domains: [null, 7, 'mail.contoso.com'] }]).rule, 'prerequisites.certificate.thirdPartyValid');
    assert.equal(read('serviceAccount.create', [{ UserPrincipalName: 'svc@contoso.com', RecipientTypeDetails: 'UserMailbox', Alias: 'svc' }]).detail, 'The service account mailbox svc@contoso.com exists (alias svc).');
    assert.equal(read('serviceAccount.create', [{ RecipientTypeDetails: '' }]).rule, 'serviceAccount.create.exists');
  });

  it('versions: each product name, several servers too old, and spacing inside AdminDisplayVersion', () => {
    const name = (major: number, minor: number, build: number) => exchangeProductName({ major, minor, build });
    assert.equal(name(8, 3, 1), 'Exchange 2007 or older');
    assert.equal(name(14, 3, 1), 'Exchange 2010');
    assert.equal(name(15, 0, 1497), 'Exchange 2013');
    assert.equal(name(15, 1, 2507), 'Exchange 2016');
    assert.equal(name(15, 2, 2561), 'Exchange 2019');
    assert.equal(name(15, 2, 2562), 'Exchange Subscription Edition');
    assert.equal(name(15, 20, 1), 'Exchange Online');
    assert.equal(name(16, 0, 1), 'Exchange Online');
    assert.deepEqual(parseAdminDisplayVersion('Version  15.2  (Build  1544)'), { major: 15, minor: 2, build: 1544 });
    const old = read('prerequisites.exchangeVersion', [{ Name: 'EX1', AdminDisplayVersion: 'Version 14.3 (Build 123.4)' }, { Name: 'EX2', AdminDisplayVersion: 'Version 8.3 (Build 83.6)' }]);
    assert.equal(old.detail, 'EX1 (Version 14.3 (Build 123.4)) and EX2 (Version 8.3 (Build 83.6)) are older than Exchange 2013 (15.0): EWS access needs 2013 or newer.');
    const online = read('prerequisites.exchangeVersion', [{ Name: 'EX1', AdminDisplayVersion: 'Version 15.20 (Build 1.1)' }, { Name: 'EX2', AdminDisplayVersion: 'Version 15.20 (Build 1.1)' }]);
    assert.equal(online.detail, 'EX1 and EX2 report Exchange Online builds: this procedure is for on-premises Exchange only.');
    assert.equal(read('prerequisites.exchangeVersion', [{ Name: 'EX1', AdminDisplayVersion: 'x' }, { Name: 'EX2', AdminDisplayVersion: '' }]).detail, 'Could not read the version of EX1 ("x") and EX2 ("").');
    assert.equal(read('prerequisites.adminRights', [{ Roles: ALL_ROLES.Roles }]).detail, 'You has every management role the setup needs.');
    assert.equal(read('prerequisites.adminRights', [{ User: 'me', Roles: ALL_ROLES.Roles.slice(1) }]).detail, 'me lacks the management role Mail Recipient Creation: add the account to Organization Management or assign the roles.');
  });

  it('host names: a domain that only ends like the host does not cover it, and a wildcard needs a label', () => {
    assert.equal(read('prerequisites.certificate', [{ ...PUBLIC_CERT, Domains: ['a.contoso.com'] }]).rule, 'prerequisites.certificate.hostNotCovered');
    assert.equal(read('prerequisites.certificate', [{ ...PUBLIC_CERT, Domains: ['*.'] }], { ewsUrl: 'https://mail/EWS/Exchange.asmx' }).rule, 'prerequisites.certificate.hostNotCovered');
    assert.equal(read('prerequisites.certificate', [{ ...PUBLIC_CERT, Domains: ['MAIL.Contoso.com'] }]).rule, 'prerequisites.certificate.thirdPartyValid');
    assert.equal(read('prerequisites.certificate', [{ ...PUBLIC_CERT, RootCAType: ' ThirdParty ', Status: ' Valid' }]).rule, 'prerequisites.certificate.thirdPartyValid');
  });

  it('every RecipientWriteScope value is read by name and number; numbers Exchange does not use are unreadable', () => {
    const values: [string, number][] = [
      ['None', 0], ['NotApplicable', 1], ['MyGAL', 3], ['Self', 4], ['MyDirectReports', 5], ['MyDistributionGroups', 8],
      ['MyExecutive', 9], ['ExclusiveRecipientScope', 13], ['MailboxICanDelegate', 15],
    ];
    const withExtra = (writeScope: unknown) => read('access.impersonation', [impersonationState({ Assignments: [SCOPED_ASSIGNMENT, { ...OU_ASSIGNMENT, Name: 'Extra', RecipientWriteScope: writeScope }] })]);
    for (const [name, value] of values) {
      assert.equal(withExtra(name).rule, 'access.impersonation.scoped', name);
      assert.equal(withExtra(value).rule, 'access.impersonation.scoped', String(value));
    }
    assert.equal(withExtra(7).rule, 'access.impersonation.scoped');
    for (const unused of [10, 11, 12, 14, 16, 'Everywhere']) assert.equal(withExtra(unused).rule, 'access.impersonation.writeScopeUnreadable', String(unused));
    assert.match(withExtra(6).detail, /"Extra" \(OU contoso\.com\/Sales\)/);
  });

  it('delegate: one missing count is enough to be unknown', () => {
    for (const key of ['UserMailboxes', 'WithoutFullAccessCount', 'WithoutSendAsCount']) {
      assert.equal(read('access.delegate', [delegateState({ [key]: undefined })]).rule, 'access.delegate.countsMissing', key);
    }
  });
});

describe('the verification snippets print what the rules read', () => {
  const verifyText = (stepId: StepId, overrides: Partial<SetupSettings> = {}): string => {
    const result = snippetForStep(stepId, settings({ testMailbox: 'alice@contoso.com', ...overrides }), {});
    assert.ok(result.ok);
    return toPromptLine(result.snippet.verify);
  };

  it('certificate: RootCAType and Status as text, next to the fields read before', () => {
    const text = verifyText('prerequisites.certificate');
    for (const key of ['Thumbprint', 'Subject', 'Issuer', 'NotAfter', 'IsSelfSigned', 'Domains']) assert.match(text, new RegExp(`\\b${key} = `), key);
    assert.match(text, /RootCAType = \[string\]\$_\.RootCAType; Status = \[string\]\$_\.Status/);
  });

  it('impersonation: non-delegating assignments with their reach, and the scope filter the grant snippet sets', () => {
    const settingsUsed = settings();
    const text = verifyText('access.impersonation');
    assert.match(text, /Get-ManagementRoleAssignment -Role ApplicationImpersonation -GetEffectiveUsers -Delegating \$false /);
    for (const key of ['Name', 'CustomRecipientWriteScope', 'RecipientWriteScope', 'DelegationType', 'Enabled', 'AccountFound', 'ScopeName', 'ScopeFilter', 'Assignments']) assert.match(text, new RegExp(`\\b${key} = `), key);
    const grant = snippetForStep('access.impersonation', settingsUsed, {});
    assert.ok(grant.ok);
    assert.ok(toPromptLine(grant.snippet.action).includes(`-RecipientRestrictionFilter "${impersonationScopeFilter(settingsUsed)}"`));
  });

  it('delegate: the count and the first 20 addresses lacking each right', () => {
    const text = verifyText('access.delegate');
    assert.equal(DELEGATE_NAMES_SHOWN, 20);
    for (const key of ['UserMailboxes', 'WithoutFullAccessCount', 'WithoutSendAsCount', 'TestMailbox']) assert.match(text, new RegExp(`\\b${key} = `), key);
    assert.match(text, /WithoutFullAccess = @\(\$ecsNoFullAccess \| Select-Object -First 20\)/);
    assert.match(text, /WithoutSendAs = @\(\$ecsNoSendAs \| Select-Object -First 20\)/);
  });
});
