import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

describe('the .vsix contents', function () {
  this.timeout(60_000);

  it('holds only dist/*.js, media/, README, CHANGELOG, LICENSE, the manifest with its strings, the l10n bundles and the report schema', () => {
    // `vsce ls` lists what `npm run package` would put in the .vsix, from .vscodeignore and the manifest.
    const listed = execFileSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
      .split('\n').map((l) => l.trim()).filter(Boolean);
    const allowed = /^(dist\/[\w-]+\.js|media\/.+|README\.md|CHANGELOG\.md|LICENSE|package\.json|package\.nls(\.[\w-]+)?\.json|l10n\/bundle\.l10n(\.[\w-]+)?\.json|docs\/probe-report\.schema\.json)$/;
    assert.deepEqual(listed.filter((f) => !allowed.test(f)), [], 'nothing else is packaged');
    for (const required of ['dist/extension.js', 'dist/features.js', 'dist/settings-checks.js', 'dist/cli.js', 'dist/probe-engine.js', 'dist/webview.js', 'media/panel.css', 'README.md', 'CHANGELOG.md', 'LICENSE', 'package.json', 'package.nls.json', 'docs/probe-report.schema.json']) {
      assert.ok(listed.includes(required), `${required} is packaged`);
    }
  });
});

describe('the marketplace metadata', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

  it('names a 128x128 PNG icon that exists (media/icon.png, drawn by scripts/make-icon.mjs)', () => {
    assert.equal(manifest.icon, 'media/icon.png');
    const png = readFileSync(path.join(root, String(manifest.icon)));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
    assert.equal(png.readUInt32BE(16), 128, 'width');
    assert.equal(png.readUInt32BE(20), 128, 'height');
  });

  it('has repository, bugs, homepage, keywords, categories, gallery banner and licence, all on one https repository', () => {
    const repository = (manifest.repository as { url?: string } | undefined)?.url ?? '';
    assert.match(repository, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    const base = repository.replace(/\.git$/, '');
    assert.equal((manifest.bugs as { url?: string } | undefined)?.url, `${base}/issues`);
    assert.equal(manifest.homepage, `${base}#readme`);
    assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.length >= 3 && manifest.keywords.length <= 30, 'keywords (vsce allows at most 30)');
    assert.ok(Array.isArray(manifest.categories) && manifest.categories.length > 0, 'categories');
    const banner = manifest.galleryBanner as { color?: string; theme?: string } | undefined;
    assert.match(banner?.color ?? '', /^#[0-9A-Fa-f]{6}$/);
    assert.ok(banner?.theme === 'dark' || banner?.theme === 'light', `banner theme ${banner?.theme}`);
    assert.equal(manifest.license, 'MIT');
  });

  it('packages honestly: relative README links are rewritten to the repository, none disabled or waived', () => {
    const scripts = manifest.scripts as Record<string, string>;
    assert.match(scripts.package, /vsce package/);
    assert.doesNotMatch(scripts.package, /--no-rewrite-relative-links|--allow-missing-repository/);
  });
});
