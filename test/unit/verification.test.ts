import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, type SetupSettings } from '../../src/core/settings';
import { exchangeProductName, firstErrorLine, interpretVerification, parseAdminDisplayVersion, readMarkerBlock, stripTerminalEscapes } from '../../src/core/verification';

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
    assert.match(reading.detail, /Basic authentication is off on EXCH02/);
    assert.doesNotMatch(reading.detail, /EXCH01/);
    assert.deepEqual(reading.basicAuth, [
      { server: 'EXCH01', identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: true },
      { server: 'EXCH02', identity: 'EXCH02\\EWS (Default Web Site)', basicAuthentication: false },
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

  it('a JSON line broken at the terminal width is joined; a self-signed certificate fails', () => {
    const reading = interpretVerification('prerequisites.certificate', fixture('ps51-conpty-wrapped-certificate.txt'), settings(), NOW);
    assert.equal(reading.status, 'failed');
    assert.match(reading.detail, /CN=EXCH01 .* is self-signed/);
    assert.match(reading.detail, /does not cover mail\.contoso\.com/);
    assert.doesNotMatch(reading.detail, /Contoso Ltd.* is self-signed/);
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
      interpretVerification('prerequisites.certificate', block('prerequisites.certificate', [{ Subject: 'CN=mail.contoso.com', Issuer: 'CN=Public CA', NotAfter: notAfter, IsSelfSigned: false, Domains: domains }]), s, NOW);
    assert.equal(cert('2026-01-01T00:00:00.0000000Z', ['mail.contoso.com']).status, 'failed');
    assert.match(cert('2026-01-01T00:00:00.0000000Z', ['mail.contoso.com']).detail, /expired on 2026-01-01/);
    assert.equal(cert('2027-06-01T00:00:00.0000000Z', ['mail.contoso.com']).status, 'done');
    assert.equal(cert('2027-06-01T00:00:00.0000000Z', ['*.contoso.com']).status, 'done');
    assert.equal(cert('2027-06-01T00:00:00.0000000Z', ['*.com']).status, 'failed');
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

  it('delegate: counts short of the total fail, complete is done', () => {
    const delegate = (json: unknown) => interpretVerification('access.delegate', block('access.delegate', json), s, NOW);
    const short = delegate([{ UserMailboxes: 10, WithFullAccess: 10, WithSendAs: 7, TestMailbox: { Mailbox: 'alice@contoso.com', FullAccess: true, SendAs: false } }]);
    assert.equal(short.status, 'failed');
    assert.match(short.detail, /alice@contoso\.com does not give .* Send As; 3 of 10 user mailboxes lack Send As/);
    assert.equal(delegate([{ UserMailboxes: 10, WithFullAccess: 10, WithSendAs: 10, TestMailbox: null }]).status, 'done');
  });

  it('steps confirmed by hand are unknown', () => {
    assert.equal(interpretVerification('link', block('link', []), s, NOW).status, 'unknown');
  });
});
