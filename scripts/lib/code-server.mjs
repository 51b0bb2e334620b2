// Starting and stopping code-server (the real VS Code workbench and Node extension host, from npm)
// the way OFFLINE-VSCODE.md found to work offline; shared by the integration runner, the UI tests
// and the demo.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const CODE_SERVER_VERSION = '4.100.3';
const cacheDir = process.env.ECS_CACHE_DIR ?? join(homedir(), '.cache', 'exchange-calendar-setup');
export const codeServerBin = join(cacheDir, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
export const chromiumPath = process.env.ECS_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumFlags = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** A failure of the harness itself (as opposed to a failing test), with what to do about it. */
export class HarnessError extends Error {}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export function isHealthy(port) {
  return new Promise((resolveHealth) => {
    const request = httpGet({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (response) => {
      response.resume();
      resolveHealth(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolveHealth(false));
  });
}

/**
 * Starts code-server in its own process group (the extension host and terminals are grandchildren,
 * and only killing the whole group stops them) and waits for /healthz. `onStart` receives the child
 * as soon as it exists, so a caller's teardown can stop it even if start-up then fails.
 * `workspaceTrust: true` keeps workspace trust on, so the folder opens in restricted mode.
 */
export async function startCodeServer({ port, userDataDir, extensionsDir, workspace, env, logFile, onStart, workspaceTrust = false }) {
  if (!existsSync(codeServerBin)) {
    throw new HarnessError(`code-server ${CODE_SERVER_VERSION} is not installed at ${codeServerBin}; run .ci/install-system.sh`);
  }
  const logFd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [
    codeServerBin,
    '--config', '/dev/null',
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check',
    // Trust is off unless a run tests restricted mode, where the opened folder stays untrusted.
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    workspace,
  ], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, ...env },
  });
  closeSync(logFd);
  onStart?.(child);
  let exited = false;
  child.on('exit', () => { exited = true; });

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) throw new HarnessError(`code-server exited during start-up (code ${child.exitCode})`);
    if (await isHealthy(port)) return child;
    await delay(200);
  }
  throw new HarnessError('code-server did not answer /healthz within 30 s');
}

/**
 * The workbench URL that loads `extensionDir` as a development extension (and a tests module, if given).
 * @param {number} port
 * @param {string} workspace
 * @param {{ extensionDir: string, testsModule?: string }} extension
 */
export function workbenchUrl(port, workspace, { extensionDir, testsModule }) {
  const authority = `127.0.0.1:${port}`;
  const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDir}`]];
  if (testsModule) payload.push(['extensionTestsPath', `vscode-remote://${authority}${testsModule}`]);
  payload.push(['skipWelcome', 'true']);
  return `http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** SIGTERM to the whole group, then SIGKILL after 3 s if anything is left. */
export async function stopProcessGroup(child) {
  if (!child?.pid) return;
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      return false; // ESRCH: the group is already gone.
    }
  };
  if (!signalGroup('SIGTERM')) return;
  for (let waited = 0; waited < 3000 && signalGroup(0); waited += 100) await delay(100);
  signalGroup('SIGKILL');
}
