// Server text in the CLI: a hostile server (test/hostile/echo.ts) echoes the password in a ResponseCode,
// a SOAP fault and a redirect Location, and writes escape sequences that retitle and clear the terminal
// and forge a green "OK: all checks passed". `node dist/cli.js probe` runs against it as a child process
// in every output mode (table, --json, each with --mailboxes), and once in-process as if on a colour
// terminal; a bad flag value covers the error path. Whatever was printed must hold no form of the
// canary, no character a terminal acts on (but line feeds and the table's own colours), and no forged line.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runProbeCommand } from '../../src/cli/probe';
import { main } from '../../src/cli/main';
import { STYLE, guardOutput, placeholder, terminalText } from '../../src/cli/output';
import { ECHO_ATTACKS, HEALTHY_MAILBOX, startEchoServer, type EchoAttack, type EchoServer } from '../hostile/echo';
import { canaryPatterns, describeHits, makeCanary, scanText } from '../support/canary';

const CLI = join(resolve(__dirname, '..', '..', '..'), 'dist', 'cli.js');
const USER = 'alexaforbusiness@contoso.com';

interface Run { code: number; stdout: string; stderr: string }

function runChild(args: string[], password: string): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', EWS_PASSWORD: password }, timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Characters a terminal acts on, once the table's own colours (when allowed) are taken out. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const TERMINAL_ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const OWN_COLOURS = new RegExp(Object.values(STYLE).map((s) => s.replace('[', '\\[')).join('|'), 'g');

function assertSafe(what: string, text: string, colour: boolean, patterns: ReturnType<typeof canaryPatterns>): void {
  const hits = scanText(what, text, patterns);
  assert.deepEqual(hits, [], `${what}: ${describeHits(hits)}\n${text.slice(0, 2000)}`);
  const active = TERMINAL_ACTIVE.exec(colour ? text.replace(OWN_COLOURS, '') : text);
  assert.equal(active, null, `${what}: ${JSON.stringify(active?.[0])} at ${active?.index} in ${JSON.stringify(text.slice(Math.max(0, (active?.index ?? 0) - 80), (active?.index ?? 0) + 80))}`);
  assert.ok(!/^\s*OK: all checks passed/m.test(text), `${what}: a forged result line`);
}

