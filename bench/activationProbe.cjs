// The tests module the activation benchmark gives the extension host (extensionTestsPath). It
// activates the extension, reads the activation time the extension measured itself, lists the
// modules the host has loaded from the extension's folder, and writes both to ECS_BENCH_OUT.
// Plain CommonJS: it runs as is in the extension host, with no build step.
/* eslint-disable @typescript-eslint/no-require-imports */
/* global exports */
const { writeFileSync, renameSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

/**
 * VS Code's own reading of the same loading: the marks its node extension host sets around requiring
 * an extension's code (code/extHost/willLoadExtensionCode/<id> and didLoadExtensionCode/<id>,
 * extHostExtensionService.ts), which in a Node process hold Date.now(), whole milliseconds
 * (vs/base/common/performance.ts). Null when the marks are not there.
 */
function codeLoadingFromMarks(id) {
  const marks = globalThis.MonacoPerformanceMarks?.getMarks?.();
  if (!Array.isArray(marks)) return null;
  const at = (name) => marks.find((mark) => mark.name === `code/extHost/${name}/${id}`)?.startTime;
  const will = at('willLoadExtensionCode');
  const did = at('didLoadExtensionCode');
  return typeof will === 'number' && typeof did === 'number' ? did - will : null;
}

exports.run = async function run() {
  const vscode = require('vscode');
  const out = process.env.ECS_BENCH_OUT;
  const extensionDir = process.env.ECS_BENCH_EXTENSION_DIR;
  const result = { activationMs: null, hostLoadMs: null, vscodeCodeLoadingMs: null, activationCpuMs: null, activationPhases: null, bundleLoadMs: null, hostActivateMs: null, loadedFromExtension: [], loadedHeavy: [], error: null };
  try {
    const extension = vscode.extensions.getExtension('exchange-calendar-setup.exchange-calendar-setup');
    if (!extension) throw new Error('the extension is not installed in this host');
    // A second clock, outside the extension: the whole activation from the moment the host began
    // loading the bundle (bench/loadClock.cjs, preloaded) until extension.activate() resolves: the
    // loading, activate() and the host's own bookkeeping. It cannot be shorter than the loading and
    // activate() together; if it were, one of the clocks would be counting time that is not there.
    // (The host may have begun the activation before this module runs: then this call joins it, and
    // a clock started here would miss its beginning.)
    const api = await extension.activate();
    const resolvedAt = performance.now();
    const load = globalThis.__ecsBenchLoad;
    if (load) {
      result.hostLoadMs = load.ms;
      result.hostActivateMs = resolvedAt - load.startedAt;
    }
    result.vscodeCodeLoadingMs = codeLoadingFromMarks(extension.id);
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
