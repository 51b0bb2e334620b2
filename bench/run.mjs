#!/usr/bin/env node
// `npm run bench`: activation cost, probe latency against the network floor and against
// exchangelib, and many-mailbox verification against the server's limit. Prints a table and writes
// bench/results.json (figures, machine, load, date, commit). Figures only: nothing here fails a
// build, and no test asserts on time. Each figure is the median of several runs with min and max.
//
//   node bench/run.mjs [--only activation,probes,mailboxes,memory] [--out FILE] [--baseline COMMIT]
// The many-mailbox part alone: node bench/run.mjs --only mailboxes,memory
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchActivation } from './activation.mjs';
import { repoRoot, round } from './lib.mjs';
import { benchManyMailboxes } from './manyMailboxes.mjs';
import { benchProbeLatency } from './probeLatency.mjs';

const PLAN = {
  activationStarts: 8,
  // Starts after a profile's first: per round a fresh profile's first start, then reloads that keep its state.
  everydayStarts: { rounds: 4, reloads: 3 },
  probe: { rttMs: 40, runs: 5 },
  // The server enforces its limit as Exchange does: ErrorExceededConnectionCount past 27 in flight.
  mailboxes: {
    count: 2000, rttMs: 20, serverLimit: 27, runs: 5,
    cases: [
      { name: 'limit', concurrencies: [8, 27, 64] },
      // The calendar service already holds 10 of the account's 27 slots.
      { name: 'other-client', otherClientSlots: 10, concurrencies: [64] },
      // One request in five answered 503 without Retry-After: every one pauses all requests 1 s, so one run.
      { name: '503', queue503Every: 5, concurrencies: [64], runs: 1, warmUp: false },
    ],
  },
  // Memory stays flat as the list grows: one run over 100,000 mailboxes (RTT 1 ms to keep it short).
  memory: { name: 'memory', count: 100_000, rttMs: 1, serverLimit: 27, concurrencies: [64], runs: 1, warmUp: false },
};

const { values: options } = parseArgs({
  options: {
    only: { type: 'string', default: 'activation,probes,mailboxes,memory' },
    out: { type: 'string', default: join(repoRoot, 'bench', 'results.json') },
    // A commit to start in turn with the working tree in the activation part (a before/after under the same load).
    baseline: { type: 'string' },
  },
});
const sections = new Set(options.only.split(',').map((s) => s.trim()));
const log = (line) => console.log(line);

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function machine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model ?? 'unknown',
    cores: cores.length,
    mhz: cores[0]?.speed ?? null,
    totalMemGb: round(totalmem() / 1024 ** 3, 1),
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

const fmt = (figure, digits = 2) => (figure?.median === null || figure?.median === undefined
  ? 'n/a'
  : `${round(figure.median, digits)} (${round(figure.min, digits)}..${round(figure.max, digits)})`);
const verdict = (met) => (met === undefined ? '' : met ? 'met' : 'MISSED');

function printTable(rows) {
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join('  ').trimEnd());
}

