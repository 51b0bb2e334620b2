// What `npm test` and `npm run demo` install before they start, decided and done here so that both
// work from a fresh clone with nothing but Node and git. It runs before node_modules exists, so it
// imports node: builtins only. Everything that touches the machine goes through `deps`, which the
// unit tests (test/unit/bootstrap.test.ts) replace with fakes; realDeps() is the machine itself.
//
// Three stages, each reported on one line while something is installed:
//   node     Node.js 20.19 or newer (nothing to install: a clear message when older)
//   npm      `npm ci` when node_modules is missing or older than package-lock.json
//   system   .ci/install-system.sh when a Debian package it lists or code-server is missing
// When nothing is missing the whole run prints one line saying so.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const MIN_NODE = [20, 19];
const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error'];

/** The machine as the bootstrap sees it; every member is replaced by a fake in the unit tests. */
export function realDeps(root) {
  return {
    root,
    nodeVersion: process.versions.node,
    env: process.env,
    uid: typeof process.getuid === 'function' ? process.getuid() : 0,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    exists: (file) => existsSync(file),
    isSymlink: (file) => existsSync(file) && lstatSync(file).isSymbolicLink(),
    linkTarget: (file) => readlinkSync(file),
    mtimeMs: (file) => statSync(file).mtimeMs,
    readText: (file) => readFileSync(file, 'utf8'),
    hasCommand: (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0,
    /** Runs a command quietly and returns its exit status and output (for checks). */
    capture: (command, args) => {
      const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { status: result.status ?? -1, stdout: result.stdout ?? '' };
    },
    /** Runs an installer with its output on this terminal; stdin too, so sudo can ask for a password. */
    run: (command, args) => {
      const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
      return result.error ? -1 : (result.status ?? -1);
    },
  };
}

/** An error message when this Node is older than the engines field asks for, otherwise undefined. */
export function checkNode(version) {
  const [major, minor] = version.split('.').map(Number);
  if (major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])) return undefined;
  return `Node.js ${version} is too old: ${MIN_NODE.join('.')} or newer is required (https://nodejs.org/en/download); install it, then run this command again`;
}

/**
 * Lockfile entries that node_modules lacks or holds at another version. Optional packages for another
 * platform are in the lockfile but never installed, so a missing optional entry does not count.
 */
function lockfileDifferences(lock, installed) {
  const wanted = lock.packages ?? {};
  const have = installed.packages ?? {};
  const differences = [];
  for (const [key, entry] of Object.entries(wanted)) {
    if (key === '') continue;
    const got = have[key];
    if (!got) {
      if (!entry.optional && !entry.devOptional) differences.push(`${key} is missing`);
      continue;
    }
    const want = entry.version ?? entry.resolved;
    const seen = got.version ?? got.resolved;
    if (want !== seen) differences.push(`${key} is ${seen}, the lockfile wants ${want}`);
  }
  return differences;
}

/**
 * Whether node_modules needs `npm ci`. npm writes node_modules/.package-lock.json at every install:
 * when it is newer than package-lock.json nothing changed since. When it is older (a pull, or just a
 * checkout touching the file), the two are compared entry by entry, so an unchanged lockfile with a
 * new date does not cost a reinstall.
 * Returns { action: 'none' | 'install' | 'refuse', reason, command?, args? }.
 */
export function planNpm(deps) {
  const lockFile = join(deps.root, 'package-lock.json');
  const modules = join(deps.root, 'node_modules');
  const record = join(modules, '.package-lock.json');
  const install = (reason) => {
    if (deps.isSymlink(modules)) {
      // A shared node_modules (a link into another checkout): `npm ci` here would empty the other one.
      return { action: 'refuse', reason: `${reason}, and node_modules is a link to ${deps.linkTarget(modules)}: run \`npm ci\` in the checkout it belongs to` };
    }
    const hasLock = deps.exists(lockFile);
    return { action: 'install', reason, command: 'npm', args: [hasLock ? 'ci' : 'install', ...NPM_FLAGS] };
  };
  if (!deps.exists(modules)) return install('node_modules is missing');
  if (!deps.exists(record)) return install('node_modules has no record of an npm install (node_modules/.package-lock.json)');
  if (!deps.exists(lockFile)) {
    if (deps.mtimeMs(join(deps.root, 'package.json')) > deps.mtimeMs(record)) return install('package.json is newer than node_modules (and there is no package-lock.json)');
    return { action: 'none', reason: 'node_modules is newer than package.json' };
  }
  if (deps.mtimeMs(record) >= deps.mtimeMs(lockFile)) return { action: 'none', reason: 'node_modules matches package-lock.json' };
  let differences;
  try {
    differences = lockfileDifferences(JSON.parse(deps.readText(lockFile)), JSON.parse(deps.readText(record)));
  } catch (error) {
    return install(`node_modules is older than package-lock.json and could not be compared with it (${error instanceof Error ? error.message : String(error)})`);
  }
  if (differences.length === 0) return { action: 'none', reason: 'node_modules matches package-lock.json' };
  const more = differences.length > 1 ? ` and ${differences.length - 1} more` : '';
  return install(`node_modules is older than package-lock.json (${differences[0]}${more})`);
}

/** The Debian packages and the code-server version that .ci/install-system.sh installs (its own lists). */
export function readInstallScript(text) {
  const packages = /^APT_PACKAGES=\(([^)]*)\)/m.exec(text)?.[1].trim().split(/\s+/).filter(Boolean);
  const version = /^CODE_SERVER_VERSION="\$\{CODE_SERVER_VERSION:-([^}]+)\}"/m.exec(text)?.[1];
  if (!packages?.length || !version) throw new Error('.ci/install-system.sh no longer has the APT_PACKAGES=(...) and CODE_SERVER_VERSION lines the bootstrap reads');
  return { packages, version };
}

