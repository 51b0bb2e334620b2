#!/usr/bin/env node
// Runs the integration suite in real VS Code with no internet: code-server 4.100.3 (VS Code
// 1.100.3 with its real Node extension host) opened by headless Debian chromium. The suite
// reports through ECS_TEST_RESULT; the extension host's exit code is not trusted.
//
//   node scripts/run-vscode-tests.mjs [--extension DIR] [--tests MODULE] [--result-out FILE]
//
// --extension   extension development folder (default: the repository)
// --tests       tests module without .js (default: <repo>/out/test/integration/index)
// --result-out  where to write {passed, failed, failures} for scripts/test-all.mjs
// --vsix FILE   installs FILE into a fresh extensions folder (code-server --install-extension) and
//               runs test/integration/vsix/ against that installed copy: the development folder
//               is then an empty harness extension, so nothing of the repository's dist/ is loaded.
// --grep        run only the tests whose full title contains this text (ECS_TEST_GREP in the host)
// Environment: ECS_CACHE_DIR, ECS_CHROMIUM, ECS_INTEGRATION_TIMEOUT_S (default 300),
// ECS_KEEP_TEMP=1 keeps the temp folders for a look afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, closeSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import {
  logFilesUnder, makeTempDir, makeWorkspace, readSuiteResult, repoRoot, seedUserSettings, suiteEnvironment, suiteLogFile,
} from './lib/vscode-test-env.mjs';
import {
  HarnessError, chromiumFlags, chromiumPath, codeServerBin, freePort, startCodeServer, stopProcessGroup, workbenchUrl,
} from './lib/code-server.mjs';

const timeoutMs = Number(process.env.ECS_INTEGRATION_TIMEOUT_S ?? '300') * 1000;
const keepTemp = process.env.ECS_KEEP_TEMP === '1';
const resultsDir = join(repoRoot, 'test-results');

const { values: options } = parseArgs({
  options: {
    extension: { type: 'string', default: repoRoot },
    tests: { type: 'string' },
    'result-out': { type: 'string' },
    // Runs test/integration/restricted/ in a folder that is not trusted (restricted mode).
    restricted: { type: 'boolean', default: false },
    vsix: { type: 'string' },
    grep: { type: 'string' },
  },
});
let extensionDir = resolve(options.extension);
const testsModule = resolve(options.tests ?? join(repoRoot, 'out', 'test', 'integration', 'index'));

/** Everything started here, so teardown can stop it whatever state the run reached. */
const started = { codeServer: undefined, browser: undefined, tempDirs: [] };
/** One teardown shared by every caller (normal end, error, signal), each awaiting it whole. */
let teardownDone;
let interrupted = false;

function log(message) {
  console.log(`[vscode-tests] ${message}`);
}

