// core/lazyModule.ts: which module a lazy load returns, and which error it reports when it cannot.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserFacingError } from '../../src/core/errors';
import { lazyModule } from '../../src/core/lazyModule';

describe('lazyModule', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecs-lazy-'));
    writeFileSync(path.join(dir, 'direct.js'), 'exports.kind = "direct";');
    writeFileSync(path.join(dir, 'broken.js'), 'throw new Error("broken inside");');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const missingBundle = (file: string) => () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(dir, file));
  };

  it('loads the bundle once and keeps it', () => {
    let calls = 0;
    const load = lazyModule<{ kind: string }>(() => { calls += 1; return { kind: 'bundle' }; }, 'bundle.js', '/nowhere.js');
    assert.equal(load().kind, 'bundle');
    assert.equal(load().kind, 'bundle');
    assert.equal(calls, 1);
  });

  it('falls back to the plain transpile when the bundle is absent (unit runs from out/)', () => {
    const load = lazyModule<{ kind: string }>(missingBundle('bundle.js'), 'bundle.js', path.join(dir, 'direct.js'));
    assert.equal(load().kind, 'direct');
  });

  it('names the missing bundle and says what to do when the plain transpile is absent too (a damaged installation)', () => {
    const load = lazyModule(missingBundle('bundle.js'), 'bundle.js', path.join(dir, 'absent.js'));
    assert.throws(load, (error: Error) => {
      assert.ok(error instanceof UserFacingError, 'shown as it is, not as an unexpected failure');
      assert.equal(error.message, "The extension's file dist/bundle.js is missing: reinstall Exchange Calendar Setup.");
      return true;
    });
  });

  it('names a bundle that fails as it loads, with its error, without trying the plain transpile', () => {
    const load = lazyModule(missingBundle('broken.js'), 'broken.js', path.join(dir, 'direct.js'));
    assert.throws(load, (error: Error) => {
      assert.ok(error instanceof UserFacingError);
      assert.equal(error.message, "The extension's file dist/broken.js did not load (broken inside): reinstall Exchange Calendar Setup.");
      assert.match(String((error.cause as Error).stack), /broken\.js/, 'the cause keeps the stack for the log');
      return true;
    });
  });

  it('reports a plain transpile that fails inside as it is', () => {
    const load = lazyModule(missingBundle('bundle.js'), 'bundle.js', path.join(dir, 'broken.js'));
    assert.throws(load, /broken inside/);
  });

  it('tries again after a failure', () => {
    const direct = path.join(dir, 'later.js');
    const load = lazyModule<{ kind: string }>(missingBundle('bundle.js'), 'bundle.js', direct);
    assert.throws(load, /dist\/bundle\.js is missing/);
    writeFileSync(direct, 'exports.kind = "later";');
    assert.equal(load().kind, 'later');
  });
});
