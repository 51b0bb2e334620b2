import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

describe('the .vsix contents', function () {
  this.timeout(60_000);

  it('holds only dist/*.js, media/, README, CHANGELOG, LICENSE and the manifest', () => {
    // `vsce ls` lists what `npm run package` would put in the .vsix, from .vscodeignore and the manifest.
    const listed = execFileSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
      .split('\n').map((l) => l.trim()).filter(Boolean);
    const allowed = /^(dist\/[\w-]+\.js|media\/.+|README\.md|CHANGELOG\.md|LICENSE|package\.json)$/;
    assert.deepEqual(listed.filter((f) => !allowed.test(f)), [], 'nothing else is packaged');
    for (const required of ['dist/extension.js', 'dist/features.js', 'dist/cli.js', 'dist/probe-engine.js', 'dist/webview.js', 'media/panel.css', 'README.md', 'CHANGELOG.md', 'LICENSE', 'package.json']) {
      assert.ok(listed.includes(required), `${required} is packaged`);
    }
  });
});
