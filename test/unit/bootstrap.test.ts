// The bootstrap that `npm test` and `npm run demo` run first (scripts/lib/bootstrap-plan.mjs),
// against a fake machine: files with times and contents, commands present or not, a root or plain
// user, sudo with or without a password. Nothing is installed and apt never runs.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '..', '..', '..');
const FAKE_ROOT = '/clone';
const CACHE = '/cache';
const INSTALL_SCRIPT = readFileSync(path.join(root, '.ci', 'install-system.sh'), 'utf8');

interface Plan { action: string; reason: string; command?: string; args?: string[] }
interface Bootstrap {
  checkNode(version: string): string | undefined;
  planNpm(deps: FakeMachine): Plan;
  planSystem(deps: FakeMachine): Plan;
  readInstallScript(text: string): { packages: string[]; version: string };
  runBootstrap(deps: FakeMachine, log: (line: string) => void): number;
}

async function load(): Promise<Bootstrap> {
  // A variable specifier keeps the transpiler from turning this into require() of an ES module.
  const file = pathToFileURL(path.join(root, 'scripts', 'lib', 'bootstrap-plan.mjs')).href;
  return (await import(file)) as Bootstrap;
}

const LOCK = {
  lockfileVersion: 3,
  packages: {
    '': { name: 'exchange-calendar-setup' },
    'node_modules/mocha': { version: '11.8.0' },
    'node_modules/esbuild': { version: '0.25.12' },
    'node_modules/@esbuild/darwin-arm64': { version: '0.25.12', optional: true },
  },
};
/** What npm writes to node_modules/.package-lock.json after installing LOCK on Linux. */
const INSTALLED = { lockfileVersion: 3, packages: { 'node_modules/mocha': { version: '11.8.0' }, 'node_modules/esbuild': { version: '0.25.12' } } };

class FakeMachine {
  root = FAKE_ROOT;
  nodeVersion = '20.19.0';
  env: Record<string, string | undefined> = { ECS_CACHE_DIR: CACHE };
  uid = 1000;
  stdinIsTTY = false;
  files = new Map<string, { text: string; mtime: number }>();
  links = new Map<string, string>();
  commands = new Set(['dpkg-query', 'apt-get', 'sudo', 'npm', 'bash']);
  installedDebs = new Set<string>();
  sudoWithoutPassword = false;
  ran: string[] = [];
  runStatus = 0;

  constructor() {
    this.put('package.json', '{}', 1);
    this.put('package-lock.json', JSON.stringify(LOCK), 10);
    this.put('node_modules/.package-lock.json', JSON.stringify(INSTALLED), 20);
    this.put('.ci/install-system.sh', INSTALL_SCRIPT, 1);
    const { packages, version } = { packages: this.scriptPackages(), version: this.scriptVersion() };
    for (const name of packages) this.installedDebs.add(name);
    this.files.set(`${CACHE}/code-server-${version}/node_modules/.bin/code-server`, { text: '', mtime: 1 });
    this.files.set(`${CACHE}/code-server-${version}/node_modules/code-server/package.json`, { text: JSON.stringify({ version }), mtime: 1 });
  }

  scriptPackages(): string[] {
    return /^APT_PACKAGES=\(([^)]*)\)/m.exec(INSTALL_SCRIPT)![1].trim().split(/\s+/);
  }

  scriptVersion(): string {
    return /CODE_SERVER_VERSION:-([^}]+)\}/.exec(INSTALL_SCRIPT)![1];
  }

  put(relative: string, text: string, mtime: number): void {
    this.files.set(path.posix.join(FAKE_ROOT, relative), { text, mtime });
  }

  exists = (file: string): boolean => this.files.has(file) || [...this.files.keys()].some((f) => f.startsWith(`${file}/`));
  isSymlink = (file: string): boolean => this.links.has(file);
  linkTarget = (file: string): string => this.links.get(file) ?? '';
  mtimeMs = (file: string): number => {
    const entry = this.files.get(file);
    if (!entry) throw new Error(`ENOENT ${file}`);
    return entry.mtime;
  };
  readText = (file: string): string => {
    const entry = this.files.get(file);
    if (!entry) throw new Error(`ENOENT ${file}`);
    return entry.text;
  };
  hasCommand = (name: string): boolean => this.commands.has(name);
  capture = (command: string, args: string[]): { status: number; stdout: string } => {
    if (command === 'sudo') return { status: this.sudoWithoutPassword ? 0 : 1, stdout: '' };
    if (command === 'dpkg-query') {
      const names = args.slice(2);
      const known = names.filter((n) => this.installedDebs.has(n));
      return { status: known.length === names.length ? 0 : 1, stdout: known.map((n) => `${n}\tinstall ok installed\n`).join('') };
    }
    throw new Error(`unexpected check ${command}`);
  };
  run = (command: string, args: string[]): number => {
    this.ran.push([command, ...args].join(' '));
    return this.runStatus;
  };
}

