#!/usr/bin/env node
// Writes the pseudo-locale "qps-ploc" beside the English: package.nls.qps-ploc.json and
// l10n/bundle.l10n.qps-ploc.json, every string accented and wrapped in ⟦ ⟧ (test/support/pseudoLocale.ts).
// Start VS Code or code-server with `--locale qps-ploc` on this folder and any text without the markers
// escaped localization. --remove deletes the two files again. Neither file is committed or packaged
// (.gitignore, .vscodeignore).
//   node scripts/build.mjs && node scripts/pseudo-locale.mjs [--remove]
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'out', 'test', 'support', 'pseudoLocale.js');
if (!existsSync(compiled)) {
  console.error(`pseudo-locale: ${compiled} is missing. Run node scripts/build.mjs first.`);
  process.exit(2);
}
const { pseudoLocalize, PSEUDO_LOCALE } = createRequire(import.meta.url)(compiled);
const pairs = [
  [join(root, 'package.nls.json'), join(root, `package.nls.${PSEUDO_LOCALE}.json`)],
  [join(root, 'l10n', 'bundle.l10n.json'), join(root, 'l10n', `bundle.l10n.${PSEUDO_LOCALE}.json`)],
];
for (const [english, pseudo] of pairs) {
  if (process.argv.includes('--remove')) {
    rmSync(pseudo, { force: true });
    continue;
  }
  writeFileSync(pseudo, `${JSON.stringify(pseudoLocalize(JSON.parse(readFileSync(english, 'utf8'))), null, 2)}\n`);
  console.log(`wrote ${pseudo}`);
}
