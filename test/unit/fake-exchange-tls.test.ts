// The fake server's TLS variants, as Node's https sees them with only the test root CA trusted.
import * as assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { startFakeExchange, type FakeExchange, type ScenarioName } from '../fake-exchange/server';
import { BASIC_AUTH, getCalendarFolder, send, soapRequest } from '../fake-exchange/testClient';

/** The peer certificate Node saw, or the verification error code. */
function handshake(fake: FakeExchange): Promise<{ validTo: Date; chainLength: number } | { error: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', servername: 'localhost', port: fake.port, ca: [fake.caPem] }, () => {
      let cert = socket.getPeerCertificate(true);
      let chainLength = 1;
      while (cert.issuerCertificate && cert.issuerCertificate !== cert) {
        chainLength++;
        cert = cert.issuerCertificate;
      }
      resolve({ validTo: new Date(socket.getPeerCertificate().valid_to), chainLength });
      socket.end();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

describe('fake Exchange server TLS variants', function () {
  this.timeout(8000);
  let fake: FakeExchange;
  before(async () => { fake = await startFakeExchange({ validateSchemas: false, mailboxCount: 1 }); });
  after(async () => { await fake.stop(); });

  it('presents a chain the test CA trusts, over https.request', async () => {
    fake.setScenario('healthy');
    const res = await send(fake, soapRequest(getCalendarFolder()), { headers: { Authorization: BASIC_AUTH } });
    assert.equal(res.status, 200);
    const seen = await handshake(fake);
    assert.ok('validTo' in seen && seen.chainLength === 3, JSON.stringify(seen));
  });

  const failures: ReadonlyArray<readonly [ScenarioName, string]> = [
    ['tls-expired', 'CERT_HAS_EXPIRED'],
    ['tls-wrong-host', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['tls-self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['tls-missing-intermediate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ];
  for (const [scenario, code] of failures) {
    it(`${scenario} fails verification with ${code}`, async () => {
      fake.setScenario(scenario);
      await assert.rejects(send(fake, soapRequest(getCalendarFolder()), { headers: { Authorization: BASIC_AUTH } }),
        (err: NodeJS.ErrnoException) => err.code === code);
    });
  }

  it('tls-expiring-soon is trusted but ends within 11 days', async () => {
    fake.setScenario('tls-expiring-soon');
    const seen = await handshake(fake);
    assert.ok('validTo' in seen, JSON.stringify(seen));
    const daysLeft = (seen.validTo.getTime() - Date.now()) / 86_400_000;
    assert.ok(daysLeft > 9 && daysLeft < 11, `days left ${daysLeft}`);
  });

  it('switches back to the healthy certificate at run time', async () => {
    fake.setScenario('tls-expired');
    assert.deepEqual(await handshake(fake), { error: 'CERT_HAS_EXPIRED' });
    fake.setScenario('healthy');
    assert.ok('validTo' in (await handshake(fake)));
  });
});
