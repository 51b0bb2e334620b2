// The tests module the activation benchmark gives the extension host (extensionTestsPath). It
// activates the extension, reads the activation time the extension measured itself, lists the
// modules the host has loaded from the extension's folder, and writes both to ECS_BENCH_OUT.
// Plain CommonJS: it runs as is in the extension host, with no build step.
/* eslint-disable @typescript-eslint/no-require-imports */
/* global exports */
const { writeFileSync, renameSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

exports.run = async function run() {
  const vscode = require('vscode');
  const out = process.env.ECS_BENCH_OUT;
  const extensionDir = process.env.ECS_BENCH_EXTENSION_DIR;
  const result = { activationMs: null, activationCpuMs: null, activationPhases: null, bundleLoadMs: null, hostActivateMs: null, loadedFromExtension: [], loadedHeavy: [], error: null };
  try {
    const extension = vscode.extensions.getExtension('exchange-calendar-setup.exchange-calendar-setup');
    if (!extension) throw new Error('the extension is not installed in this host');
    // A second clock, outside the extension: the whole activation as this caller waits for it (the
    // host loading the bundle, activate(), the host's own bookkeeping). It cannot be shorter than the
    // bundle's evaluation and activate() together; if it were, the extension's own clock would be
    // counting time that is not there. Only for a start that this call begins.
    const wasActive = extension.isActive;
    const before = performance.now();
    const api = await extension.activate();
    if (!wasActive) result.hostActivateMs = performance.now() - before;
    result.activationMs = api.activationMs;
    result.activationCpuMs = api.activationCpuMs ?? null;
    result.activationPhases = api.activationPhases ?? null;
    result.bundleLoadMs = api.bundleLoadMs ?? null;
    const loaded = Object.keys(require.cache);
    result.loadedFromExtension = loaded.filter((file) => extensionDir && file.startsWith(extensionDir));
    // Anything from the EWS library, an XML parser or the AWS SDK, wherever it was loaded from.
    result.loadedHeavy = loaded.filter((file) => /ews-javascript-api|xmldom|xpath|@aws-sdk|@smithy|probe-engine|link-workmail|features\.js/.test(file));
  } catch (error) {
    result.error = error instanceof Error ? error.stack || error.message : String(error);
  }
  if (out) {
    writeFileSync(`${out}.tmp`, JSON.stringify(result));
    renameSync(`${out}.tmp`, out);
  }
};
