// The Probe & Link panel in real VS Code: it opens (once), runs the probes against the fake
// Exchange server in this extension host, and the results reach the checklist. The password goes
// in through the real password prompt (answered by a stub) and SecretStorage.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import Ajv2020 from 'ajv/dist/2020';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, startFakeExchange, type FakeExchange } from '../../fake-exchange/server';
import { activatedApi } from '../support';
import type { ProbeRunSummary } from '../../../src/host/probePanel';


const SETTINGS: [string, (fake: FakeExchange) => string][] = [
  ['ewsUrl', (fake) => fake.url],
  ['serviceAccount.upn', () => FAKE_SERVICE_ACCOUNT],
  ['testMailbox', () => FAKE_TEST_MAILBOX],
  ['accessMethod', () => 'impersonation'],
  ['tls.extraCaFile', (fake) => fake.caFile],
];

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('exchangeSetup.probePanel'));
}

async function runProbes(): Promise<ProbeRunSummary> {
  const summary = await vscode.commands.executeCommand<ProbeRunSummary | undefined>('exchangeSetup.runProbes');
  assert.ok(summary, 'the run returned a summary');
  return summary;
}

describe('probe & link panel', function () {
  this.timeout(90_000);
  let fake: FakeExchange;
  const originals = new Map<string, unknown>();
  const config = () => vscode.workspace.getConfiguration('exchangeSetup');

  before(async () => {
    await activatedApi();
    fake = await startFakeExchange({ scenario: 'healthy', validateSchemas: false });
    for (const [key, value] of SETTINGS) {
      originals.set(key, config().inspect(key)?.globalValue);
      await config().update(key, value(fake), vscode.ConfigurationTarget.Global);
    }
    // Answer the password prompt the way an admin would; the panel stores it in SecretStorage.
    const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
    const realInputBox = window.showInputBox;
    let asked: vscode.InputBoxOptions | undefined;
    window.showInputBox = async (options?: vscode.InputBoxOptions) => {
      asked = options;
      return FAKE_PASSWORD;
    };
    try {
      await vscode.commands.executeCommand('exchangeSetup.setPassword');
    } finally {
      window.showInputBox = realInputBox;
    }
    assert.equal(asked?.password, true, 'the password was asked for in a password box');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const [key] of SETTINGS) await config().update(key, originals.get(key), vscode.ConfigurationTarget.Global);
    await fake?.stop();
  });

  it('opens one panel, however often it is asked for', async () => {
    await vscode.commands.executeCommand('exchangeSetup.openProbePanel');
    await vscode.commands.executeCommand('exchangeSetup.openProbePanel');
    // The tab model reaches the extension host a moment after the panel is created.
    for (let waited = 0; panelTabs().length === 0 && waited < 5000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    const all = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => `${t.label} (${t.input instanceof vscode.TabInputWebview ? t.input.viewType : typeof t.input})`);
    assert.equal(panelTabs().length, 1, `tabs: ${all.join(', ')}`);
  });

  it('runs the probes against a healthy server and the results reach the checklist', async () => {
    const api = await activatedApi();
    const summary = await runProbes();
    const status = Object.fromEntries(summary.checks.map((c) => [c.id, c.status]));
    assert.equal(status['auth.login'], 'pass', JSON.stringify(summary.checks));
    assert.equal(status['access.impersonation'], 'pass');
    assert.equal(status['calendar.read'], 'pass');
    assert.equal(panelTabs().length, 1, 'the run showed the panel');
    const model = api.session.model;
    assert.equal(model.statusOf('serviceAccount.create'), 'done');
    assert.equal(model.statusOf('access.impersonation'), 'done');
    assert.equal(model.statusOf('prerequisites.basicAuth'), 'done');
    const evidence = model.evidenceOf('access.impersonation');
    assert.equal(evidence?.source, 'probe');
    assert.ok(Date.now() - Date.parse(evidence?.at ?? '') < 60_000, 'the evidence carries the time of the run');
    assert.equal(model.contextKeys()['exchangeSetup.done.access'], true);
  });

  it('reports impersonation denied on the access step, with a remedy', async () => {
    const api = await activatedApi();
    fake.setScenario('impersonation-denied');
    const summary = await runProbes();
    const access = summary.checks.find((c) => c.id === 'access.impersonation');
    assert.equal(access?.status, 'fail', JSON.stringify(summary.checks));
    assert.match(access?.message ?? '', /impersonat/i);
    assert.equal(summary.outcome, 'failed');
    assert.equal(api.session.model.statusOf('access.impersonation'), 'failed');
    assert.equal(api.session.model.statusOf('serviceAccount.create'), 'done');
  });

  it('stops at once when cancelled, keeping what completed', async () => {
    fake.setScenario('slow');
    try {
      const started = Date.now();
      const running = runProbes();
      // The slow server never answers the SOAP request: the run waits at auth.schemes.
      await new Promise((r) => setTimeout(r, 1500));
      await vscode.commands.executeCommand('exchangeSetup.cancelProbes');
      const summary = await running;
      const stoppedAfter = Date.now() - started;
      assert.equal(summary.outcome, 'cancelled');
      assert.ok(stoppedAfter < 4000, `the run ended ${stoppedAfter} ms after it started`);
      assert.ok(summary.checks.some((c) => c.id === 'net.dns' && c.status === 'pass'), JSON.stringify(summary.checks));
    } finally {
      fake.setScenario('healthy');
    }
  });

  it('stops only the run a button names: Stop looking and Cancel verification leave a probe run going', async () => {
    const api = await activatedApi();
    fake.setScenario('slow');
    try {
      const running = runProbes();
      let ended = false;
      void running.then(() => { ended = true; }, () => { ended = true; });
      await new Promise((r) => setTimeout(r, 1500));
      await api.probePanel.receive({ type: 'cancel', run: 'autodiscover' });
      await api.probePanel.receive({ type: 'cancel', run: 'verification' });
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(ended, false, 'the probe run goes on after the other sections\' buttons');
      await api.probePanel.receive({ type: 'cancel', run: 'run' });
      const summary = await running;
      assert.equal(summary.outcome, 'cancelled');
    } finally {
      fake.setScenario('healthy');
    }
  });

  it('a4b-console: validates like the service did, then waits for the admin to confirm', async () => {
    const api = await activatedApi();
    fake.setScenario('healthy');
    const outcome = await vscode.commands.executeCommand<{ ok: boolean; needsConfirmation?: boolean; failureReason?: string } | undefined>('exchangeSetup.linkAccount');
    assert.equal(outcome?.ok, true, outcome?.failureReason);
    assert.equal(outcome?.needsConfirmation, true);
    assert.notEqual(api.session.model.statusOf('link'), 'done', 'only the admin\'s confirmation marks the step linked');
  });

  it('http: refuses a plain-http link URL and records the failure on the link step', async () => {
    const api = await activatedApi();
    const link = vscode.workspace.getConfiguration('exchangeSetup.link');
    await link.update('target', 'http', vscode.ConfigurationTarget.Global);
    await link.update('http.url', 'http://127.0.0.1:9/link', vscode.ConfigurationTarget.Global);
    try {
      const outcome = await vscode.commands.executeCommand<{ ok: boolean; failureReason?: string } | undefined>('exchangeSetup.linkAccount');
      assert.equal(outcome?.ok, false);
      assert.match(outcome?.failureReason ?? '', /https/);
      assert.equal(api.session.model.statusOf('link'), 'failed');
      assert.equal(api.session.model.evidenceOf('link')?.source, 'probe');
    } finally {
      await link.update('target', undefined, vscode.ConfigurationTarget.Global);
      await link.update('http.url', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('exports a Markdown and JSON report of the last run, and copies the diagnostics, with no password in any', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecs-report-'));
    try {
      const target = vscode.Uri.file(path.join(dir, 'report.md'));
      const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('exchangeSetup.exportProbeReport', target);
      assert.equal(written?.fsPath, target.fsPath);
      const md = fs.readFileSync(target.fsPath, 'utf8');
      const json = fs.readFileSync(path.join(dir, 'report.json'), 'utf8');
      assert.match(md, /access\.impersonation/);
      assert.equal(JSON.parse(json).configuration.upn, FAKE_SERVICE_ACCOUNT);
      // The same published schema the CLI's --json is held to (test/unit/probe-report-schema.test.ts).
      const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'probe-report.schema.json'), 'utf8')) as object;
      const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
      assert.ok(validate(JSON.parse(json)), `the exported JSON follows docs/probe-report.schema.json: ${JSON.stringify(validate.errors)}`);
      for (const text of [md, json]) {
        assert.ok(!text.includes(FAKE_PASSWORD), 'no password in the report');
        assert.ok(!text.includes(Buffer.from(`${FAKE_SERVICE_ACCOUNT}:${FAKE_PASSWORD}`).toString('base64')), 'no Basic credential in the report');
      }
      const diagnostics = await vscode.commands.executeCommand<string | undefined>('exchangeSetup.copyDiagnostics');
      assert.match(diagnostics ?? '', /checks passed/);
      assert.equal(await vscode.env.clipboard.readText(), diagnostics);
      assert.ok(!(diagnostics ?? '').includes(FAKE_PASSWORD));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
