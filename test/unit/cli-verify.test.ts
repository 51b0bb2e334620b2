import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const terminalFixture = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', 'terminal', name), 'utf8');

/** `node dist/cli.js ARGS < stdinText`, as an admin runs it. */
function runCli(args: string[], stdinText: string | Buffer): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
    child.stdin?.end(stdinText);
  });
}

const SETTINGS = {
  ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx',
  exchangeServer: 'EXCH01',
  serviceAccount: { upn: 'alexaforbusiness@contoso.com' },
  accessMethod: 'impersonation',
};

describe('verify command as a child process of node dist/cli.js', function () {
  this.timeout(60_000);
  let dir: string;
  let config: string;
  before(() => {
    assert.ok(existsSync(CLI), 'dist/cli.js must be built (node scripts/build.mjs) before this suite');
    dir = mkdtempSync(join(tmpdir(), 'ecs-verify-'));
    config = join(dir, 'settings.json');
    writeFileSync(config, JSON.stringify(SETTINGS));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints {step, status: done, message, details} and exits 0 for output that shows the step done', async () => {
    const result = await runCli(['verify', '--step', 'basicAuth.enable', '--json'], terminalFixture('ps51-basicauth-enable.txt'));
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { step: string; status: string; message: string; details: { basicAuthPrior?: unknown[] } };
    assert.deepEqual(Object.keys(report), ['step', 'status', 'message', 'details']);
    assert.equal(report.step, 'basicAuth.enable');
    assert.equal(report.status, 'done');
    assert.match(report.message, /Basic authentication is on for EWS on every server: EXCH01 and EXCH02/);
    assert.deepEqual(report.details.basicAuthPrior, [
      { identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false },
      { identity: 'EXCH02\\EWS (Default Web Site)', basicAuthentication: true },
    ]);
  });

  it('reads output saved by Windows PowerShell 5.1 (UTF-16LE with a byte-order mark)', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(terminalFixture('ps51-exchange-version.txt'), 'utf16le')]);
    const result = await runCli(['verify', '--step', 'prerequisites.exchangeVersion', '--json'], utf16);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { status: string }).status, 'done');
  });

  it('exits 1 with status not-done when the output shows the step is not done', async () => {
    const result = await runCli(['verify', '--step', 'access.impersonation', '--config', config, '--json'], terminalFixture('pwsh7-impersonation-unscoped.txt'));
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { status: string; message: string };
    assert.equal(report.status, 'not-done');
    assert.match(report.message, /organization-wide ApplicationImpersonation/);
  });

  it('exits 1 with status unknown when the marker block holds no readable result', async () => {
    const output = 'ECS-BEGIN prerequisites.exchangeVersion\n{not json\nECS-END prerequisites.exchangeVersion\n';
    const result = await runCli(['verify', '--step', 'prerequisites.exchangeVersion'], output);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^prerequisites\.exchangeVersion: unknown: The verification output could not be read as JSON/);
  });

  it('exits 2 naming the marker line it expected when the output has no block of that step', async () => {
    const result = await runCli(['verify', '--step', 'basicAuth.verify', '--json'], terminalFixture('ps51-exchange-version.txt'));
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /No line "ECS-BEGIN basicAuth\.verify" was found/);
  });

  it('exits 2 for an unknown step, a missing --step, --config - and a step that needs the settings without them', async () => {
    const unknown = await runCli(['verify', '--step', 'basicAuth.check'], 'x');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /"basicAuth\.check" is not a step id/);
    const missing = await runCli(['verify'], 'x');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--step STEP_ID is required/);
    const stdinConfig = await runCli(['verify', '--step', 'basicAuth.verify', '--config', '-'], 'x');
    assert.equal(stdinConfig.code, 2);
    assert.match(stdinConfig.stderr, /standard input carries the verification output/);
    const noConfig = await runCli(['verify', '--step', 'access.impersonation'], terminalFixture('pwsh7-impersonation-unscoped.txt'));
    assert.equal(noConfig.code, 2);
    assert.match(noConfig.stderr, /--config FILE is required for access\.impersonation/);
  });

  it('documents itself with --help', async () => {
    const result = await runCli(['verify', '--help'], '');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: exchange-setup verify --step STEP_ID \[--config FILE\] \[--json\] < output\.txt/);
    assert.match(result.stdout, /Exit codes: 0 done; 1 not done or unknown; 2 invalid input/);
  });
});