function lastLines(file, count) {
  if (!existsSync(file)) return `(no ${file})`;
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

/** Extension-host logs live deep under the user data dir; their tails explain most failures. */
const extensionHostLogs = (userDataDir) => logFilesUnder(userDataDir, /exthost\d*\.log$/i);

function extensionHostExited(codeServerLog) {
  return existsSync(codeServerLog) && readFileSync(codeServerLog, 'utf8').includes('Extension Host Process exited');
}

/** Prints what the suite appended to its log since the last call. */
class LogFollower {
  offset = 0;
  constructor(file) { this.file = file; }
  flush() {
    if (!existsSync(this.file)) return;
    const size = statSync(this.file).size;
    if (size <= this.offset) return;
    const fd = openSync(this.file, 'r');
    try {
      const chunk = Buffer.alloc(size - this.offset);
      readSync(fd, chunk, 0, chunk.length, this.offset);
      this.offset = size;
      process.stdout.write(chunk.toString('utf8'));
    } finally {
      closeSync(fd);
    }
  }
}

function teardown() {
  teardownDone ??= stopEverything();
  return teardownDone;
}

async function stopEverything() {
  const browser = started.browser;
  if (browser) await Promise.race([browser.close().catch(() => undefined), delay(5000)]);
  await stopProcessGroup(started.codeServer);
  if (!keepTemp) for (const dir of started.tempDirs) rmSync(dir, { recursive: true, force: true });
  else log(`kept temp folders: ${started.tempDirs.join(' ')}`);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping chromium and code-server`);
    void teardown().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
  });
}

/** Runs the suite once; returns the suite's verdict or throws a HarnessError. */
async function runSuite(context) {
  const { runDir, userDataDir, workspace, resultFile, codeServerLog, browserLog } = context;
  if (!existsSync(`${testsModule}.js`)) {
    throw new HarnessError(`tests module ${testsModule}.js is missing; build first (node scripts/build.mjs)`);
  }
  if (!existsSync(join(extensionDir, 'package.json'))) {
    throw new HarnessError(`${extensionDir} has no package.json`);
  }
  if (!existsSync(chromiumPath)) {
    throw new HarnessError(`chromium is not installed at ${chromiumPath}; run .ci/install-system.sh`);
  }

  const port = await freePort();
  const extensionsDir = join(runDir, 'extensions');
  const env = { ...suiteEnvironment({ resultFile, workspace, host: 'code-server' }), ECS_SUITE: options.restricted ? 'restricted' : 'suite', ...(options.grep ? { ECS_TEST_GREP: options.grep } : {}) };
  if (options.vsix) {
    installVsix(resolve(options.vsix), userDataDir, extensionsDir);
    extensionDir = makeHarnessExtension(runDir);
    Object.assign(env, { ECS_SUITE: 'vsix', ECS_VSIX_EXTENSIONS_DIR: extensionsDir, ECS_REPO_ROOT: repoRoot });
  }
  let phase = Date.now();
  await startCodeServer({
    port, userDataDir, extensionsDir, workspace, env, logFile: codeServerLog,
    onStart: (child) => { started.codeServer = child; }, workspaceTrust: options.restricted,
  });
  log(`code-server ready on 127.0.0.1:${port} (${Date.now() - phase} ms)`);

  phase = Date.now();
  started.browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumFlags,
    // Our own handlers tear everything down; playwright's would race them.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  const page = await started.browser.newPage({ viewport: { width: 1280, height: 800 } });
  context.page = page;
  const browserLines = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') browserLines.push(`[${message.type()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => browserLines.push(`[pageerror] ${error.message}`));
  context.writeBrowserLog = () => writeFileSync(browserLog, browserLines.join('\n'));

  // The workbench calls this when the extension host's test run ends; it tells a suite that
  // never wrote its result (for example one that failed to load) from a slow one.
  let workbenchExitCode;
  await page.exposeFunction('codeAutomationExit', (code) => { workbenchExitCode = code; });
  await page.goto(workbenchUrl(port, workspace, { extensionDir, testsModule }), { waitUntil: 'domcontentloaded' });
  log(`chromium opened the workbench (${Date.now() - phase} ms); waiting for the suite`);
  if (options.vsix) void answerPasswordPrompt(page);

  const follower = new LogFollower(suiteLogFile(resultFile));
  const deadline = Date.now() + timeoutMs;
  let exitSeenAt;
  for (;;) {
    follower.flush();
    const result = readSuiteResult(resultFile);
    if (result) {
      follower.flush(); // the lines written between the last flush and the result
      return result;
    }
    if (started.codeServer.exitCode !== null) throw new HarnessError(`code-server exited (code ${started.codeServer.exitCode}) before the suite reported`);
    // Either signal means no result is coming: the workbench's exit hook, or (when the host
    // crashed rather than finished) code-server logging that the extension host process ended.
    const hostEnded = workbenchExitCode !== undefined || extensionHostExited(codeServerLog);
    if (hostEnded) {
      exitSeenAt ??= Date.now();
      if (Date.now() - exitSeenAt > 5000) {
        throw new HarnessError(`the extension host ended (workbench exit code ${workbenchExitCode ?? 'none'}) without writing ${resultFile}`);
      }
    }
    if (Date.now() > deadline) throw new HarnessError(`no result from the suite after ${timeoutMs / 1000} s`);
    await delay(250);
  }
}

/**
 * The installed extension gets its own `vscode` API object, so the suite (loaded beside the harness
 * extension) cannot stub its password prompt: the password is typed into the real prompt here, as an
 * admin would, once the suite asks for it.
 */
async function answerPasswordPrompt(page) {
  try {
    const { FAKE_PASSWORD } = createRequire(import.meta.url)(join(repoRoot, 'out', 'test', 'fake-exchange', 'server.js'));
    const widget = page.locator('.quick-input-widget').filter({ hasText: 'Service account password' });
    await widget.waitFor({ state: 'visible', timeout: timeoutMs });
    await widget.locator('input').fill(FAKE_PASSWORD);
    await widget.locator('input').press('Enter');
    log('typed the fake Exchange\'s password into the password prompt');
  } catch (error) {
    // The page closed first, or the suite never asked: the suite's own assertions report that.
    if (!page.isClosed()) log(`did not answer the password prompt: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/** `code-server --install-extension`, as a user installs the .vsix, into this run's fresh folders. */
function installVsix(vsix, userDataDir, extensionsDir) {
  if (!existsSync(vsix)) throw new HarnessError(`${vsix} does not exist; make it with \`npm run package\``);
  if (!existsSync(codeServerBin)) throw new HarnessError(`code-server is not installed at ${codeServerBin}; run .ci/install-system.sh`);
  const phase = Date.now();
  const installed = spawnSync(process.execPath, [
    codeServerBin, '--config', '/dev/null', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--install-extension', vsix,
  ], { encoding: 'utf8', timeout: 120_000 });
  const output = `${installed.stdout ?? ''}${installed.stderr ?? ''}`.trim();
  if (installed.status !== 0 || !/successfully installed/i.test(output)) {
    throw new HarnessError(`code-server --install-extension ${vsix} failed (exit ${installed.status}): ${output}`);
  }
  log(`installed ${vsix} into ${extensionsDir} (${Date.now() - phase} ms)`);
}

/**
 * VS Code runs a tests module only beside a development extension. This one is empty (no code, no
 * contributions), so the extension the suite exercises is the installed one.
 */
function makeHarnessExtension(runDir) {
  const dir = join(runDir, 'vsix-harness');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'ecs-vsix-harness', publisher: 'ecs-test', version: '0.0.0', engines: { vscode: '^1.99.0' },
  }, null, 2));
  return dir;
}

