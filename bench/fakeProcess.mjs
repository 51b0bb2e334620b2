// The fake Exchange in its own process, so that the benchmark's client-side CPU and memory figures
// hold only the client. Started with fork(); options arrive as JSON in argv[2]. Messages:
//   -> {ready: {url, port, caFile}}            once listening
//   <- 'usage'  -> {usage: {cpuMs, requests, busy, queued}}  CPU used by this process since the last
//                 'usage', requests answered, of which refused for the account's limit or budget
//                 (ErrorExceededConnectionCount, ErrorServerBusy) and answered 503
//   <- 'stop'   stops and exits
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startFakeExchange } = require(join(root, 'out', 'test', 'fake-exchange', 'server.js'));

const options = JSON.parse(process.argv[2] ?? '{}');
const fake = await startFakeExchange({ validateSchemas: false, ...options });
let cpuMark = process.cpuUsage();
let requestMark = 0;

process.on('message', async (message) => {
  if (message === 'usage') {
    const cpu = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    const recent = fake.requests.slice(requestMark);
    requestMark = fake.requests.length;
    const busy = recent.filter((r) => r.throttled === 'connection-count' || r.throttled === 'server-busy' || r.throttled === 'inner-server-busy').length;
    const queued = recent.filter((r) => r.throttled === 'iis-queue').length;
    process.send({ usage: { cpuMs: (cpu.user + cpu.system) / 1000, requests: recent.length, busy, queued } });
  } else if (message === 'stop') {
    await fake.stop();
    process.exit(0);
  }
});
process.on('disconnect', () => { void fake.stop().finally(() => process.exit(0)); });
process.send({ ready: { url: fake.url, port: fake.port, caFile: fake.caFile } });
