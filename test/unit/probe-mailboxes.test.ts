import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProbeCommand } from '../../src/cli/probe';
import { parseMailboxList, verifyMailboxes } from '../../src/core/ews/mailboxes';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, generatedMailboxName, startFakeExchange } from '../fake-exchange/server';

describe('mailbox list parsing', () => {
  it('keeps addresses, allows comments and blanks, reports bad lines and duplicates by line number', () => {
    const list = parseMailboxList([
      '# enrolled users',
      'alice@contoso.com',
      '',
      '  bob@contoso.com   # trailing comment',
      'not an address',
      'ALICE@contoso.com',
      'carol@contoso',
      'dave@contoso.com\r',
    ].join('\n'));
    assert.deepEqual(list.mailboxes, ['alice@contoso.com', 'bob@contoso.com', 'dave@contoso.com']);
    assert.deepEqual(list.problems.map((p) => [p.line, p.text]), [[5, 'not an address'], [6, 'ALICE@contoso.com'], [7, 'carol@contoso']]);
    assert.match(list.problems[1].reason, /duplicate of line 2/);
  });
});

describe('many-mailbox verification against the fake', function () {
  this.timeout(30_000);
  const config = (url: string, caPem: string) => ({ ewsUrl: url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation' as const, extraCaPem: caPem });

  it('checks every mailbox with bounded concurrency, shares the back-off when the server throttles, and reuses connections', async () => {
    // Latency makes requests overlap so that a limit of 3 is really exceeded; schema validation is
    // covered elsewhere and would only slow this down.
    const fake = await startFakeExchange({ scenario: 'healthy', concurrencyLimit: 3, mailboxCount: 40, latencyMs: 40, validateSchemas: false });
    try {
      const mailboxes = Array.from({ length: 40 }, (_, i) => generatedMailboxName(i + 1));
      mailboxes.push('nobody@contoso.com');
      let progress = 0;
      const streamed: string[] = [];
      const report = await verifyMailboxes(config(fake.url, fake.caPem), mailboxes, {
        concurrency: 6, onProgress: (done) => { progress = done; }, onResult: (r) => { streamed.push(`${r.mailbox}:${r.status}`); },
      });
      assert.deepEqual({ ...report, unverified: undefined }, { total: 41, verified: 40, denied: 0, notFound: 1, notChecked: 0, unverified: undefined });
      assert.deepEqual(report.unverified.map((u) => [u.mailbox, u.status, u.status === 'not-checked' ? '' : u.code]), [['nobody@contoso.com', 'not-found', 'ErrorNonExistentMailbox']]);
      assert.equal(progress, 41);
      assert.equal(streamed.length, 41, 'every result streamed once');
      assert.ok(streamed.includes('nobody@contoso.com:not-found'));
      assert.ok(fake.requests.some((r) => r.throttled === 'connection-count'), 'the server did refuse (ErrorExceededConnectionCount) at a limit of 3');
      const soap = fake.requests.filter((r) => r.operation === 'FindItem');
      assert.ok(soap.every((r) => r.anchorMailbox === r.impersonatedMailbox), 'X-AnchorMailbox names the impersonated mailbox');
      assert.ok(fake.requests.length < 41 * 2, `bounded retries (${fake.requests.length} requests)`);
    } finally {
      await fake.stop();
    }
  });

  it('retries after BackOffMilliseconds in the busy-then-ok scenario', async () => {
    const fake = await startFakeExchange({ scenario: 'busy-then-ok', mailboxCount: 5 });
    try {
      const report = await verifyMailboxes(config(fake.url, fake.caPem), [1, 2, 3, 4, 5].map(generatedMailboxName), { concurrency: 2 });
      assert.deepEqual(report, { total: 5, verified: 5, denied: 0, notFound: 0, notChecked: 0, unverified: [] });
    } finally {
      await fake.stop();
    }
  });

  it('through the CLI: bad lines are reported by line number and skipped, the rest verified', async () => {
    const fake = await startFakeExchange({ scenario: 'healthy', mailboxCount: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'probe-mbx-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), fake.caPem);
      writeFileSync(join(dir, 'list.txt'), `# users\n${generatedMailboxName(1)}\nbad line\n${generatedMailboxName(2)}\n${generatedMailboxName(1)}\n`);
      let stdout = '';
      let stderr = '';
      const code = await runProbeCommand([
        '--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', join(dir, 'ca.pem'),
        '--mailboxes', join(dir, 'list.txt'), '--concurrency', '2', '--json',
      ], { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env: { EWS_PASSWORD: FAKE_PASSWORD } });
      assert.equal(code, 0, stderr);
      assert.match(stderr, /list\.txt:3: skipped "bad line"/);
      assert.match(stderr, /list\.txt:5: .*duplicate of line 2/);
      assert.deepEqual((JSON.parse(stdout) as { mailboxes: unknown }).mailboxes, { total: 2, verified: 2, denied: 0, notFound: 0, notChecked: 0, unverified: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await fake.stop();
    }
  });
});
