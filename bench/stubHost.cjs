// One activation of an extension folder's dist/extension.js in plain Node, `require('vscode')`
// answered by test/support/fakeVscode.ts (bundled by activation.mjs), whose API calls cost next to
// nothing. What it prints is therefore what the extension's own code costs: compiling and running
// it. A fresh process each time, as a fresh extension host compiles everything afresh.
//
//   node bench/stubHost.cjs <extension folder> <fakeVscode.cjs> <user-settings.json>
// prints {"activationMs": .., "activationCpuMs": .., "bundleLoadMs": ..}
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const [extensionDir, fakePath, settingsPath] = process.argv.slice(2);
const { createFakeVscode, fakeContext, withFakeVscode } = require(fakePath);

// The extension host has parsed URLs long before any extension starts (a first `new URL` inside
// activate() took 0.0-0.1 ms in code-server); in a bare Node process the first one costs about 1 ms.
new URL('https://warm.example/');

// The settings the code-server starts use (test/integration/fixtures/user-settings.json), as the
// nested dictionary a WorkspaceConfiguration is.
const dictionary = {};
for (const [key, value] of Object.entries(JSON.parse(readFileSync(settingsPath, 'utf8')))) {
  const parts = key.split('.').slice(1);
  let node = dictionary;
  for (const part of parts.slice(0, -1)) node = node[part] ??= {};
  node[parts[parts.length - 1]] = value;
}
const fake = createFakeVscode();
fake.module.workspace.getConfiguration = () => ({ ...dictionary, get: (key, fallback) => dictionary[key] ?? fallback, inspect: (key) => ({ key }), update: async () => undefined });
// The workbench's commands a start may send (the walkthrough marks), answered here as the other API
// calls are: at next to no cost. Without a handler the stub would reject them with an Error, and its
// stack capture charged both builds 0.2-0.3 ms that is neither ours nor the real host's (there the
// command is sent to the workbench, which answers later; 2026-12-08, median of 40 runs: ours 2.00 ms
// with the Error, 1.66 ms without).
for (const id of ['welcome.markStepComplete', 'welcome.markStepIncomplete']) fake.module.commands.registerCommand(id, () => undefined);

const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8'));
const context = { ...fakeContext(1, manifest), extension: { id: `${manifest.publisher}.${manifest.name}`, packageJSON: manifest } };
const api = withFakeVscode(fake, () => require(join(extensionDir, 'dist', 'extension.js')).activate(context));
if (!api || typeof api.activationMs !== 'number') {
  process.stderr.write(`activate() returned no figures; the log says:\n${fake.logLines.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ activationMs: api.activationMs, activationCpuMs: api.activationCpuMs ?? null, bundleLoadMs: api.bundleLoadMs ?? null })}\n`);
