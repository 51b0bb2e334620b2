// Certificate verification cannot be turned off: the CLI, started as a child process with
// NODE_TLS_REJECT_UNAUTHORIZED=0 (and the proxy/CA variables Node and npm honour set to permissive
// values), still refuses the fake's self-signed endpoint, with or without the fake's CA as --ca,
// and never sends the password to it. (ews-transport.test.ts covers the transport in-process.)
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, startFakeExchange, type FakeExchange } from '../fake-exchange/server';
import { makeCanary } from '../support/canary';

const CLI = join(resolve(__dirname, '..', '..', '..'), 'dist', 'cli.js');
const PERMISSIVE_ENV = { NODE_TLS_REJECT_UNAUTHORIZED: '0', npm_config_strict_ssl: 'false', NODE_OPTIONS: '--use-openssl-ca', NODE_EXTRA_CA_CERTS: '' };

describe('certificate verification cannot be disabled (CLI as a child process)', function () {
  this.timeout(60_000);
  const canary = makeCanary('Tls');
  let fake: FakeExchange;
  let dir: string;
  before(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js must be built first');
    fake = await startFakeExchange({ scenario: 'tls-self-signed', password: canary.value, validateSchemas: false });
    dir = mkdtempSync(join(tmpdir(), 'ecs-cli-tls-'));
    writeFileSync(join(dir, 'ca.pem'), fake.caPem);
  });
  after(async () => {
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const withCa of [false, true]) {
    it(`refuses the self-signed endpoint with NODE_TLS_REJECT_UNAUTHORIZED=0${withCa ? ' and --ca' : ''}`, async () => {
      const args = [CLI, 'probe', '--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--json', ...(withCa ? ['--ca', join(dir, 'ca.pem')] : [])];
      const before = fake.requests.length;
      const run = await new Promise<{ code: number; stdout: string }>((done) => {
        execFile(process.execPath, args, { env: { PATH: process.env.PATH ?? '', EWS_PASSWORD: canary.value, ...PERMISSIVE_ENV }, timeout: 30_000 }, (error, stdout) => {
          done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout });
        });
      });
      assert.equal(run.code, 1, run.stdout);
      const report = JSON.parse(run.stdout) as { checks: { id: string; status: string; message: string }[] };
      const trust = report.checks.find((c) => c.id === 'tls.trust');
      assert.equal(trust?.status, 'fail', JSON.stringify(report.checks));
      assert.match(trust?.message ?? '', /self-signed/);
      assert.ok(report.checks.filter((c) => c.id.startsWith('auth.') || c.id.startsWith('calendar.')).every((c) => c.status === 'skip'), 'nothing was sent past the handshake');
      assert.equal(fake.requests.length, before, 'no HTTP request (and so no password) reached the server');
    });
  }
});
