// Activation cost: the production bundle's size, what it can load at activation (its static
// imports from esbuild's metafile, and the modules the real extension host holds after
// activate()), and activate()'s own time and the bundle's evaluation before it, both measured by
// the extension in code-server's real extension host, over several fresh starts.
//
// The production build runs in a temporary copy of the repository (package.json, media, src and
// scripts/build.mjs, node_modules linked), so that other people's dist/ is never swapped for a
// minified one mid-test; the copy is also the extension folder code-server loads.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot, requireFromRepo, summarize } from './lib.mjs';

const HEAVY = /ews-javascript-api|@xmldom|xmldom|xpath|@aws-sdk|@smithy|fast-xml-parser/;

function makeProductionCopy(tempRoot) {
  const copy = join(tempRoot, 'extension');
  mkdirSync(join(copy, 'scripts'), { recursive: true });
  for (const name of ['package.json', 'tsconfig.json', 'LICENSE']) {
    if (existsSync(join(repoRoot, name))) cpSync(join(repoRoot, name), join(copy, name));
  }
  cpSync(join(repoRoot, 'src'), join(copy, 'src'), { recursive: true });
  if (existsSync(join(repoRoot, 'media'))) cpSync(join(repoRoot, 'media'), join(copy, 'media'), { recursive: true });
  cpSync(join(repoRoot, 'scripts', 'build.mjs'), join(copy, 'scripts', 'build.mjs'));
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(copy, 'scripts', 'build.mjs'), '--production'], { cwd: copy, stdio: 'inherit' });
  return copy;
}

/** The packages esbuild put into the extension bundle (what activation can load). */
async function bundledPackages(copy) {
  const esbuild = requireFromRepo('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(copy, 'src', 'extension.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode', './features.js', './probe-engine.js', './link-workmail.js'], metafile: true, write: false, logLevel: 'silent',
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

async function timeActivations(copy, tempRoot, starts, log) {
  const { chromium } = requireFromRepo('playwright-core');
  const cs = await import(join(repoRoot, 'scripts', 'lib', 'code-server.mjs'));
  const env = await import(join(repoRoot, 'scripts', 'lib', 'vscode-test-env.mjs'));
  const testsModule = join(repoRoot, 'bench', 'activationProbe.cjs');
  const samples = [];
  const browser = await chromium.launch({ executablePath: cs.chromiumPath, headless: true, args: cs.chromiumFlags });
  try {
    for (let i = 0; i < starts; i++) {
      const runDir = join(tempRoot, `start-${i}`);
      const userDataDir = join(runDir, 'user-data');
      mkdirSync(runDir, { recursive: true });
      env.seedUserSettings(userDataDir);
      const workspace = env.makeWorkspace();
      const outFile = join(runDir, 'activation.json');
      const port = await cs.freePort();
      let child;
      let page;
      try {
        child = await cs.startCodeServer({
          port, userDataDir, extensionsDir: join(runDir, 'extensions'), workspace, logFile: join(runDir, 'code-server.log'),
          env: { ECS_BENCH_OUT: outFile, ECS_BENCH_EXTENSION_DIR: copy },
        });
        page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        await page.goto(cs.workbenchUrl(port, workspace, { extensionDir: copy, testsModule }), { waitUntil: 'domcontentloaded' });
        const deadline = Date.now() + 90_000;
        while (!existsSync(outFile) && Date.now() < deadline) await delay(200);
        if (!existsSync(outFile)) throw new Error('the extension host wrote no activation result within 90 s');
        const sample = JSON.parse(readFileSync(outFile, 'utf8'));
        samples.push(sample);
        log(`  start ${i + 1}: bundle load ${sample.bundleLoadMs?.toFixed(1)} ms, activate() ${sample.activationMs?.toFixed(1)} ms${sample.error ? ` ERROR ${sample.error.split('\n')[0]}` : ''}`);
      } catch (error) {
        samples.push({ activationMs: null, error: error instanceof Error ? error.message : String(error), loadedFromExtension: [], loadedHeavy: [] });
        log(`  start ${i + 1}: failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await page?.close().catch(() => undefined);
        await cs.stopProcessGroup(child);
        rmSync(workspace, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
  }
  return samples;
}

/** @param {{ tempRoot: string, starts: number, log: (line: string) => void }} options */
export async function benchActivation({ tempRoot, starts, log }) {
  const copy = makeProductionCopy(tempRoot);
  const bundle = join(copy, 'dist', 'extension.js');
  const bundleText = readFileSync(bundle, 'utf8');
  const sizes = {};
  for (const name of ['extension.js', 'features.js', 'probe-engine.js', 'link-workmail.js', 'cli.js', 'webview.js']) {
    const file = join(copy, 'dist', name);
    if (existsSync(file)) sizes[name] = statSync(file).size;
  }
  const packages = await bundledPackages(copy);
  const requires = bundleRequires(bundleText);
  let samples;
  try {
    samples = await timeActivations(copy, tempRoot, starts, log);
  } catch (error) {
    // No browser or no code-server: the sizes and the bundle's imports still stand.
    const message = error instanceof Error ? error.message : String(error);
    log(`  activation timing failed: ${message}`);
    samples = [{ activationMs: null, error: message, loadedFromExtension: [], loadedHeavy: [] }];
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
    // Evaluating dist/extension.js (its first line to the end of src/extension.ts's top level),
    // which activate()'s own time does not include.
    bundleLoadMs: summarize(samples.map((s) => s.bundleLoadMs)),
    startErrors: samples.filter((s) => s.error).map((s) => s.error.split('\n')[0]),
  };
}