/** Debian packages from `names` that dpkg does not report as installed. */
function missingPackages(deps, names) {
  // dpkg-query exits 1 when it knows nothing of a name but still prints the others: read stdout only.
  const { stdout } = deps.capture('dpkg-query', ['-W', '-f=${Package}\\t${Status}\\n', ...names]);
  const installed = new Set(stdout.split('\n')
    .map((line) => line.split('\t'))
    .filter(([, status]) => status === 'install ok installed')
    .map(([name]) => name.replace(/:.*$/, '')));
  return names.filter((name) => !installed.has(name));
}

/** Where .ci/install-system.sh puts code-server, and whether that version is there. */
function codeServerPresent(deps, version) {
  const cacheDir = deps.env.ECS_CACHE_DIR ?? join(homedir(), '.cache', 'exchange-calendar-setup');
  const manifest = join(cacheDir, `code-server-${version}`, 'node_modules', 'code-server', 'package.json');
  const bin = join(cacheDir, `code-server-${version}`, 'node_modules', '.bin', 'code-server');
  if (!deps.exists(bin) || !deps.exists(manifest)) return false;
  try {
    return JSON.parse(deps.readText(manifest)).version === version;
  } catch {
    return false;
  }
}

/**
 * Whether .ci/install-system.sh has work to do, and whether it can do it as this user. Only the
 * Debian packages need root; code-server goes into the user's cache folder.
 * Returns { action: 'none' | 'install' | 'refuse' | 'unsupported', reason, command?, args? }.
 */
export function planSystem(deps) {
  const script = join(deps.root, '.ci', 'install-system.sh');
  const { packages, version } = readInstallScript(deps.readText(script));
  if (!deps.hasCommand('dpkg-query') || !deps.hasCommand('apt-get')) {
    const present = codeServerPresent(deps, version);
    return {
      action: 'unsupported',
      reason: `not a Debian machine (no apt-get): the real-VS-Code tests and the demo need code-server ${version}${present ? ' (present)' : ' (missing)'} and chromium; see .ci/install-system.sh for what it installs on Debian`,
    };
  }
  const missing = missingPackages(deps, packages);
  const needCodeServer = !codeServerPresent(deps, version);
  if (missing.length === 0 && !needCodeServer) {
    return { action: 'none', reason: `${packages.length} Debian packages and code-server ${version} are present` };
  }
  const what = [...(missing.length ? [`Debian packages ${missing.join(' ')}`] : []), ...(needCodeServer ? [`code-server ${version}`] : [])].join(' and ');
  const install = { action: 'install', reason: `${what} missing`, command: 'bash', args: [script] };
  if (missing.length === 0 || deps.uid === 0) return install;
  const rootNeeded = `installing Debian packages needs root: run \`sudo bash .ci/install-system.sh\` (or run it as root) once, then this command again`;
  if (!deps.hasCommand('sudo')) return { action: 'refuse', reason: `${what} missing; ${rootNeeded} (there is no sudo here)` };
  if (deps.capture('sudo', ['-n', 'true']).status === 0) return install;
  if (deps.stdinIsTTY) return { ...install, reason: `${install.reason} (sudo will ask for your password)` };
  return { action: 'refuse', reason: `${what} missing; ${rootNeeded} (sudo needs a password and there is no terminal to type it in)` };
}

/**
 * Plans and installs, printing through `log`. Returns the exit code: 0 when everything needed is
 * there (or was installed), 1 with a message saying what to do otherwise.
 */
export function runBootstrap(deps, log) {
  if (deps.env.ECS_SKIP_SETUP === '1') {
    log('[setup] skipped (ECS_SKIP_SETUP=1): nothing checked, nothing installed');
    return 0;
  }
  const nodeProblem = checkNode(deps.nodeVersion);
  if (nodeProblem) {
    log(`[setup] node: ${nodeProblem}`);
    return 1;
  }
  const stages = [['npm packages', () => planNpm(deps)], ['system', () => planSystem(deps)]];
  const plans = [];
  for (const [name, plan] of stages) {
    try {
      plans.push([name, plan()]);
    } catch (error) {
      log(`[setup] ${name}: could not check (${error instanceof Error ? error.message : String(error)})`);
      return 1;
    }
  }
  if (plans.every(([, plan]) => plan.action === 'none')) {
    log(`[setup] nothing to install: ${plans.map(([, plan]) => plan.reason).join('; ')}`);
    return 0;
  }
  for (const [name, plan] of plans) {
    if (plan.action === 'none') {
      log(`[setup] ${name}: ok, ${plan.reason}`);
    } else if (plan.action === 'unsupported') {
      log(`[setup] ${name}: ${plan.reason}`);
    } else if (plan.action === 'refuse') {
      log(`[setup] ${name}: ${plan.reason}`);
      return 1;
    } else {
      log(`[setup] ${name}: ${plan.reason}; running ${plan.command} ${plan.args.join(' ').replace(deps.root + '/', '')}`);
      const status = deps.run(plan.command, plan.args);
      if (status !== 0) {
        log(`[setup] ${name}: ${plan.command} ${plan.args[0].replace(deps.root + '/', '')} failed (exit ${status}); see its output above`);
        return 1;
      }
    }
  }
  return 0;
}
