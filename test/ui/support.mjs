// @ts-check
// Shared by the browser-level tests: real VS Code (code-server) in headless Debian chromium with the
// extension loaded as a development extension, plus the small UI moves every test needs (the command
// palette, the panel's nested webview frames, the terminal's text, the extension's log file).
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import {
  chromiumFlags, chromiumPath, codeServerBin, freePort, startCodeServer, stopProcessGroup, workbenchUrl,
} from '../../scripts/lib/code-server.mjs';
import { logFilesUnder, makeTempDir, makeWorkspace, repoRoot, seedUserSettings, writeSettings } from '../../scripts/lib/vscode-test-env.mjs';

const require = createRequire(import.meta.url);

export { repoRoot };
export const resultsRoot = join(repoRoot, 'test-results');

/** Fails early, with what is missing, instead of timing out somewhere in the browser. */
export function assertHarnessPresent() {
  const needed = [
    ['code-server', codeServerBin],
    ['chromium', chromiumPath],
    ['the build', join(repoRoot, 'dist', 'webview.js')],
    ['the fake server build', join(repoRoot, 'out', 'test', 'fake-exchange', 'server.js')],
  ];
  for (const [what, file] of needed) assert.ok(existsSync(file), `${what} is missing at ${file}`);
}

/** The compiled fake Exchange module (startFakeExchange, FAKE_PASSWORD, ...). */
export function loadFakeExchange() {
  return require(join(repoRoot, 'out', 'test', 'fake-exchange', 'server.js'));
}

/** A compiled module of the product, e.g. `src/core/snippets/index` (tests compute what the UI must show). */
export function loadCompiled(modulePath) {
  return require(join(repoRoot, 'out', `${modulePath}.js`));
}

/**
 * Starts code-server with the given user settings (on top of the harness's base settings; of the
 * extension's own settings only those given and the terminal's shell), opens the
 * workbench in chromium and waits for it. The returned session's `close()` always stops the browser,
 * the whole code-server process group and removes the temp folders, also after a failed start.
 */
/**
 * @typedef {object} WorkbenchSession
 * @property {string} runDir
 * @property {string} workspace
 * @property {string} userDataDir
 * @property {import('node:child_process').ChildProcess | undefined} codeServer
 * @property {import('playwright-core').Browser | undefined} browser
 * @property {import('playwright-core').Page} page set once the workbench is open (openWorkbench returns only then)
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ label: string, userSettings?: Record<string, unknown>, viewport?: { width: number, height: number } }} options
 * @returns {Promise<WorkbenchSession>}
 */
export async function openWorkbench({ label, userSettings = {}, viewport = { width: 1280, height: 900 } }) {
  const runDir = makeTempDir(label);
  const workspace = makeWorkspace();
  // A new admin's own folder: the integration suites' hostile workspace settings (a cloned repository
  // steering snippets) are theirs to test; here they would change every snippet the journey reads.
  writeFileSync(join(workspace, '.vscode', 'settings.json'), '{}\n');
  const userDataDir = join(runDir, 'user-data');
  // The DOM renderer keeps the terminal's text readable from the page (WebGL draws it on a canvas).
  seedUserSettings(userDataDir, { 'terminal.integrated.gpuAcceleration': 'off', ...userSettings });
  keepOnlyGivenExchangeSettings(userDataDir, Object.keys(userSettings));
  /** @type {WorkbenchSession} */
  const session = {
    runDir, workspace, userDataDir, codeServer: undefined, browser: undefined,
    page: /** @type {import('playwright-core').Page} */ (/** @type {unknown} */ (undefined)),
    close: async () => undefined,
  };
  session.close = async () => {
    if (session.browser) await session.browser.close().catch(() => undefined);
    await stopProcessGroup(session.codeServer);
    for (const dir of [runDir, workspace]) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    await startCodeServer({
      port, userDataDir, extensionsDir: join(runDir, 'extensions'), workspace, env: {},
      logFile: join(runDir, 'code-server.log'), onStart: (child) => { session.codeServer = child; },
    });
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
    session.browser = browser;
    session.page = await browser.newPage({ viewport });
    await session.page.goto(workbenchUrl(port, workspace, { extensionDir: repoRoot }));
    await session.page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
  } catch (error) {
    await session.close();
    throw error;
  }
  return session;
}

/**
 * Drops the organisation's settings the harness seeds for the integration suite, so the extension sees
 * only the `exchangeSetup.*` settings a UI test gives (none: as a new admin finds it). Kept besides `keep`:
 * the terminal's shell (bash stands in for PowerShell). Those
 * are machine-scoped, and in code-server's remote window VS Code reads machine-scoped values from the
 * remote side's `Machine/settings.json` (a value only in `User/settings.json` is reported as "cannot be
 * applied in this window"), so they are written there too.
 */
