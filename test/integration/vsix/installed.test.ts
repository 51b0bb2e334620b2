// The smoke suite against the extension as users get it: scripts/run-vscode-tests.mjs --vsix installs
// the packaged .vsix (the production build) with `code-server --install-extension` into a fresh
// extensions folder, and this suite checks that copy (its manifest, its bundles, its media) works:
// activation, the checklist, a snippet on the terminal prompt, the panel, and a probe run against the
// fake Exchange.
//
// The production build has no test hooks (issue 12 item 5), so everything here goes through what a
// person or another extension can reach: the exported API's two figures, vscode.commands, the
// terminals, the editor tabs, settings, and the files the commands write. The password goes into the
// real prompt, typed by the runner in the browser.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, startFakeExchange, type FakeExchange } from '../../fake-exchange/server';
import { activatedPublicApi, EXTENSION_ID } from '../support';
import { COMMAND_IDS } from '../../../src/core/contributions/commands';
import { SNIPPET_STEPS, stepDefinition, stepTitle, type StepId } from '../../../src/core/steps';
import { TERMINAL_NAME } from '../../../src/host/terminal';
import { PROBE_PANEL_VIEW_TYPE } from '../../../src/host/viewTypes';
import type { ProbeRunSummary } from '../../../src/host/probePanel';

/** Names that only the test hooks use (src/host/api.ts TestHooks): none may be in a packaged bundle. */
const HOOK_NAMES = ['verifyStepWithCommand', 'checklistShown', 'checklistMessage'];
const PANEL_TITLE = 'Exchange Probe & Link';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function installedPath(): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return fs.realpathSync(extension.extensionPath);
}

/** Webview tabs of the panel; VS Code prefixes the view type it reports, so the end is compared. */
function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(PROBE_PANEL_VIEW_TYPE));
}

function shellTerminals(): vscode.Terminal[] {
  return vscode.window.terminals.filter((t) => t.name === TERMINAL_NAME && t.exitStatus === undefined);
}

