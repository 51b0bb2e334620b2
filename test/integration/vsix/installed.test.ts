// The smoke suite against the extension as users get it: scripts/run-vscode-tests.mjs --vsix installs
// the packaged .vsix with `code-server --install-extension` into a fresh extensions folder, and this
// suite checks that copy (its manifest, its bundles, its media) works: activation, the checklist, a
// snippet on the terminal prompt, the panel, and a probe run against the fake Exchange.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, startFakeExchange, type FakeExchange } from '../../fake-exchange/server';
import { activatedApi, EXTENSION_ID } from '../support';
import { CURRENT_PROGRESS_VERSION } from '../../../src/core/model';
import type { ProbeRunSummary } from '../../../src/host/probePanel';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('exchangeSetup.probePanel'));
}

describe('the installed .vsix', function () {
  this.timeout(90_000);

  it('is the copy code-server installed from the package, not the development folder', () => {
    const extensionsDir = process.env.ECS_VSIX_EXTENSIONS_DIR;
    const repoRoot = process.env.ECS_REPO_ROOT;
    assert.ok(extensionsDir && repoRoot, 'run through scripts/run-vscode-tests.mjs --vsix');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    const installedAt = fs.realpathSync(extension.extensionPath);
    assert.ok(installedAt.startsWith(fs.realpathSync(extensionsDir) + path.sep), `loaded from ${installedAt}, not from ${extensionsDir}`);
    assert.ok(!installedAt.startsWith(fs.realpathSync(repoRoot) + path.sep), 'not the repository');
    // What .vscodeignore keeps out really is out; what the manifest points at really is in.
    for (const absent of ['src', 'test', 'out', 'node_modules', 'tsconfig.json', 'dist/extension.js.map']) {
      assert.equal(fs.existsSync(path.join(installedAt, absent)), false, `${absent} is not in the package`);
    }
    const manifest = extension.packageJSON as { main: string; icon: string; contributes: { viewsContainers: { activitybar: { icon: string }[] } } };
    for (const present of [manifest.main, manifest.icon, manifest.contributes.viewsContainers.activitybar[0].icon, 'dist/probe-engine.js', 'dist/webview.js', 'media/panel.css']) {
      assert.ok(fs.existsSync(path.join(installedAt, present)), `${present} is in the package`);
    }
  });

  it('activates, from its minified bundle', async () => {
    const api = await activatedApi();
    assert.ok(Number.isFinite(api.activationMs), `activationMs ${api.activationMs}`);
    assert.equal(typeof api.bundleLoadMs, 'number', 'activate() ran in dist/extension.js');
    const registered = await vscode.commands.getCommands(true);
    for (const command of ['exchangeSetup.configure', 'exchangeSetup.insertSnippet', 'exchangeSetup.openProbePanel', 'exchangeSetup.runProbes']) {
      assert.ok(registered.includes(command), `${command} is registered`);
    }
  });

  it('shows the checklist with its steps', async () => {
    const api = await activatedApi();
    api.session.model.load({ version: CURRENT_PROGRESS_VERSION, steps: {} }, 'impersonation');
    await vscode.commands.executeCommand('exchangeSetup.checklist.focus');
    const roots = api.checklist.getChildren();
    assert.deepEqual(roots.map((r) => r.id), ['prerequisites', 'basicAuth.verify', 'basicAuth.enable', 'serviceAccount.create', 'serviceAccount.protocols', 'access', 'link', 'test']);
    assert.equal(api.checklist.getChildren(roots[0]).length, 4, 'the prerequisites have their four checks');
    assert.match(String(api.checklist.getTreeItem(roots[1]).label), /\S/);
  });

  it('inserts a step snippet on the terminal prompt without running it', async () => {
    const api = await activatedApi();
    await vscode.commands.executeCommand('exchangeSetup.showTerminal');
    const terminal = api.terminal.get();
    await waitFor(() => terminal.shellIntegration !== undefined, 'shell integration in the terminal', 30_000);
    // bash stands in for PowerShell: a readline key binding writes the pending line to a file, unrun.
    const lineFile = path.join(os.tmpdir(), `ecs-vsix-pending-line-${process.pid}.txt`);
    fs.rmSync(lineFile, { force: true });
    const binding = terminal.shellIntegration!.executeCommand(`bind -x '"\\C-xp": printf "%s" "$READLINE_LINE" > ${lineFile}'`);
    for await (const chunk of binding.read()) void chunk;
    await vscode.commands.executeCommand('exchangeSetup.insertSnippet', 'basicAuth.verify');
    terminal.sendText('\x18p', false);
    await waitFor(() => fs.existsSync(lineFile) && fs.statSync(lineFile).size > 0, 'the pending line was written out', 15_000);
    terminal.sendText('\x15', false);
    const pending = fs.readFileSync(lineFile, 'utf8');
    fs.rmSync(lineFile, { force: true });
    terminal.dispose();
    assert.match(pending, /^Write-Output \('ECS-BEGIN ' \+ 'basicAuth\.verify'\)/, `pending line: ${pending.slice(0, 120)}`);
    assert.match(pending, /Get-WebServicesVirtualDirectory/);
  });

  describe('the Probe & Link panel against the fake Exchange', () => {
    let fake: FakeExchange;
    const config = () => vscode.workspace.getConfiguration('exchangeSetup');

    before(async () => {
      await activatedApi();
      fake = await startFakeExchange({ scenario: 'healthy', validateSchemas: false });
      await config().update('ewsUrl', fake.url, vscode.ConfigurationTarget.Global);
      await config().update('serviceAccount.upn', FAKE_SERVICE_ACCOUNT, vscode.ConfigurationTarget.Global);
      await config().update('testMailbox', FAKE_TEST_MAILBOX, vscode.ConfigurationTarget.Global);
      await config().update('accessMethod', 'impersonation', vscode.ConfigurationTarget.Global);
      await config().update('tls.extraCaFile', fake.caFile, vscode.ConfigurationTarget.Global);
      // The installed extension has its own `vscode` object, so its prompt cannot be stubbed from here:
      // scripts/run-vscode-tests.mjs --vsix types the password into the real prompt in the browser.
      await vscode.commands.executeCommand('exchangeSetup.setPassword');
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await fake?.stop();
    });

    it('opens the panel', async () => {
      await vscode.commands.executeCommand('exchangeSetup.openProbePanel');
      await waitFor(() => panelTabs().length > 0, 'the panel tab', 5000);
      assert.equal(panelTabs().length, 1);
    });

    it('runs the probes with the packaged probe engine, and they pass', async () => {
      const api = await activatedApi();
      const summary = await vscode.commands.executeCommand<ProbeRunSummary | undefined>('exchangeSetup.runProbes');
      assert.ok(summary, 'the run returned a summary');
      const status = Object.fromEntries(summary.checks.map((c) => [c.id, c.status]));
      for (const id of ['auth.login', 'access.impersonation', 'calendar.read']) assert.equal(status[id], 'pass', `${id}: ${JSON.stringify(summary.checks)}`);
      assert.equal(api.session.model.statusOf('access.impersonation'), 'done');
      const installedAt = fs.realpathSync(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath);
      const engines = Object.keys(require.cache).filter((p) => p.endsWith('probe-engine.js'));
      assert.ok(engines.length > 0 && engines.every((p) => p.startsWith(installedAt)), `probe engine loaded from ${engines.join(', ')}`);
    });
  });
});
