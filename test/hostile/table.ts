/**
 * Prints the broken-and-hostile-server table (Markdown) for the README's Security section: every
 * fake Exchange scenario, every hostile server (in-process and as `node dist/cli.js probe`) and the
 * Autodiscover loops. Exits 1 when any row has a problem. Build first: node scripts/build.mjs, then
 *   node out/test/hostile/table.js [--no-child]
 */
import { SCENARIO_NAMES, startFakeExchange } from '../fake-exchange/server';
import { AUTODISCOVER_LOOPS, HOSTILE_SCENARIOS, judgeProbe, runAutodiscoverLoop, runHostileScenario, type ScenarioOutcome } from './scenarios';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 160);

async function main(): Promise<number> {
  const withChild = !process.argv.includes('--no-child');
  const unhandled: unknown[] = [];
  process.on('unhandledRejection', (reason) => unhandled.push(reason));
  const rows: ScenarioOutcome[] = [];
  const fake = await startFakeExchange({ scenario: 'healthy' });
  try {
    for (const name of SCENARIO_NAMES) {
      fake.setScenario(name);
      rows.push(await judgeProbe(`fake Exchange: ${name}`, fake.url, fake.caPem, name === 'slow' ? 1_500 : 15_000, 'in-process', undefined, undefined, name.includes('delegate') ? 'delegate' : 'impersonation'));
    }
  } finally {
    await fake.stop();
  }
  for (const scenario of HOSTILE_SCENARIOS) {
    rows.push(await runHostileScenario(scenario, 'in-process'));
    if (withChild) rows.push(await runHostileScenario(scenario, 'child'));
  }
  for (const loop of AUTODISCOVER_LOOPS) rows.push(await runAutodiscoverLoop(loop));

  process.stdout.write('| scenario | run | verdict | message | ms | within budget | memory (MiB) |\n|---|---|---|---|---|---|---|\n');
  for (const row of rows) {
    const memory = `${row.memoryMib.toFixed(0)}${row.mode === 'child' ? ' peak' : ' growth'}`;
    process.stdout.write(`| ${cell(row.scenario)} | ${row.mode} | ${row.verdict} | ${cell(row.message)} | ${row.ms} | ${row.withinBudget ? 'yes' : 'NO'} (${row.budgetMs}) | ${memory} |\n`);
  }
  const failing = rows.filter((r) => r.problems.length > 0);
  for (const row of failing) process.stdout.write(`\nPROBLEM ${row.scenario} (${row.mode}): ${row.problems.join('; ')}`);
  process.stdout.write(`\n${rows.length} rows, ${failing.length} with problems, ${unhandled.length} unhandled rejections\n`);
  return failing.length === 0 && unhandled.length === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
