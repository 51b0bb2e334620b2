// Probe latency against the network floor, and against exchangelib, through one delaying proxy.
//
// Our side: the full probe suite (healthy scenario, impersonation, write test on) through the
// proxy. The floor is RTT x the round trips the protocol cannot avoid, counted from what the proxy
// saw: one TCP handshake and one TLS 1.3 handshake per host, plus every HTTP request (each probe
// needs the previous one's verdict, so none can overlap). The peer: bench/exchangelib_ops.py doing
// the same operations through the same proxy, in the same run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runPythonJsonLines } from '../scripts/lib/python.mjs';
import { startDelayProxy } from './delayProxy.mjs';
import { repoRoot, requireFromRepo, round, startFakeProcess, summarize } from './lib.mjs';

async function runExchangelib(url, fake, fakeModule) {
  const { code, stderr, records } = await runPythonJsonLines(join(repoRoot, 'bench', 'exchangelib_ops.py'), [], {
    BENCH_EWS_URL: url, BENCH_EWS_USER: fakeModule.FAKE_SERVICE_ACCOUNT, BENCH_EWS_PASSWORD: fakeModule.FAKE_PASSWORD,
    BENCH_TEST_MAILBOX: fakeModule.FAKE_TEST_MAILBOX, REQUESTS_CA_BUNDLE: fake.caFile,
  });
  const last = records.at(-1);
  return last ?? { ms: null, ok: false, detail: `exit ${code}: ${stderr.trim().split('\n').slice(-2).join(' | ')}` };
}

/** @param {{ rttMs: number, runs: number, log: (line: string) => void }} options */
export async function benchProbeLatency({ rttMs, runs, log }) {
  const { runProbes } = requireFromRepo('./out/src/core/ews/probes.js');
  const fakeModule = requireFromRepo('./out/test/fake-exchange/server.js');
  const fake = await startFakeProcess({ scenario: 'healthy', validateSchemas: false });
  const proxy = await startDelayProxy({ targetPort: fake.port, rttMs });
  const url = `https://localhost:${proxy.port}/EWS/Exchange.asmx`;
  const config = {
    ewsUrl: url, upn: fakeModule.FAKE_SERVICE_ACCOUNT, password: fakeModule.FAKE_PASSWORD, accessMethod: 'impersonation',
    testMailbox: fakeModule.FAKE_TEST_MAILBOX, extraCaPem: readFileSync(fake.caFile, 'utf8'), write: true,
  };
  const ours = [];
  const peer = [];
  try {
    // One untimed run each, so that module loading and first-use compilation are not measured.
    await runProbes(config);
    await runExchangelib(url, fake, fakeModule);
    for (let i = 0; i < runs; i++) {
      proxy.reset();
      const started = performance.now();
      const run = await runProbes(config);
      const wallMs = performance.now() - started;
      const seen = proxy.stats();
      // The healthy scenario's expected warning (a test CA that is not a public root) is fine; a failed or skipped check means the run did not do the whole suite.
      const problems = run.checks.filter((c) => c.status === 'fail' || c.status === 'skip');
      // One TCP and one TLS handshake for the host, then one round trip per request.
      const floorTrips = 2 + seen.requestTurns;
      ours.push({
        wallMs, floorMs: floorTrips * rttMs, floorTrips, requests: seen.requestTurns,
        tcpConnections: seen.tcpConnections, tlsHandshakes: seen.tlsHandshakes, connectionsWithoutData: seen.connectionsWithoutData,
        ok: problems.length === 0, problems: problems.map((c) => `${c.id}: ${c.status} ${c.message}`),
      });
      proxy.reset();
      const theirs = await runExchangelib(url, fake, fakeModule);
      const theirSeen = proxy.stats();
      peer.push({ ...theirs, requests: theirSeen.requestTurns, tcpConnections: theirSeen.tcpConnections, tlsHandshakes: theirSeen.tlsHandshakes });
      log(`  run ${i + 1}: ours ${round(wallMs, 0)} ms (floor ${floorTrips * rttMs} ms, ${seen.tcpConnections} TCP, ${seen.tlsHandshakes} TLS, ${seen.requestTurns} requests${problems.length ? `, PROBLEMS: ${problems.length}` : ''}); exchangelib ${round(theirs.ms, 0)} ms (${theirSeen.tcpConnections} TCP, ${theirSeen.requestTurns} requests${theirs.ok ? '' : `, FAILED: ${theirs.detail}`})`);
    }
  } finally {
    await proxy.close();
    await fake.stop();
  }
  const ratioToFloor = ours.map((r) => r.wallMs / r.floorMs);
  const ratioToPeer = ours.map((r, i) => (peer[i].ok && peer[i].ms ? r.wallMs / peer[i].ms : undefined));
  return {
    rttMs,
    ours: {
      wallMs: summarize(ours.map((r) => r.wallMs)),
      floorMs: summarize(ours.map((r) => r.floorMs)),
      wallOverFloor: summarize(ratioToFloor),
      requests: summarize(ours.map((r) => r.requests)),
      tcpConnections: summarize(ours.map((r) => r.tcpConnections)),
      tlsHandshakes: summarize(ours.map((r) => r.tlsHandshakes)),
      connectionsWithoutData: summarize(ours.map((r) => r.connectionsWithoutData)),
      allChecksPassed: ours.every((r) => r.ok),
      problems: [...new Set(ours.flatMap((r) => r.problems))],
    },
    exchangelib: {
      wallMs: summarize(peer.map((r) => (r.ok ? r.ms : undefined))),
      requests: summarize(peer.map((r) => r.requests)),
      tcpConnections: summarize(peer.map((r) => r.tcpConnections)),
      tlsHandshakes: summarize(peer.map((r) => r.tlsHandshakes)),
      allRunsOk: peer.every((r) => r.ok),
      failures: [...new Set(peer.filter((r) => !r.ok).map((r) => r.detail))],
    },
    oursOverExchangelib: summarize(ratioToPeer),
  };
}
