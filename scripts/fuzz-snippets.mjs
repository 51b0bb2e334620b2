#!/usr/bin/env node
// Shell-injection fuzzer: at least 10,000 hostile values for every setting (and CLI configuration
// field) through every snippet, both access methods, org-wide impersonation on and off, the runbook
// and `exchange-setup snippets`. Prints the figures and exits 1 when any value escapes its literal.
// Needs a build first (node scripts/build.mjs); `npm run fuzz` does both.
//   node scripts/fuzz-snippets.mjs [--values N] [--fields a,b] [--seed N] [--jobs N]
// --jobs splits the fields over N child processes (default 2: the suite's time budget needs both cores).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const fuzzModule = join(root, 'out', 'test', 'support', 'snippetFuzz.js');
if (!existsSync(fuzzModule)) {
  process.stderr.write('fuzz-snippets: out/ is missing; run "node scripts/build.mjs" first\n');
  process.exit(2);
}
const { fuzzField } = require(fuzzModule);
const { loadPowerShellParser } = require(join(root, 'out', 'test', 'support', 'powershellParser.js'));
const { SETTING_FIELDS } = require(join(root, 'out', 'src', 'core', 'settings.js'));

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}
const count = Number(option('values', '10000'));
const seed = Number(option('seed', '20261129'));
const fields = option('fields', SETTING_FIELDS.join(',')).split(',');
const unknown = fields.filter((f) => !SETTING_FIELDS.includes(f));
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || unknown.length > 0) {
  process.stderr.write(`fuzz-snippets: bad options${unknown.length ? ` (unknown fields: ${unknown.join(', ')})` : ''}\n`);
  process.exit(2);
}

const jobs = Number(option('jobs', '2'));
const isChild = process.argv.includes('--child');

function printRow(figures) {
  process.stdout.write(`${figures.field.padEnd(36)} tried ${String(figures.tried).padStart(6)}  accepted ${String(figures.accepted).padStart(6)}  rejected ${String(figures.rejected).padStart(6)}  escapes ${figures.escapes}  ${(figures.ms / 1000).toFixed(1)} s\n`);
  for (const example of figures.examples) process.stdout.write(`    ESCAPE ${example}\n`);
}

/** Runs a share of the fields in a child process; resolves with its figures (one JSON line each). */
function runChild(share) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', '--values', String(count), '--seed', String(seed), '--fields', share.join(',')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      const rows = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      if (rows.length !== share.length) reject(new Error(`a fuzz job for ${share.join(', ')} exited with ${code} after ${rows.length} field(s)`));
      else resolve(rows);
    });
  });
}

const started = Date.now();
let rows = [];
if (isChild || jobs <= 1 || fields.length === 1) {
  const parser = await loadPowerShellParser();
  for (const field of fields) {
    // Each field keeps its own seed whichever process runs it, so runs are reproducible.
    const figures = await fuzzField(parser, field, count, seed + SETTING_FIELDS.indexOf(field));
    rows.push(figures);
    if (isChild) process.stdout.write(`${JSON.stringify(figures)}\n`);
    else printRow(figures);
  }
  if (isChild) process.exit(0);
} else {
  const shares = Array.from({ length: Math.min(jobs, fields.length) }, (_, j) => fields.filter((_, i) => i % jobs === j));
  rows = (await Promise.all(shares.map(runChild))).flat();
  rows.sort((a, b) => fields.indexOf(a.field) - fields.indexOf(b.field));
  for (const figures of rows) printRow(figures);
}
const total = (key) => rows.reduce((sum, row) => sum + row[key], 0);
process.stdout.write(`\nTOTAL fields ${rows.length}  tried ${total('tried')}  accepted ${total('accepted')}  rejected ${total('rejected')}  escapes ${total('escapes')}  time ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exit(total('escapes') === 0 ? 0 : 1);
