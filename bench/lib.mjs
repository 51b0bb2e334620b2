// Shared helpers for the benchmark scripts: the repository's paths, median/min/max, and the fake
// Exchange started in its own process.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const requireFromRepo = createRequire(join(repoRoot, 'package.json'));

/** {median, min, max, runs} of the numbers (undefined entries are failed runs and left out). */
export function summarize(values) {
  const runs = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (runs.length === 0) return { median: null, min: null, max: null, runs: [] };
  const mid = Math.floor(runs.length / 2);
  const median = runs.length % 2 === 1 ? runs[mid] : (runs[mid - 1] + runs[mid]) / 2;
  return { median, min: runs[0], max: runs[runs.length - 1], runs: values };
}

export function round(value, digits = 2) {
  if (value === null || value === undefined) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Starts test/fake-exchange in a child process (see fakeProcess.mjs). Returns its url, port and CA
 * file, `usage()` (its CPU and requests since the last call) and `stop()`.
 */
export function startFakeProcess(options) {
  return new Promise((resolve, reject) => {
    const child = fork(join(repoRoot, 'bench', 'fakeProcess.mjs'), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const pending = [];
    child.on('message', (message) => {
      if (message.ready) {
        resolve({
          ...message.ready,
          usage: () => new Promise((done) => { pending.push(done); child.send('usage'); }),
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) { done(); return; }
            child.once('exit', () => done());
            child.send('stop');
          }),
        });
      } else if (message.usage) {
        pending.shift()?.(message.usage);
      }
    });
    child.once('exit', (code) => reject(new Error(`the fake Exchange process exited (code ${code}) before it was ready`)));
    child.once('error', reject);
  });
}
