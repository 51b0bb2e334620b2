#!/usr/bin/env node
// Keeps the fake Exchange server honest with an independent client: starts the fake in-process
// (from out/, so build first), runs exchangelib_check.py against it with the test CA, counts the
// checks, and requires zero schema errors for every request exchangelib sent.
// Last stdout line: {"passed":N,"failed":N}; exit code 1 on any failure.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPythonJsonLines } from '../../scripts/lib/python.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const fakeModule = require(join(root, 'out', 'test', 'fake-exchange', 'server.js'));
const SCRIPT = join(here, 'exchangelib_check.py');

const results = [];
const record = (check, ok, detail) => {
  results.push({ check, ok, detail });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${check}${detail ? ` - ${detail}` : ''}`);
};

/** Runs the python script in one mode; each JSON line it prints is a check. */
async function runPython(fake, mode) {
  const { code, stderr, records } = await runPythonJsonLines(SCRIPT, [mode], {
    FAKE_EWS_URL: fake.url, FAKE_EWS_USER: fakeModule.FAKE_SERVICE_ACCOUNT, FAKE_EWS_PASSWORD: fakeModule.FAKE_PASSWORD,
    FAKE_TEST_MAILBOX: fakeModule.FAKE_TEST_MAILBOX, REQUESTS_CA_BUNDLE: fake.caFile,
  });
  for (const parsed of records) record(`exchangelib ${parsed.check}`, parsed.ok === true, parsed.detail);
  if (code !== 0 || records.length === 0) record(`exchangelib ${mode} process`, false, `exit ${code}; ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

const fake = await fakeModule.startFakeExchange({ scenario: 'healthy', validateSchemas: true });
try {
  await runPython(fake, 'healthy');
  const ops = [...new Set(fake.requests.map((r) => r.operation).filter(Boolean))];
  record('fake saw CreateItem and DeleteItem', ops.includes('CreateItem') && ops.includes('DeleteItem'), `operations: ${ops.join(', ')}`);
  const leftover = fake.items(fakeModule.FAKE_TEST_MAILBOX).filter((item) => item.createdByRequest);
  record('created item gone from the store', leftover.length === 0, `${leftover.length} left`);
  const impersonated = fake.requests.filter((r) => r.impersonatedMailbox === fakeModule.FAKE_TEST_MAILBOX);
  record('impersonated requests carry X-AnchorMailbox', impersonated.length > 0 && impersonated.every((r) => r.anchorMailbox?.toLowerCase() === fakeModule.FAKE_TEST_MAILBOX),
    `${impersonated.length} impersonated requests`);

  fake.setScenario('impersonation-denied');
  await runPython(fake, 'impersonation-denied');
  record('no schema errors in exchangelib requests', fake.schemaErrors.length === 0, fake.schemaErrors.slice(0, 3).join(' | '));
  const leaked = JSON.stringify(fake.requests).includes(fakeModule.FAKE_PASSWORD) || JSON.stringify(fake.requests).includes(Buffer.from(`${fakeModule.FAKE_SERVICE_ACCOUNT}:${fakeModule.FAKE_PASSWORD}`).toString('base64'));
  record('request log holds no credentials', !leaked, '');
} finally {
  await fake.stop();
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(JSON.stringify({ passed, failed }));
process.exitCode = failed === 0 ? 0 : 1;
