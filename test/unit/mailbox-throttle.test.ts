import * as assert from 'node:assert/strict';
import { verifyMailboxes } from '../../src/core/ews/mailboxes';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, generatedMailboxName, startFakeExchange } from '../fake-exchange/server';

// A count, not a time: every busy answer makes all workers wait out BackOffMilliseconds, so a
// client far above the server's limit must find the limit and stay under it. The previous window
// (shrunk to 63 by a burst of 64, and re-probing the limit after every window of successes) drew
// 71-93 busy answers in this setting; the current one draws about 10.
describe('many-mailbox verification far above the server limit', function () {
  this.timeout(30_000);

  it('finds the limit with few busy answers and verifies every mailbox', async () => {
    const fake = await startFakeExchange({ scenario: 'healthy', concurrencyLimit: 4, mailboxCount: 200, latencyMs: 20, validateSchemas: false });
    try {
      const mailboxes = Array.from({ length: 200 }, (_, i) => generatedMailboxName(i + 1));
      const report = await verifyMailboxes(
        { ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', extraCaPem: fake.caPem },
        mailboxes,
        { concurrency: 32 },
      );
      assert.equal(report.ok, 200, JSON.stringify(report.failed.slice(0, 3)));
      // The fake answers busy before it parses the request, so those records carry no operation.
      const answered = fake.requests.filter((r) => r.status === 200).length;
      const busy = fake.requests.filter((r) => r.status === 500).length;
      assert.equal(answered, 200, 'every mailbox answered once');
      assert.equal(answered + busy, fake.requests.length, 'nothing but successes and busy answers');
      assert.ok(busy < 40, `${busy} busy answers`);
    } finally {
      await fake.stop();
    }
  });

  it('stays at Exchange\'s default limit of 27 with no busy answer when allowed 64', async () => {
    // Our count of requests in flight is never below the server's, so a window held at 27 cannot
    // draw a busy answer from a server limited to 27. Before the default was the first ceiling,
    // slow start ran to 64 first and drew 7 to 98 busy answers per 2,000 mailboxes in bench runs.
    const fake = await startFakeExchange({ scenario: 'healthy', concurrencyLimit: 27, mailboxCount: 300, latencyMs: 20, validateSchemas: false });
    try {
      const mailboxes = Array.from({ length: 300 }, (_, i) => generatedMailboxName(i + 1));
      const report = await verifyMailboxes(
        { ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', extraCaPem: fake.caPem },
        mailboxes,
        { concurrency: 64 },
      );
      assert.equal(report.ok, 300, JSON.stringify(report.failed.slice(0, 3)));
      assert.equal(fake.requests.filter((r) => r.status === 500).length, 0, 'busy answers');
      assert.equal(fake.requests.length, 300, 'one request per mailbox');
    } finally {
      await fake.stop();
    }
  });
});
