#!/usr/bin/env node
// Writes l10n/bundle.l10n.json, the English of every `l10n.t(...)` call in src/, with
// @vscode/l10n-dev's own extractor (getL10nJson, what `npx @vscode/l10n-dev export` runs). With
// --check it writes nothing and exits 1 when the file is not what the source says (a string added,
// changed or removed without a new export).
//
// l10n-dev reads only files that import `vscode` or `@vscode/l10n`. The host calls vscode.l10n.t; src/core
// and the webview call our src/core/l10n.ts, which has @vscode/l10n's `t(message, ...args)` contract, so
// their `import * as l10n from '…/l10n'` is handed to the extractor as `from '@vscode/l10n'` (in memory
// only; the source is not changed). l10n-dev 0.0.35 also misreads `\u2026`-style escapes in a message
// (it yields a different character), so escapes of non-ASCII characters are handed over as the
// characters they stand for: the same string to JavaScript, the right key in the bundle.
//   node scripts/l10n-export.mjs [--check]
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { getL10nJson } = createRequire(import.meta.url)('@vscode/l10n-dev');
const ownModule = resolve(root, 'src', 'core', 'l10n.ts');
const target = join(root, 'l10n', 'bundle.l10n.json');

const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .sort()
  .map((file) => join(root, 'src', file));

const scripts = files.map((file) => {
  const contents = readFileSync(file, 'utf8').replace(/(import \* as \w+ from )'(\.{1,2}\/[^']*l10n)'/g, (line, head, specifier) =>
    resolve(dirname(file), `${specifier}.ts`) === ownModule ? `${head}'@vscode/l10n'` : line);
  return { extension: '.ts', contents: contents.replace(/(?<!\\)\\u([0-9a-fA-F]{4})/g, (escape, hex) => (parseInt(hex, 16) >= 0x80 ? String.fromCharCode(parseInt(hex, 16)) : escape)) };
});
// l10n-dev 0.0.35 silently skips a message with an escaped quote (`'the account\'s'`): refuse those.
const escapedQuote = /l10n\.t\(\s*(?:'(?:[^'\\\n]|\\[^'])*\\'|"(?:[^"\\\n]|\\[^"])*\\")/;
const unreadable = files.filter((file, index) => escapedQuote.test(scripts[index].contents));
if (unreadable.length > 0) {
  console.error(`l10n.t messages with an escaped quote, which the extractor skips; write them in the other quotes:\n  ${unreadable.map((file) => relative(root, file)).join('\n  ')}`);
  process.exit(1);
}
const bundle = await getL10nJson(scripts);
const text = `${JSON.stringify(bundle, null, 2)}\n`;

if (process.argv.includes('--check')) {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (current !== text) {
    const have = current === '' ? {} : JSON.parse(current);
    const added = Object.keys(bundle).filter((key) => !(key in have));
    const removed = Object.keys(have).filter((key) => !(key in bundle));
    console.error(`${relative(root, target)} is out of date: ${added.length} string(s) missing, ${removed.length} no longer used.`);
    for (const key of added.slice(0, 20)) console.error(`  + ${JSON.stringify(key)}`);
    for (const key of removed.slice(0, 20)) console.error(`  - ${JSON.stringify(key)}`);
    console.error('Run: npm run l10n:export');
    process.exit(1);
  }
  console.log(`${relative(root, target)} holds the ${Object.keys(bundle).length} strings of the source.`);
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`${relative(root, target)}: ${Object.keys(bundle).length} strings.`);
}
