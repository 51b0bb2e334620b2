/**
 * Issue 15, item 3, for the probes: a run against the fake Exchange in the pseudo-locale (every string
 * of l10n/bundle.l10n.json accented and wrapped in ⟦ ⟧, test/support/pseudoLocale.ts) yields check
 * messages and remedies that are all marked text, apart from the data of the run: host names and
 * addresses, the account and mailbox addresses, Exchange's error codes, authentication scheme names,
 * builds, dates and numbers.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as l10n from '../../src/core/l10n';
import { runProbes, type ProbeRun } from '../../src/core/ews/probes';
import { summarizeNodes } from '../../src/core/ews/nodes';
import { discoverEwsUrl, trailLine } from '../../src/core/autodiscover';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, startFakeExchange, type FakeExchange, type ScenarioName } from '../fake-exchange/server';
import { pseudoLocalize, withoutMarkedText } from '../support/pseudoLocale';

const ROOT = resolve(__dirname, '..', '..', '..');
const ENGLISH: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8'));

/** Words that are data in every language: Exchange's response codes and the authentication schemes it names. */
const DATA_WORDS = /\b(?:Error[A-Za-z]+|Negotiate|NTLM|Basic|Kerberos)\b/g;
/** Spaces, digits and punctuation may stand between marked parts and data (counts, builds, dates, "host:port"). */
const FILLER = /[\s\d.,:;()"'\-/]/g;

/** What is left of `text` once marked parts, the run's data values and filler are taken out. */
function unmarked(text: string, data: readonly string[]): string {
  let rest = withoutMarkedText(text);
  for (const value of [...data].sort((a, b) => b.length - a.length)) rest = rest.split(value).join(' ');
  return rest.replace(DATA_WORDS, ' ').replace(FILLER, '');
}

/** Every check message and remedy text of `run` with text that escaped the bundle, named by check. */
function escapes(run: ProbeRun, data: readonly string[]): string[] {
  const found: string[] = [];
  for (const check of run.checks) {
    if (unmarked(check.message, data) !== '') found.push(`${check.id} message: ${JSON.stringify(check.message)}`);
    if (check.remedy && unmarked(check.remedy.text, data) !== '') found.push(`${check.id} remedy: ${JSON.stringify(check.remedy.text)}`);
  }
  return found;
}

interface Case { scenario: ScenarioName; method?: 'impersonation' | 'delegate'; write?: boolean }

const CASES: Case[] = [
  { scenario: 'healthy', write: true },
  { scenario: 'healthy-delegate', method: 'delegate' },
  { scenario: 'no-basic' },
  { scenario: 'wrong-password' },
  { scenario: 'locked' },
  { scenario: 'exchange-2010' },
  { scenario: 'exchange-online' },
  { scenario: 'impersonation-denied' },
  { scenario: 'delegate-denied', method: 'delegate' },
  { scenario: 'busy-then-ok' },
  { scenario: 'malformed-xml' },
  { scenario: 'generic-error-redirect' },
  { scenario: 'tls-self-signed' },
  { scenario: 'tls-wrong-host' },
];

describe('probe results in the pseudo-locale (issue 15, item 3)', function () {
  this.timeout(120_000);
  const pseudo = pseudoLocalize(ENGLISH);
  let fake: FakeExchange;
  before(async () => { fake = await startFakeExchange({ scenario: 'healthy' }); });
  after(async () => { await fake?.stop(); });

  const probe = async (c: Case, bundle: l10n.L10nBundle | undefined): Promise<{ run: ProbeRun; data: string[] }> => {
    fake.setScenario(c.scenario);
    const url = new URL(fake.url);
    l10n.useL10nBundle(bundle);
    try {
      const run = await runProbes({
        ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: c.method ?? 'impersonation',
        testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 20_000, write: c.write ?? false,
      });
      // The data of the run: host and addresses, the account, the mailbox, the certificate's names, the product.
      const data = [url.hostname, `${url.hostname}:${url.port}`, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, 'localhost', 'mail.fabrikam.com', '*.fabrikam.com', '.tls.*', 'tls.*'];
      // Check ids (named as the prerequisites of skipped checks) and the write test's item subject are data too.
      for (const check of run.checks) data.push(check.id);
      for (const match of run.checks.map((check) => check.message).join('\n').matchAll(/"(Exchange Calendar Setup probe [^"]*)"/g)) data.push(match[1]);
      return { run, data };
    } finally {
      l10n.useL10nBundle(undefined);
    }
  };

  for (const c of CASES) {
    it(`${c.scenario}: every check message and remedy is marked`, async () => {
      const { run, data } = await probe(c, pseudo);
      assert.ok(run.checks.length >= 5, `${run.checks.length} checks`);
      assert.deepEqual(escapes(run, data), []);
    });
  }

  it('would notice a probe message that does not go through the bundle (one left out of it shows in English)', async () => {
    const key = '{0} logged on with Basic authentication';
    assert.ok(key in pseudo, 'the logon message is in the bundle');
    const { [key]: _dropped, ...withoutOne } = pseudo;
    const { run, data } = await probe({ scenario: 'healthy' }, withoutOne);
    const found = escapes(run, data);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0], /^auth\.login message: .*logged on with Basic authentication/);
  });

  it('mailbox verification: the reason of every unverified mailbox is marked', async () => {
    fake.setScenario('healthy');
    l10n.useL10nBundle(pseudo);
    try {
      const mailboxes = ['nobody@contoso.com', 'ghost@contoso.com'];
      const run = await runProbes({
        ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation',
        testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 20_000, mailboxes,
      });
      const unverified = run.mailboxes?.unverified ?? [];
      assert.equal(unverified.length, 2, JSON.stringify(run.mailboxes));
      const found = unverified.filter((u) => unmarked(u.reason, [...mailboxes]) !== '').map((u) => `${u.mailbox}: ${JSON.stringify(u.reason)}`);
      assert.deepEqual(found, []);
    } finally {
      l10n.useL10nBundle(undefined);
    }
  });

  it('per-node summary: phrases, effects and fixes are marked, and a translated check is still read right', () => {
    l10n.useL10nBundle(pseudo);
    try {
      const basicOff = l10n.t('Basic authentication is not offered on EWS (offered: {0})', 'NTLM');
      const report = summarizeNodes('mail.contoso.com', [
        { node: '10.0.0.11', address: '10.0.0.11', label: '10.0.0.11', ok: true, checks: [{ id: 'auth.schemes', status: 'pass', message: l10n.t('Basic authentication is offered (all: {0})', 'Basic'), ms: 1 }] },
        { node: '10.0.0.12', address: '10.0.0.12', label: '10.0.0.12', ok: false, checks: [{ id: 'auth.schemes', status: 'fail', message: basicOff, ms: 1, remedy: { step: 'basicAuth.enable', text: l10n.t('The certificate has expired') } }] },
      ]);
      // The pseudo-locale's sentence for "not offered" is recognised as such, not as "offers no usable logon".
      assert.deepEqual(report.differing.map((d) => d.problems), [[l10n.t('does not offer Basic')]]);
      const data = ['mail.contoso.com', '10.0.0.11', '10.0.0.12', 'basicAuth.enable'];
      assert.equal(unmarked(report.summary, data), '', report.summary);
      assert.equal(unmarked(report.differing[0].remedy?.text ?? '', data), '', report.differing[0].remedy?.text);
    } finally {
      l10n.useL10nBundle(undefined);
    }
  });

  it('Autodiscover: the trail lines and the reason are marked', async () => {
    l10n.useL10nBundle(pseudo);
    try {
      const result = await discoverEwsUrl('alice@contoso.test', {
        candidates: (domain) => [{ kind: 'srv', name: `_autodiscover._tcp.${domain}` }, { kind: 'pox', url: 'http://autodiscover.contoso.test/autodiscover/autodiscover.xml' }],
        resolveSrv: async () => [],
      });
      assert.equal(result.ok, false);
      const lines = result.trail.map((attempt) => trailLine(attempt));
      assert.ok(lines.length >= 1, JSON.stringify(result.trail));
      const data = ['_autodiscover._tcp.contoso.test', 'contoso.test', 'http://autodiscover.contoso.test/autodiscover/autodiscover.xml', 'srv', 'pox'];
      const found = [...lines, result.ok ? '' : result.reason].filter((text) => unmarked(text, data) !== '');
      assert.deepEqual(found, []);
    } finally {
      l10n.useL10nBundle(undefined);
    }
  });

  it('is English again without a bundle (the CLI, and VS Code in English)', async () => {
    const { run } = await probe({ scenario: 'impersonation-denied' }, undefined);
    const access = run.checks.find((check) => check.id === 'access.impersonation');
    assert.match(access?.message ?? '', new RegExp(`^${FAKE_SERVICE_ACCOUNT.replace(/\./g, '\\.')} cannot impersonate ${FAKE_TEST_MAILBOX.replace(/\./g, '\\.')}: ErrorImpersonateUserDenied: the service account may not impersonate`));
  });
});
