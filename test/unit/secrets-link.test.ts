// Leaks the secrets canary found in the link targets' redaction, kept fixed: a service that echoes the
// request body as a string inside its own JSON answer escapes the password twice, and other services
// echo it URL-, HTML- or base64-encoded. Each form must come out as [redacted], leaving no trace.
import * as assert from 'node:assert/strict';
import { createRedactor } from '../../src/core/redact';
import { canaryPatterns, describeHits, makeCanary, scanText } from '../support/canary';

describe('secrets canary: link redaction of echoed secrets', () => {
  const password = makeCanary('P4ss');
  const header = makeCanary('Auth');
  const authorization = `Bearer ${header.value}`;
  const patterns = [...canaryPatterns(password), ...canaryPatterns(header)];
  const redactor = createRedactor([password.value, authorization]);
  const requestBody = JSON.stringify({ ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx', password: password.value });

  const echoes: [string, string][] = [
    ['the body echoed as JSON', JSON.stringify({ received: JSON.parse(requestBody) as unknown, authorization })],
    ['the body echoed as a string inside JSON (escaped twice)', JSON.stringify({ youSent: requestBody, headers: { authorization } })],
    ['an echo of an echo (escaped three times)', JSON.stringify({ log: JSON.stringify({ youSent: requestBody }) })],
    ['URL-encoded', `https://link.example/error?p=${encodeURIComponent(password.value)}&a=${encodeURIComponent(authorization)}`],
    ['form-encoded', new URLSearchParams({ password: password.value, token: header.value }).toString()],
    ['HTML-escaped', `<p>${password.value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}</p>`],
    ['base64', Buffer.from(password.value).toString('base64')],
  ];
  for (const [what, echo] of echoes) {
    it(`${what}: nothing of either canary is left`, () => {
      assert.ok(scanText('before', echo, patterns).length > 0, 'the echo does carry a canary (the test can fail)');
      const hits = scanText(what, redactor.text(echo), patterns);
      assert.deepEqual(hits, [], describeHits(hits));
    });
  }
});
