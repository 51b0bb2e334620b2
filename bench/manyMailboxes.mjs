// Many mailboxes: verifyMailboxes over N mailboxes against the fake, which answers after RTT ms and
// says ErrorServerBusy (with BackOffMilliseconds) past its concurrency limit. The server's best
// rate is limit / RTT. Each run is a fresh client process, so that its CPU time and memory growth
// are the client's alone; the fake runs in its own process and reports its own CPU too.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, round, startFakeProcess, summarize } from './lib.mjs';

function runClient(options) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', join(repoRoot, 'bench', 'mailboxClient.mjs'), JSON.stringify(options)], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

/** @param {{ count: number, rttMs: number, serverLimit: number, concurrencies: number[], runs: number, log: (line: string) => void }} options */
export async function benchManyMailboxes({ count, rttMs, serverLimit, concurrencies, runs, log }) {
  const limitPerSecond = serverLimit / (rttMs / 1000);
  const levels = [];
  for (const concurrency of concurrencies) {
    const fake = await startFakeProcess({ scenario: 'healthy', validateSchemas: false, mailboxCount: count, latencyMs: rttMs, concurrencyLimit: serverLimit });
    const samples = [];
    try {
      // Run 0 is not counted: a freshly started fake answers its first 2,000 requests at about twice
      // its later CPU cost per request (its own JIT warming up), which a long-running Exchange does
      // not. Each client run is still a fresh process, so the client's own warm-up stays measured.
      for (let i = 0; i <= runs; i++) {
        const run = await runClient({ url: fake.url, caFile: fake.caFile, count, concurrency });
        const server = await fake.usage();
        const rate = count / (run.wallMs / 1000);
        if (i > 0) samples.push({ ...run, rate, server });
        log(`  concurrency ${concurrency} ${i === 0 ? 'warm-up (not counted)' : `run ${i}`}: ${round(rate, 0)} mailboxes/s (${round(rate / limitPerSecond)} of the limit), client CPU ${round(run.cpuMs / count, 3)} ms/mailbox, fake CPU ${round(server.cpuMs / Math.max(1, server.requests), 3)} ms/request, ${server.busy} busy answers, RSS +${round(run.rssGrowthMb, 1)} MB, unverified ${run.unverified}${run.firstFailure ? ` (${run.firstFailure})` : ''}`);
      }
    } finally {
      await fake.stop();
    }
    levels.push({
      concurrency,
      mailboxesPerSecond: summarize(samples.map((s) => s.rate)),
      ofServerLimit: summarize(samples.map((s) => s.rate / limitPerSecond)),
      clientCpuMsPerMailbox: summarize(samples.map((s) => s.cpuMs / count)),
      fakeCpuMsPerRequest: summarize(samples.map((s) => s.server.cpuMs / Math.max(1, s.server.requests))),
      busyAnswers: summarize(samples.map((s) => s.server.busy)),
      rssGrowthMb: summarize(samples.map((s) => s.rssGrowthMb)),
      unverified: summarize(samples.map((s) => s.unverified)),
      // What two whole cores could sustain at the measured client + fake CPU per mailbox: when this is
      // near or below the target, the machine, not the protocol, sets the rate.
      twoCoreCeilingOfLimit: summarize(samples.map((s) => (2000 / (s.cpuMs / count + s.server.cpuMs / Math.max(1, s.server.requests))) / limitPerSecond)),
    });
  }
  return { mailboxes: count, rttMs, serverLimit, serverLimitPerSecond: limitPerSecond, levels };
}
