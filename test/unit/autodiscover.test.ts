import * as assert from 'node:assert/strict';
import { credentialRecipients, discoverEwsUrl, isWithinDomain, parsePoxResponse, type AutodiscoverOptions, type HostQuestion, type SrvRecord } from '../../src/core/autodiscover';
import { EwsTransport } from '../../src/core/ews/transport';
import {
  loopbackHttpGet, loopbackTransport, redirectAddrXml, redirectReply, redirectUrlXml, settingsXml, startAutodiscoverFake, xmlReply,
  type AutodiscoverFake,
} from '../fakes/autodiscover';

const PASSWORD = 'S3cret-Autodiscover!';
const CREDENTIALS = { user: 'alexaforbusiness@contoso.test', password: PASSWORD };
const EWS = 'https://mail.contoso.test/EWS/Exchange.asmx';
const adUrl = (host: string): string => `https://${host}/autodiscover/autodiscover.xml`;

describe('Autodiscover against a local fake', function () {
  this.timeout(10_000);
  let fake: AutodiscoverFake;
  let transport: EwsTransport;
  let srvAsked: string[];

  before(async () => { fake = await startAutodiscoverFake(); });
  after(async () => { await fake.close(); });
  beforeEach(() => {
    fake.routes.clear();
    fake.requests.length = 0;
    srvAsked = [];
    transport = new EwsTransport({ extraCaPem: fake.caPem, requestTimeoutMs: 2_000 });
  });
  afterEach(() => transport.close());

  function options(extra: Partial<AutodiscoverOptions> = {}): AutodiscoverOptions {
    return {
      transport: loopbackTransport(transport, fake.httpsPort),
      httpGet: loopbackHttpGet(fake),
      resolveSrv: async (name) => {
        srvAsked.push(name);
        throw Object.assign(new Error(`querySrv ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      },
      credentials: CREDENTIALS,
      requestTimeoutMs: 2_000,
      ...extra,
    };
  }

  it('takes the EXPR EwsUrl from https://<domain> first, sending the POX request with credentials', async () => {
    fake.routes.set('https://contoso.test', () => xmlReply(settingsXml([
      { type: 'EXCH', ewsUrl: 'https://exch01.contoso.local/EWS/Exchange.asmx' },
      { type: 'EXPR', ewsUrl: EWS },
    ])));
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.ewsUrl, EWS);
    assert.equal(result.protocol, 'EXPR');
    assert.equal(result.trail.length, 1);
    assert.equal(result.trail[0].credentialsSent, true);
    const [req] = fake.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/autodiscover/autodiscover.xml');
    assert.match(req.body, /<EMailAddress>alice@contoso\.test<\/EMailAddress>/);
    assert.match(req.body, /requestschema\/2006"/);
    assert.match(req.body, /outlook\/responseschema\/2006a<\/AcceptableResponseSchema>/);
    assert.equal(req.authorization, `Basic ${Buffer.from(`${CREDENTIALS.user}:${PASSWORD}`).toString('base64')}`);
  });

  it('falls back to https://autodiscover.<domain> and to EXCH / ASUrl when that is all there is', async () => {
    const asUrl = 'https://exch01.contoso.test/EWS/Exchange.asmx';
    fake.routes.set('https://autodiscover.contoso.test', () => xmlReply(settingsXml([{ type: 'EXCH', asUrl }])));
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.ewsUrl, asUrl);
    assert.equal(result.protocol, 'EXCH');
    assert.deepEqual(result.trail.map((t) => [t.url, t.status]), [[adUrl('contoso.test'), 404], [adUrl('autodiscover.contoso.test'), 200]]);
  });

  it('restarts with the new address on redirectAddr (its domain trusted by name)', async () => {
    fake.routes.set('https://contoso.test', () => xmlReply(redirectAddrXml('alice@fabrikam.test')));
    fake.routes.set('https://fabrikam.test', (req) => (req.body.includes('alice@fabrikam.test') ? xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: 'https://mail.fabrikam.test/EWS/Exchange.asmx' }])) : { status: 500 }));
    const result = await discoverEwsUrl('alice@contoso.test', options({ trustedHosts: ['fabrikam.test'] }));
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.ewsUrl, 'https://mail.fabrikam.test/EWS/Exchange.asmx');
    assert.equal(result.email, 'alice@fabrikam.test');
    assert.match(result.trail[0].outcome, /redirectAddr to alice@fabrikam\.test/);
  });

  it('follows redirectUrl to another https endpoint', async () => {
    fake.routes.set('https://contoso.test', () => xmlReply(redirectUrlXml(adUrl('mail.contoso.test'))));
    fake.routes.set('https://mail.contoso.test', () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EWS }])));
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.ewsUrl, EWS);
    assert.deepEqual(fake.requests.map((r) => r.host), ['contoso.test', 'mail.contoso.test']);
  });

  it('follows a chain of HTTP 302/307/308 redirects, re-posting the request each time', async () => {
    fake.routes.set('https://contoso.test', () => redirectReply(adUrl('a.contoso.test'), 302));
    fake.routes.set('https://a.contoso.test', () => redirectReply(adUrl('b.contoso.test'), 307));
    fake.routes.set('https://b.contoso.test', (req) => (req.path.includes('final') ? xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EWS }])) : redirectReply('/autodiscover/autodiscover.xml?final=1', 308)));
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(fake.requests.length, 4);
    for (const req of fake.requests) {
      assert.equal(req.method, 'POST');
      assert.match(req.body, /alice@contoso\.test/);
    }
  });

  it('detects a redirect loop and says so', async () => {
    fake.routes.set('https://contoso.test', () => redirectReply(adUrl('x.contoso.test')));
    fake.routes.set('https://x.contoso.test', () => redirectReply(adUrl('contoso.test')));
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /loop/i);
    assert.equal(fake.requests.length, 2);
  });

  it('detects a redirectAddr loop', async () => {
    fake.routes.set('https://contoso.test', () => xmlReply(redirectAddrXml('alice@fabrikam.test')));
    fake.routes.set('https://fabrikam.test', () => xmlReply(redirectAddrXml('Alice@contoso.test')));
    const result = await discoverEwsUrl('alice@contoso.test', options({ trustedHosts: ['fabrikam.test'] }));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /loop/i);
  });

  function chainOfRedirects(hops: number): void {
    for (let i = 0; i < hops; i++) fake.routes.set(`https://${i === 0 ? '' : `hop${i}.`}contoso.test`, () => redirectReply(adUrl(`hop${i + 1}.contoso.test`)));
    fake.routes.set(`https://hop${hops}.contoso.test`, () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EWS }])));
  }

  it('follows exactly 10 redirects', async () => {
    chainOfRedirects(10);
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(fake.requests.length, 11);
  });

  it('stops at the 11th redirect', async () => {
    chainOfRedirects(11);
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /Stopped after 10 redirects/);
    assert.equal(fake.requests.length, 11, 'the 11th target is never asked');
    assert.ok(!fake.requests.some((r) => r.host === 'hop11.contoso.test'));
  });

  it('refuses an https-to-http redirect and never sends anything there', async () => {
    fake.routes.set('https://contoso.test', () => redirectReply('http://contoso.test/autodiscover/autodiscover.xml'));
    fake.routes.set('https://autodiscover.contoso.test', () => xmlReply(redirectUrlXml('http://mail.contoso.test/autodiscover/autodiscover.xml')));
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.equal(result.ok, false);
    assert.match(result.trail[0].outcome, /redirect refused: .*not https/);
    assert.match(result.trail[1].outcome, /redirectUrl refused: .*not https/);
    assert.ok(fake.requests.every((r) => r.secure), 'no plain-http request was made');
  });

  it('uses the plain-http GET only for a redirect to https, without credentials or body', async () => {
    fake.routes.set('http://autodiscover.contoso.test', () => redirectReply(adUrl('mail.contoso.test')));
    fake.routes.set('https://mail.contoso.test', () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EWS }])));
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.ok(result.ok, JSON.stringify(result));
    const plain = fake.requests.filter((r) => !r.secure);
    assert.equal(plain.length, 1);
    assert.equal(plain[0].method, 'GET');
    assert.equal(plain[0].authorization, undefined);
    assert.equal(plain[0].body, '');
    const last = result.trail[result.trail.length - 1];
    assert.equal(last.url, adUrl('mail.contoso.test'));
    assert.equal(last.credentialsSent, true, 'the redirect target is in the trail, over https');
  });

  it('never believes settings received over http, nor an http-to-http redirect', async () => {
    fake.routes.set('http://autodiscover.contoso.test', () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: 'https://evil.test/EWS/Exchange.asmx' }])));
    const first = await discoverEwsUrl('alice@contoso.test', options());
    assert.equal(first.ok, false);
    assert.match(first.trail.find((t) => t.kind === 'httpRedirect')?.outcome ?? '', /not a redirect/);
    fake.routes.set('http://autodiscover.contoso.test', () => redirectReply('http://mail.contoso.test/autodiscover/autodiscover.xml'));
    const second = await discoverEwsUrl('alice@contoso.test', options());
    assert.equal(second.ok, false);
    assert.match(second.trail.find((t) => t.kind === 'httpRedirect')?.outcome ?? '', /redirect refused: .*not https/);
  });

  it('uses the DNS SRV record last, https to its target', async () => {
    const records: SrvRecord[] = [{ name: 'backup.contoso.test', port: 443, priority: 10, weight: 0 }, { name: 'mail.contoso.test', port: 443, priority: 0, weight: 5 }];
    fake.routes.set('https://mail.contoso.test', () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EWS }])));
    const result = await discoverEwsUrl('alice@contoso.test', options({ resolveSrv: async (name) => { srvAsked.push(name); return records; } }));
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(srvAsked, ['_autodiscover._tcp.contoso.test']);
    assert.deepEqual(result.trail.map((t) => t.kind), ['pox', 'pox', 'httpRedirect', 'srv', 'pox']);
    assert.equal(fake.requests[fake.requests.length - 1].host, 'mail.contoso.test', 'the lower priority value is tried first');
  });

  it('records unreadable XML (including a DOCTYPE) and moves on', async () => {
    fake.routes.set('https://contoso.test', () => xmlReply('<!DOCTYPE x [<!ENTITY a "b">]><Autodiscover>&a;</Autodiscover>'));
    fake.routes.set('https://autodiscover.contoso.test', () => xmlReply('<Autodiscover><Response>'));
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.equal(result.ok, false);
    assert.match(result.trail[0].outcome, /not a readable Autodiscover answer: Document type declarations/);
    assert.match(result.trail[1].outcome, /not a readable Autodiscover answer: Unclosed element/);
    assert.match(!result.ok ? result.reason : '', /no EWS URL for contoso\.test/);
  });

  it('refuses a body that is not valid UTF-8 instead of reading a lossy decoding', async () => {
    const valid = settingsXml([{ type: 'EXPR', ewsUrl: EWS }]);
    // The same answer with one byte that cannot start a UTF-8 sequence inside the EWS URL.
    const broken = Buffer.from(valid.replace(EWS, `${EWS}\u0001`), 'utf8');
    broken[broken.indexOf(0x01)] = 0xff;
    fake.routes.set('https://contoso.test', () => ({ status: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: broken }));
    fake.routes.set('https://autodiscover.contoso.test', () => xmlReply(valid));
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.match(result.trail[0].outcome, /not valid UTF-8/);
    assert.ok(result.ok && result.ewsUrl === EWS, JSON.stringify(result));
  });

  it('records a timeout and tries the next candidate', async () => {
    fake.routes.set('https://contoso.test', () => 'hang');
    fake.routes.set('https://autodiscover.contoso.test', () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EWS }])));
    const started = Date.now();
    const result = await discoverEwsUrl('alice@contoso.test', options({ requestTimeoutMs: 300 }));
    assert.ok(result.ok, JSON.stringify(result));
    assert.match(result.trail[0].outcome, /timed out/);
    assert.ok(result.trail[0].ms >= 250 && Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
  });

  it('stops at once when cancelled', async () => {
    fake.routes.set('https://contoso.test', () => 'hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await discoverEwsUrl('alice@contoso.test', options({ signal: controller.signal, requestTimeoutMs: 5_000 }));
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.cancelled, true);
    assert.ok(Date.now() - started < 1_000);
    assert.equal(fake.requests.length, 1, 'nothing after the cancel');
  });

  // Issue 13, item 1: hosts outside the address's domain are asked only when the admin trusts them by name.
  describe('hosts outside the address\'s domain', () => {
    const EVIL_EWS = 'https://evil.test/EWS/Exchange.asmx';
    const evilAnswers = (): void => {
      fake.routes.set('https://evil.test', () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EVIL_EWS }])));
    };
    const evilRequests = (): number => fake.requests.filter((r) => r.host === 'evil.test').length;

    it('http-redirect attacker: the plain-http redirect to another https host is not followed unasked', async () => {
      evilAnswers();
      fake.routes.set('http://autodiscover.contoso.test', () => redirectReply(adUrl('evil.test')));
      const result = await discoverEwsUrl('alice@contoso.test', options());
      assert.equal(result.ok, false, JSON.stringify(result));
      assert.equal(evilRequests(), 0, 'the attacker host is never contacted');
      const refused = result.trail.find((t) => t.url === adUrl('evil.test'));
      assert.match(refused?.outcome ?? '', /not contacted: evil\.test \(named by the plain-http redirect.*\) is outside contoso\.test/);
      assert.equal(refused?.credentialsSent, false);
      assert.deepEqual(credentialRecipients(result.trail), [{ host: 'contoso.test', trust: 'domain' }, { host: 'autodiscover.contoso.test', trust: 'domain' }]);
    });

    it('SRV attacker: an SRV record naming another domain\'s host is not followed unasked', async () => {
      evilAnswers();
      const result = await discoverEwsUrl('alice@contoso.test', options({ resolveSrv: async () => [{ name: 'evil.test', port: 443, priority: 0, weight: 0 }] }));
      assert.equal(result.ok, false);
      assert.equal(evilRequests(), 0);
      assert.match(result.trail[result.trail.length - 1].outcome, /not contacted: evil\.test \(named by a DNS SRV record\)/);
    });

    it('a redirectUrl, an HTTP redirect or a redirectAddr pointing outside the domain is not followed unasked', async () => {
      evilAnswers();
      fake.routes.set('https://contoso.test', () => xmlReply(redirectUrlXml(adUrl('evil.test'))));
      fake.routes.set('https://autodiscover.contoso.test', () => redirectReply(adUrl('evil.test'), 307));
      const first = await discoverEwsUrl('alice@contoso.test', options());
      assert.equal(first.ok, false);
      assert.equal(evilRequests(), 0);
      assert.match(first.trail[1].outcome, /named by a redirectUrl answer/);
      assert.match(first.trail[3].outcome, /named by an HTTP redirect/);
      fake.routes.set('https://contoso.test', () => xmlReply(redirectAddrXml('alice@evil.test')));
      const second = await discoverEwsUrl('alice@contoso.test', options());
      assert.equal(second.ok, false);
      assert.equal(evilRequests(), 0);
      assert.match(second.trail[1].outcome, /not contacted: evil\.test \(in the domain of a redirectAddr answer\)/);
    });

    it('treats look-alike names as outside: evilcontoso.test, contoso.test.evil.test', () => {
      assert.equal(isWithinDomain('mail.contoso.test', 'contoso.test'), true);
      assert.equal(isWithinDomain('MAIL.Contoso.Test.', 'contoso.test'), true);
      assert.equal(isWithinDomain('evilcontoso.test', 'contoso.test'), false);
      assert.equal(isWithinDomain('contoso.test.evil.test', 'contoso.test'), false);
    });

    it('confirmed by the admin: asks once per host, then sends the credentials and says why in the trail', async () => {
      evilAnswers();
      fake.routes.set('https://contoso.test', () => redirectReply(adUrl('evil.test')));
      fake.routes.set('https://autodiscover.contoso.test', () => xmlReply(redirectUrlXml(adUrl('evil.test'))));
      fake.routes.set('https://evil.test', (req) => (req.path.includes('second') ? xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EVIL_EWS }])) : redirectReply(`${adUrl('evil.test')}?second=1`)));
      const questions: HostQuestion[] = [];
      const result = await discoverEwsUrl('alice@contoso.test', options({ confirmHost: async (q) => { questions.push(q); return true; } }));
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.ewsUrl, EVIL_EWS);
      assert.deepEqual(questions, [{ host: 'evil.test', url: adUrl('evil.test'), domain: 'contoso.test', via: 'redirect', withCredentials: true }]);
      assert.ok(fake.requests.filter((r) => r.host === 'evil.test').every((r) => r.authorization?.startsWith('Basic ')));
      assert.deepEqual(credentialRecipients(result.trail), [{ host: 'contoso.test', trust: 'domain' }, { host: 'evil.test', trust: 'confirmed' }]);
    });

    it('denied by the admin: not contacted, and the next candidate is tried', async () => {
      evilAnswers();
      fake.routes.set('https://contoso.test', () => xmlReply(redirectUrlXml(adUrl('evil.test'))));
      fake.routes.set('https://autodiscover.contoso.test', () => xmlReply(settingsXml([{ type: 'EXPR', ewsUrl: EWS }])));
      const questions: HostQuestion[] = [];
      const result = await discoverEwsUrl('alice@contoso.test', options({ confirmHost: async (q) => { questions.push(q); return false; } }));
      assert.ok(result.ok && result.ewsUrl === EWS, JSON.stringify(result));
      assert.equal(evilRequests(), 0);
      assert.equal(questions.length, 1);
      assert.equal(questions[0].via, 'redirectUrl');
      assert.match(result.trail[1].outcome, /not contacted: evil\.test .* and you did not trust it/);
    });

    it('named in advance (trustedHosts): asked without a question, the trail says it was listed', async () => {
      evilAnswers();
      const asked: HostQuestion[] = [];
      const result = await discoverEwsUrl('alice@contoso.test', options({
        trustedHosts: ['EVIL.test.'],
        confirmHost: async (q) => { asked.push(q); return false; },
        resolveSrv: async () => [{ name: 'evil.test.', port: 443 }],
      }));
      assert.ok(result.ok && result.ewsUrl === EVIL_EWS, JSON.stringify(result));
      assert.deepEqual(asked, []);
      assert.deepEqual(credentialRecipients(result.trail).find((r) => r.host === 'evil.test'), { host: 'evil.test', trust: 'listed' });
    });

    it('a candidate override outside the domain is held to the same rule', async () => {
      fake.routes.set('https://elsewhere.test', () => ({ status: 401 }));
      const result = await discoverEwsUrl('alice@contoso.test', options({ candidates: () => [{ kind: 'pox', url: adUrl('elsewhere.test') }] }));
      assert.equal(result.ok, false);
      assert.match(result.trail[0].outcome, /not contacted: elsewhere\.test/);
      assert.equal(fake.requests.length, 0);
    });

    it('stops at once when cancelled while the admin is being asked', async () => {
      fake.routes.set('https://contoso.test', () => xmlReply(redirectUrlXml(adUrl('evil.test'))));
      const controller = new AbortController();
      const result = await discoverEwsUrl('alice@contoso.test', options({
        signal: controller.signal,
        confirmHost: () => { setTimeout(() => controller.abort(), 20); return new Promise<boolean>(() => undefined); },
      }));
      assert.equal(!result.ok && result.cancelled, true, JSON.stringify(result));
      assert.equal(evilRequests(), 0);
    });
  });

  it('answers instead of throwing when a candidate override is not a URL', async () => {
    const result = await discoverEwsUrl('alice@contoso.test', options({ candidates: () => [{ kind: 'pox', url: 'not a url' }] }));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /failed unexpectedly: Invalid URL/);
  });

  it('refuses an address that is not one, without any request', async () => {
    const result = await discoverEwsUrl('alice at contoso', options());
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /Cannot run Autodiscover/);
    assert.equal(fake.requests.length, 0);
  });

  it('never puts the password in the trail or the reason', async () => {
    fake.routes.set('https://contoso.test', () => ({ status: 401 }));
    const result = await discoverEwsUrl('alice@contoso.test', options());
    assert.ok(!JSON.stringify(result).includes(PASSWORD));
    assert.ok(!JSON.stringify(result).includes(Buffer.from(`${CREDENTIALS.user}:${PASSWORD}`).toString('base64')));
  });
});

describe('parsePoxResponse', () => {
  it('reads an Autodiscover error', () => {
    const xml = '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Error Time="1" Id="2"><ErrorCode>500</ErrorCode><Message>The e-mail address cannot be found.</Message></Error></Response></Autodiscover>';
    assert.deepEqual(parsePoxResponse(xml), { kind: 'error', message: 'the server answered with an Autodiscover error 500: The e-mail address cannot be found.' });
  });

  it('prefers EXPR even when EXCH comes first, and EwsUrl over ASUrl', () => {
    const answer = parsePoxResponse(settingsXml([
      { type: 'EXCH', ewsUrl: 'https://internal/EWS/Exchange.asmx' },
      { type: 'EXPR', ewsUrl: EWS, asUrl: 'https://as.contoso.test/EWS/Exchange.asmx' },
    ]));
    assert.deepEqual(answer, { kind: 'settings', ewsUrl: EWS, protocol: 'EXPR' });
  });

  it('says when settings carry no EWS URL', () => {
    assert.equal(parsePoxResponse(settingsXml([{ type: 'WEB' }])).kind, 'error');
  });
});
