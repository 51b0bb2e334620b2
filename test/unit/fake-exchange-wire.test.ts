// Wire behaviours of the fake Exchange that docs/exchange-behaviour.md pins and fake-exchange.test.ts
// does not already cover.
import * as assert from 'node:assert/strict';
import { FAKE_PASSWORD, startFakeExchange, type FakeExchange } from '../fake-exchange/server';
import { getCalendarFolder, send, soapRequest } from '../fake-exchange/testClient';

const basic = (user: string): string => `Basic ${Buffer.from(`${user}:${FAKE_PASSWORD}`).toString('base64')}`;

describe('fake Exchange wire behaviour', function () {
  this.timeout(8000);
  let fake: FakeExchange;
  before(async () => {
    fake = await startFakeExchange({ validateSchemas: false, mailboxCount: 2 });
  });
  after(() => fake.stop());

  it('accepts the service account as UPN, DOMAIN\\user or bare user name, and no one else', async () => {
    for (const user of ['alexaforbusiness@contoso.com', 'CONTOSO\\alexaforbusiness', 'alexaforbusiness']) {
      assert.equal((await send(fake, soapRequest(getCalendarFolder()), { headers: { Authorization: basic(user) } })).status, 200, user);
    }
    assert.equal((await send(fake, soapRequest(getCalendarFolder()), { headers: { Authorization: basic('alice@contoso.com') } })).status, 401);
  });

  it('answers a request body over 4 MB with 413', async () => {
    const huge = soapRequest(`${getCalendarFolder()}<!--${'x'.repeat(4 * 1024 * 1024)}-->`);
    const res = await send(fake, huge, { headers: { Authorization: basic('alexaforbusiness@contoso.com') } });
    assert.equal(res.status, 413);
  });
});
