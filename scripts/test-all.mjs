#!/usr/bin/env node
// The one test command (`npm test`). Runs every stage in order, each under its own heading with
// its own counts and wall time, and ends with one line alone: `N passed, N failed`, summed over
// all stages. A stage that cannot run counts as a failure, never as a skip.
//
//   node scripts/test-all.mjs [--only lint,typecheck,build,unit,exchangelib,integration,ui,vsix] [--no-build] [--grep TEXT]
//
// With --only, the stages that need compiled output get an incremental build first (counted as
// the build stage) unless --no-build is given.
//
// --grep TEXT (`npm test -- --grep TEXT`) runs, in every test suite (unit, integration, ui), only
// the tests whose full title contains TEXT. lint, typecheck and exchangelib have no named tests to
// select and are not run. A suite where nothing matches is not a failure (a title usually names
// one suite's test), but a grep that matches nothing in any suite run is: it would otherwise pass
// having tested nothing.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeTempDir, repoRoot } from './lib/vscode-test-env.mjs';

const STAGE_NAMES = ['lint', 'typecheck', 'build', 'unit', 'exchangelib', 'integration', 'ui', 'vsix'];
const NEEDS_BUILD = new Set(['unit', 'exchangelib', 'integration', 'ui', 'vsix']);
/** The stages whose tests have titles that --grep can select. */
const GREP_STAGES = new Set(['unit', 'integration', 'ui']);
const bin = (tool) => join(repoRoot, 'node_modules', '.bin', tool);

const { values: options } = parseArgs({
  options: {
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    grep: { type: 'string' },
  },
});
if (options.grep !== undefined && options.grep.trim() === '') {
  console.error('--grep needs the text to look for in test titles, e.g. npm test -- --grep "probe panel"');
  process.exit(2);
}
/** The arguments that pass --grep on to a runner. */
const grepArgs = options.grep ? ['--grep', options.grep] : [];

function selectedStages() {
  const stages = selectedByOnly();
  if (!options.grep) return stages;
  const skipped = stages.filter((name) => name !== 'build' && !GREP_STAGES.has(name));
  if (skipped.length > 0) console.log(`--grep: not running ${skipped.join(', ')} (no test titles to select)`);
  return stages.filter((name) => name === 'build' || GREP_STAGES.has(name));
}

function selectedByOnly() {
  if (!options.only) return STAGE_NAMES;
  const wanted = options.only.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !STAGE_NAMES.includes(name));
  if (unknown.length > 0) {
    console.error(`unknown stage(s): ${unknown.join(', ')}; known: ${STAGE_NAMES.join(', ')}`);
    process.exit(2);
  }
  const needsBuild = !options['no-build'] && wanted.some((name) => NEEDS_BUILD.has(name));
  return STAGE_NAMES.filter((name) => wanted.includes(name) || (name === 'build' && needsBuild));
}

/** The child now running, so a signal to this process reaches it and its teardown. */
let currentChild;

/**
 * Runs a command from the repository root. `echo` streams its output live; otherwise it is
 * kept and returned (printed by the caller only when the step fails).
 */
function runCommand(command, args, { echo = true, timeoutMs = 15 * 60_000 } = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    currentChild = child;
    let output = '';
    const collect = (stream, target) => stream.on('data', (chunk) => {
      output += chunk;
      if (echo) target.write(chunk);
    });
    collect(child.stdout, process.stdout);
    collect(child.stderr, process.stderr);
    const timer = setTimeout(() => {
      output += `\n[test-all] ${command} ${args.join(' ')} took longer than ${timeoutMs / 1000} s; stopped\n`;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolveRun({ code: -1, output: `${output}\n${error.message}\n` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      currentChild = undefined;
      resolveRun({ code: code ?? (signal ? -1 : 0), output });
    });
  });
}

/** A step that is one test: passes when the command exits 0; its output shows only on failure. */
async function singleCheck(title, command, args) {
  const { code, output } = await runCommand(command, args, { echo: false });
  if (code === 0) {
    console.log(`  ok   ${title}`);
    return { passed: 1, failed: 0 };
  }
  console.log(`  FAIL ${title} (exit ${code})`);
  console.log(output.trimEnd());
  return { passed: 0, failed: 1 };
}

