#!/usr/bin/env node
// The production dependency audit: `npm audit --omit=dev --json`, summarised by severity with each
// high or critical advisory, the package path it reaches us by and whether a fix exists. It needs
// the npm registry's audit endpoint, so it is not part of `npm test` (which runs offline).
//
//   node scripts/audit.mjs            run the audit and print the summary
//   node scripts/audit.mjs FILE.json  summarise a saved `npm audit --json` output instead
//
// Exit codes: 0 no high or critical advisory; 1 at least one (read the list: say in the README's
// Security section why each does not apply, or update); 3 the audit could not run (the reason is
// printed; nothing is claimed).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEVERITIES = ['critical', 'high', 'moderate', 'low', 'info'];

function productionPackageCount() {
  const result = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return new Set(result.stdout.split('\n').filter((line) => line.includes('node_modules'))).size;
}

function readAudit(file) {
  if (file) return JSON.parse(readFileSync(file, 'utf8'));
  const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  try {
    return JSON.parse(result.stdout);
  } catch {
    return { error: { summary: (result.stderr || result.stdout || `npm exited with ${result.status}`).trim().split('\n').slice(-3).join(' ') } };
  }
}

const file = process.argv[2];
const audit = readAudit(file);
const npmVersion = (() => {
  try {
    return execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();

console.log(`npm audit --omit=dev (npm ${npmVersion}${file ? `, from ${file}` : ''}); production packages installed: ${productionPackageCount()}`);

// npm reports a failed audit request as JSON with `message`/`error` and no `vulnerabilities`.
if (audit.vulnerabilities === undefined) {
  const reason = audit.error?.summary || audit.message || JSON.stringify(audit).slice(0, 300);
  console.log(`The audit could not run: ${reason}`);
  console.log('Nothing is claimed about advisories. Run this script where the registry\'s audit endpoint (POST /-/npm/v1/security/advisories/bulk) is reachable.');
  process.exit(3);
}

const counts = audit.metadata?.vulnerabilities ?? {};
console.log(SEVERITIES.map((s) => `${s} ${counts[s] ?? 0}`).join(', '));
const serious = Object.values(audit.vulnerabilities).filter((v) => v.severity === 'high' || v.severity === 'critical');
for (const v of serious) {
  const advisories = v.via.filter((via) => typeof via === 'object').map((via) => `${via.title} (${via.url ?? via.source}, ${via.range})`);
  const through = v.via.filter((via) => typeof via === 'string');
  const fix = v.fixAvailable === false ? 'no fix available' : v.fixAvailable === true ? 'fix: npm audit fix' : `fix: ${v.fixAvailable.name}@${v.fixAvailable.version}${v.fixAvailable.isSemVerMajor ? ' (semver-major)' : ''}`;
  console.log(`- ${v.severity.toUpperCase()} ${v.name} ${v.range}${through.length ? ` via ${through.join(', ')}` : ''}; ${fix}`);
  for (const a of advisories) console.log(`    ${a}`);
  if (v.nodes?.length) console.log(`    installed at ${v.nodes.join(', ')}`);
}
process.exit(serious.length > 0 ? 1 : 0);
