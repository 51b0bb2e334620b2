// The secrets canary through the CLI: a random password (EWS_PASSWORD) goes into `probe` against
// every fake Exchange scenario, in the table and in --json, with --write and --mailboxes, and against
// a hostile server that echoes the Authorization header and the decoded password back in every
// answer. Everything the command printed (stdout and stderr) is scanned for the canary in every form.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, SCENARIO_NAMES, generatedMailboxName, startFakeExchange, type FakeExchange, type ScenarioName } from '../fake-exchange/server';
import { getTestPki } from '../fake-exchange/certs';
import { canaryPatterns, describeHits, makeCanary, scanText, type CanaryHit } from '../support/canary';

interface CliRun { code: number; stdout: string; stderr: string }

async function runCli(args: string[], password: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => { stdout += t; } },
    stderr: { write: (t: string) => { stderr += t; } },
    env: { EWS_PASSWORD: password },
  });
  return { code, stdout, stderr };
}

/** Scenarios that end by a time limit: a short one keeps the suite quick; the verdict is the same. */
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const EWS_TYPES_NS = 'http://schemas.microsoft.com/exchange/services/2006/types';
const EWS_MESSAGES_NS = 'http://schemas.microsoft.com/exchange/services/2006/messages';
const EWS_ERRORS_NS = 'http://schemas.microsoft.com/exchange/services/2006/errors';

const SHORT_LIMIT: Partial<Record<ScenarioName, number>> = { slow: 1_500 };

