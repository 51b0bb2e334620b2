// Activation cost: the production bundle's size, what it can load at activation (its static
// imports from esbuild's metafile, and the modules the real extension host holds after
// activate()), and activate()'s own time and the bundle's evaluation before it, both measured by
// the extension in code-server's real extension host, over several fresh starts.
//
// The production build runs in a temporary copy of the repository (package.json, media, src and
// scripts/build.mjs, node_modules linked), so that other people's dist/ is never swapped for a
// minified one mid-test; the copy is also the extension folder code-server loads.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { lazyBundles } from '../scripts/bundles.mjs';
import { repoRoot, requireFromRepo, summarize } from './lib.mjs';

/** Fresh Node processes per build for the stub-host figure (about 60 ms each). */
const STUB_RUNS = 40;

const HEAVY = /ews-javascript-api|@xmldom|xmldom|xpath|@aws-sdk|@smithy|fast-xml-parser/;

/**
 * A production build of the working tree, or of the commit `ref` (the `--baseline` of bench/run.mjs),
 * in `tempRoot/<name>`.
 */
function makeProductionCopy(tempRoot, name = 'extension', ref = undefined) {
  const copy = join(tempRoot, name);
  mkdirSync(join(copy, 'scripts'), { recursive: true });
  const files = ['package.json', 'package.nls.json', 'tsconfig.json', 'LICENSE', 'src', 'media', 'l10n', join('scripts', 'build.mjs'), join('scripts', 'bundles.mjs')];
  if (ref) {
    // Only the paths that exist at that commit.
    const present = files.filter((file) => {
      try {
        execFileSync('git', ['cat-file', '-e', `${ref}:${file}`], { cwd: repoRoot, stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
    const archive = execFileSync('git', ['archive', '--format=tar', ref, ...present], { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', copy], { input: archive });
  } else {
    for (const file of files) if (existsSync(join(repoRoot, file))) cpSync(join(repoRoot, file), join(copy, file), { recursive: true });
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(copy, 'scripts', 'build.mjs'), '--production'], { cwd: copy, stdio: 'inherit' });
  return copy;
}

/**
 * The floor: an extension with our manifest whose activate() makes only the calls ours cannot do
 * without (the checklist's tree view and its badge, a handler for every contributed command, the
 * panel's serializer, the explanations' content provider, one context key, one walkthrough mark) and
 * nothing of ours. Timed the same way in the same host, it is what the VS Code API itself costs here,
 * so activate()'s figure can be read as the floor plus what our own code adds.
 */
function makeFloorCopy(tempRoot, copy) {
  const floor = join(tempRoot, 'floor');
  mkdirSync(join(floor, 'dist'), { recursive: true });
  // The manifest and what it points at, from the production copy (the same files ours is started with).
  for (const name of ['package.json', 'package.nls.json', 'LICENSE', 'media', 'l10n']) {
    if (existsSync(join(copy, name))) cpSync(join(copy, name), join(floor, name), { recursive: true });
  }
  const manifest = JSON.parse(readFileSync(join(floor, 'package.json'), 'utf8'));
  const view = manifest.contributes.views[Object.keys(manifest.contributes.views)[0]][0].id;
  const commands = manifest.contributes.commands.map((c) => c.command);
  const walkthrough = `${manifest.publisher}.${manifest.name}#${manifest.contributes.walkthroughs[0].id}#${manifest.contributes.walkthroughs[0].steps[0].id}`;
  writeFileSync(join(floor, 'dist', 'extension.js'), `// The activation floor (bench/activation.mjs): the unavoidable API calls only.
const vscode = require('vscode');
exports.activate = function activate(context) {
  // As in src/extension.ts: the clock starts first, and counts the CPU reading and the log channel.
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const log = vscode.window.createOutputChannel('Exchange Setup floor', { log: true });
  context.subscriptions.push(log);
  const view = vscode.window.createTreeView(${JSON.stringify(view)}, {
    treeDataProvider: { getChildren: () => [], getTreeItem: (item) => item },
    manageCheckboxStateManually: true,
    showCollapseAll: false,
  });
  view.badge = { value: 13, tooltip: '13 steps left' };
  const viewReady = performance.now();
  for (const id of ${JSON.stringify(commands)}) context.subscriptions.push(vscode.commands.registerCommand(id, () => undefined));
  context.subscriptions.push(
    view,
    vscode.window.registerWebviewPanelSerializer('exchangeSetup.probePanel', { deserializeWebviewPanel: async () => undefined }),
    vscode.workspace.registerTextDocumentContentProvider('exchange-setup-help', { provideTextDocumentContent: () => '' }),
  );
  const commandsReady = performance.now();
  void vscode.commands.executeCommand('setContext', 'exchangeSetup.configured', true);
  Promise.resolve(vscode.commands.executeCommand('welcome.markStepComplete', ${JSON.stringify(walkthrough)})).catch(() => undefined);
  const cpu = process.cpuUsage(cpuAtStart);
  const ended = performance.now();
  // The line our extension logs (src/extension.ts), read back by the everyday starts.
  log.info('Activated in ' + (ended - started).toFixed(1) + ' ms');
  return { activationMs: ended - started, activationCpuMs: (cpu.user + cpu.system) / 1000, activationPhases: { session: ended - commandsReady, checklist: viewReady - started, commands: commandsReady - viewReady }, bundleLoadMs: undefined };
};
exports.deactivate = function deactivate() {};
`);
  return floor;
}

/** a - b when both are numbers, else null (a start that failed, or a build without the figure). */
function difference(a, b) {
  return typeof a === 'number' && typeof b === 'number' ? a - b : null;
}

/** The packages esbuild put into the extension bundle (what activation can load). */
async function bundledPackages(copy) {
  const esbuild = requireFromRepo('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(copy, 'src', 'extension.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode', ...lazyBundles], metafile: true, write: false, logLevel: 'silent',
  });
  const packages = new Set();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match) packages.add(match[1]);
  }
  return [...packages].sort();
}

/** The module names the minified bundle passes to require() (its run-time require graph's first level). */
function bundleRequires(bundleText) {
  const names = new Set();
  for (const match of bundleText.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)) names.add(match[1]);
  return [...names].sort();
}

/** " (session 1.2, checklist 0.9, commands 0.8)": activate()'s parts as the extension measured them. */
function phaseText(phases) {
  if (!phases) return '';
  return ` (${Object.entries(phases).map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')})`;
}

/**
 * Fresh code-server starts, each with its own user data, workspace and port, for every extension folder
 * in `targets` (name -> folder), `rounds` times. Each round begins with the next target, so that no build
 * always goes first (an A/A run, --baseline of the working tree's own commit, showed the first of each
 * round about 1.4 ms slower in one run of 8) and the machine's load falls alike on each. `measure` gets
 * the start's folders and starts code-server itself (`startServer`, with any environment it needs); the
 * server and the workspace are removed afterwards, whatever happened.
 */
async function eachFreshStart(targets, tempRoot, rounds, label, measure) {
  const { chromium } = requireFromRepo('playwright-core');
  const cs = await import(join(repoRoot, 'scripts', 'lib', 'code-server.mjs'));
  const env = await import(join(repoRoot, 'scripts', 'lib', 'vscode-test-env.mjs'));
  const browser = await chromium.launch({ executablePath: cs.chromiumPath, headless: true, args: cs.chromiumFlags });
  try {
    const entries = Object.entries(targets);
    for (let round = 0; round < rounds; round++) {
      const shift = round % entries.length;
      for (const [name, dir] of [...entries.slice(shift), ...entries.slice(0, shift)]) {
        const runDir = join(tempRoot, `${label}-${name}-${round}`);
        const userDataDir = join(runDir, 'user-data');
        mkdirSync(runDir, { recursive: true });
        env.seedUserSettings(userDataDir);
        const workspace = env.makeWorkspace();
        const port = await cs.freePort();
        let child;
        const startServer = async (extraEnv = {}) => {
          child = await cs.startCodeServer({ port, userDataDir, extensionsDir: join(runDir, 'extensions'), workspace, logFile: join(runDir, 'code-server.log'), env: extraEnv });
        };
        try {
          await measure({ name, dir, round, runDir, userDataDir, url: (extension) => cs.workbenchUrl(port, workspace, extension), browser, startServer });
        } finally {
          await cs.stopProcessGroup(child);
          rmSync(workspace, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
  }
}

/** Fresh starts where the bench's tests module activates the extension and writes what it measured. Samples by name. */
async function timeActivations(targets, tempRoot, starts, log) {
  const testsModule = join(repoRoot, 'bench', 'activationProbe.cjs');
  const samples = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  await eachFreshStart(targets, tempRoot, starts, 'start', async ({ name, dir, round, runDir, url, browser, startServer }) => {
    const outFile = join(runDir, 'activation.json');
    let page;
    try {
      // The load clock must be in the extension host before the host loads the extension (bench/loadClock.cjs).
      const preload = `--require "${join(repoRoot, 'bench', 'loadClock.cjs')}"`;
      await startServer({ ECS_BENCH_OUT: outFile, ECS_BENCH_EXTENSION_DIR: dir, NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' ') });
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url({ extensionDir: dir, testsModule }), { waitUntil: 'domcontentloaded' });
      const deadline = Date.now() + 90_000;
      while (!existsSync(outFile) && Date.now() < deadline) await delay(200);
      if (!existsSync(outFile)) throw new Error('the extension host wrote no activation result within 90 s');
      const sample = JSON.parse(readFileSync(outFile, 'utf8'));
      samples[name].push(sample);
      const evaluation = typeof sample.bundleLoadMs === 'number' ? `bundle load ${sample.bundleLoadMs.toFixed(1)} ms` : '';
      const whole = typeof sample.hostLoadMs === 'number' ? `${evaluation ? ' of ' : 'loading '}${sample.hostLoadMs.toFixed(1)} ms with reading and compiling` : '';
      const load = evaluation || whole ? `${evaluation}${whole}, ` : '';
      const cpuText = typeof sample.activationCpuMs === 'number' ? ` (CPU ${sample.activationCpuMs.toFixed(1)})` : '';
      const outside = typeof sample.hostActivateMs === 'number' ? `; ${sample.hostActivateMs.toFixed(1)} ms from outside, from the start of loading` : '';
      const marks = typeof sample.vscodeCodeLoadingMs === 'number' ? ` (VS Code's marks: loading ${sample.vscodeCodeLoadingMs} ms)` : '';
      log(`  start ${round + 1} ${name}: ${load}activate() ${sample.activationMs?.toFixed(1)} ms${cpuText}${phaseText(sample.activationPhases)}${outside}${marks}${sample.error ? ` ERROR ${sample.error.split('\n')[0]}` : ''}`);
    } catch (error) {
      samples[name].push({ activationMs: null, error: error instanceof Error ? error.message : String(error), loadedFromExtension: [], loadedHeavy: [] });
      log(`  start ${round + 1} ${name}: failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await page?.close().catch(() => undefined);
    }
  });
  return samples;
}

/** Every "Activated in X ms" line the extension's log files under `logsDir` hold, oldest first (X in ms). */
function activationLines(logsDir, extensionId) {
  const lines = [];
  const walk = (dir, inExtension) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full, inExtension || name === extensionId);
      else if (inExtension && name.endsWith('.log')) {
        for (const match of readFileSync(full, 'utf8').matchAll(/^(\S+ \S+) \[info\] Activated in ([\d.]+) ms/gm)) lines.push({ at: match[1], ms: Number(match[2]) });
      }
    }
  };
  walk(logsDir, false);
  return lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/**
 * Everyday starts: windows whose profile already holds what the extension keeps (the walkthrough
 * marks it sent, its stored progress), as every start after a profile's first does. The page is
 * opened without the tests module, so the extension activates on its own (onStartupFinished), and is
 * then reloaded `reloads` times in the same browser context: each reload starts a new extension host,
 * which reads the global state the last one kept. (With the tests module in the URL the workbench
 * does not keep it across a reload: every start there is a profile's first.) The figure is the line
 * the production build logs, "Activated in X ms" (one decimal), read from the extension's log file.
 * Returns, by target name, each round's figures (its first start, then the reloads; undefined for a
 * round that failed).
 */
async function timeEverydayStarts(targets, tempRoot, rounds, reloads, extensionId, log) {
  const samples = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  await eachFreshStart(targets, tempRoot, rounds, 'everyday', async ({ name, dir, round, userDataDir, url, browser, startServer }) => {
    const logsDir = join(userDataDir, 'logs');
    const seen = [];
    let context;
    try {
      await startServer();
      context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(url({ extensionDir: dir }), { waitUntil: 'domcontentloaded' });
      for (let start = 0; start <= reloads; start++) {
        if (start > 0) await page.reload({ waitUntil: 'domcontentloaded' });
        const deadline = Date.now() + 60_000;
        let lines = activationLines(logsDir, extensionId);
        while (lines.length <= start && Date.now() < deadline) {
          await delay(200);
          lines = activationLines(logsDir, extensionId);
        }
        if (lines.length <= start) throw new Error(`no "Activated in" line for start ${start + 1} within 60 s`);
        seen.push(lines[start].ms);
        // Let the window finish starting before the next reload ends it.
        await delay(1500);
      }
      samples[name][round] = seen;
      log(`  everyday round ${round + 1} ${name}: first start ${seen[0].toFixed(1)} ms, then ${seen.slice(1).map((ms) => ms.toFixed(1)).join(', ')} ms`);
    } catch (error) {
      log(`  everyday round ${round + 1} ${name}: failed after ${seen.length} start(s): ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await context?.close().catch(() => undefined);
    }
  });
  return samples;
}

/**
 * Each build's activate() in plain Node with a stub `vscode` (bench/stubHost.cjs), `runs` fresh
 * processes each, in turn: our code's own cost (compiling and running it) without the API's, and
 * steady enough to tell changes of a few tenths of a millisecond apart, which the code-server starts
 * cannot (their spread is a few milliseconds).
 */
async function timeInStubHost(targets, tempRoot, runs, log) {
  const fake = join(tempRoot, 'fakeVscode.cjs');
  requireFromRepo('esbuild').buildSync({
    entryPoints: [join(repoRoot, 'test', 'support', 'fakeVscode.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: fake, logLevel: 'error',
  });
  const settings = join(repoRoot, 'test', 'integration', 'fixtures', 'user-settings.json');
  const host = join(repoRoot, 'bench', 'stubHost.cjs');
  const samples = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, dir] of Object.entries(targets)) {
      try {
        samples[name].push(JSON.parse(execFileSync(process.execPath, [host, dir, fake, settings], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })));
      } catch (error) {
        samples[name].push({ activationMs: null, error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      }
    }
  }
  for (const [name, list] of Object.entries(samples)) {
    const failed = list.filter((s) => s.error);
    if (failed.length) log(`  stub host ${name}: ${failed.length} of ${list.length} runs failed: ${failed[0].error}`);
  }
  return Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, {
    activateMs: summarize(list.map((s) => s.activationMs)),
    activateCpuMs: summarize(list.map((s) => s.activationCpuMs ?? null)),
  }]));
}

/** @param {{ tempRoot: string, starts: number, log: (line: string) => void, baseline?: string }} options */
/** The everyday figures: first starts, reloads, and ours minus the floor reload by reload in rounds both finished. */
function everydaySummary(samples) {
  const ours = samples.extension ?? [];
  const floor = samples.floor ?? [];
  const pairs = [];
  ours.forEach((round, i) => {
    const other = floor[i];
    if (round && other && round.length === other.length) for (let k = 1; k < round.length; k++) pairs.push(round[k] - other[k]);
  });
  const everyday = (rounds) => rounds.filter(Boolean).flatMap((round) => round.slice(1));
  return {
    activateMs: summarize(everyday(ours)),
    floorActivateMs: summarize(everyday(floor)),
    overFloorMs: summarize(pairs),
    firstStartActivateMs: summarize(ours.filter(Boolean).map((round) => round[0])),
    floorFirstStartActivateMs: summarize(floor.filter(Boolean).map((round) => round[0])),
    roundsFinished: ours.filter(Boolean).length,
  };
}

export async function benchActivation({ tempRoot, starts, log, baseline, everyday }) {
  const copy = makeProductionCopy(tempRoot);
  const bundle = join(copy, 'dist', 'extension.js');
  const bundleText = readFileSync(bundle, 'utf8');
  const sizes = {};
  // Every bundle the production build made (it writes no source maps).
  for (const name of readdirSync(join(copy, 'dist')).filter((file) => file.endsWith('.js')).sort()) sizes[name] = statSync(join(copy, 'dist', name)).size;
  const packages = await bundledPackages(copy);
  const requires = bundleRequires(bundleText);
  const floor = makeFloorCopy(tempRoot, copy);
  let samples;
  let floorSamples = [];
  let baselineSamples = [];
  // A baseline commit, built the same way, started in turn with ours and the floor: a before/after under the same load.
  const targets = { extension: copy, floor, ...(baseline ? { baseline: makeProductionCopy(tempRoot, 'baseline', baseline) } : {}) };
  log(`  stub host: ${STUB_RUNS} runs of each build in plain Node`);
  const stubHost = await timeInStubHost(targets, tempRoot, STUB_RUNS, log);
  try {
    ({ extension: samples, floor: floorSamples, baseline: baselineSamples = [] } = await timeActivations(targets, tempRoot, starts, log));
  } catch (error) {
    // No browser or no code-server: the sizes and the bundle's imports still stand.
    const message = error instanceof Error ? error.message : String(error);
    log(`  activation timing failed: ${message}`);
    samples = [{ activationMs: null, error: message, loadedFromExtension: [], loadedHeavy: [] }];
  }
  let everydayStarts;
  if (everyday) {
    log(`  everyday starts: ${everyday.rounds} rounds of ours and the floor, each a first start and ${everyday.reloads} reloads`);
    try {
      const extensionId = (({ publisher, name }) => `${publisher}.${name}`)(JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')));
      everydayStarts = { rounds: everyday.rounds, reloads: everyday.reloads, ...everydaySummary(await timeEverydayStarts({ extension: copy, floor }, tempRoot, everyday.rounds, everyday.reloads, extensionId, log)) };
    } catch (error) {
      log(`  everyday starts failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const loadedFromExtension = [...new Set(samples.flatMap((s) => s.loadedFromExtension ?? []))].map((f) => f.slice(copy.length + 1)).sort();
  const loadedHeavy = [...new Set(samples.flatMap((s) => s.loadedHeavy ?? []))].sort();
  return {
    bundleBytes: sizes['extension.js'],
    distBytes: sizes,
    bundledPackages: packages,
    heavyPackagesBundled: packages.filter((p) => HEAVY.test(p)),
    bundleRequires: requires,
    loadedInHostAfterActivate: loadedFromExtension,
    heavyModulesLoadedInHost: loadedHeavy,
    activateMs: summarize(samples.map((s) => s.activationMs)),
    // The CPU time of the extension host process in activate(): what the work costs, without the waits
    // for a core that the elapsed time also counts when the browser and the server are busy.
    activateCpuMs: summarize(samples.map((s) => s.activationCpuMs ?? null)),
    floorActivateCpuMs: summarize(floorSamples.map((s) => s.activationCpuMs ?? null)),
    // Ours minus the floor in the same round (the two starts a minute apart at most): what our code adds.
    overFloorMs: summarize(samples.map((s, i) => difference(s.activationMs, floorSamples[i]?.activationMs))),
    overFloorCpuMs: summarize(samples.map((s, i) => difference(s.activationCpuMs, floorSamples[i]?.activationCpuMs))),
    // activate()'s parts: settings, stored progress and context keys; the checklist view; the command stand-ins and the rest.
    // The same host's cost of the API calls activation cannot do without, measured by the floor extension.
    floorActivateMs: summarize(floorSamples.map((s) => s.activationMs)),
    ...(baseline ? { baseline: { ref: baseline, activateMs: summarize(baselineSamples.map((s) => s.activationMs)), activateCpuMs: summarize(baselineSamples.map((s) => s.activationCpuMs ?? null)), bundleLoadMs: summarize(baselineSamples.map((s) => s.bundleLoadMs)) } } : {}),
    activatePhasesMs: Object.fromEntries(['session', 'checklist', 'commands'].map((name) => [name, summarize(samples.map((s) => s.activationPhases?.[name] ?? null))])),
    // Evaluating dist/extension.js (its first line to the end of src/extension.ts's top level),
    // which activate()'s own time does not include.
    bundleLoadMs: summarize(samples.map((s) => s.bundleLoadMs)),
    // The same starts timed from outside: from the start of the host's loading of the bundle
    // (bench/loadClock.cjs) until the tests module's extension.activate() resolves
    // (bench/activationProbe.cjs): the loading, activate() and the host's own bookkeeping. What is left
    // after the loading and activate() is the host's part; a negative figure would mean a clock counts
    // time that is not there.
    hostActivateMs: summarize(samples.map((s) => s.hostActivateMs ?? null)),
    floorHostActivateMs: summarize(floorSamples.map((s) => s.hostActivateMs ?? null)),
    hostPartMs: summarize(samples.map((s) => (typeof s.hostActivateMs === 'number' && typeof s.hostLoadMs === 'number' ? difference(s.hostActivateMs, s.hostLoadMs + s.activationMs) : null))),
    // The host's loading of the bundle timed from outside (bench/loadClock.cjs): reading the file and
    // V8 compiling it, then the evaluation the bundle times itself. VS Code's own codeLoadingTime
    // counts all three; the evaluation figure above only the last. The part before the bundle's first
    // line cannot be negative; if it were, one of the two clocks would be wrong.
    hostLoadMs: summarize(samples.map((s) => s.hostLoadMs ?? null)),
    floorHostLoadMs: summarize(floorSamples.map((s) => s.hostLoadMs ?? null)),
    readCompileMs: summarize(samples.map((s) => difference(s.hostLoadMs, s.bundleLoadMs))),
    // VS Code's own marks around the same loading, in whole milliseconds (bench/activationProbe.cjs).
    vscodeCodeLoadingMs: summarize(samples.map((s) => s.vscodeCodeLoadingMs ?? null)),
    floorVscodeCodeLoadingMs: summarize(floorSamples.map((s) => s.vscodeCodeLoadingMs ?? null)),
    // activate() in plain Node with a stub vscode, by build (extension, floor, baseline): our code alone.
    stubHost,
    // Starts after a profile's first (timeEverydayStarts): the start most windows have.
    ...(everydayStarts ? { everydayStarts } : {}),
    startErrors: samples.filter((s) => s.error).map((s) => s.error.split('\n')[0]),
  };
}
