// What both real-VS-Code runners (code-server and desktop) set up the same way: the temp
// workspace, the seeded user settings, and the environment the integration suite reads.
import { cpSync, existsSync, readdirSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Optional fixtures the suite may add: a workspace tree and extra user settings. */
const workspaceFixtureDir = join(repoRoot, 'test', 'integration', 'fixtures', 'workspace');
const userSettingsFixture = join(repoRoot, 'test', 'integration', 'fixtures', 'user-settings.json');

/**
 * Settings every run needs: no welcome tab over the editor, bash standing in for PowerShell
 * (there is none here) with shell integration so the terminal code can read output.
 */
const baseUserSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'terminal.integrated.shellIntegration.enabled': true,
  'exchangeSetup.powershellPath': 'bash',
};

/** A fresh directory under the system temp dir, named so a leftover is easy to recognise. */
export function makeTempDir(label) {
  return mkdtempSync(join(tmpdir(), `ecs-${label}-`));
}

function readJsonObject(file) {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file} must hold a JSON object`);
  }
  return parsed;
}

/**
 * Writes `<userDataDir>/User/settings.json`, and the extension's settings to `Machine/settings.json`
 * too: in code-server's remote window VS Code may read machine-scoped values only from the remote
 * side's machine settings, and writing both is right whichever it reads.
 */
export function writeSettings(userDataDir, settings) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const machine = Object.fromEntries(Object.entries(settings).filter(([key]) => key.startsWith('exchangeSetup.')));
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(machine, null, 2));
}

/** Seeds the settings from the base settings plus the optional fixture and the caller's overrides. */
export function seedUserSettings(userDataDir, overrides = {}) {
  const extra = existsSync(userSettingsFixture) ? readJsonObject(userSettingsFixture) : {};
  writeSettings(userDataDir, { ...baseUserSettings, ...extra, ...overrides });
}

/**
 * A fresh workspace folder, a copy of the fixture when there is one, always with `.vscode/`. `at`
 * names the (empty or absent) folder to use; by default a new temp folder.
 */
export function makeWorkspace(at) {
  const workspace = at ?? makeTempDir('workspace');
  mkdirSync(workspace, { recursive: true });
  if (existsSync(workspaceFixtureDir)) cpSync(workspaceFixtureDir, workspace, { recursive: true });
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  if (!existsSync(settingsFile)) {
    mkdirSync(dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, '{}\n');
  }
  return workspace;
}

/**
 * The environment the suite reads. `ECS_TEST_RESULT` names the JSON verdict file; the suite
 * appends its per-test lines to `<that>.log` as it goes. `ECS_VSCODE_HOST` tells the harness
 * smoke test which host to expect.
 */
export function suiteEnvironment({ resultFile, workspace, host, userDataDir }) {
  // Both runners keep the result, the logs and `user-data` in one run folder; the secrets test
  // scans all of it (ECS_RUN_DIR, ECS_USER_DATA_DIR) for the canary after driving every path.
  const runDir = dirname(resultFile);
  return {
    ECS_TEST_MODE: '1',
    ECS_TEST_RESULT: resultFile,
    ECS_TEST_WORKSPACE: workspace,
    ECS_VSCODE_HOST: host,
    ECS_RUN_DIR: runDir,
    ECS_USER_DATA_DIR: userDataDir ?? join(runDir, 'user-data'),
  };
}

/** The suite's verdict, or undefined while it has not written one (or wrote a broken one). */
export function readSuiteResult(resultFile) {
  if (!existsSync(resultFile)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(resultFile, 'utf8'));
    if (typeof parsed?.passed === 'number' && typeof parsed?.failed === 'number') return parsed;
  } catch {
    // The suite writes through a rename, so a parse error means a foreign or corrupt file.
  }
  return undefined;
}

export function suiteLogFile(resultFile) {
  return `${resultFile}.log`;
}

/** Log files under a VS Code user-data-dir's logs folder whose path matches `test`. */
export function logFilesUnder(userDataDir, test) {
  const logsDir = join(userDataDir, 'logs');
  if (!existsSync(logsDir)) return [];
  return readdirSync(logsDir, { recursive: true, encoding: 'utf8' })
    .filter((name) => test.test(name))
    .map((name) => join(logsDir, name));
}
