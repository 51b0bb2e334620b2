import * as assert from 'node:assert/strict';
import { EwsTransport } from '../../src/core/ews/transport';
import {
  A4B_RETIRED_NOTICE, HTTP_LINK_BODY_LIMIT, LINK_TARGET_IDS, REDACTED, WORKMAIL_END_OF_SUPPORT, createLinkTarget,
  type LinkContext, type LinkOutcome, type LinkRequest, type LinkTarget, type PreLinkValidation,
} from '../../src/core/link';
import { createRedactor } from '../../src/core/redact';
import { loadWorkmailModule } from '../../src/core/link/loadWorkmail';
import { loopbackTransport, startAutodiscoverFake, type AutodiscoverFake } from '../fakes/autodiscover';
import { startWorkmailFake, type WorkmailFake } from '../fakes/workmail';

const PASSWORD = 'Pa55"word-for-EWS';
const AUTHORIZATION = 'Bearer link-service-token-0123456789';
const AWS_SECRET = 'fake/secret/key/for/tests/only/0000000000';
const REQUEST: LinkRequest = { ewsUrl: 'https://mail.contoso.test/EWS/Exchange.asmx', upn: 'alexaforbusiness@contoso.test', accessMethod: 'impersonation', password: PASSWORD };
const ORG = 'm-0123456789abcdef0123456789abcdef';

/** A context whose validation answers `verdict` and counts its calls. */
function context(verdict: PreLinkValidation = { ok: true }, signal?: AbortSignal): LinkContext & { validations: number } {
  const ctx = { validations: 0, signal, validate: async () => { ctx.validations++; return verdict; } };
  return ctx;
}

/** No secret, in any form, anywhere in the outcome. */
function assertNoSecrets(outcome: LinkOutcome): void {
  const text = JSON.stringify(outcome);
  for (const secret of [PASSWORD, JSON.stringify(PASSWORD).slice(1, -1), AUTHORIZATION, 'link-service-token-0123456789', AWS_SECRET]) {
    assert.ok(!text.includes(secret), `outcome contains a secret: ${text}`);
  }
}