function keepOnlyGivenExchangeSettings(userDataDir, keep) {
  const file = join(userDataDir, 'User', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8'));
  const machine = {};
  for (const key of Object.keys(settings)) {
    if (!key.startsWith('exchangeSetup.')) continue;
    if (key === 'exchangeSetup.powershellPath' || keep.includes(key)) machine[key] = settings[key];
    delete settings[key];
  }
  writeSettings(userDataDir, { ...settings, ...machine });
}

/**
 * Runs a command from the palette; retries while the extension's contributions are still loading, and
 * when the palette closes before it is typed in (a webview that takes the focus back, as the walkthrough's
 * page can just after it opens: seen once in a clean-clone run, where fill() then waited 30 s in vain).
 */
export async function runCommand(page, title) {
  const palette = page.locator('.quick-input-widget input');
  for (let attempt = 0; attempt < 20; attempt++) {
    await page.keyboard.press('F1');
    const typed = await palette.waitFor({ state: 'visible', timeout: 5000 })
      .then(() => palette.fill(`>${title}`, { timeout: 5000 }))
      .then(() => true, () => false);
    if (!typed) {
      await page.keyboard.press('Escape');
      await delay(500);
      continue;
    }
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

/** The Probe & Link panel's content: inside the webview's outer iframe, then its active frame. */
export function probePanel(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** Opens the Probe & Link panel from the palette (bounded retries) and waits until its form is filled. */
export async function openProbePanel(page) {
  const tab = page.locator('.tab', { hasText: 'Exchange Probe & Link' });
  for (let attempt = 0; attempt < 3 && !(await tab.isVisible()); attempt++) {
    await runCommand(page, 'Exchange Setup: Open Probe & Link Panel');
    await tab.waitFor({ timeout: 10_000 }).catch(() => undefined);
  }
  const panel = probePanel(page);
  // The page loads its script and says ready before the host fills it; slow on a busy machine. The
  // controls that send the form are enabled once the host has filled it (Save is disabled for no other
  // reason): typing before that would be overwritten.
  await panel.getByRole('button', { name: 'Run probes' }).waitFor({ timeout: 60_000 });
  const save = panel.getByRole('button', { name: 'Save to settings' });
  const deadline = Date.now() + 60_000;
  while (!(await save.isEnabled())) {
    if (Date.now() > deadline) throw new Error('the Probe & Link panel was not filled by the host within 60 s (Save to settings stayed disabled)');
    await page.waitForTimeout(100);
  }
  return panel;
}

/** The probe rows as plain data: id, status class, name and message. */
export function readCheckRows(panel) {
  return panel.locator('#checks > li').evaluateAll((items) => items.map((li) => ({
    id: li.getAttribute('data-check'),
    status: [...li.classList].find((c) => c.startsWith('status-'))?.slice('status-'.length),
    name: li.querySelector('.name')?.textContent,
    message: li.querySelector('.message')?.textContent,
  })));
}

/**
 * Everything the visible terminal shows, one string per screen row (xterm's DOM renderer). Non-breaking
 * spaces become spaces; callers that look for a long line should compare without whitespace, since a
 * line wider than the terminal is broken across rows.
 */
export async function terminalRows(page) {
  return page.locator('.terminal-wrapper.active .xterm-rows > div, .terminal .xterm-rows > div')
    .evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ')));
}

/** Waits until the terminal shows `text` (whitespace ignored, so wrapped lines match). */
export async function waitForTerminalText(page, text, timeoutMs = 30_000) {
  const wanted = text.replace(/\s+/g, '');
  const deadline = Date.now() + timeoutMs;
  let shown = '';
  while (Date.now() < deadline) {
    shown = (await terminalRows(page)).join('');
    if (shown.replace(/\s+/g, '').includes(wanted)) return shown;
    await delay(250);
  }
  assert.fail(`the terminal never showed:\n  ${text}\nit shows:\n  ${shown.trim()}`);
}

/** The files the extension's "Exchange Setup" log channel wrote under the user-data-dir's logs folder. */
export function extensionLogFiles(userDataDir) {
  return logFilesUnder(userDataDir, /Exchange Setup\.log$/);
}

/** Waits until the extension's log has a line matching `pattern` (e.g. its activation), and returns the log. */
export async function waitForExtensionLog(userDataDir, pattern, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = extensionLogFiles(userDataDir).map((file) => readFileSync(file, 'utf8')).join('\n');
    if (pattern.test(text)) return text;
    await delay(250);
  }
  assert.fail(`the extension's log never matched ${pattern}; it holds:\n${text}`);
}

/** Saves the page's HTML, a screenshot and the extension's log as `<name>-*` in `dir` (for a failed step). */
export async function saveFailureArtifacts(session, dir, name) {
  mkdirSync(dir, { recursive: true });
  const saved = [];
  if (session.page) {
    await session.page.screenshot({ path: join(dir, `${name}-failure.png`) }).then(() => saved.push(`${name}-failure.png`), () => undefined);
    const html = await session.page.content().catch(() => undefined);
    if (html !== undefined) {
      writeFileSync(join(dir, `${name}-page.html`), html);
      saved.push(`${name}-page.html`);
    }
  }
  const logs = extensionLogFiles(session.userDataDir).map((file) => `== ${file}\n${readFileSync(file, 'utf8')}`);
  writeFileSync(join(dir, `${name}-extension.log`), logs.length > 0 ? logs.join('\n') : '(no "Exchange Setup" log file was found)\n');
  saved.push(`${name}-extension.log`);
  const codeServerLog = join(session.runDir, 'code-server.log');
  if (existsSync(codeServerLog)) {
    writeFileSync(join(dir, `${name}-code-server.log`), readFileSync(codeServerLog));
    saved.push(`${name}-code-server.log`);
  }
  return saved;
}