function runAndLog(bootstrap: Bootstrap, machine: FakeMachine): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = bootstrap.runBootstrap(machine, (line) => lines.push(line));
  return { code, lines };
}

describe('bootstrap: what npm test and npm run demo install first', () => {
  let bootstrap: Bootstrap;
  before(async () => { bootstrap = await load(); });

  describe('npm packages', () => {
    it('runs npm ci when node_modules is missing', () => {
      const machine = new FakeMachine();
      machine.files.delete(`${FAKE_ROOT}/node_modules/.package-lock.json`);
      const plan = bootstrap.planNpm(machine);
      assert.equal(plan.action, 'install');
      assert.match(plan.reason, /node_modules is missing/);
      assert.deepEqual([plan.command, plan.args?.[0]], ['npm', 'ci']);
    });

    it('installs nothing when node_modules was installed after the lockfile last changed', () => {
      assert.equal(bootstrap.planNpm(new FakeMachine()).action, 'none');
    });

    it('calls node_modules stale when the lockfile is newer and a version differs, and names the package', () => {
      const machine = new FakeMachine();
      const newer = structuredClone(LOCK);
      newer.packages['node_modules/mocha'].version = '11.9.0';
      machine.put('package-lock.json', JSON.stringify(newer), 30);
      const plan = bootstrap.planNpm(machine);
      assert.equal(plan.action, 'install');
      assert.match(plan.reason, /older than package-lock\.json \(node_modules\/mocha is 11\.8\.0, the lockfile wants 11\.9\.0\)/);
    });

    it('calls node_modules stale when the newer lockfile adds a package', () => {
      const machine = new FakeMachine();
      const newer: { packages: Record<string, object> } = structuredClone(LOCK);
      newer.packages['node_modules/jsdom'] = { version: '26.1.0' };
      machine.put('package-lock.json', JSON.stringify(newer), 30);
      assert.match(bootstrap.planNpm(machine).reason, /node_modules\/jsdom is missing/);
    });

    it('does not reinstall when a checkout only touched the lockfile, nor for another platform\'s optional package', () => {
      const machine = new FakeMachine();
      machine.put('package-lock.json', JSON.stringify(LOCK), 30);
      const plan = bootstrap.planNpm(machine);
      assert.equal(plan.action, 'none', plan.reason);
    });

    it('refuses to npm ci into a node_modules that links to another checkout, saying where to run it', () => {
      const machine = new FakeMachine();
      machine.put('package-lock.json', JSON.stringify({ packages: { 'node_modules/left-pad': { version: '1.3.0' } } }), 30);
      machine.links.set(`${FAKE_ROOT}/node_modules`, '/work/main/node_modules');
      const plan = bootstrap.planNpm(machine);
      assert.equal(plan.action, 'refuse');
      assert.match(plan.reason, /link to \/work\/main\/node_modules: run `npm ci` in the checkout it belongs to/);
    });
  });

  describe('Debian packages and code-server', () => {
    it('reads its package list and code-server version from .ci/install-system.sh itself', () => {
      const { packages, version } = bootstrap.readInstallScript(INSTALL_SCRIPT);
      assert.ok(packages.includes('chromium') && packages.includes('libkrb5-dev'), packages.join(' '));
      assert.match(version, /^\d+\.\d+\.\d+$/);
      assert.throws(() => bootstrap.readInstallScript('#!/bin/bash\n'), /APT_PACKAGES/);
    });

    it('as root, runs the install script for a missing package', () => {
      const machine = new FakeMachine();
      machine.uid = 0;
      machine.commands.delete('sudo');
      machine.installedDebs.delete('chromium');
      const plan = bootstrap.planSystem(machine);
      assert.equal(plan.action, 'install');
      assert.match(plan.reason, /Debian packages chromium missing/);
      assert.deepEqual([plan.command, plan.args], ['bash', [`${FAKE_ROOT}/.ci/install-system.sh`]]);
    });

    it('without root and without sudo, says a missing package needs root and what to run', () => {
      const machine = new FakeMachine();
      machine.commands.delete('sudo');
      machine.installedDebs.delete('chromium');
      const { code, lines } = runAndLog(bootstrap, machine);
      assert.equal(code, 1);
      assert.deepEqual(machine.ran, [], 'nothing was run');
      assert.match(lines.at(-1) ?? '', /^\[setup\] system: Debian packages chromium missing; installing Debian packages needs root: run `sudo bash \.ci\/install-system\.sh` \(or run it as root\) once, then this command again \(there is no sudo here\)$/);
    });

    it('when sudo wants a password and no terminal can type it, says so instead of hanging', () => {
      const machine = new FakeMachine();
      machine.installedDebs.delete('ripgrep');
      const plan = bootstrap.planSystem(machine);
      assert.equal(plan.action, 'refuse');
      assert.match(plan.reason, /sudo needs a password and there is no terminal/);
    });

    it('uses sudo when it needs no password, or when a terminal can answer its prompt', () => {
      const machine = new FakeMachine();
      machine.installedDebs.delete('ripgrep');
      machine.sudoWithoutPassword = true;
      assert.equal(bootstrap.planSystem(machine).action, 'install');
      machine.sudoWithoutPassword = false;
      machine.stdinIsTTY = true;
      const plan = bootstrap.planSystem(machine);
      assert.equal(plan.action, 'install');
      assert.match(plan.reason, /sudo will ask for your password/);
    });

    it('installs code-server without root: it goes into the user\'s cache folder', () => {
      const machine = new FakeMachine();
      machine.commands.delete('sudo');
      machine.files.delete(`${CACHE}/code-server-${machine.scriptVersion()}/node_modules/.bin/code-server`);
      const plan = bootstrap.planSystem(machine);
      assert.equal(plan.action, 'install');
      assert.equal(plan.reason, `code-server ${machine.scriptVersion()} missing`);
    });

    it('counts a code-server of another version as missing', () => {
      const machine = new FakeMachine();
      machine.files.set(`${CACHE}/code-server-${machine.scriptVersion()}/node_modules/code-server/package.json`, { text: '{"version":"4.99.0"}', mtime: 1 });
      assert.equal(bootstrap.planSystem(machine).action, 'install');
    });

    it('on a machine without apt, says what it needs and goes on', () => {
      const machine = new FakeMachine();
      machine.commands.delete('apt-get');
      const { code, lines } = runAndLog(bootstrap, machine);
      assert.equal(code, 0);
      assert.deepEqual(machine.ran, []);
      assert.match(lines.join('\n'), /not a Debian machine \(no apt-get\).*code-server \d+\.\d+\.\d+ \(present\)/);
    });
  });

  describe('the whole run', () => {
    it('says in one line that there is nothing to install, and runs nothing', () => {
      const machine = new FakeMachine();
      const { code, lines } = runAndLog(bootstrap, machine);
      assert.equal(code, 0);
      assert.deepEqual(machine.ran, []);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0], /^\[setup\] nothing to install: node_modules matches package-lock\.json; \d+ Debian packages and code-server \S+ are present$/);
    });

    it('prints one line per stage on a fresh clone and runs npm ci, then the install script', () => {
      const machine = new FakeMachine();
      machine.uid = 0;
      machine.files.delete(`${FAKE_ROOT}/node_modules/.package-lock.json`);
      machine.installedDebs.clear();
      const { code, lines } = runAndLog(bootstrap, machine);
      assert.equal(code, 0);
      assert.deepEqual(machine.ran, ['npm ci --no-audit --no-fund --loglevel=error', `bash ${FAKE_ROOT}/.ci/install-system.sh`]);
      assert.equal(lines.length, 2, lines.join('\n'));
      assert.match(lines[0], /^\[setup\] npm packages: node_modules is missing; running npm ci/);
      assert.match(lines[1], /^\[setup\] system: Debian packages .*chromium.* missing; running bash \.ci\/install-system\.sh$/);
    });

    it('stops with the failing installer named when one fails', () => {
      const machine = new FakeMachine();
      machine.files.delete(`${FAKE_ROOT}/node_modules/.package-lock.json`);
      machine.runStatus = 2;
      const { code, lines } = runAndLog(bootstrap, machine);
      assert.equal(code, 1);
      assert.equal(machine.ran.length, 1, 'the system stage does not run after npm failed');
      assert.match(lines.at(-1) ?? '', /npm packages: npm ci failed \(exit 2\)/);
    });

    it('refuses a Node older than 20.19 with what to do, before anything else', () => {
      const machine = new FakeMachine();
      machine.nodeVersion = '20.18.3';
      const { code, lines } = runAndLog(bootstrap, machine);
      assert.equal(code, 1);
      assert.match(lines[0], /Node\.js 20\.18\.3 is too old: 20\.19 or newer is required/);
      assert.equal(bootstrap.checkNode('22.0.0'), undefined);
      assert.equal(bootstrap.checkNode('20.19.0'), undefined);
      assert.ok(bootstrap.checkNode('18.20.0'));
    });
  });

  it('is what npm test and npm run demo run first, and imports node: builtins only', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(manifest.scripts.test, /^node scripts\/bootstrap\.mjs && /);
    assert.match(manifest.scripts.demo, /^node scripts\/bootstrap\.mjs && /);
    for (const file of ['scripts/bootstrap.mjs', 'scripts/lib/bootstrap-plan.mjs']) {
      const text = readFileSync(path.join(root, file), 'utf8');
      const specifiers = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
      assert.deepEqual(specifiers.filter((s) => !s.startsWith('node:') && !s.startsWith('./')), [], `${file} imports`);
    }
  });
});
