// The secrets canary in real VS Code. A random password (the service account's) and a random
// Authorization header (the http link target's) go in through the real password prompts and
// SecretStorage, then through every path the extension has: probes in the panel across failure
// scenarios, many-mailbox verification, Autodiscover, the three link targets, report export, copy
// diagnostics, errors shown, the log at trace level, snippets sent to the terminal, settings, state
// and the webview HTML. At the end every file the run produced (the whole user-data-dir, the run
// folder with code-server's own log, the workspace, and temp files written during the run) is read
// as raw bytes and searched for both canaries in every form (test/support/canary.ts).
//
// SecretStorage itself legitimately holds both. In code-server it lives in the browser
// (localStorage "secrets.provider", AES-GCM sealed with a key the server mints), not in any file
// here, so nothing is excluded from the file scan; on the desktop it is the OS keyring.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { STEPS } from '../../../src/core/steps';
import type { TestApi } from '../../../src/host/api';
import { activatedApi } from '../support';
import { getTestPki } from '../../fake-exchange/certs';
import { FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, generatedMailboxName, startFakeExchange, type FakeExchange, type ScenarioName } from '../../fake-exchange/server';
import { startWorkmailFake, type WorkmailFake } from '../../fakes/workmail';
import { canaryPatterns, describeHits, makeCanary, scanText, scanTree, type CanaryHit } from '../../support/canary';


/** Panel scenarios: the success path and each kind of failure whose message could carry a secret. */
const PANEL_SCENARIOS: ScenarioName[] = [
  'healthy', 'wrong-password', 'locked', 'password-expired', 'no-basic', 'impersonation-denied', 'nonexistent-mailbox',
  'busy-then-ok', 'reset', 'malformed-xml', 'generic-error-redirect', 'tls-self-signed', 'tls-wrong-host',
];

type WindowStubs = Pick<typeof vscode.window, 'showInputBox' | 'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage'>;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T | string> {
  return Promise.race([work, new Promise<string>((resolve) => setTimeout(() => resolve(`${what}: still running after ${ms} ms`), ms))]);
}

