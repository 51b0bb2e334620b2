#!/usr/bin/env node
// Runs mocha programmatically over every file under a folder whose name ends in a suffix
// (sorted), with the spec reporter, and writes the runner's counts as JSON for test-all.
// Its own process, so tests that leave handles open or load big wasm files cannot hold up
// or pollute the orchestrator.
//
//   node scripts/lib/run-mocha.mjs --dir out/test/unit --suffix .test.js --timeout 10000 --stats-out FILE [--grep TEXT]
//
// --grep runs only the tests whose full title contains TEXT (mocha's grep, as a plain string);
// none matching is 0 passed, 0 failed here, and scripts/test-all.mjs decides what that means.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Mocha from 'mocha';

const { values: options } = parseArgs({
  options: {
    dir: { type: 'string' },
    suffix: { type: 'string', default: '.test.js' },
    timeout: { type: 'string', default: '10000' },
    'stats-out': { type: 'string' },
    grep: { type: 'string' },
  },
});

function writeStats(stats) {
  if (options['stats-out']) writeFileSync(options['stats-out'], JSON.stringify(stats));
}

function findTestFiles(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(dir, name))
    .sort();
}

async function main() {
  if (!options.dir) throw new Error('--dir is required');
  const dir = resolve(options.dir);
  const files = findTestFiles(dir, options.suffix);
  if (files.length === 0) {
    console.log(`no *${options.suffix} files under ${dir}`);
    writeStats({ passed: 0, failed: 1 });
    return 1;
  }
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: Number(options.timeout),
    // A skipped or focused test hides checks that never ran: mocha counts both as failures.
    forbidOnly: true,
    forbidPending: true,
    ...(options.grep ? { grep: options.grep } : {}),
  });
  for (const file of files) mocha.addFile(file);
  // Loads CommonJS through require and .mjs through import, so one runner serves both.
  await mocha.loadFilesAsync();
  const stats = await new Promise((resolveStats) => {
    const runner = mocha.run(() => resolveStats(runner.stats));
  });
  writeStats({ passed: stats.passes, failed: stats.failures });
  return stats.failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    // A test file that throws while loading: no test ran, and that is one failure.
    console.error(error);
    writeStats({ passed: 0, failed: 1 });
    process.exit(1);
  },
);
