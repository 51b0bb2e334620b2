import * as assert from 'node:assert/strict';
import { verifyMailboxes, type MailboxReport } from '../../src/core/ews/mailboxes';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, generatedMailboxName, startFakeExchange, type RecordedRequest } from '../fake-exchange/server';

/** Verifies `count` mailboxes against a fake allowing `limit` requests at once; the report and what the fake saw. */
async function verifyAgainstLimit(limit: number, count: number, concurrency: number): Promise<{ report: MailboxReport; requests: readonly RecordedRequest[] }> {
  const fake = await startFakeExchange({ scenario: 'healthy', concurrencyLimit: limit, mailboxCount: count, latencyMs: 20, validateSchemas: false });
  try {
    const mailboxes = Array.from({ length: count }, (_, i) => generatedMailboxName(i + 1));
    const report = await verifyMailboxes(
      { ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', extraCaPem: fake.caPem },
      mailboxes,
      { concurrency },
    );
    return { report, requests: [...fake.requests] };
  } finally {
    await fake.stop();
  }
}

// Counts, not times: every busy answer makes all workers wait out BackOffMilliseconds, so a
// client far above the server's limit must find the limit and stay under it.
describe('many-mailbox verification far above the server limit', function () {
  this.timeout(30_000);

  it('finds the limit with few busy answers and verifies every mailbox', async () => {
    // The window before it (shrunk to 63 by a burst of 64, and re-probing the limit after every
    // window of successes) drew 71-93 busy answers in this setting; this one draws about 10.
    const { report, requests } = await verifyAgainstLimit(4, 200, 32);
    assert.equal(report.ok, 200, JSON.stringify(report.failed.slice(0, 3)));
    // The fake answers busy before it parses the request, so those records carry no operation.
    const answered = requests.filter((r) => r.status === 200).length;
    const busy = requests.filter((r) => r.status === 500).length;
    assert.equal(answered, 200, 'every mailbox answered once');
    assert.equal(answered + busy, requests.length, 'nothing but successes and busy answers');
    assert.ok(busy < 40, `${busy} busy answers`);
  });

  it('stays at Exchange\'s default limit of 27 with no busy answer when allowed 64', async () => {
    // Our count of requests in flight is never below the server's, so a window held at 27 cannot
    // draw a busy answer from a server limited to 27. Before the default was the first ceiling,
    // slow start ran to 64 first and drew 7 to 98 busy answers per 2,000 mailboxes in bench runs.
    const { report, requests } = await verifyAgainstLimit(27, 300, 64);
    assert.equal(report.ok, 300, JSON.stringify(report.failed.slice(0, 3)));
    assert.equal(requests.filter((r) => r.status === 500).length, 0, 'busy answers');
    assert.equal(requests.length, 300, 'one request per mailbox');
  });
});
