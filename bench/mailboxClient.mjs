// One many-mailbox run in a fresh process (so its CPU and memory are the client's alone):
// verifyMailboxes over N generated mailboxes against the fake. Options: JSON in argv[2]
// {url, caFile, count, concurrency}. Prints one JSON line with the figures. Every generated mailbox
// exists and is reachable on the fake, so any denied or not-found result is a false failure.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { verifyMailboxes } = require(join(root, 'out', 'src', 'core', 'ews', 'mailboxes.js'));
const fakeModule = require(join(root, 'out', 'test', 'fake-exchange', 'server.js'));

const { url, caFile, count, concurrency } = JSON.parse(process.argv[2]);
const mailboxes = Array.from({ length: count }, (_, i) => fakeModule.generatedMailboxName(i + 1));
const config = {
  ewsUrl: url, upn: fakeModule.FAKE_SERVICE_ACCOUNT, password: fakeModule.FAKE_PASSWORD,
  accessMethod: 'impersonation', extraCaPem: readFileSync(caFile, 'utf8'),
};

globalThis.gc?.();
// The kernel's high-water mark (maxRSS) instead of sampling: sampling RSS costs a system call each
// time, which under this sandbox showed up in the CPU profile of the run it was measuring.
const rssBefore = process.memoryUsage.rss();
const cpuBefore = process.cpuUsage();
const started = performance.now();
// Results stream; like the panel and the CLI, this keeps only counts (the report keeps the unverified).
let streamed = 0;
const report = await verifyMailboxes(config, mailboxes, { concurrency, onResult: () => { streamed++; } });
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const rssPeak = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({
  wallMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  rssGrowthMb: (rssPeak - rssBefore) / 1048576,
  streamed,
  verified: report.verified,
  falseFailures: report.denied + report.notFound,
  notChecked: report.notChecked,
  unverified: count - report.verified,
  firstFailure: report.unverified[0] ? `${report.unverified[0].status}: ${report.unverified[0].reason}` : undefined,
}));
