// .ci/install-system.sh's code-server install with a stand-in npm (no network): progress lines with
// "step k of 3" and the time elapsed, the install renamed into place only when finished, and Ctrl+C
// (SIGINT) leaving no half-installed folder.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, '.ci', 'install-system.sh');
const VERSION = '4.100.3';

function executable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** A folder with stand-ins for dpkg-query (everything installed), rg, and npm (sleeps, then writes a code-server that prints its version). */
function world(): { dir: string; env: NodeJS.ProcessEnv; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-install-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  executable(join(bin, 'dpkg-query'), '#!/bin/sh\nprintf "install ok installed"\n');
  executable(join(bin, 'rg'), '#!/bin/sh\nexit 0\n');
  executable(join(bin, 'npm'), [
    '#!/bin/sh',
    'touch "$FAKE_NPM_STARTED"',
    'sleep "${FAKE_NPM_SLEEP:-0}"',
    'if [ -n "$FAKE_NPM_FAIL" ]; then echo "npm ERR! network" >&2; exit 1; fi',
    'mkdir -p node_modules/.bin',
    `printf '#!/usr/bin/env node\\nconsole.log("${VERSION} 0000000 with Code 1.100.3")\\n' > node_modules/.bin/code-server`,
    'chmod +x node_modules/.bin/code-server',
    '',
  ].join('\n'));
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const cache = join(dir, 'cache');
  const env = { FAKE_NPM_STARTED: join(dir, 'npm-started'), PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: dir, TMPDIR: tmp, ECS_CACHE_DIR: cache, ECS_PROGRESS_INTERVAL_S: '1' };
  return { dir, env, cache };
}

function run(env: NodeJS.ProcessEnv, interruptWhen?: () => boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    // Ctrl+C once the condition holds (polled: the stand-in npm marks that it started).
    const poll = setInterval(() => {
      if (!sent && interruptWhen?.()) {
        sent = true;
        child.kill('SIGINT');
      }
    }, 20);
    child.on('exit', () => clearInterval(poll));
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

describe('.ci/install-system.sh: code-server install progress and Ctrl+C', function () {
  this.timeout(30_000);
  const made: string[] = [];
  after(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

  it('counts the steps, says the time elapsed while npm works, and renames the finished folder into place', async () => {
    const w = world();
    made.push(w.dir);
    const r = await run({ ...w.env, FAKE_NPM_SLEEP: '3' });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^\[install\] apt: \d+ Debian packages present \(step 1 of 3\)$/);
    assert.ok(lines.includes(`[install] npm: installing code-server ${VERSION} into ${join(w.cache, `code-server-${VERSION}`)} (step 2 of 3)`), r.stdout);
    const elapsed = lines.filter((l) => /^\[install\] npm: installing code-server 4\.100\.3 \(step 2 of 3\), \d+ s elapsed$/.test(l));
    assert.ok(elapsed.length >= 1, `no elapsed line in:\n${r.stdout}`);
    assert.ok(lines.includes(`[install] checking that code-server ${VERSION} runs (step 3 of 3)`), r.stdout);
    assert.deepEqual(readdirSync(w.cache), [`code-server-${VERSION}`], 'only the finished folder, no temporary one');
    // A second run installs nothing and says so.
    const again = await run(w.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /code-server 4\.100\.3 present \(steps 2 and 3 of 3\)/);
    assert.doesNotMatch(again.stdout, /npm: installing/);
  });

  it('a failed npm install keeps nothing and says so (exit 1)', async () => {
    const w = world();
    made.push(w.dir);
    const r = await run({ ...w.env, FAKE_NPM_FAIL: '1' });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /npm install of code-server 4\.100\.3 failed \(exit 1\); nothing was kept/);
    assert.deepEqual(readdirSync(w.cache), []);
  });

  it('Ctrl+C while npm installs: exit 130, no code-server folder and no temporary folder left', async () => {
    const w = world();
    made.push(w.dir);
    const started = String(w.env.FAKE_NPM_STARTED);
    const t0 = Date.now();
    const r = await run({ ...w.env, FAKE_NPM_SLEEP: '20' }, () => existsSync(started));
    // The streams close only when npm's whole tree is gone (its 20 s sleep holds them open otherwise).
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms: npm's children outlived the interrupt`);
    assert.ok(existsSync(started), 'the interrupt came while npm was installing');
    assert.equal(r.code, 130, `code ${r.code} signal ${r.signal}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /interrupted: removed the unfinished code-server folder/);
    assert.equal(existsSync(join(w.cache, `code-server-${VERSION}`)), false);
    assert.deepEqual(readdirSync(w.cache), [], 'the temporary folder is gone too');
  });
});