async function saveScreenshot(page) {
  if (!page || page.isClosed()) return;
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, 'integration-failure.png');
  try {
    await page.screenshot({ path: file, timeout: 10_000 });
    log(`screenshot: ${file}`);
  } catch (error) {
    log(`no screenshot: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function printDiagnostics(context) {
  context.writeBrowserLog?.();
  const files = [context.codeServerLog, context.browserLog, ...extensionHostLogs(context.userDataDir)];
  for (const file of files) {
    console.log(`----- last lines of ${file} -----`);
    console.log(lastLines(file, 40));
  }
}

async function main() {
  const runDir = makeTempDir('vscode-run');
  const workspace = makeWorkspace();
  started.tempDirs.push(runDir, workspace);
  const userDataDir = join(runDir, 'user-data');
  seedUserSettings(userDataDir, options.restricted
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false }
    : {});
  const context = {
    runDir, userDataDir, workspace,
    resultFile: join(runDir, 'result.json'),
    codeServerLog: join(runDir, 'code-server.log'),
    browserLog: join(runDir, 'browser-console.log'),
  };

  let verdict;
  const startedAt = Date.now();
  try {
    const result = await runSuite(context);
    verdict = { passed: result.passed, failed: result.failed, failures: result.failures ?? [] };
  } catch (error) {
    if (interrupted) return new Promise(() => undefined); // the signal handler exits when teardown ends
    const message = error instanceof HarnessError ? error.message : (error instanceof Error ? error.stack ?? error.message : String(error));
    log(`harness failure: ${message}`);
    verdict = { passed: 0, failed: 1, failures: [{ title: 'integration harness', message }] };
  }

  if (interrupted) return new Promise(() => undefined); // the signal handler exits when teardown ends
  if (verdict.failed > 0) {
    await saveScreenshot(context.page);
    printDiagnostics(context);
    for (const failure of verdict.failures) log(`FAILED: ${failure.title}`);
  }
  await teardown();

  log(`${verdict.passed} passed, ${verdict.failed} failed in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  if (options['result-out']) {
    mkdirSync(dirname(resolve(options['result-out'])), { recursive: true });
    writeFileSync(options['result-out'], JSON.stringify(verdict, null, 2));
  }
  return verdict.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    console.error(error);
    await teardown();
    process.exit(1);
  },
);
