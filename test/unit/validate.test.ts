import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type SetupSettings, type SettingField } from '../../src/core/settings';
import { readSettingsObject, validateSettings } from '../../src/core/validate';

function valid(): SetupSettings {
  return {
    ...DEFAULT_SETTINGS,
    exchangeServer: 'EXCH01',
    serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: 'alexaforbusiness@contoso.com' },
    testMailbox: 'alice@contoso.com',
    impersonation: { ...DEFAULT_SETTINGS.impersonation },
    tls: { ...DEFAULT_SETTINGS.tls },
  };
}

function problemFor(field: SettingField, change: (s: SetupSettings) => void): string | undefined {
  const settings = valid();
  change(settings);
  const issues = validateSettings(settings, [field]);
  assert.ok(issues.length <= 1);
  return issues[0]?.problem;
}

describe('validateSettings', () => {
  it('accepts a complete, valid configuration', () => {
    assert.deepEqual(validateSettings(valid()), []);
  });

  it('writes messages with the setting, the value, the problem and an example', () => {
    const settings = valid();
    settings.serviceAccount.upn = 'alexa for business';
    const [issue] = validateSettings(settings, ['serviceAccount.upn']);
    assert.equal(issue.message, 'exchangeSetup.serviceAccount.upn: "alexa for business" is not a user principal name: it has a space. Example: alexaforbusiness@contoso.com');
    assert.equal(issue.setting, 'exchangeSetup.serviceAccount.upn');
    assert.equal(issue.value, 'alexa for business');
    assert.equal(issue.example, 'alexaforbusiness@contoso.com');
  });

  it('reports empty required fields as empty', () => {
    const [issue] = validateSettings(DEFAULT_SETTINGS, ['serviceAccount.upn']);
    assert.equal(issue.message, 'exchangeSetup.serviceAccount.upn is empty. Example: alexaforbusiness@contoso.com');
    assert.deepEqual(validateSettings(DEFAULT_SETTINGS, ['exchangeServer']), []);
    assert.equal(validateSettings(DEFAULT_SETTINGS, ['exchangeServer'], ['exchangeServer'])[0].problem, 'is empty');
  });

  it('checks user principal names and addresses', () => {
    const upn = (value: string) => problemFor('serviceAccount.upn', (s) => { s.serviceAccount.upn = value; });
    assert.equal(upn("o'brien@contoso.com"), undefined);
    assert.equal(upn('first.last+cal@mail.contoso.co.uk'), undefined);
    assert.match(upn('alexaforbusiness') ?? '', /has no @/);
    assert.match(upn('@contoso.com') ?? '', /nothing comes before the @/);
    assert.match(upn(`${'a'.repeat(65)}@contoso.com`) ?? '', /longer than 64/);
    assert.match(upn(`a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.com`) ?? '', /longer than 255/);
    assert.match(upn('a..b@contoso.com') ?? '', /two dots/);
    assert.match(upn('.a@contoso.com') ?? '', /starts or ends with a dot/);
    assert.match(upn('a(b)@contoso.com') ?? '', /the character "\(" is not allowed|not allowed/);
    assert.match(upn('a@contoso') ?? '', /at least 2 parts/);
    assert.match(upn('a@-contoso.com') ?? '', /not a DNS label/);
    assert.match(upn('a@contoso..com') ?? '', /empty part/);
    assert.match(upn('a\n@contoso.com') ?? '', /has a space|line feed/);
    assert.match(upn('a\u202e@contoso.com') ?? '', /bidirectional/);
    const mailbox = problemFor('testMailbox', (s) => { s.testMailbox = 'alice'; });
    assert.match(mailbox ?? '', /^is not an e-mail address: it has no @/);
  });

  it('checks the EWS URL', () => {
    const url = (value: string) => problemFor('ewsUrl', (s) => { s.ewsUrl = value; });
    assert.equal(url('https://mail.contoso.com/EWS/Exchange.asmx'), undefined);
    assert.match(url('mail.contoso.com/EWS/Exchange.asmx') ?? '', /is not a URL/);
    assert.match(url('http://mail.contoso.com/EWS/Exchange.asmx') ?? '', /not an https URL \(it uses http\)/);
    assert.match(url('https://user:pw@mail.contoso.com/EWS/Exchange.asmx') ?? '', /user name or password/);
    assert.match(url('https://mail.contoso.com/EWS/Exchange.asmx#x') ?? '', /fragment/);
    assert.match(url('https://mail.contoso.com/') ?? '', /has no path/);
    assert.match(url('https://mail.contoso.com') ?? '', /has no path/);
    assert.match(url('') ?? '', /is empty/);
  });

  it('checks aliases with the Exchange alias characters', () => {
    const alias = (value: string) => problemFor('serviceAccount.alias', (s) => { s.serviceAccount.alias = value; });
    assert.equal(alias("alexa.for_business-1'!#$%&*+/=?^`{|}~"), undefined);
    assert.match(alias('Alexa for Business') ?? '', /not an Exchange alias: it has a space/);
    assert.match(alias('alexa.') ?? '', /dot/);
    assert.match(alias('a'.repeat(65)) ?? '', /longer than 64/);
    assert.match(alias('al@xa') ?? '', /"@"/);
  });

  it('checks the Exchange server name (NetBIOS or FQDN)', () => {
    const server = (value: string) => problemFor('exchangeServer', (s) => { s.exchangeServer = value; });
    assert.equal(server('EXCH01'), undefined);
    assert.equal(server('exch01.contoso.local'), undefined);
    assert.match(server('EXCHANGESERVER01') ?? '', /NetBIOS/);
    assert.match(server('EXCH_01') ?? '', /NetBIOS/);
    assert.match(server('exch01..contoso.local') ?? '', /empty part/);
    assert.match(server('exch 01') ?? '', /space/);
  });

  it('checks names: length, surrounding spaces, control and bidi characters', () => {
    const name = (value: string) => problemFor('impersonation.scopeName', (s) => { s.impersonation.scopeName = value; });
    assert.equal(name("O'Brien's $(scope) | ; & #"), undefined);
    assert.match(name('a'.repeat(65)) ?? '', /longer than 64/);
    assert.match(name(' scope') ?? '', /starts or ends with a space/);
    assert.match(name('   ') ?? '', /only spaces/);
    assert.match(name('sc\u0007ope') ?? '', /control character/);
    assert.match(name('sc\u2066ope') ?? '', /bidirectional/);
  });

  it('checks the access method and path fields', () => {
    assert.match(problemFor('accessMethod', (s) => { (s as unknown as Record<string, unknown>).accessMethod = 'both'; }) ?? '', /not an access method \(use "impersonation" or "delegate"\)/);
    assert.equal(problemFor('powershellPath', (s) => { s.powershellPath = 'C:\\Program Files\\PowerShell\\7\\pwsh.exe'; }), undefined);
    assert.match(problemFor('tls.extraCaFile', (s) => { s.tls.extraCaFile = '/etc/ssl/a\nb.pem'; }) ?? '', /line feed/);
    assert.match(problemFor('serviceAccount.organizationalUnit', (s) => { s.serviceAccount.organizationalUnit = 'OU=a\u0000'; }) ?? '', /NUL/);
  });

  it('shows control characters escaped in messages', () => {
    const settings = valid();
    settings.serviceAccount.displayName = 'a\u202eb';
    assert.match(validateSettings(settings, ['serviceAccount.displayName'])[0].message, /"a\\u202eb"/);
  });
});

