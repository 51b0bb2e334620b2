/**
 * The broken-and-hostile-server scenarios with the verdict each must produce, and one runner used by
 * both the unit test and the table script: it runs `probe` in-process (runProbeCommand) or as a child
 * process (node dist/cli.js probe), timing it against the run's own time limit plus one second and
 * measuring resident memory growth while it runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProbeCommand } from '../../src/cli/probe';
import { discoverEwsUrl } from '../../src/core/autodiscover';
import { EwsTransport } from '../../src/core/ews/transport';
import type { ProbeId, ProbeStatus } from '../../src/core/ews/probes';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX } from '../fake-exchange/server';
import { loopbackHttpGet, loopbackTransport, redirectAddrXml, redirectReply, startAutodiscoverFake, xmlReply } from '../fakes/autodiscover';
import { HOSTILE_BODY_BYTES, startHostileServer } from './server';
import type { ExpectedVerdict, HostileScenario } from './scenario-table';

export { HOSTILE_SCENARIOS, type ExpectedVerdict, type HostileScenario } from './scenario-table';

export type RunMode = 'in-process' | 'child';

export interface ScenarioOutcome {
  readonly scenario: string;
  readonly mode: RunMode;
  /** `check status` of the deciding check (the expected one, else the first failure or warning). */
  readonly verdict: string;
  readonly message: string;
  readonly ms: number;
  readonly budgetMs: number;
  readonly withinBudget: boolean;
  /** Resident memory growth while it ran (in-process), or the child's peak (child), in MiB. */
  readonly memoryMib: number;
  readonly exitCode: number;
  /** Empty when the verdict, message, time and memory are all as required. */
  readonly problems: string[];
}

interface JsonCheck { id: ProbeId; status: ProbeStatus; message: string }

const MIB = 1024 * 1024;
/** In-process growth allowed: the response cap is 8 MiB, held as buffers and then once as a string. */
export const MAX_GROWTH_MIB = 96;
/** A whole `node dist/cli.js probe` process. */
export const MAX_CHILD_RSS_MIB = 200;

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? '0') * 1024;
  } catch {
    return 0;
  }
}

/** Samples the resident size every 20 ms while `work` runs; returns its result and the peak. */
async function withPeakRss<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = rssOf(pid);
  const sampler = setInterval(() => { peak = Math.max(peak, rssOf(pid)); }, 20);
  try {
    const value = await work();
    peak = Math.max(peak, rssOf(pid));
    return { value, peak };
  } finally {
    clearInterval(sampler);
  }
}

function probeArgs(url: string, caFile: string, timeoutMs: number, method: 'impersonation' | 'delegate'): string[] {
  return ['--url', url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', caFile, '--json', '--timeout-ms', String(timeoutMs), '--method', method];
}

async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string; memoryMib: number }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env: { EWS_PASSWORD: FAKE_PASSWORD }, isTTY: false };
  const before = process.memoryUsage().rss;
  const { value: code, peak } = await withPeakRss(process.pid, () => runProbeCommand(args, io));
  return { code, stdout, stderr, memoryMib: Math.max(0, peak - before) / MIB };
}

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

async function runChild(args: string[], killAfterMs: number): Promise<{ code: number; stdout: string; stderr: string; memoryMib: number }> {
  const child = spawn(process.execPath, [CLI, 'probe', ...args], { env: { PATH: process.env.PATH ?? '', EWS_PASSWORD: FAKE_PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
  // A hard stop well past the budget, so that a hung child cannot hang the suite.
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const { value: code, peak } = await withPeakRss(child.pid ?? 0, () => new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1))));
  clearTimeout(killer);
  return { code, stdout, stderr, memoryMib: peak / MIB };
}

function decide(checks: JsonCheck[], expected?: ExpectedVerdict): JsonCheck | undefined {
  return (expected && checks.find((c) => c.id === expected.check)) ?? checks.find((c) => c.status === 'fail') ?? checks.find((c) => c.status === 'warn');
}