describe('CLI output: server text is redacted and cannot act on the terminal', function () {
  this.timeout(120_000);
  const canary = makeCanary('P4ss');
  const patterns = canaryPatterns(canary, [USER]);
  let dir: string;
  let caFile: string;
  let listFile: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecs-cli-hostile-'));
    caFile = join(dir, 'ca.pem');
    listFile = join(dir, 'mailboxes.txt');
    writeFileSync(listFile, 'bob@contoso.com\ncarol@contoso.com\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The attacked test mailbox fails the access check; the healthy one lets the run go on to --mailboxes. */
  const probeArgs = (server: EchoServer, mailbox = 'mallory@contoso.com'): string[] => ['probe', '--url', server.url, '--user', USER, '--mailbox', mailbox, '--ca', caFile, '--timeout-ms', '10000'];

  for (const attack of ECHO_ATTACKS) {
    describe(attack, () => {
      let server: EchoServer;
      before(async () => {
        server = await startEchoServer(attack);
        writeFileSync(caFile, server.caPem);
      });
      after(async () => { await server?.stop(); });

      it('table, as a child process: exit 1, nothing leaked, nothing a terminal acts on', async () => {
        const run = await runChild(probeArgs(server), canary.value);
        assertSafe('stdout', run.stdout, false, patterns);
        assertSafe('stderr', run.stderr, false, patterns);
        assert.equal(run.code, 1, run.stdout + run.stderr);
        assert.match(run.stdout, /PASS {2}auth\.login.*\n(?:.*\n)*FAIL {2}access\.impersonation/);
        expectVisibleTrace(attack, run.stdout);
      });

      it('--json --mailboxes, as a child process: one parseable object, nothing leaked', async () => {
        const run = await runChild([...probeArgs(server, HEALTHY_MAILBOX), '--json', '--mailboxes', listFile], canary.value);
        assertSafe('stdout', run.stdout, false, patterns);
        assertSafe('stderr', run.stderr, false, patterns);
        const report = JSON.parse(run.stdout) as { ok: boolean; checks: { id: string; status: string; message: string }[] };
        assert.equal(report.ok, false);
        assert.equal(report.checks.find((c) => c.id === 'access.impersonation')?.status, 'pass');
        assert.equal((report as { mailboxes?: { unverified: unknown[] } }).mailboxes?.unverified.length, 2, run.stdout);
        assert.equal(run.code, 1);
      });
    });
  }

  /** The attack left a visible trace rather than vanishing: a placeholder, a mask, or the parser's refusal. */
  function expectVisibleTrace(attack: EchoAttack, stdout: string): void {
    const expected: Record<EchoAttack, RegExp> = {
      'response-code': /ErrorAccessDenied \[redacted\] \[redacted\]\[U\+001B\]\]0;pwned\[U\+0007\]\[U\+001B\]\[2J/,
      'response-code-c1': /\[U\+009D\]0;pwned\[U\+009C\]\[U\+009B\]2J\[U\+009B\]H\[U\+0085\]\[U\+202E\]OK: all checks passed\[U\+202C\]/,
      fault: /ErrorImpersonateUserDenied\[redacted\] \[redacted\]\[U\+001B\]/,
      location: /redirect to https:\/\/mail\.contoso\.com\/owa\/\?p=\[redacted\]&q=\[redacted\]&t=\[redacted\]: EWS should answer directly/,
      'location-escape': /header Location with a control character \(U\+001B\), which HTTP does not allow/,
      'status-escape': /status line \(or one with a control character in it\)/,
    };
    assert.match(stdout, expected[attack]);
  }

  it('table on a colour terminal (in-process): the table keeps its colours, the server gets none', async () => {
    const server = await startEchoServer('response-code');
    try {
      writeFileSync(caFile, server.caPem);
      let stdout = '';
      let stderr = '';
      const code = await runProbeCommand([...probeArgs(server, HEALTHY_MAILBOX).slice(1), '--mailboxes', listFile], {
        stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env: { EWS_PASSWORD: canary.value }, isTTY: true,
      });
      assert.equal(code, 1);
      assert.ok(stdout.includes(`${STYLE.green}PASS${STYLE.reset}  access.impersonation`), stdout);
      assert.ok(stdout.includes(`${STYLE.green}PASS${STYLE.reset}`), stdout);
      assertSafe('stdout', stdout, true, patterns);
      assertSafe('stderr', stderr, false, patterns);
      // The server's own green is shown as text, not obeyed.
      assert.ok(stdout.includes('[U+001B][32mOK: all checks passed'), stdout);
      assert.match(stdout, /Mailboxes: 0 verified, 2 denied, 0 not found, 0 not checked \(of 2\)\n {2}bob@contoso\.com: .*\[redacted\]/);
    } finally {
      await server.stop();
    }
  });

  it('usage errors: a flag value with the password and escape sequences is shown masked and inert (stderr, exit 2)', async () => {
    const run = await runChild(['probe', '--url', 'https://mail.contoso.com/EWS/Exchange.asmx', '--user', USER, '--mailbox', 'alice@contoso.com', '--method', `${canary.value}${'\u001b'}[2J${'\u009b'}2J`], canary.value);
    assert.equal(run.code, 2);
    assertSafe('stderr', run.stderr, false, patterns);
    assert.match(run.stderr, /--method must be impersonation or delegate, not "\[redacted\]\[U\+001B\]\[2J\[U\+009B\]2J"/);
  });

  it('main itself: an unknown command holding the password and escapes is shown masked and inert', async () => {
    let stderr = '';
    const io = { stdout: { write: () => undefined }, stderr: { write: (t: string) => { stderr += t; } }, env: { EWS_PASSWORD: canary.value } };
    const code = await main([`${canary.value}\u001b]0;x\u0007`], io);
    assert.equal(code, 2);
    assertSafe('stderr', stderr, false, patterns);
    assert.match(stderr, /unknown command "\[redacted\]\[U\+001B\]\]0;x\[U\+0007\]"/);
  });
});

describe('CLI output guard', () => {
  it('terminalText shows every control, DEL, C1, separator and bidi control as a placeholder', () => {
    assert.equal(terminalText('a\u001b[31mb\tc\nd\u007fe\u0085f\u009bg\u2028h\u202ei\u2066j\u200fk'),
      'a[U+001B][31mb[U+0009]c[U+000A]d[U+007F]e[U+0085]f[U+009B]g[U+2028]h[U+202E]i[U+2066]j[U+200F]k');
    assert.equal(terminalText('plain ASCII, accents é, CJK 日本, emoji 😀'), 'plain ASCII, accents é, CJK 日本, emoji 😀');
    assert.equal(terminalText('\ud800'), '[U+D800]');
    assert.equal(placeholder(0x1b), '[U+001B]');
    assert.equal(placeholder(0x1f600), '[U+1F600]');
  });

  it('the streams keep line feeds and the table colours, and neutralise everything else', () => {
    let out = '';
    const io = guardOutput({ stdout: { write: (t: string) => { out += t; } }, stderr: { write: () => undefined }, env: {} });
    io.stdout.write(`${STYLE.green}PASS${STYLE.reset} x\n${STYLE.dim}y${STYLE.reset}\u001b[1m\u001b]0;t\u0007\r\n`);
    assert.equal(out, `${STYLE.green}PASS${STYLE.reset} x\n${STYLE.dim}y${STYLE.reset}[U+001B][1m[U+001B]]0;t[U+0007][U+000D]\n`);
  });

  it('redacts with every secret added so far, with the user for Basic tokens, on both streams', () => {
    let out = '';
    let err = '';
    const io = guardOutput({ stdout: { write: (t: string) => { out += t; } }, stderr: { write: (t: string) => { err += t; } }, env: {} });
    io.stdout.write('s3cret-one early\n');
    io.addSecret('s3cret-one');
    io.addSecret(undefined);
    io.addSecret('');
    io.addSecret('ab', USER);
    io.addSecret('s3cret-one');
    io.stdout.write('s3cret-one late\n');
    io.stderr.write(`token ${Buffer.from(`${USER}:ab`).toString('base64')}\n`);
    assert.equal(out, 's3cret-one early\n[redacted] late\n');
    assert.equal(err, 'token [redacted]\n');
    assert.deepEqual(io.redactDeep({ a: ['s3cret-one'], n: 1 }), { a: ['[redacted]'], n: 1 });
  });

  it('guarding a guarded io returns it, so main and its command share one set of secrets', () => {
    let out = '';
    const outer = guardOutput({ stdout: { write: (t: string) => { out += t; } }, stderr: { write: () => undefined }, env: {} });
    const inner = guardOutput({ ...outer, isTTY: true });
    inner.addSecret('shared-secret');
    outer.stdout.write('shared-secret');
    assert.equal(out, '[redacted]');
    assert.equal(guardOutput(outer), outer);
  });
});
