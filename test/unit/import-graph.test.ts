import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..', '..');
const SRC = join(ROOT, 'src');

/** Every .ts file under a folder (declaration files included: they can import too). */
function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...sourceFiles(full));
    else if (name.endsWith('.ts')) found.push(full);
  }
  return found;
}

/** A relative specifier as the file it names in src/, or undefined (packages, built bundles such as ./features.js). */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find((file) => existsSync(file));
}

/**
 * The import graph of src/ as TypeScript reads it (ts.preProcessFile): `import`, `import type`,
 * `export ... from` and `import()`. Type-only edges count: a circle closed only by types still ties
 * the files' meaning together, which is what docs/architecture.md's layers forbid.
 */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles.map((ref) => resolveSpecifier(file, ref.fileName)).filter((target): target is string => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every circle of the graph, each once, as the files around it (the first file again at the end). */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const circle = path.slice(path.indexOf(next));
        // One entry per set of files, however the walk entered it.
        const key = [...circle].sort().join('|');
        if (!found.has(key)) found.set(key, [...circle, next]);
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return [...found.values()];
}

describe('import graph of src/', () => {
  it('has no circles, counting type-only imports', () => {
    const files = sourceFiles(SRC);
    assert.ok(files.length > 100, `expected the whole source tree, found ${files.length} files`);
    const graph = importGraph(files);
    const edges = [...graph.values()].reduce((sum, targets) => sum + targets.length, 0);
    assert.ok(edges > 200, `expected the imports to resolve, found ${edges} edges`);
    const found = circles(graph).map((circle) => circle.map((file) => relative(ROOT, file)).join(' -> '));
    assert.deepEqual(found, [], `import circles (move the shared names into a leaf module both sides import):\n${found.join('\n')}`);
  });

  it('reads type-only imports, re-exports, import() and index files, and reports each circle once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-imports-'));
    try {
      const a = join(dir, 'a.ts');
      const b = join(dir, 'b.ts');
      const c = join(dir, 'c', 'index.ts');
      mkdirSync(join(dir, 'c'));
      writeFileSync(a, "import type { B } from './b';\nimport * as fs from 'node:fs';\nexport type A = B;\n");
      writeFileSync(b, "export { C } from './c';\nexport type B = string;\nexport const load = () => import('./a');\n");
      writeFileSync(c, "export const C = 1;\nexport const features = () => require('./features.js');\n");
      const graph = importGraph([a, b, c]);
      assert.deepEqual(graph.get(a), [b]);
      assert.deepEqual(graph.get(b), [c, a]);
      assert.deepEqual(graph.get(c), []);
      assert.deepEqual(circles(graph), [[a, b, a]]);
      // The same circle entered from another file is reported once; a graph without one has none.
      assert.equal(circles(new Map([[c, [a, b]], [a, [b]], [b, [a]]])).length, 1);
      assert.deepEqual(circles(new Map([[a, [b]], [b, [c]], [c, []]])), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