describe('the installed .vsix', function () {
  this.timeout(90_000);
  let fake: FakeExchange;
  let scratch: string;
  const config = () => vscode.workspace.getConfiguration('exchangeSetup');

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ecs-vsix-'));
    fake = await startFakeExchange({ scenario: 'healthy', validateSchemas: false });
    // User settings, as an admin sets them; the runner seeded exchangeSetup.powershellPath = bash.
    await config().update('ewsUrl', fake.url, vscode.ConfigurationTarget.Global);
    await config().update('serviceAccount.upn', FAKE_SERVICE_ACCOUNT, vscode.ConfigurationTarget.Global);
    await config().update('testMailbox', FAKE_TEST_MAILBOX, vscode.ConfigurationTarget.Global);
    await config().update('accessMethod', 'impersonation', vscode.ConfigurationTarget.Global);
    await config().update('tls.extraCaFile', fake.caFile, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const terminal of shellTerminals()) terminal.dispose();
    await fake?.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('is the copy code-server installed from the package, not the development folder', () => {
    const extensionsDir = process.env.ECS_VSIX_EXTENSIONS_DIR;
    const repoRoot = process.env.ECS_REPO_ROOT;
    assert.ok(extensionsDir && repoRoot, 'run through scripts/run-vscode-tests.mjs --vsix');
    const installedAt = installedPath();
    assert.ok(installedAt.startsWith(fs.realpathSync(extensionsDir) + path.sep), `loaded from ${installedAt}, not from ${extensionsDir}`);
    assert.ok(!installedAt.startsWith(fs.realpathSync(repoRoot) + path.sep), 'not the repository');
    // What .vscodeignore keeps out really is out; what the manifest points at really is in.
    for (const absent of ['src', 'test', 'out', 'node_modules', 'tsconfig.json', 'dist/extension.js.map']) {
      assert.equal(fs.existsSync(path.join(installedAt, absent)), false, `${absent} is not in the package`);
    }
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { main: string; icon: string; contributes: { viewsContainers: { activitybar: { icon: string }[] } } };
    for (const present of [manifest.main, manifest.icon, manifest.contributes.viewsContainers.activitybar[0].icon, 'dist/probe-engine.js', 'dist/webview.js', 'media/panel.css', 'docs/probe-report.schema.json']) {
      assert.ok(fs.existsSync(path.join(installedAt, present)), `${present} is in the package`);
    }
  });

  it('activates from its minified bundle, with every command and no test hooks', async () => {
    const api = await activatedPublicApi();
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, `activationMs ${api.activationMs}`);
    assert.ok(Number.isFinite(api.bundleLoadMs) && api.bundleLoadMs! >= 0, `bundleLoadMs ${api.bundleLoadMs}: activate() ran in dist/extension.js`);
    // Other extensions get the figures and nothing that runs a command line or drives the panel.
    assert.deepEqual(Object.keys(api).sort(), ['activationCpuMs', 'activationMs', 'activationPhases', 'bundleLoadMs']);
    assert.ok(Number.isFinite(api.activationCpuMs) && api.activationCpuMs >= 0, `activationCpuMs ${api.activationCpuMs}`);
    assert.ok(Object.isFrozen(api), 'the API object is frozen');
    const installedAt = installedPath();
    for (const bundle of fs.readdirSync(path.join(installedAt, 'dist')).filter((name) => name.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(installedAt, 'dist', bundle), 'utf8');
      for (const name of HOOK_NAMES) assert.ok(!text.includes(name), `dist/${bundle} has no test hook ${name}`);
    }
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = COMMAND_IDS.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'every command of the commands table is registered');
  });

  it('shows the checklist, and its runbook has every step in order', async () => {
    // The focus command exists only when the manifest contributes the view; it rejects otherwise.
    await vscode.commands.executeCommand('exchangeSetup.checklist.focus');
    const target = vscode.Uri.file(path.join(scratch, 'runbook.ps1'));
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('exchangeSetup.exportRunbook', target);
    assert.equal(written?.fsPath, target.fsPath, 'Export Runbook wrote to the file it was given');
    const text = fs.readFileSync(target.fsPath, 'utf8');
    const headings = [...text.matchAll(/^# Step (\d+): (.+) \(([\w.]+)\)$/gm)].map((m) => ({ n: Number(m[1]), title: m[2], id: m[3] as StepId }));
    // The steps with a snippet, in the checklist's order, without the access method not chosen.
    const expected = SNIPPET_STEPS.filter((id) => stepDefinition(id).method !== 'delegate');
    assert.deepEqual(headings.map((h) => h.id), expected);
    assert.deepEqual(headings.map((h) => h.n), expected.map((_, i) => i + 1));
    for (const h of headings) assert.equal(h.title, stepTitle(h.id, { serviceAccount: { existing: false } }), `title of ${h.id}`);
    assert.match(text, new RegExp(`^\\$EwsUrl = '${fake.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'$`, 'm'), 'the runbook carries the EWS URL from the settings');
    assert.ok(vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputText && t.input.uri.fsPath === target.fsPath), 'the runbook is open in an editor');
  });

  it('inserts a step snippet on the terminal prompt without running it', async () => {
    await vscode.commands.executeCommand('exchangeSetup.showTerminal');
    await waitFor(() => shellTerminals().length > 0, `a terminal named "${TERMINAL_NAME}"`);
    assert.equal(shellTerminals().length, 1, `one "${TERMINAL_NAME}" terminal`);
    const terminal = shellTerminals()[0];
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(path.basename(options.shellPath ?? ''), 'bash', `started with exchangeSetup.powershellPath (bash here): ${options.shellPath}`);
    await waitFor(() => terminal.shellIntegration !== undefined, 'shell integration in the terminal', 30_000);
    // bash stands in for PowerShell: a readline key binding writes the pending line to a file, unrun.
    const lineFile = path.join(scratch, 'pending-line.txt');
    const binding = terminal.shellIntegration!.executeCommand(`bind -x '"\\C-xp": printf "%s" "$READLINE_LINE" > ${lineFile}'`);
    for await (const chunk of binding.read()) void chunk;
    await vscode.commands.executeCommand('exchangeSetup.insertSnippet', 'basicAuth.verify');
    assert.equal(shellTerminals().length, 1, 'the snippet went to the same terminal');
    terminal.sendText('\x18p', false);
    await waitFor(() => fs.existsSync(lineFile) && fs.statSync(lineFile).size > 0, 'the pending line was written out', 15_000);
    terminal.sendText('\x15', false);
    const pending = fs.readFileSync(lineFile, 'utf8');
    terminal.dispose();
    assert.match(pending, /^Write-Output \('ECS-BEGIN ' \+ 'basicAuth\.verify'\)/, `pending line: ${pending.slice(0, 120)}`);
    assert.match(pending, /Get-WebServicesVirtualDirectory/);
  });

  describe('the Probe & Link panel against the fake Exchange', () => {
    before(async () => {
      // The installed extension has its own `vscode` object, so its prompt cannot be stubbed from here:
      // scripts/run-vscode-tests.mjs --vsix types the password into the real prompt in the browser.
      await vscode.commands.executeCommand('exchangeSetup.setPassword');
    });

    it('opens the panel', async () => {
      assert.equal(panelTabs().length, 0, 'no panel before the command');
      await vscode.commands.executeCommand('exchangeSetup.openProbePanel');
      await waitFor(() => panelTabs().length > 0, 'the panel tab', 5000);
      const tabs = panelTabs();
      assert.equal(tabs.length, 1);
      assert.equal(tabs[0].label, PANEL_TITLE);
      assert.ok(tabs[0].isActive, 'the panel is the active tab');
      await vscode.commands.executeCommand('exchangeSetup.openProbePanel');
      assert.equal(panelTabs().length, 1, 'opening it again reuses the one panel');
    });

    it('runs the probes with the packaged probe engine, and they pass', async () => {
      const summary = await vscode.commands.executeCommand<ProbeRunSummary | undefined>('exchangeSetup.runProbes');
      assert.ok(summary, 'the run returned a summary');
      const status = Object.fromEntries(summary.checks.map((c) => [c.id, c.status]));
      for (const id of ['auth.login', 'access.impersonation', 'calendar.read']) assert.equal(status[id], 'pass', `${id}: ${JSON.stringify(summary.checks)}`);
      const installedAt = installedPath();
      const engines = Object.keys(require.cache).filter((p) => p.endsWith('probe-engine.js'));
      assert.ok(engines.length > 0 && engines.every((p) => p.startsWith(installedAt)), `probe engine loaded from ${engines.join(', ')}`);

      // The report of that run, as the admin exports it: the same verdicts, the installed version, no password.
      const target = vscode.Uri.file(path.join(scratch, 'report.md'));
      const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('exchangeSetup.exportProbeReport', target);
      assert.equal(written?.fsPath, target.fsPath, 'Export Probe Report wrote to the file it was given');
      const json = fs.readFileSync(path.join(scratch, 'report.json'), 'utf8');
      const report = JSON.parse(json) as { toolVersion: string; configuration: { upn: string }; checks: { id: string; status: string }[] };
      assert.deepEqual(Object.fromEntries(report.checks.map((c) => [c.id, c.status])), status);
      assert.equal(report.configuration.upn, FAKE_SERVICE_ACCOUNT);
      assert.equal(report.toolVersion, String((vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { version: string }).version));
      for (const text of [json, fs.readFileSync(target.fsPath, 'utf8')]) assert.ok(!text.includes(FAKE_PASSWORD), 'no password in the report');
    });
  });
});
