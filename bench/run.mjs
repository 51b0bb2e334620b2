#!/usr/bin/env node
// `npm run bench`: activation cost, probe latency against the network floor and against
// exchangelib, and many-mailbox verification against the server's limit. Prints a table and writes
// bench/results.json (figures, machine, load, date, commit). Figures only: nothing here fails a
// build, and no test asserts on time. Each figure is the median of several runs with min and max.
//
//   node bench/run.mjs [--only activation,probes,mailboxes] [--out FILE]
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
  activationStarts: 3,
  probe: { rttMs: 40, runs: 5 },
  mailboxes: { count: 2000, rttMs: 20, serverLimit: 27, concurrencies: [8, 27, 64], runs: 5 },
};

const { values: options } = parseArgs({
  options: {
    only: { type: 'string', default: 'activation,probes,mailboxes' },
    out: { type: 'string', default: join(repoRoot, 'bench', 'results.json') },
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
      results.activation = await benchActivation({ tempRoot, starts: PLAN.activationStarts, log });
    }
    if (sections.has('probes')) {
      log(`[bench] probe latency: RTT ${PLAN.probe.rttMs} ms, ${PLAN.probe.runs} runs of ours and of exchangelib`);
      results.probeLatency = await benchProbeLatency({ ...PLAN.probe, log });
    }
    if (sections.has('mailboxes')) {
      const m = PLAN.mailboxes;
      log(`[bench] many mailboxes: ${m.count} mailboxes, RTT ${m.rttMs} ms, server limit ${m.serverLimit}, ${m.runs} runs per concurrency`);
      results.manyMailboxes = await benchManyMailboxes({ ...m, log });
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
    targets.activationHeavyModulesAbsent = heavyAbsent;
    rows.push(['production bundle dist/extension.js', `${a.bundleBytes} bytes`, '', '']);
    rows.push(['npm packages in that bundle', a.bundledPackages.length ? a.bundledPackages.join(', ') : 'none', '', '']);
    rows.push(['loaded by the host after activate()', a.loadedInHostAfterActivate.join(', ') || 'n/a', 'no EWS lib/XML/AWS', verdict(heavyAbsent)]);
    rows.push(['bundle evaluation ms (real extension host)', fmt(a.bundleLoadMs, 1), '', '']);
    rows.push(['activate() ms (real extension host)', fmt(a.activateMs, 1), '', a.startErrors.length ? `${a.startErrors.length} start(s) failed` : '']);
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
  const m = results.manyMailboxes;
  if (m) {
    rows.push([`${m.mailboxes} mailboxes, RTT ${m.rttMs} ms, limit ${m.serverLimit} (${m.serverLimitPerSecond}/s)`, '', '', '']);
    for (const level of m.levels) {
      const ratioTarget = level.concurrency === m.serverLimit ? 0.8 : level.concurrency > m.serverLimit ? 0.7 : undefined;
      const ratioMet = ratioTarget === undefined ? undefined : level.ofServerLimit.median >= ratioTarget;
      const cpuMet = level.clientCpuMsPerMailbox.max <= 2;
      const memMet = level.rssGrowthMb.max <= 50;
      const unverifiedMet = level.unverified.max === 0;
      targets[`mailboxes${level.concurrency}`] = { ofLimit: ratioMet, cpu: cpuMet, memory: memMet, unverified: unverifiedMet };
      const c = level.concurrency;
      rows.push([`  c=${c} mailboxes/s`, fmt(level.mailboxesPerSecond, 0), '', '']);
      rows.push([`  c=${c} rate / limit`, fmt(level.ofServerLimit), ratioTarget ? `>= ${ratioTarget}` : '', verdict(ratioMet)]);
      rows.push([`  c=${c} two-core CPU ceiling / limit`, fmt(level.twoCoreCeilingOfLimit), '', '']);
      rows.push([`  c=${c} client CPU ms/mailbox`, fmt(level.clientCpuMsPerMailbox, 3), '<= 2', verdict(cpuMet)]);
      rows.push([`  c=${c} fake CPU ms/request`, fmt(level.fakeCpuMsPerRequest, 3), '', '']);
      rows.push([`  c=${c} busy answers`, fmt(level.busyAnswers, 0), '', '']);
      rows.push([`  c=${c} RSS growth MB`, fmt(level.rssGrowthMb, 1), '<= 50', verdict(memMet)]);
      rows.push([`  c=${c} unverified`, fmt(level.unverified, 0), '0', verdict(unverifiedMet)]);
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
