// Command line for the fake Exchange server:
//   node out/test/fake-exchange/cli.js --scenario NAME --port N [--latency-ms N] [--concurrency-limit N] [--no-schema]
// Prints where it listens and how to log in, then one line per request; stops on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import {
  FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, SCENARIO_NAMES, isScenarioName, startFakeExchange,
} from './server';

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} needs a whole number, not ${value}`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'healthy' },
      port: { type: 'string' },
      'latency-ms': { type: 'string' },
      'concurrency-limit': { type: 'string' },
      'other-client-slots': { type: 'string' },
      'queue-503-every': { type: 'string' },
      'retry-after': { type: 'string' },
      'busy-backoff-ms': { type: 'string' },
      'mailbox-count': { type: 'string' },
      'no-schema': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(`usage: fake-exchange --scenario NAME [--port N] [--latency-ms N] [--concurrency-limit N] [--other-client-slots K]\n                    [--queue-503-every N] [--retry-after S] [--busy-backoff-ms N] [--mailbox-count N] [--no-schema]\nscenarios: ${SCENARIO_NAMES.join(', ')}`);
    return;
  }
  const scenario = values.scenario ?? 'healthy';
  if (!isScenarioName(scenario)) throw new Error(`unknown scenario ${scenario}; one of: ${SCENARIO_NAMES.join(', ')}`);
  const fake = await startFakeExchange({
    scenario,
    port: numberOption(values.port, 'port'),
    latencyMs: numberOption(values['latency-ms'], 'latency-ms'),
    concurrencyLimit: numberOption(values['concurrency-limit'], 'concurrency-limit'),
    otherClientSlots: numberOption(values['other-client-slots'], 'other-client-slots'),
    queue503Every: numberOption(values['queue-503-every'], 'queue-503-every'),
    retryAfterSeconds: numberOption(values['retry-after'], 'retry-after'),
    busyBackOffMs: numberOption(values['busy-backoff-ms'], 'busy-backoff-ms'),
    mailboxCount: numberOption(values['mailbox-count'], 'mailbox-count'),
    validateSchemas: values['no-schema'] ? false : undefined,
  });
  console.log(`Fake Exchange (${fake.scenario}) listening`);
  console.log(`  EWS URL:       ${fake.url}`);
  console.log(`  CA file:       ${fake.caFile}`);
  console.log(`  account:       ${FAKE_SERVICE_ACCOUNT}`);
  console.log(`  password:      ${FAKE_PASSWORD}   (test-only, not a secret)`);
  console.log(`  test mailbox:  ${FAKE_TEST_MAILBOX}`);
  console.log('Ctrl+C to stop.');

  // Log requests as they complete; the log never holds credentials.
  let logged = 0;
  const logTimer = setInterval(() => {
    for (; logged < fake.requests.length; logged++) {
      const r = fake.requests[logged];
      const target = r.impersonatedMailbox ? ` as ${r.impersonatedMailbox}` : '';
      const schema = r.schemaErrors.length > 0 ? ` SCHEMA: ${r.schemaErrors[0]}` : '';
      console.log(`${r.method} ${r.operation ?? r.path}${target} -> ${r.status ?? 'pending'}${schema}`);
    }
  }, 250);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(logTimer);
    fake.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