function readCounts(file, what) {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    if (Number.isInteger(parsed.passed) && Number.isInteger(parsed.failed)) return { passed: parsed.passed, failed: parsed.failed };
  } catch {
    // Reported below as a failure of the stage.
  }
  console.log(`  FAIL ${what} left no readable counts in ${file}`);
  return { passed: 0, failed: 1 };
}

/** Runs scripts/lib/run-mocha.mjs over a folder and reads the counts it writes. */
async function mochaStage(dir, suffix, timeoutMs) {
  const scratch = makeTempDir('mocha-stats');
  try {
    const statsFile = join(scratch, 'stats.json');
    await runCommand(process.execPath, [
      join(repoRoot, 'scripts', 'lib', 'run-mocha.mjs'),
      '--dir', dir, '--suffix', suffix, '--timeout', String(timeoutMs), '--stats-out', statsFile, ...grepArgs,
    ]);
    return readCounts(statsFile, 'mocha');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const stages = {
  lint: () => singleCheck('eslint src test scripts', bin('eslint'), ['src', 'test', 'scripts']),

  async typecheck() {
    // The extension and tests; the webview (DOM lib); the browser-level tests (.mjs with // @ts-check).
    const projects = ['tsconfig.json', join('src', 'webview', 'tsconfig.json'), join('test', 'ui', 'tsconfig.json')]
      .filter((project, index) => index === 0 || existsSync(join(repoRoot, project)));
    const counts = { passed: 0, failed: 0 };
    for (const project of projects) {
      const result = await singleCheck(`tsc --noEmit -p ${project}`, bin('tsc'), ['--noEmit', '-p', project]);
      counts.passed += result.passed;
      counts.failed += result.failed;
    }
    return counts;
  },

  build: () => {
    // The full run starts from a clean out/ so deleted tests cannot linger; --only stays incremental.
    const args = [join(repoRoot, 'scripts', 'build.mjs'), ...(options.only ? [] : ['--clean'])];
    return singleCheck(`node scripts/build.mjs ${args.slice(1).join(' ')}`.trim(), process.execPath, args);
  },

  unit: () => mochaStage(join(repoRoot, 'out', 'test', 'unit'), '.test.js', 10_000),

  async exchangelib() {
    const script = join(repoRoot, 'test', 'fake-exchange', 'exchangelib_check.mjs');
    const { code, output } = await runCommand(process.execPath, [script], { timeoutMs: 5 * 60_000 });
    const lastLine = output.trimEnd().split('\n').pop() ?? '';
    try {
      const summary = JSON.parse(lastLine);
      if (Number.isInteger(summary.passed) && Number.isInteger(summary.failed)) {
        // A crash after a clean summary is still a failure.
        const crashed = code !== 0 && summary.failed === 0 ? 1 : 0;
        if (crashed) console.log(`  FAIL exchangelib_check.mjs exited ${code} after reporting no failures`);
        return { passed: summary.passed, failed: summary.failed + crashed };
      }
    } catch {
      // Reported below.
    }
    console.log(`  FAIL exchangelib_check.mjs (exit ${code}) did not end with a {"passed","failed"} JSON line`);
    return { passed: 0, failed: 1 };
  },

  async integration() {
    const scratch = makeTempDir('integration-result');
    try {
      // Two passes: the main suite in a trusted folder, then the restricted-mode suite in an untrusted one.
      const counts = { passed: 0, failed: 0 };
      for (const pass of [[], ['--restricted']]) {
        const resultFile = join(scratch, `result${pass.length ? '-restricted' : ''}.json`);
        await runCommand(process.execPath, [join(repoRoot, 'scripts', 'run-vscode-tests.mjs'), '--result-out', resultFile, ...pass, ...grepArgs]);
        const passCounts = readCounts(resultFile, `scripts/run-vscode-tests.mjs ${pass.join(' ')}`.trim());
        counts.passed += passCounts.passed;
        counts.failed += passCounts.failed;
      }
      return counts;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },

  ui: () => mochaStage(join(repoRoot, 'test', 'ui'), '.test.mjs', 60_000),

  // Last, because `npm run package` leaves a production build in dist/: the package as users get it,
  // installed into code-server and smoke-tested there (scripts/run-vscode-tests.mjs --vsix).
  async vsix() {
    const vsix = join(repoRoot, 'exchange-calendar-setup.vsix');
    rmSync(vsix, { force: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const packaged = await singleCheck('npm run package', npm, ['run', 'package']);
    if (packaged.failed > 0 || !existsSync(vsix)) return { passed: packaged.passed, failed: 1 };
    console.log(`  ${vsix}: ${(statSync(vsix).size / 1024).toFixed(0)} KiB, ${zipEntryCount(vsix)} files`);
    const scratch = makeTempDir('vsix-result');
    try {
      const resultFile = join(scratch, 'result.json');
      await runCommand(process.execPath, [join(repoRoot, 'scripts', 'run-vscode-tests.mjs'), '--vsix', vsix, '--result-out', resultFile]);
      const counts = readCounts(resultFile, 'scripts/run-vscode-tests.mjs --vsix');
      return { passed: counts.passed + 1, failed: counts.failed };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

/** The number of entries a zip file's end-of-central-directory record gives (no unzip needed). */
function zipEntryCount(file) {
  const bytes = readFileSync(file);
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at -= 1) {
    if (bytes.readUInt32LE(at) === 0x06054b50) return bytes.readUInt16LE(at + 10);
  }
  return 'an unknown number of';
}

/** Stages that exist only once another part of the project adds their files. */
const presentWhen = {
  exchangelib: () => existsSync(join(repoRoot, 'test', 'fake-exchange', 'exchangelib_check.mjs')),
  ui: () => existsSync(join(repoRoot, 'test', 'ui'))
    && readdirSync(join(repoRoot, 'test', 'ui'), { recursive: true, encoding: 'utf8' }).some((name) => name.endsWith('.test.mjs')),
};

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main() {
  const startedAt = Date.now();
  const summary = [];
  let buildFailed = false;
  for (const name of selectedStages()) {
    if (presentWhen[name] && !presentWhen[name]()) {
      console.log(`\n=== ${name}: not present yet (no test files), nothing to run ===`);
      summary.push({ name, note: 'not present' });
      continue;
    }
    console.log(`\n=== ${name} ===`);
    const stageStart = Date.now();
    let counts;
    if (buildFailed && NEEDS_BUILD.has(name)) {
      console.log(`  FAIL ${name} not run: the build failed`);
      counts = { passed: 0, failed: 1 };
    } else {
      try {
        counts = await stages[name]();
      } catch (error) {
        console.log(`  FAIL ${name} could not run: ${error instanceof Error ? error.stack : String(error)}`);
        counts = { passed: 0, failed: 1 };
      }
    }
    if (name === 'build' && counts.failed > 0) buildFailed = true;
    const elapsed = Date.now() - stageStart;
    const unmatched = options.grep && GREP_STAGES.has(name) && counts.passed + counts.failed === 0;
    console.log(`--- ${name}: ${counts.passed} passed, ${counts.failed} failed (${seconds(elapsed)})${unmatched ? `; no test title here contains "${options.grep}"` : ''}`);
    summary.push({ name, ...counts, elapsed });
  }

  if (options.grep) {
    const matched = summary.filter((stage) => GREP_STAGES.has(stage.name)).reduce((sum, stage) => sum + (stage.passed ?? 0) + (stage.failed ?? 0), 0);
    if (matched === 0) {
      const ran = summary.filter((stage) => GREP_STAGES.has(stage.name) && !stage.note).map((stage) => stage.name);
      console.log(`\n  FAIL --grep "${options.grep}" matched no test in ${ran.length ? ran.join(', ') : 'any suite (none ran)'}: check the text (it is matched against full test titles, case-sensitive)`);
      summary.push({ name: 'grep', passed: 0, failed: 1, elapsed: 0 });
    }
  }

  console.log(`\n=== summary (${seconds(Date.now() - startedAt)}) ===`);
  for (const stage of summary) {
    const detail = stage.note ?? `${stage.passed} passed, ${stage.failed} failed, ${seconds(stage.elapsed)}`;
    console.log(`  ${stage.name.padEnd(12)} ${detail}`);
  }
  const passed = summary.reduce((sum, stage) => sum + (stage.passed ?? 0), 0);
  const failed = summary.reduce((sum, stage) => sum + (stage.failed ?? 0), 0);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Let the running stage (e.g. the code-server runner) tear down before leaving.
    if (currentChild) {
      currentChild.kill(signal);
      currentChild.on('close', () => process.exit(signal === 'SIGINT' ? 130 : 143));
    } else {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  });
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
