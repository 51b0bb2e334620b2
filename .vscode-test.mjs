// The integration suite in desktop VS Code, the standard way: `npm run test:desktop` builds, then
// runs `vscode-test` (@vscode/test-cli), which reads this file, downloads VS Code into .vscode-test/
// and runs test/integration/suite/ in it with mocha. It needs internet (for the download) and a
// display (on a headless Linux box: `xvfb-run -a npm run test:desktop`); without them it stops at
// once and says so. `npm test` runs the same suite offline in code-server instead.
//
//   ECS_VSCODE_VERSION=1.99.0 npm run test:desktop    the minimum engine version (default: stable)
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { defineConfig } from '@vscode/test-cli';
import { makeWorkspace, repoRoot, seedUserSettings, suiteEnvironment } from './scripts/lib/vscode-test-env.mjs';

const DOWNLOAD_HOST = 'update.code.visualstudio.com';
const version = process.env.ECS_VSCODE_VERSION ?? 'stable';
const cacheDir = join(repoRoot, '.vscode-test');

function stop(lines) {
  for (const line of lines) console.error(`[test:desktop] ${line}`);
  process.exit(1);
}

/** Whether the VS Code download server answers within a few seconds. */
function downloadServerReachable() {
  return new Promise((resolveReachable) => {
    const probe = request({ host: DOWNLOAD_HOST, path: '/api/releases/stable', method: 'HEAD', timeout: 5000 }, (response) => {
      response.resume();
      resolveReachable(true);
    });
    probe.on('timeout', () => probe.destroy(new Error('timed out')));
    probe.on('error', () => resolveReachable(false));
    probe.end();
  });
}

const cached = existsSync(cacheDir) && readdirSync(cacheDir).some((name) => name.startsWith('vscode-'));
if (!cached && !(await downloadServerReachable())) {
  stop([
    `cannot reach ${DOWNLOAD_HOST} to download VS Code ${version}, and none is cached in .vscode-test/.`,
    'This runner needs internet once. Offline, run `npm test` (or `npm run test:integration`):',
    'it runs the same integration suite in code-server, which .ci/install-system.sh installs from npm.',
  ]);
}
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  stop(['no display (DISPLAY is unset): run it as `xvfb-run -a npm run test:desktop`.']);
}

// One run folder, emptied each time: seeded user settings, the workspace copied from the fixture, and
// the files the suite writes (the secrets test scans all of it for the password canary).
const runDir = join(cacheDir, 'ecs-run');
rmSync(runDir, { recursive: true, force: true });
const userDataDir = join(runDir, 'user-data');
seedUserSettings(userDataDir);
const workspace = makeWorkspace(join(runDir, 'workspace'));

// Sorted, as test/integration/index.ts runs them in code-server (the secrets test, which scans what the
// others left, comes after them); a glob would leave the order to the file system.
const suiteDir = join(repoRoot, 'out', 'test', 'integration', 'suite');
const files = existsSync(suiteDir)
  ? readdirSync(suiteDir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.test.js')).sort().map((name) => join(suiteDir, name))
  : 'out/test/integration/suite/**/*.test.js';

export default defineConfig({
  tests: [{
    label: 'integration',
    files,
    version,
    workspaceFolder: workspace,
    launchArgs: ['--disable-extensions', '--user-data-dir', userDataDir, '--extensions-dir', join(runDir, 'extensions')],
    env: suiteEnvironment({ resultFile: join(runDir, 'result.json'), workspace, host: 'desktop', userDataDir }),
    // As in test/integration/index.ts: a skipped or focused test would hide checks that never ran.
    mocha: { ui: 'bdd', timeout: 60_000, forbidOnly: true, forbidPending: true },
  }],
});
