// Preloaded (NODE_OPTIONS=--require) into the processes of the activation benchmark's code-server
// starts; does something only in the extension host. It times the host's loading of the benchmarked
// extension's main file from outside: reading it, V8 compiling it and evaluating it. The bundle's own
// figure (bundleLoadMs) starts at its first line, after the first two; VS Code's own codeLoadingTime
// counts all three (ExtensionActivationTimesBuilder, extHostExtensionService.ts). It must be in place
// before the host loads the extension, which can be before the tests module (activationProbe.cjs) runs:
// the host may begin an activation (onStartupFinished) and be waiting for the extension's context when
// the tests module asks for it.
//
// The host loads a CommonJS extension with Node's own require (createRequire in the node extension
// host's loader, code-server 4.100.3), which reads and compiles the file in Module._extensions['.js'].
// What it records, for activationProbe.cjs: globalThis.__ecsBenchLoad = { startedAt, ms } (performance.now()).
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const EXTENSION_HOST = 'vs/workbench/api/node/extensionHostProcess';
const extensionDir = process.env.ECS_BENCH_EXTENSION_DIR;

if (process.env.VSCODE_ESM_ENTRYPOINT === EXTENSION_HOST && extensionDir) {
  const Module = require('node:module');
  const { join } = require('node:path');
  const { performance } = require('node:perf_hooks');
  const { realpathSync } = require('node:fs');
  // Node hands the loader the file's real path.
  const main = join(realpathSync(extensionDir), 'dist', 'extension.js');
  const loaders = Module._extensions;
  const original = loaders['.js'];
  loaders['.js'] = function loadTimed(module, filename) {
    if (filename !== main) return original.call(this, module, filename);
    const startedAt = performance.now();
    try {
      return original.call(this, module, filename);
    } finally {
      globalThis.__ecsBenchLoad = { startedAt, ms: performance.now() - startedAt };
    }
  };
}