describe('secrets canary: CLI probe output (human and --json, stdout and stderr)', function () {
  this.timeout(120_000);
  const canary = makeCanary('P4ss');
  const patterns = canaryPatterns(canary, [FAKE_SERVICE_ACCOUNT, 'alexaforbusiness', 'CONTOSO\\alexaforbusiness']);
  const hits: CanaryHit[] = [];
  const covered: string[] = [];
  let fake: FakeExchange;
  let dir: string;
  let caFile: string;
  let listFile: string;

  before(async () => {
    fake = await startFakeExchange({ scenario: 'healthy', password: canary.value, validateSchemas: false });
    dir = mkdtempSync(join(tmpdir(), 'ecs-cli-secrets-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, fake.caPem);
    listFile = join(dir, 'mailboxes.txt');
    writeFileSync(listFile, [generatedMailboxName(1), generatedMailboxName(2), 'nobody@contoso.com', 'not-an-address', FAKE_TEST_MAILBOX].join('\n'));
  });
  after(async () => {
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const record = (what: string, run: CliRun): void => {
    covered.push(what);
    hits.push(...scanText(`${what} stdout`, run.stdout, patterns), ...scanText(`${what} stderr`, run.stderr, patterns));
  };

  it('the scanner finds the canary in each form (it can fail)', () => {
    const basic = `Authorization: Basic ${Buffer.from(`${FAKE_SERVICE_ACCOUNT}:${canary.value}`).toString('base64')}`;
    for (const leak of [canary.value, basic, JSON.stringify({ p: canary.value }), encodeURIComponent(canary.value), `x${Buffer.from(`pre${canary.value}`).toString('base64')}`]) {
      assert.ok(scanText('probe', leak, patterns).length > 0, leak);
    }
    assert.deepEqual(scanText('probe', 'Canary-P4ss-but-not-the-real-one', patterns), []);
  });

  for (const scenario of SCENARIO_NAMES) {
    it(`${scenario}: no canary in the table or the JSON`, async () => {
      fake.setScenario(scenario);
      const method = scenario.includes('delegate') ? 'delegate' : 'impersonation';
      const limit = String(SHORT_LIMIT[scenario] ?? 15_000);
      const base = ['probe', '--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', caFile, '--method', method, '--timeout-ms', limit, '--write'];
      const human = await runCli(base, canary.value);
      record(`probe ${scenario} (table)`, human);
      const json = await runCli([...base, '--json', '--mailboxes', listFile], canary.value);
      record(`probe ${scenario} (--json --mailboxes)`, json);
      assert.ok(json.stdout.trim() === '' || typeof JSON.parse(json.stdout) === 'object', json.stdout.slice(0, 200));
      if (scenario === 'healthy') {
        // The canary really was the working password: the run logged in and read the calendar.
        assert.equal(human.code, 0, human.stdout + human.stderr);
        assert.match(human.stdout, /PASS {2}auth\.login/);
        assert.match(json.stdout, /"mailboxes":\{"total":4,"verified":3,"denied":0,"notFound":1,"notChecked":0/);
      }
      assert.deepEqual(hits, [], describeHits(hits));
    });
  }

  it('the wrong password is not printed either (a canary that fails to log in)', async () => {
    fake.setScenario('healthy');
    const wrong = makeCanary('Wrong');
    const wrongPatterns = canaryPatterns(wrong, [FAKE_SERVICE_ACCOUNT]);
    const run = await runCli(['probe', '--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', caFile], wrong.value);
    covered.push('probe with a wrong password');
    assert.equal(run.code, 1);
    assert.match(run.stdout, /FAIL {2}auth\.login/);
    assert.deepEqual([...scanText('stdout', run.stdout, wrongPatterns), ...scanText('stderr', run.stderr, wrongPatterns)], []);
  });

  it('a password given as an argument is refused without being repeated', async () => {
    const run = await runCli(['probe', '--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, `--password=${canary.value}`], canary.value);
    record('probe --password=… (refused)', run);
    assert.equal(run.code, 2);
    assert.deepEqual(hits, [], describeHits(hits));
  });

  describe('a hostile server that echoes the credentials back', () => {
    let echo: Server;
    let echoUrl: string;
    let echoMode: 'fault' | 'ews-error' = 'fault';
    before(async () => {
      const pki = await getTestPki();
      // Every answer carries the Authorization header and the decoded password: in a 401 challenge,
      // in a SOAP fault, in a 500 page and in a redirect location, depending on the path asked for.
      echo = createServer({ cert: pki.healthy.certChainPem, key: pki.healthy.keyPem }, (req, res) => {
        const header = req.headers.authorization ?? '';
        const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
        const said = `header=${header} decoded=${decoded}`;
        req.resume();
        req.on('end', () => {
          if (header === '') {
            res.writeHead(401, { 'WWW-Authenticate': `Basic realm="${said}"`, 'Content-Type': 'text/plain' });
            res.end(said);
            return;
          }
          const text = said.replace(/&/g, '&amp;').replace(/</g, '&lt;');
          if (echoMode === 'fault') {
            res.writeHead(500, { 'Content-Type': 'text/xml; charset=utf-8', 'X-Echo': encodeURIComponent(said) });
            res.end(`<?xml version="1.0"?><s:Envelope xmlns:s="${SOAP_NS}"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>${text}</faultstring><detail><e:Message xmlns:e="${EWS_ERRORS_NS}">${text}</e:Message></detail></s:Fault></s:Body></s:Envelope>`);
            return;
          }
          // An EWS error answer whose MessageText (which probes may show) is the echo.
          res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
          res.end(`<?xml version="1.0"?><s:Envelope xmlns:s="${SOAP_NS}"><s:Header><h:ServerVersionInfo xmlns:h="${EWS_TYPES_NS}" MajorVersion="15" MinorVersion="2" MajorBuildNumber="1544" MinorBuildNumber="4" Version="V2017_07_11"/></s:Header><s:Body><m:GetFolderResponse xmlns:m="${EWS_MESSAGES_NS}" xmlns:t="${EWS_TYPES_NS}"><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>${text}</m:MessageText><m:ResponseCode>ErrorAccessDenied</m:ResponseCode></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>`);
        });
      });
      await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
      echoUrl = `https://127.0.0.1:${(echo.address() as AddressInfo).port}/EWS/Exchange.asmx`;
      writeFileSync(caFile, pki.caPem);
    });
    after(async () => {
      echo.closeAllConnections();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
      writeFileSync(caFile, fake.caPem);
    });

    for (const mode of ['fault', 'ews-error'] as const) it(`prints none of what the server echoed (${mode})`, async () => {
      echoMode = mode;
      const base = ['probe', '--url', echoUrl, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', caFile, '--timeout-ms', '10000'];
      const human = await runCli(base, canary.value);
      record(`probe against an echoing server, ${mode} (table)`, human);
      const json = await runCli([...base, '--json', '--mailboxes', listFile], canary.value);
      record(`probe against an echoing server, ${mode} (--json --mailboxes)`, json);
      assert.equal(human.code, 1, human.stdout);
      assert.deepEqual(hits, [], describeHits(hits));
    });
  });

  after(() => {
    // The figures for the README's Security section.
    console.log(`      CLI outputs scanned: ${covered.length} runs (stdout and stderr each), ${patterns.length} forms, ${hits.length} leaks`);
  });
});