/** Runs `probe` against `url` and judges the outcome. */
export async function judgeProbe(
  name: string, url: string, caPem: string, timeoutMs: number, mode: RunMode,
  expected?: ExpectedVerdict, expectedExit?: number, method: 'impersonation' | 'delegate' = 'impersonation',
): Promise<ScenarioOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  try {
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, caPem);
    const args = probeArgs(url, caFile, timeoutMs, method);
    const started = Date.now();
    const run = mode === 'in-process' ? await runInProcess(args) : await runChild(args, timeoutMs + 15_000);
    const ms = Date.now() - started;
    // A child also pays for starting Node and loading the CLI: that is not the probe's time.
    const budgetMs = timeoutMs + 1_000 + (mode === 'child' ? 2_000 : 0);
    const problems: string[] = [];
    let checks: JsonCheck[] = [];
    try {
      checks = (JSON.parse(run.stdout) as { checks: JsonCheck[] }).checks;
    } catch {
      problems.push(`no JSON report (exit ${run.code}): ${run.stdout.slice(0, 200)} ${run.stderr.slice(0, 400)}`);
    }
    const decisive = decide(checks, expected);
    if (expected) {
      if (!decisive) problems.push(`${expected.check} was not reported`);
      else if (decisive.status !== expected.status) problems.push(`${expected.check} is ${decisive.status}, expected ${expected.status}: ${decisive.message}`);
      else if (!expected.message.test(decisive.message)) problems.push(`${expected.check} says "${decisive.message}", expected ${String(expected.message)}`);
    }
    if (expectedExit !== undefined && run.code !== expectedExit) problems.push(`exit ${run.code}, expected ${expectedExit}`);
    if (run.code !== 0 && run.code !== 1) problems.push(`exit ${run.code}: ${run.stderr.slice(0, 400)}`);
    if (ms > budgetMs) problems.push(`took ${ms} ms, over the budget of ${budgetMs} ms`);
    const memoryLimit = mode === 'in-process' ? MAX_GROWTH_MIB : MAX_CHILD_RSS_MIB;
    if (run.memoryMib > memoryLimit) problems.push(`memory ${run.memoryMib.toFixed(0)} MiB, over ${memoryLimit} MiB`);
    if (run.stdout.includes(FAKE_PASSWORD) || run.stderr.includes(FAKE_PASSWORD)) problems.push('the password was printed');
    return {
      scenario: name, mode, verdict: decisive ? `${decisive.id} ${decisive.status}` : 'none', message: decisive?.message ?? run.stderr.trim().slice(0, 200),
      ms, budgetMs, withinBudget: ms <= budgetMs, memoryMib: run.memoryMib, exitCode: run.code, problems,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runHostileScenario(scenario: HostileScenario, mode: RunMode): Promise<ScenarioOutcome> {
  const server = await startHostileServer(scenario.behaviour);
  try {
    const outcome = await judgeProbe(scenario.name, server.url, server.caPem, scenario.timeoutMs, mode, scenario.expect, 1);
    // The client must hang up once over its cap, not drain (or buffer) the whole body.
    if (scenario.behaviour === 'body-64mib' && server.bodyBytesSent() >= HOSTILE_BODY_BYTES) {
      return { ...outcome, problems: [...outcome.problems, `the server got to send all ${HOSTILE_BODY_BYTES} bytes`] };
    }
    return outcome;
  } finally {
    await server.stop();
  }
}

export interface AutodiscoverLoopScenario {
  readonly name: string;
  readonly routes: (set: (origin: string, reply: () => ReturnType<typeof xmlReply>) => void) => void;
  readonly reason: RegExp;
  /** Hosts outside alice@contoso.test's domain that the run trusts by name (as --trust-autodiscover-host would). */
  readonly trustedHosts?: readonly string[];
}

const adUrl = (host: string): string => `https://${host}/autodiscover/autodiscover.xml`;

export const AUTODISCOVER_LOOPS: readonly AutodiscoverLoopScenario[] = [
  { name: 'Autodiscover: HTTP 302 loop between two hosts', routes: (set) => { set('https://contoso.test', () => redirectReply(adUrl('x.contoso.test'))); set('https://x.contoso.test', () => redirectReply(adUrl('contoso.test'))); }, reason: /loop/i },
  { name: 'Autodiscover: 302 to itself', routes: (set) => { set('https://contoso.test', () => redirectReply(adUrl('contoso.test'))); }, reason: /loop/i },
  {
    name: 'Autodiscover: endless chain of new hosts',
    routes: (set) => {
      set('https://contoso.test', () => redirectReply(adUrl('h0.contoso.test')));
      for (let i = 0; i < 20; i++) set(`https://h${i}.contoso.test`, () => redirectReply(adUrl(`h${i + 1}.contoso.test`)));
    },
    reason: /Stopped after 10 redirects/,
  },
  { name: 'Autodiscover: redirectAddr loop', routes: (set) => { set('https://contoso.test', () => xmlReply(redirectAddrXml('alice@fabrikam.test'))); set('https://fabrikam.test', () => xmlReply(redirectAddrXml('alice@contoso.test'))); }, reason: /loop/i, trustedHosts: ['fabrikam.test'] },
];

/** Autodiscover against a fake whose redirects never end: it must stop, say why, and within its time. */
export async function runAutodiscoverLoop(scenario: AutodiscoverLoopScenario): Promise<ScenarioOutcome> {
  const fake = await startAutodiscoverFake();
  const transport = new EwsTransport({ extraCaPem: fake.caPem, requestTimeoutMs: 2_000 });
  const timeoutMs = 5_000;
  try {
    scenario.routes((origin, reply) => fake.routes.set(origin, reply));
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const { value: result, peak } = await withPeakRss(process.pid, () => discoverEwsUrl('alice@contoso.test', {
      transport: loopbackTransport(transport, fake.httpsPort),
      httpGet: loopbackHttpGet(fake),
      resolveSrv: () => Promise.reject(Object.assign(new Error('querySrv ENOTFOUND'), { code: 'ENOTFOUND' })),
      credentials: { user: 'alice@contoso.test', password: FAKE_PASSWORD },
      requestTimeoutMs: 2_000,
      trustedHosts: scenario.trustedHosts,
    }));
    const ms = Date.now() - started;
    const message = result.ok ? `found ${result.ewsUrl}` : result.reason;
    const problems: string[] = [];
    if (result.ok) problems.push('discovery succeeded through a loop');
    else if (!scenario.reason.test(result.reason)) problems.push(`reason "${result.reason}", expected ${String(scenario.reason)}`);
    if (ms > timeoutMs + 1_000) problems.push(`took ${ms} ms`);
    const memoryMib = Math.max(0, peak - before) / MIB;
    if (memoryMib > MAX_GROWTH_MIB) problems.push(`memory grew by ${memoryMib.toFixed(0)} MiB`);
    return { scenario: scenario.name, mode: 'in-process', verdict: result.ok ? 'autodiscover ok' : 'autodiscover fail', message, ms, budgetMs: timeoutMs + 1_000, withinBudget: ms <= timeoutMs + 1_000, memoryMib, exitCode: result.ok ? 0 : 1, problems };
  } finally {
    transport.close();
    await fake.close();
  }
}
