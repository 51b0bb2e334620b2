/* global describe, it, before, after */
// Browser-level test of the Probe & Link panel: real VS Code (code-server) in headless Debian
// chromium, the extension loaded as a development extension, and the fake Exchange server in this
// process. It opens the panel from the command palette, clicks "Run probes" inside the webview's
// nested iframes, answers the real password prompt, reads the rendered rows and saves a screenshot
// to test-results/probe-panel.png.
//
//   node scripts/build.mjs && npx mocha test/ui/panel.test.mjs --timeout 180000
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { makeTempDir, makeWorkspace, repoRoot, seedUserSettings } from '../../scripts/lib/vscode-test-env.mjs';

const require = createRequire(import.meta.url);
const cacheDir = process.env.ECS_CACHE_DIR ?? join(homedir(), '.cache', 'exchange-calendar-setup');
const codeServerBin = join(cacheDir, 'code-server-4.100.3', 'node_modules', '.bin', 'code-server');
const chromiumPath = process.env.ECS_CHROMIUM ?? '/usr/bin/chromium';
const resultsDir = join(repoRoot, 'test-results');
const chromiumFlags = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function isHealthy(port) {
  return new Promise((resolveHealth) => {
    const request = httpGet({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (response) => {
      response.resume();
      resolveHealth(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolveHealth(false));
  });
}

/** Stops code-server and everything it started (extension host, terminals): its whole process group. */
async function stopGroup(child) {
  if (!child?.pid) return;
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
      return true;
    } catch {
      return false;
    }
  };
  if (!signal('SIGTERM')) return;
  for (let waited = 0; waited < 3000 && signal(0); waited += 100) await delay(100);
  signal('SIGKILL');
}

describe('probe & link panel in the browser', function () {
  this.timeout(180_000);
  const state = { fake: undefined, codeServer: undefined, browser: undefined, dirs: [] };
  let page;
  let port;

  before(async function () {
    for (const [what, file] of [['code-server', codeServerBin], ['chromium', chromiumPath], ['the build', join(repoRoot, 'dist', 'webview.js')], ['the fake server build', join(repoRoot, 'out', 'test', 'fake-exchange', 'server.js')]]) {
      assert.ok(existsSync(file), `${what} is missing at ${file}`);
    }
    const fakeModule = require(join(repoRoot, 'out', 'test', 'fake-exchange', 'server.js'));
    state.fake = await fakeModule.startFakeExchange({ scenario: 'healthy', validateSchemas: false });
    this.password = fakeModule.FAKE_PASSWORD;

    const runDir = makeTempDir('ui-run');
    const workspace = makeWorkspace();
    state.dirs.push(runDir, workspace);
    const userDataDir = join(runDir, 'user-data');
    seedUserSettings(userDataDir);
    const settingsFile = join(userDataDir, 'User', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    Object.assign(settings, {
      'exchangeSetup.ewsUrl': state.fake.url,
      'exchangeSetup.serviceAccount.upn': fakeModule.FAKE_SERVICE_ACCOUNT,
      'exchangeSetup.testMailbox': fakeModule.FAKE_TEST_MAILBOX,
      'exchangeSetup.accessMethod': 'impersonation',
      'exchangeSetup.tls.extraCaFile': state.fake.caFile,
    });
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2));

    port = await freePort();
    const logFd = openSync(join(runDir, 'code-server.log'), 'a');
    state.codeServer = spawn(process.execPath, [
      codeServerBin, '--config', '/dev/null', '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
      '--user-data-dir', userDataDir, '--extensions-dir', join(runDir, 'extensions'), workspace,
    ], { detached: true, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    const deadline = Date.now() + 30_000;
    while (!(await isHealthy(port))) {
      assert.ok(Date.now() < deadline, 'code-server answered /healthz within 30 s');
      assert.equal(state.codeServer.exitCode, null, 'code-server is still running');
      await delay(200);
    }

    state.browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
    page = await state.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const authority = `127.0.0.1:${port}`;
    const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${repoRoot}`], ['skipWelcome', 'true']];
    await page.goto(`http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
  });

  after(async () => {
    if (state.browser) await state.browser.close().catch(() => undefined);
    await stopGroup(state.codeServer);
    await state.fake?.stop();
    for (const dir of state.dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a command from the palette; retries while the extension's contributions are still loading. */
  async function runCommand(title) {
    const palette = page.locator('.quick-input-widget input');
    for (let attempt = 0; attempt < 20; attempt++) {
      await page.keyboard.press('F1');
      await palette.waitFor({ timeout: 5000 });
      await palette.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^.*: /, '') });
      if (await row.first().isVisible({ timeout: 1000 }).catch(() => false)) {
        await page.keyboard.press('Enter');
        return;
      }
      await page.keyboard.press('Escape');
      await delay(500);
    }
    assert.fail(`the command "${title}" never appeared in the palette`);
  }

  it('runs the probes from the panel and shows one row per check', async function () {
    // Open the panel from the command palette, as an admin would.
    const tab = page.locator('.tab', { hasText: 'Exchange Probe & Link' });
    for (let attempt = 0; attempt < 3 && !(await tab.isVisible()); attempt++) {
      await runCommand('Exchange Setup: Open Probe & Link Panel');
      await tab.waitFor({ timeout: 10_000 }).catch(() => undefined);
    }

    const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const run = webview.getByRole('button', { name: 'Run probes' });
    // The page loads its script and says ready before the host fills it; slow on a busy machine.
    await run.waitFor({ timeout: 60_000 }).catch(async (error) => {
      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: join(resultsDir, 'probe-panel-open-failure.png') });
      throw error;
    });
    // The form was filled from the settings through the ready handshake.
    await assert.doesNotReject(() => webview.locator('#ews-url').evaluate((input, expected) => {
      if (input.value !== expected) throw new Error(`EWS URL field holds ${input.value}`);
    }, state.fake.url));
    await run.click();

    // No password is stored yet: the real VS Code password box asks for it.
    const passwordBox = page.locator('.quick-input-widget input[type="password"]');
    await passwordBox.waitFor({ timeout: 15_000 });
    await passwordBox.fill(this.password);
    await page.keyboard.press('Enter');

    const summary = webview.locator('.summary');
    await webview.locator('.summary[class*="outcome-"]').waitFor({ timeout: 60_000 }).catch(async (error) => {
      await page.screenshot({ path: join(resultsDir, 'probe-panel-run-failure.png') });
      throw error;
    });
    assert.match(await summary.getAttribute('class'), /outcome-(passed|failed)/, await summary.textContent());
    const rows = webview.locator('#checks > li');
    const texts = await rows.evaluateAll((items) => items.map((li) => ({
      id: li.getAttribute('data-check'),
      status: [...li.classList].find((c) => c.startsWith('status-')),
      name: li.querySelector('.name')?.textContent,
      message: li.querySelector('.message')?.textContent,
    })));
    mkdirSync(resultsDir, { recursive: true });
    await rows.nth(Math.min(6, texts.length - 1)).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(resultsDir, 'probe-panel.png') });

    const byId = Object.fromEntries(texts.map((t) => [t.id, t]));
    assert.ok(texts.length >= 12, `rows: ${JSON.stringify(texts)}`);
    assert.equal(byId['auth.login']?.status, 'status-pass', JSON.stringify(byId['auth.login']));
    assert.equal(byId['auth.login']?.name, 'Service account logs on');
    assert.equal(byId['access.impersonation']?.status, 'status-pass');
    assert.equal(byId['calendar.read']?.status, 'status-pass');
    assert.match(await summary.textContent(), /passed|failed/i);
    const pageText = await webview.locator('body').textContent();
    assert.ok(!pageText.includes(this.password), 'the password is never shown in the panel');
  });

  it('verifies a pasted list of enrolled users with counts and reasons', async () => {
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await webview.locator('#mailbox-list').fill('user0001@contoso.com\nuser0002@contoso.com\nnobody@contoso.com\nnot an address');
    await webview.getByRole('button', { name: 'Verify pasted list' }).click();
    const counts = webview.locator('.progress-text', { hasText: 'reachable' });
    await counts.waitFor({ timeout: 30_000 });
    assert.equal(await counts.textContent(), '2 of 3 mailboxes reachable; 1 failed.');
    const failures = await webview.locator('.failures li').allTextContents();
    assert.equal(failures.length, 2, JSON.stringify(failures));
    assert.match(failures[0], /Line 4: not an address/);
    assert.match(failures[1], /^nobody@contoso\.com: .+/);
  });

  it('is restored after the window reloads, filled from the settings', async () => {
    // Reload the way an admin does, so the workbench saves its editors first (a bare page reload may not).
    await runCommand('Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 30_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await webview.getByRole('button', { name: 'Run probes' }).waitFor({ timeout: 30_000 }).catch(async (error) => {
      await page.screenshot({ path: join(resultsDir, 'probe-panel-restore-failure.png') });
      throw error;
    });
    const url = await webview.locator('#ews-url').inputValue();
    assert.equal(url, state.fake.url);
    assert.match(await webview.locator('#password-status').textContent(), /stored/);
  });
});
