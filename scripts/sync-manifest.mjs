#!/usr/bin/env node
// Writes package.json's contributes.configuration, contributes.commands and contributes.menus from the
// tables in src/core/contributions (compiled to out/ by scripts/build.mjs), leaving every other key as
// it is. With --check it writes nothing and exits 1, listing each difference, when package.json does not
// follow the tables. --manifest FILE works on another copy (the unit test uses it).
// package.json holds `%key%` references; the English is package.nls.json (beside the manifest), whose
// table-owned keys are rewritten here; keys written by hand (views, walkthrough) are kept. --check also
// fails on any manifest text that is not a %key% of package.nls.json.
//   node scripts/build.mjs && node scripts/sync-manifest.mjs [--check] [--manifest FILE]
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'out', 'src', 'core', 'contributions', 'manifest.js');
if (!existsSync(compiled)) {
  console.error(`sync-manifest: ${compiled} is missing. Run node scripts/build.mjs first.`);
  process.exit(2);
}
const { renderContributions, manifestDifferences, renderNls, nlsDifferences, unlocalizedManifestText } = createRequire(import.meta.url)(compiled);
const { values: options } = parseArgs({ options: { check: { type: 'boolean', default: false }, manifest: { type: 'string' } } });
const manifestPath = options.manifest ? resolve(options.manifest) : join(root, 'package.json');
const text = readFileSync(manifestPath, 'utf8');
const manifest = JSON.parse(text);
const nlsPath = join(dirname(manifestPath), 'package.nls.json');
const nlsText = existsSync(nlsPath) ? readFileSync(nlsPath, 'utf8') : '{}';
const nls = JSON.parse(nlsText);

if (options.check) {
  const differences = [...manifestDifferences(manifest, nls), ...nlsDifferences(nls), ...unlocalizedManifestText(manifest, nls)];
  if (differences.length > 0) {
    console.error(`${manifestPath} differs from the tables in src/core/contributions (${differences.length}):`);
    for (const difference of differences) console.error(`  - ${difference}`);
    console.error('Change the table, then run: node scripts/build.mjs && node scripts/sync-manifest.mjs');
    process.exit(1);
  }
  console.log(`${manifestPath} follows the settings and commands tables.`);
  process.exit(0);
}

// Replace the three parts in place, so that contributes keeps its key order and the diff stays small.
const rendered = renderContributions();
manifest.contributes = Object.fromEntries(
  Object.entries({ ...manifest.contributes, ...Object.fromEntries(Object.keys(rendered).map((k) => [k, undefined])) })
    .map(([key, value]) => [key, key in rendered ? rendered[key] : value]),
);
const updated = `${JSON.stringify(manifest, null, 2)}\n`;
const updatedNls = `${JSON.stringify({ ...nls, ...renderNls() }, null, 2)}\n`;
if (updated === text && updatedNls === nlsText) {
  console.log(`${manifestPath} and package.nls.json already follow the tables; nothing written.`);
} else {
  writeFileSync(manifestPath, updated);
  writeFileSync(nlsPath, updatedNls);
  console.log(`${manifestPath}: contributes.configuration, commands and menus written from the tables, their English to ${nlsPath}.`);
}
const left = unlocalizedManifestText(manifest, { ...nls, ...renderNls() });
if (left.length > 0) {
  console.error(`Manifest text that no translation can reach (${left.length}):`);
  for (const entry of left) console.error(`  - ${entry}`);
  process.exit(1);
}
