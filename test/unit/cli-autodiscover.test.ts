import * as assert from 'node:assert/strict';
import { runAutodiscoverCommand, type AutodiscoverDeps } from '../../src/cli/autodiscover';
import { EwsTransport } from '../../src/core/ews/transport';
import { loopbackHttpGet, loopbackTransport, redirectUrlXml, settingsXml, startAutodiscoverFake, xmlReply, type AutodiscoverFake } from '../fakes/autodiscover';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PASSWORD = 'Cli-Autodiscover-S3cret';
const USER = 'alexaforbusiness@contoso.test';
const EWS = 'https://mail.contoso.test/EWS/Exchange.asmx';
const EVIL_EWS = 'https://evil.test/EWS/Exchange.asmx';
const adUrl = (host: string): string => `https://${host}/autodiscover/autodiscover.xml`;

describe('autodiscover command (loopback fakes only)', function () {
  this.timeout(10_000);
  let fake: AutodiscoverFake;
  let transport: EwsTransport;
  let dir: string;
  let caFile: string;

  before(async () => {
    fake = await startAutodiscoverFake();
    dir = mkdtempSync(join(tmpdir(), 'ecs-cli-ad-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, fake.caPem);
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.routes.clear();
    fake.requests.length = 0;
    transport = new EwsTransport({ extraCaPem: fake.caPem, requestTimeoutMs: 2_000 });
  });
  afterEach(() => transport.close());

  function deps(srvTarget?: string): AutodiscoverDeps {
    return {
      transport: loopbackTransport(transport, fake.httpsPort),
      httpGet: loopbackHttpGet(fake),
      resolveSrv: async (name) => {
        if (srvTarget) return [{ name: srvTarget, port: 443, priority: 0, weight: 0 }];
        throw Object.assign(new Error(`querySrv ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      },
    };
  }

  async function run(args: string[], d: AutodiscoverDeps, env: Record<string, string> = { EWS_PASSWORD: PASSWORD }): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runAutodiscoverCommand(['--ca', caFile, ...(args.includes('--timeout-ms') ? [] : ['--timeout-ms', '2000']), ...args], {
      stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env, isTTY: false,
    }, d);
    return { code, stdout, stderr };
  }

  const evilSettings = (): void => {
    fake.routes.set('https://evil.test', () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EVIL_EWS }])));
  };

  it('SRV attacker without the flag: exit 1, the host is not contacted, and the message names it and the flag', async () => {
    evilSettings();
    const r = await run(['--email', 'alice@contoso.test', '--user', USER], deps('evil.test'));
    assert.equal(r.code, 1, r.stderr);
    assert.equal(fake.requests.filter((q) => q.host === 'evil.test').length, 0);
    assert.match(r.stderr, /evil\.test \(named by a DNS SRV record\) is outside contoso\.test and was not contacted\. .*run again with --trust-autodiscover-host evil\.test/);
    assert.match(r.stdout, /Credentials were sent to: contoso\.test \(in the address's domain\), autodiscover\.contoso\.test \(in the address's domain\)/);
  });

  it('with --trust-autodiscover-host naming it: the host is asked with the credentials, and the trail says the flag named it', async () => {
    evilSettings();
    const r = await run(['--email', 'alice@contoso.test', '--user', USER, '--trust-autodiscover-host', 'other.test', '--trust-autodiscover-host=EVIL.test'], deps('evil.test'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pox https:\/\/evil\.test\/autodiscover\/autodiscover\.xml \[credentials sent: named by --trust-autodiscover-host\]: EWS URL/);
    assert.match(r.stdout, /evil\.test \(named by --trust-autodiscover-host\)/);
    assert.match(r.stdout, /^EWS URL: https:\/\/evil\.test\/EWS\/Exchange\.asmx \(EXPR, for alice@contoso\.test\)$/m);
    assert.ok(fake.requests.filter((q) => q.host === 'evil.test').every((q) => q.authorization?.startsWith('Basic ')));
  });

  it('a redirectUrl outside the domain in --json: untrustedHosts and credentialsSentTo say what happened', async () => {
    evilSettings();
    fake.routes.set('https://contoso.test', () => xmlReply(redirectUrlXml(adUrl('evil.test'))));
    fake.routes.set('https://autodiscover.contoso.test', () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EWS }])));
    const r = await run(['--email', 'alice@contoso.test', '--user', USER, '--json'], deps());
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { ok: boolean; ewsUrl: string; untrustedHosts: unknown; credentialsSentTo: unknown; trail: { trust?: string }[] };
    assert.equal(doc.ewsUrl, EWS);
    assert.deepEqual(doc.untrustedHosts, [{ host: 'evil.test', via: 'redirectUrl' }]);
    assert.deepEqual(doc.credentialsSentTo, [{ host: 'contoso.test', trust: 'domain' }, { host: 'autodiscover.contoso.test', trust: 'domain' }]);
    assert.equal(fake.requests.filter((q) => q.host === 'evil.test').length, 0);
  });

  it('prints no password a server echoes, and no control character it sends', async () => {
    const echo = `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Error><ErrorCode>500</ErrorCode><Message>bad password ${PASSWORD} \u009b2J\u009b32mALL CHECKS PASSED</Message></Error></Response></Autodiscover>`;
    fake.routes.set('https://contoso.test', () => xmlReply(echo));
    for (const mode of [[], ['--json']]) {
      const r = await run(['--email', 'alice@contoso.test', '--user', USER, ...mode], deps());
      const all = r.stdout + r.stderr;
      assert.ok(!all.includes(PASSWORD), `${mode.join(' ')}: ${all}`);
      assert.match(all, /\[redacted\]/);
      if (mode.length === 0) assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(all), all); // eslint-disable-line no-control-regex
    }
  });

  it('sends no credentials without --user', async () => {
    fake.routes.set('https://contoso.test', () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EWS }])));
    const r = await run(['--email', 'alice@contoso.test'], deps(), {});
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.requests[0].authorization, undefined);
    assert.match(r.stdout, /Credentials were sent to no host/);
  });

  it('refuses bad input with exit 2 and a message naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [[], /--email is required/],
      [['--email', 'alice'], /--email /],
      [['--email', 'alice@contoso.test', '--user', 'not a upn'], /--user /],
      [['--email', 'alice@contoso.test', '--trust-autodiscover-host', 'https://evil.test/'], /--trust-autodiscover-host "https:\/\/evil\.test\/" is not a host name/],
      [['--email', 'alice@contoso.test', '--trust-autodiscover-host', 'evil.test:8443'], /is not a host name/],
      [['--email', 'alice@contoso.test', '--trust-autodiscover-host'], /--trust-autodiscover-host needs a value \(HOST\)/],
      [['--email', 'alice@contoso.test', '--password', 'x'], /never accepted on the command line/],
      [['--email', 'alice@contoso.test', '--timeout-ms', '0'], /--timeout-ms must be a positive/],
    ];
    for (const [args, pattern] of cases) {
      const r = await run(args, deps());
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, pattern);
    }
    assert.equal(fake.requests.length, 0);
  });
});
