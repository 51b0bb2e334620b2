// Many mailboxes: verifyMailboxes over N mailboxes against the fake, which answers after RTT ms and
// enforces the account's EWSMaxConcurrency the way Exchange does (ErrorExceededConnectionCount with
// MaxConcurrencyLimit, no back-off), optionally with another client of the account holding some of
// the slots, or answering one request in N with HTTP 503. The best rate the server allows is
// (limit - slots held by the other client) / RTT. Each run is a fresh client process, so that its CPU
// time and memory growth are the client's alone; the fake runs in its own process and reports its
// own CPU too.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, round, startFakeProcess, summarize } from './lib.mjs';

function runClient(options) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', join(repoRoot, 'bench', 'mailboxClient.mjs'), JSON.stringify(options)], { timeout: 600_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

/**
 * @param {{ name: string, count: number, rttMs: number, serverLimit: number, otherClientSlots?: number,
 *   queue503Every?: number, concurrencies: number[], runs: number, warmUp?: boolean, log: (line: string) => void }} options
 */
export async function benchManyMailboxes({ name, count, rttMs, serverLimit, otherClientSlots = 0, queue503Every, concurrencies, runs, warmUp = true, log }) {
  const available = serverLimit - otherClientSlots;
  const availablePerSecond = available / (rttMs / 1000);
  const levels = [];
  for (const concurrency of concurrencies) {
    const fake = await startFakeProcess({
      scenario: 'healthy', validateSchemas: false, mailboxCount: count, latencyMs: rttMs, concurrencyLimit: serverLimit,
      ...(otherClientSlots > 0 ? { otherClientSlots } : {}), ...(queue503Every ? { queue503Every } : {}),
    });
    const samples = [];
    try {
      // Run 0 is not counted: a freshly started fake answers its first 2,000 requests at about twice
      // its later CPU cost per request (its own JIT warming up), which a long-running Exchange does
      // not. Each client run is still a fresh process, so the client's own warm-up stays measured.
      for (let i = warmUp ? 0 : 1; i <= runs; i++) {
        const run = await runClient({ url: fake.url, caFile: fake.caFile, count, concurrency });
        const server = await fake.usage();
        const rate = count / (run.wallMs / 1000);
        if (i > 0) samples.push({ ...run, rate, server });
        log(`  [${name}] concurrency ${concurrency} ${i === 0 ? 'warm-up (not counted)' : `run ${i}`}: ${round(rate, 0)} mailboxes/s (${round(rate / availablePerSecond)} of the ${available} slots' rate), client CPU ${round(run.cpuMs / count, 3)} ms/mailbox, fake CPU ${round(server.cpuMs / Math.max(1, server.requests), 3)} ms/request, ${server.busy} refusals, ${server.queued} 503s, RSS +${round(run.rssGrowthMb, 1)} MB, false failures ${run.falseFailures}, not checked ${run.notChecked}${run.firstFailure ? ` (${run.firstFailure})` : ''}`);
      }
    } finally {
      await fake.stop();
    }
    levels.push({
      concurrency,
      mailboxesPerSecond: summarize(samples.map((s) => s.rate)),
      ofAvailable: summarize(samples.map((s) => s.rate / availablePerSecond)),
      clientCpuMsPerMailbox: summarize(samples.map((s) => s.cpuMs / count)),
      fakeCpuMsPerRequest: summarize(samples.map((s) => s.server.cpuMs / Math.max(1, s.server.requests))),
      refusals: summarize(samples.map((s) => s.server.busy)),
      answered503: summarize(samples.map((s) => s.server.queued)),
      rssGrowthMb: summarize(samples.map((s) => s.rssGrowthMb)),
      falseFailures: summarize(samples.map((s) => s.falseFailures)),
      notChecked: summarize(samples.map((s) => s.notChecked)),
      // What two whole cores could sustain at the measured client + fake CPU per mailbox: when this is
      // near or below the target, the machine, not the protocol, sets the rate.
      twoCoreCeilingOfAvailable: summarize(samples.map((s) => (2000 / (s.cpuMs / count + s.server.cpuMs / Math.max(1, s.server.requests))) / availablePerSecond)),
    });
  }
  return { name, mailboxes: count, rttMs, serverLimit, otherClientSlots, available, availablePerSecond, queue503Every: queue503Every ?? null, levels };
}
