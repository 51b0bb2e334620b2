// One many-mailbox run in a fresh process (so its CPU and memory are the client's alone):
// verifyMailboxes over N generated mailboxes against the fake. Options: JSON in argv[2]
// {url, caFile, count, concurrency}. Prints one JSON line with the figures.
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
const report = await verifyMailboxes(config, mailboxes, { concurrency });
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const rssPeak = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({
  wallMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  rssGrowthMb: (rssPeak - rssBefore) / 1048576,
  checked: report.checked,
  ok: report.ok,
  unverified: count - report.ok,
  firstFailure: report.failed[0]?.reason,
}));
