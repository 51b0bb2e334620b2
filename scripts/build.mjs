#!/usr/bin/env node
// Builds the extension bundles (dist/) and a plain transpile of src/ and test/ (out/) for the
// test runners. `--production` minifies the bundles; `--watch` rebuilds on change.
// `--dist DIR` writes the bundles to DIR instead and skips out/ (the size and test-hook checks in
// test/unit/bundle.test.ts build there); `--bundles extension,features` builds only those bundles.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lazyBundles } from './bundles.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    production: { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
    clean: { type: 'boolean', default: false },
    dist: { type: 'string' },
    bundles: { type: 'string' },
  },
});
const production = options.production;
const watch = options.watch;
const distDir = options.dist ? resolve(options.dist) : join(root, 'dist');

function listTs(dir) {
  const found = [];
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...listTs(full));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(full);
  }
  return found;
}

// The test hooks (src/buildFlags.d.ts) exist only outside the production build: a packaged
// extension cannot hand another extension anything that runs a command line or drives the panel.
const define = { __ECS_TEST_HOOKS__: production ? 'false' : 'true' };

/**
 * One copy of the VS Code API per bundle. esbuild turns each module's `import * as vscode from
 * 'vscode'` into a copy of the whole API object (some 330 members, one getter each) at load; with
 * every import routed through one module of the bundle, the copy is made once.
 */
const oneVscodeNamespace = {
  name: 'one-vscode-namespace',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-api'
      ? { path: 'vscode', external: true }
      : { path: 'vscode', namespace: 'vscode-api' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-api' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

const common = {
  define,
  plugins: [oneVscodeNamespace],
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

// Node bundles; the lazily loaded ones are listed in ./bundles.mjs.
const nodeBundles = [
  // The banner marks when the bundle starts to run: src/extension.ts reports the bundle's load time.
  { entryPoints: { extension: 'src/extension.ts' }, external: ['vscode', ...lazyBundles], banner: { js: '"use strict";var __ecsBundleStart = performance.now();' } },
  { entryPoints: { features: 'src/host/features.ts' }, external: ['vscode', ...lazyBundles] },
  // Validating the settings and the workspace-override warning, needed once the checklist is shown (src/host/loadSettingsChecks.ts).
  { entryPoints: { 'settings-checks': 'src/host/settingsChecks.ts' }, external: ['vscode'] },
  { entryPoints: { cli: 'src/cli/main.ts' }, external: ['./probe-engine.js', './link-workmail.js'], banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: { 'probe-engine': 'src/core/ews/engineEntry.ts' }, external: ['deasync', 'vscode'] },
  // The WorkMail link target's AWS SDK, loaded only when that target runs (src/core/link/loadWorkmail.ts).
  { entryPoints: { 'link-workmail': 'src/core/link/workmailEntry.ts' }, external: ['vscode'] },
].filter((b) => existsSync(join(root, Object.values(b.entryPoints)[0])));

const browserBundles = [
  { entryPoints: { webview: 'src/webview/main.ts' } },
].filter((b) => existsSync(join(root, Object.values(b.entryPoints)[0])));

const bundleName = (b) => Object.keys(b.entryPoints)[0];
const known = [...nodeBundles, ...browserBundles].map(bundleName);
const wanted = options.bundles?.split(',').map((name) => name.trim()).filter(Boolean);
const unknown = (wanted ?? []).filter((name) => !known.includes(name));
if (unknown.length > 0) {
  console.error(`[build] unknown bundle(s) in --bundles: ${unknown.join(', ')}; known: ${known.join(', ')}`);
  process.exit(2);
}
const picked = (b) => !wanted || wanted.includes(bundleName(b));

const configs = [
  ...nodeBundles.filter(picked).map((b) => ({
    ...common, ...b, platform: 'node', format: 'cjs', target: 'node20', outdir: distDir,
  })),
  ...browserBundles.filter(picked).map((b) => ({
    ...common, ...b, platform: 'browser', format: 'iife', target: 'es2022', outdir: distDir,
  })),
  // Only for the repository's own dist/: a build elsewhere is a check of the bundles alone.
  ...(options.dist ? [] : [{
    // Plain transpile (no bundling) for mocha and the integration suite.
    entryPoints: [...listTs(join(root, 'src')), ...listTs(join(root, 'test'))],
    outbase: root,
    outdir: join(root, 'out'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    define,
    sourcemap: 'inline',
    logLevel: 'warning',
  }]),
];

// Not cleaned by default: several test runs may share out/ at once. `--clean` starts afresh.
if (options.clean) {
  rmSync(distDir, { recursive: true, force: true });
  if (!options.dist) rmSync(join(root, 'out'), { recursive: true, force: true });
}
mkdirSync(distDir, { recursive: true });

if (watch) {
  for (const c of configs) {
    const ctx = await esbuild.context(c);
    await ctx.watch();
  }
  console.log('[build] watching');
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