describe('readSettingsObject', () => {
  it('fills missing keys from the defaults and validates', () => {
    const reading = readSettingsObject({ serviceAccount: { upn: 'svc@contoso.com' }, exchangeServer: 'EXCH01' }, 'config.json');
    assert.deepEqual(reading.unknownKeys, []);
    assert.deepEqual(reading.issues, []);
    assert.equal(reading.settings.serviceAccount.alias, DEFAULT_SETTINGS.serviceAccount.alias);
    assert.equal(reading.settings.serviceAccount.upn, 'svc@contoso.com');
    assert.equal(DEFAULT_SETTINGS.serviceAccount.upn, '', 'the defaults are not modified');
  });

  it('reports unknown keys with the source', () => {
    const reading = readSettingsObject({ serviceAcount: { upn: 'x' }, serviceAccount: { upn: 'svc@contoso.com', pasword: 'x' } }, 'config.json');
    assert.deepEqual(reading.unknownKeys.map((k) => k.key), ['serviceAcount', 'serviceAccount.pasword']);
    assert.match(reading.unknownKeys[0].message, /^config\.json: "serviceAcount" is not a setting/);
  });

  it('reports values of the wrong type and keeps the default', () => {
    const reading = readSettingsObject({ serviceAccount: { upn: 'svc@contoso.com' }, impersonation: { organizationWide: 'yes' }, testMailbox: 42 }, 'config.json');
    assert.deepEqual(reading.issues.map((i) => i.field).sort(), ['impersonation.organizationWide', 'testMailbox']);
    assert.equal(reading.settings.impersonation.organizationWide, false);
    assert.match(reading.issues.find((i) => i.field === 'testMailbox')?.message ?? '', /^exchangeSetup\.testMailbox: "42" is a number but must be text \(in config\.json\)/);
  });

  it('reports a section that is not an object, and a non-object root', () => {
    assert.match(readSettingsObject({ serviceAccount: 'svc' }, 'c.json').unknownKeys[0].message, /must be an object/);
    assert.match(readSettingsObject([1], 'c.json').unknownKeys[0].message, /must be a JSON object/);
  });

  it('reports invalid values by field', () => {
    const reading = readSettingsObject({ serviceAccount: { upn: 'alexa for business' }, accessMethod: 'both' }, 'c.json');
    assert.deepEqual(reading.issues.map((i) => i.field), ['serviceAccount.upn', 'accessMethod']);
  });
});