async function main() {
  const startedAt = new Date();
  const loadBefore = loadavg();
  log(`[bench] ${machine().cores} x ${machine().cpu}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  log('[bench] building (node scripts/build.mjs)');
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });

  const results = {
    date: startedAt.toISOString(),
    commit: git('rev-parse', 'HEAD'),
    workingTreeDirty: (git('status', '--porcelain') ?? '') !== '',
    machine: machine(),
    loadAverage: { before: loadBefore.map((l) => round(l)) },
    plan: PLAN,
  };
  const tempRoot = mkdtempSync(join(tmpdir(), 'ecs-bench-'));
  try {
    if (sections.has('activation')) {
      log(`[bench] activation: production build, then ${PLAN.activationStarts} fresh starts of code-server`);
      results.activation = await benchActivation({ tempRoot, starts: PLAN.activationStarts, log, baseline: options.baseline, everyday: PLAN.everydayStarts });
    }
    if (sections.has('probes')) {
      log(`[bench] probe latency: RTT ${PLAN.probe.rttMs} ms, ${PLAN.probe.runs} runs of ours and of exchangelib`);
      results.probeLatency = await benchProbeLatency({ ...PLAN.probe, log });
    }
    if (sections.has('mailboxes')) {
      const { cases, ...m } = PLAN.mailboxes;
      log(`[bench] many mailboxes: ${m.count} mailboxes, RTT ${m.rttMs} ms, server limit ${m.serverLimit} (ErrorExceededConnectionCount), ${m.runs} runs per concurrency`);
      results.manyMailboxes = [];
      for (const c of cases) results.manyMailboxes.push(await benchManyMailboxes({ ...m, ...c, log }));
    }
    if (sections.has('memory')) {
      log(`[bench] memory: ${PLAN.memory.count} mailboxes in one run`);
      results.memory = await benchManyMailboxes({ ...PLAN.memory, log });
    }
  } finally {
    rmSync(tempRoot, { recursive: true, force: true });
  }
  results.loadAverage.after = loadavg().map((l) => round(l));
  results.durationS = round((Date.now() - startedAt.getTime()) / 1000, 1);

  const rows = [['figure', 'median (min..max)', 'target', '']];
  const targets = {};
  const a = results.activation;
  if (a) {
    // Only a start that reported counts as evidence that nothing heavy was loaded.
    const heavyAbsent = a.activateMs.median !== null && a.heavyPackagesBundled.length === 0 && a.heavyModulesLoadedInHost.length === 0;
    // Issue 12's targets: the bundle at most 60 KB, its evaluation and activate() at most 3 ms each (medians).
    const LIMITS = { bundleBytes: 60_000, ms: 3 };
    const medianWithin = (figure) => (figure.median === null ? undefined : figure.median <= LIMITS.ms);
    // A clock check: the smallest start-by-start difference is not negative.
    const neverNegative = (figure) => (figure.min === null ? undefined : figure.min >= 0);
    const sizeMet = a.bundleBytes <= LIMITS.bundleBytes;
    const loadMet = medianWithin(a.bundleLoadMs);
    const activateMet = medianWithin(a.activateMs);
    Object.assign(targets, { activationHeavyModulesAbsent: heavyAbsent, activationBundleBytes: sizeMet, activationBundleLoadMs: loadMet, activationActivateMs: activateMet });
    rows.push(['production bundle dist/extension.js', `${a.bundleBytes} bytes`, `<= ${LIMITS.bundleBytes.toLocaleString('en-US')} bytes`, verdict(sizeMet)]);
    rows.push(['npm packages in that bundle', a.bundledPackages.length ? a.bundledPackages.join(', ') : 'none', '', '']);
    rows.push(['loaded by the host after activate()', a.loadedInHostAfterActivate.join(', ') || 'n/a', 'no EWS lib/XML/AWS', verdict(heavyAbsent)]);
    rows.push(['bundle evaluation ms (real extension host)', fmt(a.bundleLoadMs, 1), `<= ${LIMITS.ms}`, verdict(loadMet)]);
    if (a.hostLoadMs) {
      rows.push(['  loading it as VS Code times it (read, compile, evaluate), ours / floor', `${fmt(a.hostLoadMs, 1)} / ${fmt(a.floorHostLoadMs, 1)}`, '', '']);
      rows.push(['  of which before its first line (read and compile), start by start', fmt(a.readCompileMs, 1), '>= 0', verdict(neverNegative(a.readCompileMs))]);
      if (a.vscodeCodeLoadingMs) rows.push(["  VS Code's own marks around the loading (whole ms), ours / floor", `${fmt(a.vscodeCodeLoadingMs, 1)} / ${fmt(a.floorVscodeCodeLoadingMs, 1)}`, '', '']);
    }
    rows.push(['activate() ms (real extension host)', fmt(a.activateMs, 1), `<= ${LIMITS.ms}`, `${verdict(activateMet)}${a.startErrors.length ? `; ${a.startErrors.length} start(s) failed` : ''}`]);
    for (const [name, phase] of Object.entries(a.activatePhasesMs ?? {})) rows.push([`  of which ${name}`, fmt(phase, 1), '', '']);
    if (a.hostActivateMs) rows.push(['activation from outside, from the start of loading to extension.activate() resolving, ours / floor', `${fmt(a.hostActivateMs, 1)} / ${fmt(a.floorHostActivateMs, 1)}`, '', '']);
    if (a.hostPartMs) rows.push(['  the host\'s part: that minus the loading and activate(), start by start', fmt(a.hostPartMs, 1), '>= 0', verdict(neverNegative(a.hostPartMs))]);
    if (a.floorActivateMs) rows.push(['floor: the same API calls, nothing of ours', fmt(a.floorActivateMs, 1), '', '']);
    if (a.overFloorMs) rows.push(['ours minus the floor, start by start', fmt(a.overFloorMs, 1), '', '']);
    if (a.activateCpuMs) rows.push(['activate() CPU ms (extension host process)', fmt(a.activateCpuMs, 1), '', '']);
    if (a.floorActivateCpuMs) rows.push(['floor CPU ms', fmt(a.floorActivateCpuMs, 1), '', '']);
    if (a.overFloorCpuMs) rows.push(['ours minus the floor, CPU ms, start by start', fmt(a.overFloorCpuMs, 1), '', '']);
    for (const [name, figures] of Object.entries(a.stubHost ?? {})) {
      const label = name === 'extension' ? 'ours' : name === 'baseline' ? `baseline ${a.baseline?.ref}` : name;
      rows.push([`stub vscode in plain Node, ${label}: activate() ms`, fmt(figures.activateMs, 2), '', '']);
    }
    const e = a.everydayStarts;
    if (e) {
      // The start after a profile's first, with its state kept: reported beside the first start, which the target above is judged on.
      const everydayMet = medianWithin(e.activateMs);
      targets.activationEverydayActivateMs = everydayMet;
      rows.push([`activate() ms, everyday start (${e.roundsFinished} of ${e.rounds} rounds, ${e.reloads} reloads each; from the log, 0.1 ms)`, fmt(e.activateMs, 1), `<= ${LIMITS.ms}`, verdict(everydayMet)]);
      rows.push(['  floor, everyday start', fmt(e.floorActivateMs, 1), '', '']);
      rows.push(['  ours minus the floor, reload by reload', fmt(e.overFloorMs, 1), '', '']);
      rows.push(['  the same rounds\' first starts (activated at onStartupFinished): ours / floor', `${fmt(e.firstStartActivateMs, 1)} / ${fmt(e.floorFirstStartActivateMs, 1)}`, '', '']);
    }
    if (a.baseline) {
      rows.push([`baseline ${a.baseline.ref}: activate() ms`, fmt(a.baseline.activateMs, 1), '', '']);
      if (a.baseline.activateCpuMs) rows.push([`baseline ${a.baseline.ref}: activate() CPU ms`, fmt(a.baseline.activateCpuMs, 1), '', '']);
    }
  }
  const p = results.probeLatency;
  if (p) {
    const floorMet = p.ours.wallOverFloor.median !== null && p.ours.wallOverFloor.median <= 1.3;
    const connectionsMet = p.ours.tcpConnections.max === 1 && p.ours.tlsHandshakes.max === 1;
    const peerMet = p.oursOverExchangelib.median !== null && p.oursOverExchangelib.median <= 0.7;
    Object.assign(targets, { probeWallOverFloor: floorMet, probeOneConnection: connectionsMet, probeOursOverExchangelib: peerMet });
    rows.push([`probe suite wall ms (RTT ${p.rttMs})`, fmt(p.ours.wallMs, 0), '', p.ours.allChecksPassed ? '' : 'CHECKS FAILED']);
    rows.push(['  floor ms (2 handshakes + requests)', `${fmt(p.ours.floorMs, 0)}; ${p.ours.requests.median} requests`, '', '']);
    rows.push(['  wall / floor', fmt(p.ours.wallOverFloor), '<= 1.3', verdict(floorMet)]);
    rows.push(['  TCP connections / TLS handshakes', `${fmt(p.ours.tcpConnections, 0)} / ${fmt(p.ours.tlsHandshakes, 0)}`, '1 / 1', verdict(connectionsMet)]);
    rows.push(['exchangelib same operations ms', `${fmt(p.exchangelib.wallMs, 0)}; ${p.exchangelib.requests.median} requests`, '', p.exchangelib.allRunsOk ? '' : 'PEER FAILED']);
    rows.push(['  ours / exchangelib', fmt(p.oursOverExchangelib), '<= 0.7', verdict(peerMet)]);
  }
  for (const m of [...(results.manyMailboxes ?? []), ...(results.memory ? [results.memory] : [])]) {
    const held = m.otherClientSlots > 0 ? `, another client holds ${m.otherClientSlots}` : '';
    const queued = m.queue503Every ? `, 1 request in ${m.queue503Every} answered 503` : '';
    rows.push([`[${m.name}] ${m.mailboxes} mailboxes, RTT ${m.rttMs} ms, limit ${m.serverLimit}${held}${queued} (${round(m.availablePerSecond, 0)}/s)`, '', '', '']);
    for (const level of m.levels) {
      const c = level.concurrency;
      // Throughput targets: at least 0.8 of what the free slots allow, from concurrency 27 up; none
      // while 503s pause every request (correctness only) or for the memory run (RTT 1 ms: CPU-bound).
      const ratioTarget = m.name === 'limit' || m.name === 'other-client' ? (c >= m.available ? 0.8 : undefined) : undefined;
      const ratioMet = ratioTarget === undefined ? undefined : level.ofAvailable.median >= ratioTarget;
      const cpuMet = level.clientCpuMsPerMailbox.max <= 2;
      const memMet = level.rssGrowthMb.max <= 50;
      const falseMet = level.falseFailures.max === 0;
      const notCheckedMet = level.notChecked.max === 0;
      targets[`${m.name}-c${c}`] = { ofAvailable: ratioMet, cpu: cpuMet, memory: memMet, falseFailures: falseMet, notChecked: notCheckedMet };
      rows.push([`  c=${c} mailboxes/s`, fmt(level.mailboxesPerSecond, 0), '', '']);
      rows.push([`  c=${c} rate / free slots' rate`, fmt(level.ofAvailable), ratioTarget ? `>= ${ratioTarget}` : '', verdict(ratioMet)]);
      rows.push([`  c=${c} two-core CPU ceiling / that rate`, fmt(level.twoCoreCeilingOfAvailable), '', '']);
      rows.push([`  c=${c} client CPU ms/mailbox`, fmt(level.clientCpuMsPerMailbox, 3), '<= 2', verdict(cpuMet)]);
      rows.push([`  c=${c} fake CPU ms/request`, fmt(level.fakeCpuMsPerRequest, 3), '', '']);
      rows.push([`  c=${c} refusals / 503s`, `${fmt(level.refusals, 0)} / ${fmt(level.answered503, 0)}`, '', '']);
      rows.push([`  c=${c} RSS growth MB`, fmt(level.rssGrowthMb, 1), '<= 50', verdict(memMet)]);
      rows.push([`  c=${c} false failures`, fmt(level.falseFailures, 0), '0', verdict(falseMet)]);
      rows.push([`  c=${c} not checked`, fmt(level.notChecked, 0), '0', verdict(notCheckedMet)]);
    }
  }
  results.targets = targets;
  console.log('');
  printTable(rows);
  console.log(`\n[bench] load average before ${results.loadAverage.before.join(' ')}, after ${results.loadAverage.after.join(' ')}; ${results.durationS} s`);
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`[bench] wrote ${options.out}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