describe('secrets canary across every path (real VS Code)', function () {
  this.timeout(240_000);
  const startedAt = Date.now() - 1000;
  const password = makeCanary('P4ss');
  const authorization = makeCanary('Auth');
  const users = [FAKE_SERVICE_ACCOUNT, 'alexaforbusiness'];
  const patterns = [...canaryPatterns(password, users), ...canaryPatterns(authorization)];
  /** Each path driven, with what it produced that is not a file (returned values, messages, clipboard). */
  const outputs: { path: string; text: string }[] = [];
  const shown: string[] = [];
  const sentToTerminal: string[] = [];
  const config = () => vscode.workspace.getConfiguration('exchangeSetup');
  const window = vscode.window as WindowStubs;
  const real: Partial<WindowStubs> = {};
  const settingsTouched: string[] = [];
  let api: TestApi;
  let fake: FakeExchange;
  let workmail: WorkmailFake;
  let echo: Server;
  let echoUrl = '';
  let echoedBodies = 0;
  const savedEnv: Record<string, string | undefined> = {};

  const setGlobal = async (key: string, value: unknown): Promise<void> => {
    if (!settingsTouched.includes(key)) settingsTouched.push(key);
    await config().update(key, value, vscode.ConfigurationTarget.Global);
  };
  const record = (pathName: string, value: unknown): void => {
    outputs.push({ path: pathName, text: typeof value === 'string' ? value : JSON.stringify(value) ?? String(value) });
  };

  before(async () => {
    api = await activatedApi();
    // Trace is the most a user can turn on: every log line the extension has is written.
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'trace');
    fake = await startFakeExchange({ scenario: 'healthy', password: password.value, validateSchemas: false });
    workmail = await startWorkmailFake();
    const pki = await getTestPki();
    // The http link target's endpoint: it echoes the request (body with the password, and the
    // Authorization header) back in its answer, as a careless or hostile service could.
    echo = createServer({ cert: pki.healthy.certChainPem, key: pki.healthy.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        echoedBodies++;
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Echo-Authorization': encodeURIComponent(req.headers.authorization ?? '') });
        res.end(JSON.stringify({ linked: true, youSent: Buffer.concat(chunks).toString('utf8'), authorization: req.headers.authorization }));
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `https://127.0.0.1:${(echo.address() as AddressInfo).port}/link`;
    // The AWS SDK reads these in this process (the extension host): the WorkMail target talks to the local fake.
    for (const [name, value] of Object.entries({ AWS_ENDPOINT_URL_WORKMAIL: workmail.endpoint, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret', AWS_EC2_METADATA_DISABLED: 'true' })) {
      savedEnv[name] = process.env[name];
      process.env[name] = value;
    }
    await setGlobal('ewsUrl', fake.url);
    await setGlobal('serviceAccount.upn', FAKE_SERVICE_ACCOUNT);
    await setGlobal('testMailbox', FAKE_TEST_MAILBOX);
    await setGlobal('accessMethod', 'impersonation');
    await setGlobal('tls.extraCaFile', fake.caFile);

    Object.assign(real, { showInputBox: window.showInputBox, showErrorMessage: window.showErrorMessage, showWarningMessage: window.showWarningMessage, showInformationMessage: window.showInformationMessage });
    // The password prompts get the canaries; every message shown is kept for the scan.
    window.showInputBox = async (options?: vscode.InputBoxOptions) => (/authorization/i.test(options?.title ?? '') ? authorization.value : password.value);
    const keep = async (message: string, ...rest: unknown[]): Promise<undefined> => {
      shown.push([message, ...rest.filter((r) => typeof r === 'object').map((r) => JSON.stringify(r))].join(' '));
      return undefined;
    };
    window.showErrorMessage = keep as WindowStubs['showErrorMessage'];
    window.showWarningMessage = keep as WindowStubs['showWarningMessage'];
    window.showInformationMessage = keep as WindowStubs['showInformationMessage'];
  });

  after(async () => {
    Object.assign(window, real);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const link = vscode.workspace.getConfiguration('exchangeSetup.link');
    for (const key of ['target', 'http.url', 'workmail.organizationId', 'workmail.region']) await link.update(key, undefined, vscode.ConfigurationTarget.Global);
    for (const key of settingsTouched) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await fake?.stop();
    await workmail?.close();
    echo?.closeAllConnections();
    await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
  });

  it('stores both canaries through the real prompts (SecretStorage)', async () => {
    await vscode.commands.executeCommand('exchangeSetup.setPassword');
    await vscode.commands.executeCommand('exchangeSetup.openProbePanel');
    await setLinkSettings({ target: 'http', 'http.url': echoUrl });
    await api.probePanel.receive({ type: 'setLinkAuthorization' });
    outputs.push({ path: 'setPassword and setLinkAuthorization', text: '' });
  });

  it('panel probes: the canary logs in on a healthy server, and no run returns it', async () => {
    for (const scenario of PANEL_SCENARIOS) {
      fake.setScenario(scenario);
      const summary = await vscode.commands.executeCommand<unknown>('exchangeSetup.runProbes');
      record(`panel probes (${scenario})`, summary);
      if (scenario === 'healthy') assert.match(JSON.stringify(summary), /"id":"auth\.login","status":"pass"/, 'the canary is the working password');
    }
    fake.setScenario('healthy');
    await vscode.commands.executeCommand('exchangeSetup.runProbes');
  });

  it('many-mailbox verification, Autodiscover and a malformed message', async () => {
    const list = [generatedMailboxName(1), generatedMailboxName(2), 'nobody@contoso.com', `${password.core}@contoso.com`].join('\n');
    await api.probePanel.receive({ type: 'verifyMailboxes', source: 'pasted', text: list });
    record('many-mailbox verification', 'done');
    record('Autodiscover (credentials for the UPN\'s own domain)', await withTimeout(api.probePanel.receive({ type: 'findEwsUrl', email: 'alice@contoso.com', requestId: 1 }), 30_000, 'autodiscover'));
    // A message a hostile page could send, carrying the canary: dropped (and logged) by the validator.
    await api.probePanel.receive({ type: 'runProbes', form: { ewsUrl: password.value }, password: password.value });
    record('malformed webview message', 'dropped');
  });

  it('link targets: a4b-console, http (an echoing endpoint) and workmail (an echoing error)', async () => {
    await setLinkSettings({ target: 'a4b-console' });
    record('link a4b-console', await vscode.commands.executeCommand('exchangeSetup.linkAccount'));
    // The admin's deliberate copy of the password for the console: on the clipboard by design, then gone.
    await api.probePanel.receive({ type: 'copyLinkPassword' });
    assert.equal(await vscode.env.clipboard.readText(), password.value, 'copyLinkPassword puts exactly the password on the clipboard');
    await vscode.env.clipboard.writeText('');

    await setLinkSettings({ target: 'http', 'http.url': echoUrl });
    const httpOutcome = await vscode.commands.executeCommand('exchangeSetup.linkAccount');
    record('link http (echoing endpoint)', httpOutcome);
    assert.ok(echoedBodies > 0, `the http endpoint was called: ${JSON.stringify(httpOutcome)}`);

    workmail.replies = { TestAvailabilityConfiguration: { error: 'InvalidParameterException', message: `EwsPassword ${password.value} rejected (as sent: ${JSON.stringify({ EwsPassword: password.value })})` } };
    await setLinkSettings({ target: 'workmail', 'workmail.organizationId': `m-${'0123456789abcdef'.repeat(2)}`, 'workmail.region': 'us-east-1' });
    const workmailOutcome = await withTimeout(Promise.resolve(vscode.commands.executeCommand('exchangeSetup.linkAccount')), 60_000, 'workmail link');
    record('link workmail (echoing error)', workmailOutcome);
    assert.ok(workmail.calls.length > 0, `the WorkMail fake was called: ${JSON.stringify(workmailOutcome)}`);
    await setLinkSettings({ target: 'a4b-console' });
  });

  it('report export (Markdown and JSON), copy diagnostics, runbook export', async () => {
    const folder = process.env.ECS_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.tmpdir();
    await vscode.commands.executeCommand('exchangeSetup.exportProbeReport', vscode.Uri.file(path.join(folder, 'canary-report.md')));
    assert.ok(fs.existsSync(path.join(folder, 'canary-report.json')), 'the JSON report was written beside the Markdown');
    record('copy diagnostics (returned)', await vscode.commands.executeCommand('exchangeSetup.copyDiagnostics'));
    record('copy diagnostics (clipboard)', await vscode.env.clipboard.readText());
    await vscode.commands.executeCommand('exchangeSetup.exportRunbook', vscode.Uri.file(path.join(folder, 'canary-runbook.ps1')));
  });

  it('terminal: every snippet inserted, with what was sent recorded', async () => {
    await vscode.commands.executeCommand('exchangeSetup.showTerminal');
    const terminal = api.terminal.get();
    const send = terminal.sendText.bind(terminal);
    (terminal as { sendText: vscode.Terminal['sendText'] }).sendText = (text: string, addNewLine?: boolean) => {
      sentToTerminal.push(text);
      send(text, addNewLine);
    };
    for (const step of STEPS.filter((s) => s.hasSnippet)) {
      await vscode.commands.executeCommand('exchangeSetup.insertSnippet', step.id);
      await vscode.commands.executeCommand('exchangeSetup.copySnippet', step.id);
      record(`copy snippet ${step.id} (clipboard)`, await vscode.env.clipboard.readText());
      send('\x15', false); // clear the pending line without running it
    }
    assert.ok(sentToTerminal.length > 0, 'what was sent to the terminal was recorded');
    record('terminal text', sentToTerminal.join('\n'));
    terminal.dispose();
  });

  it('webview HTML, state and settings values hold no canary', async () => {
    await vscode.commands.executeCommand('exchangeSetup.openProbePanel');
    record('webview HTML', api.probePanel.current()?.html ?? '(no panel)');
    record('extension settings (effective)', config());
    record('model state', api.session.model.contextKeys());
    record('messages shown', shown.join('\n'));
  });

  it('scans every output, file and stored value of the run: zero hits', async () => {
    // Let the log and the storage flush to disk.
    await new Promise((r) => setTimeout(r, 2500));
    const hits: CanaryHit[] = [];
    for (const output of outputs) hits.push(...scanText(output.path, output.text, patterns));
    const roots = new Map<string, number | undefined>();
    const runDir = process.env.ECS_RUN_DIR;
    const userDataDir = process.env.ECS_USER_DATA_DIR;
    assert.ok(userDataDir && fs.existsSync(userDataDir), `ECS_USER_DATA_DIR is set and exists (${userDataDir})`);
    roots.set(userDataDir, undefined);
    if (runDir && fs.existsSync(runDir)) roots.set(runDir, undefined);
    const workspace = process.env.ECS_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (workspace) roots.set(workspace, undefined);
    roots.set(os.tmpdir(), startedAt);
    let files = 0;
    let bytes = 0;
    const scanned = new Set<string>();
    for (const [root, changedSince] of roots) {
      const result = scanTree(root, patterns, { changedSince, exclude: [...scanned].filter((s) => s.startsWith(`${root}/`)) });
      scanned.add(root);
      files += result.files.length;
      bytes += result.bytes;
      hits.push(...result.hits);
    }
    // The trace-level log really was written and scanned.
    const logs = fs.readdirSync(path.join(userDataDir, 'logs'), { recursive: true, encoding: 'utf8' }).filter((f) => /Exchange Setup\.log$/.test(f));
    assert.ok(logs.length > 0, 'the extension\'s log file exists under the user-data-dir');
    const logText = logs.map((f) => fs.readFileSync(path.join(userDataDir, 'logs', f), 'utf8')).join('\n');
    assert.match(logText, /Probe run \d+/, 'the probe runs were logged');
    assert.match(logText, /dropped a malformed message/, 'the malformed message was dropped by the validator');
    const settingsFile = path.join(userDataDir, 'User', 'settings.json');
    assert.match(fs.readFileSync(settingsFile, 'utf8'), /exchangeSetup\.ewsUrl/, 'the user settings file was written and scanned');
    const figures = `      secrets canary: ${outputs.length} paths, ${sentToTerminal.length} terminal inserts, ${files} files (${(bytes / 1e6).toFixed(1)} MB) scanned, ${patterns.length} forms, ${hits.length} hits`;
    // The runner prints the suite's log file as it grows; the extension host's console is not shown.
    if (process.env.ECS_TEST_RESULT) fs.appendFileSync(`${process.env.ECS_TEST_RESULT}.log`, `${figures}\n`);
    else console.log(figures);
    assert.deepEqual(hits, [], describeHits(hits));
  });
});

async function setLinkSettings(values: Record<string, string>): Promise<void> {
  const link = vscode.workspace.getConfiguration('exchangeSetup.link');
  for (const [key, value] of Object.entries(values)) await link.update(key, value, vscode.ConfigurationTarget.Global);
}
