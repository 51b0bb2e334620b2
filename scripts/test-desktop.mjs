#!/usr/bin/env node
// The same integration suite in desktop VS Code through @vscode/test-electron, for a developer
// machine with internet (it downloads VS Code into .vscode-test/) and a display (on a headless
// Linux box, run it under `xvfb-run -a`). Offline, use `npm test`, which runs the suite in
// code-server instead.
//
//   node scripts/test-desktop.mjs            # latest stable VS Code
//   node scripts/test-desktop.mjs --grep TEXT   # only the tests whose title contains TEXT
//   ECS_VSCODE_VERSION=1.99.0 node scripts/test-desktop.mjs   # the minimum engine version
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import {
  makeTempDir, makeWorkspace, readSuiteResult, repoRoot, seedUserSettings, suiteEnvironment,
} from './lib/vscode-test-env.mjs';

const version = process.env.ECS_VSCODE_VERSION ?? 'stable';
const { values: options } = parseArgs({ options: { grep: { type: 'string' } } });

function reason(error) {
  return error instanceof Error ? error.message : String(error);
}

async function main() {
  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version, extractSync: true });
  } catch (error) {
    console.error(`[desktop] could not download VS Code ${version}: ${reason(error)}`);
    console.error('[desktop] this runner needs internet access to update.code.visualstudio.com.');
    console.error('[desktop] Offline, run `npm test` (or `npm run test:integration`): it runs the same suite in code-server.');
    return 1;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.error('[desktop] no display (DISPLAY is unset); run it as `xvfb-run -a node scripts/test-desktop.mjs`');
    return 1;
  }

  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('[desktop] the build failed; fix it first (node scripts/build.mjs)');
    return 1;
  }

  const runDir = makeTempDir('desktop-run');
  const workspace = makeWorkspace();
  const userDataDir = join(runDir, 'user-data');
  seedUserSettings(userDataDir);
  const resultFile = join(runDir, 'result.json');
  try {
    try {
      await runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index'),
        extensionTestsEnv: { ...suiteEnvironment({ resultFile, workspace, host: 'desktop' }), ...(options.grep ? { ECS_TEST_GREP: options.grep } : {}) },
        launchArgs: [
          workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
          '--user-data-dir', userDataDir, '--extensions-dir', join(runDir, 'extensions'),
        ],
      });
    } catch (error) {
      // The exit code alone is not the verdict; the result file below is.
      console.error(`[desktop] VS Code ended with an error: ${reason(error)}`);
    }
    const result = readSuiteResult(resultFile);
    if (!result) {
      console.error(`[desktop] the suite wrote no result to ${resultFile}; see the output above`);
      return 1;
    }
    for (const failure of result.failures ?? []) console.error(`[desktop] FAILED: ${failure.title}`);
    console.log(`${result.passed} passed, ${result.failed} failed`);
    return result.failed === 0 ? 0 : 1;
  } finally {
    rmSync(runDir, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