describe('link targets', function () {
  this.timeout(15_000);

  it('offers the three targets by id', () => {
    assert.deepEqual([...LINK_TARGET_IDS], ['a4b-console', 'http', 'workmail']);
    assert.equal(createLinkTarget({ id: 'a4b-console' }).id, 'a4b-console');
    assert.equal(createLinkTarget({ id: 'http', url: 'https://x.test/' }).id, 'http');
    assert.equal(createLinkTarget({ id: 'workmail', organizationId: ORG, region: 'eu-west-1' }).id, 'workmail');
  });

  describe('a4b-console', () => {
    const target = createLinkTarget({ id: 'a4b-console' });

    it('says Alexa for Business is retired and had no link API', () => {
      assert.match(target.describe(), /retired/);
      assert.match(target.describe(), /never had an API/);
    });

    it('returns the values to enter, without the password, and asks for confirmation', async () => {
      const ctx = context();
      const outcome = await target.link(REQUEST, ctx);
      assert.equal(ctx.validations, 1);
      assert.equal(outcome.ok, true);
      assert.equal(outcome.needsConfirmation, true);
      assert.ok(outcome.details?.target === 'a4b-console');
      assert.equal(outcome.details.notice, A4B_RETIRED_NOTICE);
      assert.deepEqual(outcome.details.fields.map((f) => [f.field, f.value]), [
        ['upn', REQUEST.upn], ['password', undefined], ['ewsUrl', REQUEST.ewsUrl], ['accessMethod', 'Impersonation (Method 1)'],
      ]);
      assertNoSecrets(outcome);
    });

    it('stops with the validation failure reason', async () => {
      const outcome = await target.link(REQUEST, context({ ok: false, failureReason: 'ErrorImpersonateUserDenied for alice@contoso.test' }));
      assert.deepEqual(outcome, { ok: false, stage: 'validation', failureReason: 'ErrorImpersonateUserDenied for alice@contoso.test' });
    });

    it('does nothing when already cancelled', async () => {
      const controller = new AbortController();
      controller.abort();
      const ctx = context({ ok: true }, controller.signal);
      const outcome = await target.link(REQUEST, ctx);
      assert.equal(outcome.cancelled, true);
      assert.equal(ctx.validations, 0);
    });

    it('a library error thrown by the validation becomes one line with no path, redacted before it is cut', async () => {
      const padding = 'x'.repeat(190);
      const libraryError = { toString: () => `Exception: ${padding} ${PASSWORD} /opt/app/${PASSWORD}/y.js\n    at f (/work/app/node_modules/lib.js:1:2)` };
      const outcome = await target.link(REQUEST, { validate: async () => { throw libraryError; } });
      assert.equal(outcome.stage, 'validation');
      const reason = outcome.failureReason ?? '';
      assert.match(reason, /^The pre-link validation could not run: x{190} \[redac/);
      assert.doesNotMatch(reason, /[\r\n]|node_modules|\/opt\/|Exception:/);
      for (let cut = 3; cut <= PASSWORD.length; cut++) assert.ok(!reason.includes(PASSWORD.slice(0, cut)), `no ${cut}-character prefix of the password`);
      assertNoSecrets(outcome);
    });

    it('turns a throwing validation into a failure, with the password removed', async () => {
      const outcome = await target.link(REQUEST, { validate: async () => { throw new Error(`login as ${REQUEST.upn} with ${PASSWORD} failed`); } });
      assert.equal(outcome.ok, false);
      assert.equal(outcome.stage, 'validation');
      assert.match(outcome.failureReason ?? '', new RegExp(`with \\${REDACTED.slice(0, -1)}\\] failed`));
      assertNoSecrets(outcome);
    });
  });

  describe('http', () => {
    let fake: AutodiscoverFake;
    let transport: EwsTransport;
    const LINK_URL = 'https://link.contoso.test/api/link';

    before(async () => { fake = await startAutodiscoverFake(); });
    after(async () => { await fake.close(); });
    beforeEach(() => {
      fake.routes.clear();
      fake.requests.length = 0;
      transport = new EwsTransport({ extraCaPem: fake.caPem });
    });
    afterEach(() => transport.close());

    function httpTarget(extra: { url?: string; timeoutMs?: number; authorization?: string | null } = {}): LinkTarget {
      return createLinkTarget({
        id: 'http',
        url: extra.url ?? LINK_URL,
        authorization: extra.authorization === null ? undefined : async () => extra.authorization ?? AUTHORIZATION,
        transport: loopbackTransport(transport, fake.httpsPort),
        timeoutMs: extra.timeoutMs,
      });
    }

    it('POSTs the JSON with the authorization header and reports a 2xx as linked', async () => {
      fake.routes.set('https://link.contoso.test', () => ({ status: 201, headers: { 'Content-Type': 'application/json' }, body: '{"linked":true}' }));
      const outcome = await httpTarget().link(REQUEST, context());
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      assert.equal(outcome.failureReason, undefined);
      assert.deepEqual(outcome.details, { target: 'http', url: LINK_URL, status: 201, statusText: 'Created', body: '{"linked":true}', bodyTruncated: false });
      const [req] = fake.requests;
      assert.equal(req.method, 'POST');
      assert.equal(req.path, '/api/link');
      assert.equal(req.authorization, AUTHORIZATION);
      assert.deepEqual(JSON.parse(req.body), { ewsUrl: REQUEST.ewsUrl, upn: REQUEST.upn, accessMethod: 'impersonation', password: PASSWORD });
    });

    it('sends no Authorization header when the host has none', async () => {
      fake.routes.set('https://link.contoso.test', () => ({ status: 204 }));
      const outcome = await httpTarget({ authorization: null }).link(REQUEST, context());
      assert.equal(outcome.ok, true);
      assert.equal(fake.requests[0].authorization, undefined);
    });

    it('reports a non-2xx answer with its status and body, secrets it echoed removed', async () => {
      fake.routes.set('https://link.contoso.test', (req) => ({ status: 403, body: `denied: ${req.body} (auth ${req.authorization ?? ''})` }));
      const outcome = await httpTarget().link(REQUEST, context());
      assert.equal(outcome.ok, false);
      assert.match(outcome.failureReason ?? '', /HTTP 403 Forbidden/);
      assert.ok(outcome.details?.target === 'http');
      assert.equal(outcome.details.status, 403);
      assert.match(outcome.details.body, /denied: .*"upn":"alexaforbusiness@contoso.test"/);
      assert.ok(outcome.details.body.includes(REDACTED));
      assertNoSecrets(outcome);
    });

    it('does not follow a redirect', async () => {
      fake.routes.set('https://link.contoso.test', () => ({ status: 307, headers: { Location: 'https://elsewhere.test/api/link' } }));
      const outcome = await httpTarget().link(REQUEST, context());
      assert.equal(outcome.ok, false);
      assert.match(outcome.failureReason ?? '', /307.*not followed/);
      assert.equal(fake.requests.length, 1);
    });

    it('cuts a long answer to 4 KiB', async () => {
      fake.routes.set('https://link.contoso.test', () => ({ status: 200, body: 'é'.repeat(5000) }));
      const outcome = await httpTarget().link(REQUEST, context());
      assert.ok(outcome.details?.target === 'http');
      assert.equal(outcome.details.bodyTruncated, true);
      assert.ok(Buffer.byteLength(outcome.details.body) <= HTTP_LINK_BODY_LIMIT);
      assert.equal(outcome.details.body, 'é'.repeat(HTTP_LINK_BODY_LIMIT / 2));
    });

    it('refuses an http URL before validating or sending anything', async () => {
      const ctx = context();
      const outcome = await httpTarget({ url: 'http://link.contoso.test/api/link' }).link(REQUEST, ctx);
      assert.equal(outcome.ok, false);
      assert.match(outcome.failureReason ?? '', /must use https, not http/);
      assert.equal(ctx.validations, 0);
      assert.equal(fake.requests.length, 0);
    });

    it('does not call the service when validation fails', async () => {
      fake.routes.set('https://link.contoso.test', () => ({ status: 200 }));
      const outcome = await httpTarget().link(REQUEST, context({ ok: false, failureReason: 'The service account cannot log in (HTTP 401).' }));
      assert.deepEqual(outcome, { ok: false, stage: 'validation', failureReason: 'The service account cannot log in (HTTP 401).' });
      assert.equal(fake.requests.length, 0);
    });

    it('times out', async () => {
      fake.routes.set('https://link.contoso.test', () => 'hang');
      const started = Date.now();
      const outcome = await httpTarget({ timeoutMs: 300 }).link(REQUEST, context());
      assert.equal(outcome.ok, false);
      assert.equal(outcome.cancelled, undefined);
      assert.match(outcome.failureReason ?? '', /no answer within 300 ms/);
      assert.ok(Date.now() - started < 2_000);
    });

    it('cancels at once', async () => {
      fake.routes.set('https://link.contoso.test', () => 'hang');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      const outcome = await httpTarget({ timeoutMs: 5_000 }).link(REQUEST, context({ ok: true }, controller.signal));
      assert.equal(outcome.cancelled, true);
      assert.equal(outcome.ok, false);
      assert.ok(Date.now() - started < 1_000);
    });

    it('works with its own transport and the extra CA (real host name localhost)', async () => {
      fake.routes.set('https://localhost', () => ({ status: 200, body: 'ok' }));
      const target = createLinkTarget({ id: 'http', url: `https://localhost:${fake.httpsPort}/api/link`, extraCaPem: fake.caPem, authorization: async () => AUTHORIZATION });
      const outcome = await target.link(REQUEST, context());
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
    });

    it('fails the TLS check without the extra CA (verification is never off)', async () => {
      const target = createLinkTarget({ id: 'http', url: `https://localhost:${fake.httpsPort}/api/link` });
      const outcome = await target.link(REQUEST, context());
      assert.equal(outcome.ok, false);
      assert.match(outcome.failureReason ?? '', /could not be reached/);
      assert.equal(fake.requests.length, 0);
    });
  });

  describe('workmail', () => {
    let fake: WorkmailFake;
    const credentials = { accessKeyId: 'AKIDFAKEFORTESTS0000', secretAccessKey: AWS_SECRET };

    before(async () => { fake = await startWorkmailFake(); });
    after(async () => { await fake.close(); });
    beforeEach(() => {
      fake.calls.length = 0;
      fake.replies = {};
    });

    function workmailTarget(extra: { timeoutMs?: number; endpoint?: string; organizationId?: string; loadModule?: () => ReturnType<typeof loadWorkmailModule> } = {}): LinkTarget {
      return createLinkTarget({
        id: 'workmail', organizationId: extra.organizationId ?? ORG, region: 'us-east-1', endpoint: extra.endpoint ?? fake.endpoint, credentials,
        timeoutMs: extra.timeoutMs ?? 5_000, loadModule: extra.loadModule,
      });
    }

    it('says when WorkMail ends support', () => {
      assert.equal(WORKMAIL_END_OF_SUPPORT, '2027-03-31');
      assert.match(workmailTarget().describe(), /ends support on 2027-03-31/);
    });

    it('tests the EWS provider, then creates the availability configuration for the domain', async () => {
      fake.replies.TestAvailabilityConfiguration = { result: { TestPassed: true } };
      const outcome = await workmailTarget().link(REQUEST, context());
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      assert.deepEqual(outcome.details, { target: 'workmail', organizationId: ORG, region: 'us-east-1', domainName: 'contoso.test', testPassed: true, configuration: 'created' });
      assert.deepEqual(fake.calls.map((c) => c.operation), ['TestAvailabilityConfiguration', 'CreateAvailabilityConfiguration']);
      const provider = { EwsEndpoint: REQUEST.ewsUrl, EwsUsername: REQUEST.upn, EwsPassword: PASSWORD };
      assert.deepEqual(fake.calls[0].body, { OrganizationId: ORG, EwsProvider: provider });
      assert.equal(fake.calls[1].body.OrganizationId, ORG);
      assert.equal(fake.calls[1].body.DomainName, 'contoso.test');
      assert.deepEqual(fake.calls[1].body.EwsProvider, provider);
      for (const call of fake.calls) {
        assert.equal(call.contentType, 'application/x-amz-json-1.1');
        assert.equal(call.signed, true);
      }
      assertNoSecrets(outcome);
    });

    it('updates the configuration when one exists for the domain', async () => {
      fake.replies.TestAvailabilityConfiguration = { result: { TestPassed: true } };
      fake.replies.CreateAvailabilityConfiguration = { error: 'NameAvailabilityException', message: 'An availability configuration already exists for contoso.test' };
      const outcome = await workmailTarget().link(REQUEST, context());
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      assert.ok(outcome.details?.target === 'workmail');
      assert.equal(outcome.details.configuration, 'updated');
      assert.deepEqual(fake.calls.map((c) => c.operation), ['TestAvailabilityConfiguration', 'CreateAvailabilityConfiguration', 'UpdateAvailabilityConfiguration']);
    });

    it('reports TestPassed false with its reason, creates nothing, and hides an echoed password', async () => {
      fake.replies.TestAvailabilityConfiguration = { result: { TestPassed: false, FailureReason: `Login failed for ${REQUEST.upn} using ${PASSWORD}` } };
      const outcome = await workmailTarget().link(REQUEST, context());
      assert.equal(outcome.ok, false);
      assert.match(outcome.failureReason ?? '', /WorkMail could not use the account: Login failed for alexaforbusiness@contoso.test using \[redacted\]/);
      assert.ok(outcome.details?.target === 'workmail');
      assert.equal(outcome.details.testPassed, false);
      assert.deepEqual(fake.calls.map((c) => c.operation), ['TestAvailabilityConfiguration']);
      assertNoSecrets(outcome);
    });

    it('reports an AWS error by name', async () => {
      fake.replies.TestAvailabilityConfiguration = { error: 'OrganizationNotFoundException', message: 'The organization does not exist.' };
      const outcome = await workmailTarget().link(REQUEST, context());
      assert.equal(outcome.ok, false);
      assert.match(outcome.failureReason ?? '', /TestAvailabilityConfiguration failed: OrganizationNotFoundException: The organization does not exist\./);
      assert.ok(outcome.details?.target === 'workmail');
      assert.equal(outcome.details.awsError, 'OrganizationNotFoundException');
    });

    it('times out when WorkMail is slow', async () => {
      fake.replies.TestAvailabilityConfiguration = 'hang';
      const started = Date.now();
      const outcome = await workmailTarget({ timeoutMs: 400 }).link(REQUEST, context());
      assert.equal(outcome.ok, false);
      assert.equal(outcome.cancelled, undefined);
      assert.match(outcome.failureReason ?? '', /did not answer within 400 ms/);
      assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
    });

    it('cancels at once', async () => {
      fake.replies.TestAvailabilityConfiguration = 'hang';
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 150);
      const started = Date.now();
      const outcome = await workmailTarget().link(REQUEST, context({ ok: true }, controller.signal));
      assert.equal(outcome.cancelled, true);
      assert.ok(Date.now() - started < 1_500, `took ${Date.now() - started} ms`);
    });

    it('neither loads the SDK module nor calls WorkMail when validation fails', async () => {
      let loads = 0;
      const outcome = await workmailTarget({ loadModule: () => { loads++; return loadWorkmailModule(); } })
        .link(REQUEST, context({ ok: false, failureReason: 'ErrorNonExistentMailbox' }));
      assert.deepEqual(outcome, { ok: false, stage: 'validation', failureReason: 'ErrorNonExistentMailbox' });
      assert.equal(loads, 0);
      assert.equal(fake.calls.length, 0);
    });

    it('refuses a bad organisation id and a plain-http endpoint that is not this machine', async () => {
      const badOrg = await workmailTarget({ organizationId: 'contoso' }).link(REQUEST, context());
      assert.match(badOrg.failureReason ?? '', /organisation id "contoso" is not one/);
      const remoteHttp = await workmailTarget({ endpoint: 'http://workmail.example.test' }).link(REQUEST, context());
      assert.match(remoteHttp.failureReason ?? '', /must use https/);
      assert.equal(fake.calls.length, 0);
    });
  });

  describe('secret redaction', () => {
    it('covers the raw, JSON-escaped and bare-token forms', () => {
      const redactor = createRedactor([PASSWORD, AUTHORIZATION, undefined, '']);
      const redacted = redactor.deep({ a: [`x${PASSWORD}y`, JSON.stringify({ p: PASSWORD })], b: 'token link-service-token-0123456789', n: 3 });
      assert.deepEqual(redacted, { a: [`x${REDACTED}y`, `{"p":"${REDACTED}"}`], b: `token ${REDACTED}`, n: 3 });
    });
  });
});
