// The probe report is one document whichever front end makes it: the CLI's --json and the panel's
// export (ProbeRunner + runReport, what src/host/panel/probes.ts exports) both validate against the
// published docs/probe-report.schema.json, and for one fake scenario they are the same document
// apart from times and versions.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { runProbeCommand } from '../../src/cli/probe';
import { runProbes } from '../../src/core/ews/probes';
import { reportJson, type ReportDocument } from '../../src/core/report';
import { ProbeRunner, runReport } from '../../src/core/runs/probeRun';
import { loadProbeEngine } from '../../src/core/ews/loadEngine';
import { startFakeExchangeNodes } from '../fake-exchange/nodes';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, FAKE_TEST_ROOM_MAILBOX, generatedMailboxName, startFakeExchange, type FakeExchange, type ScenarioName } from '../fake-exchange/server';

const ROOT = resolve(__dirname, '..', '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'probe-report.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

function assertValid(doc: unknown, what: string): void {
  const ok = validate(doc);
  assert.ok(ok, `${what}: ${JSON.stringify(validate.errors, null, 2)}`);
}

/** The document without what differs between two runs of the same scenario: times, durations, tool versions. */
function comparable(doc: ReportDocument): unknown {
  const { generatedAt: _at, toolVersion: _tool, durationMs: _ms, ...rest } = doc;
  const checks = (list: ReportDocument['checks']): unknown => list.map(({ ms: _checkMs, ...check }) => ({ ...check, message: check.message.replace(/\d+ ms\b/g, 'N ms') }));
  return {
    ...rest, checks: checks(doc.checks),
    ...(doc.nodes ? { nodes: { ...doc.nodes, nodes: doc.nodes.nodes.map((n) => ({ ...n, checks: checks(n.checks) })) } } : {}),
    // Mailboxes finish in any order; which node each goes to does not depend on it.
    ...(doc.mailboxes ? { mailboxes: { ...doc.mailboxes, unverified: [...doc.mailboxes.unverified].sort((a, b) => a.mailbox.localeCompare(b.mailbox)) } } : {}),
  };
}

async function cliReport(fake: Pick<FakeExchange, 'url'>, caFile: string, extra: string[]): Promise<ReportDocument> {
  let stdout = '';
  let stderr = '';
  await runProbeCommand(['--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', caFile, '--json', ...extra], {
    stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env: { EWS_PASSWORD: FAKE_PASSWORD }, isTTY: false,
  });
  assert.ok(stdout.trim() !== '', stderr);
  return JSON.parse(stdout) as ReportDocument;
}

describe('probe report: one document for the CLI and the panel, held to docs/probe-report.schema.json', function () {
  this.timeout(60_000);
  let fake: FakeExchange;
  let dir: string;
  let caFile: string;
  before(async () => {
    fake = await startFakeExchange({ scenario: 'healthy', mailboxCount: 4 });
    dir = mkdtempSync(join(tmpdir(), 'probe-report-schema-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, fake.caPem);
    writeFileSync(join(dir, 'list.txt'), `${generatedMailboxName(1)}\n${generatedMailboxName(2)}\nnobody@contoso.com\n`);
  });
  after(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the schema rejects what is not a report (so a pass means something)', () => {
    assert.equal(validate({ ok: true, checks: [] }), false, 'the pre-version-2 --json shape alone');
    const doc = { format: 'exchange-calendar-setup/probe-report', version: 2, ok: true, generatedAt: '2026-12-07T12:00:00.000Z', toolVersion: '1', outcome: 'passed', checks: [], configuration: { ewsUrl: '', upn: '', testMailbox: '', accessMethod: 'impersonation', write: false } };
    assert.equal(validate(doc), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ...doc, password: 'x' }), false, 'an unknown key');
    assert.equal(validate({ ...doc, outcome: 'fine' }), false, 'an unknown outcome');
    assert.equal(validate({ ...doc, checks: [{ id: 'a', name: 'a', status: 'ok', message: '', ms: 1 }] }), false, 'an unknown status');
  });

  it('the CLI\'s --json (with --write, --room-mailbox and --mailboxes) validates, and keeps the old keys', async () => {
    const doc = await cliReport(fake, caFile, ['--write', '--room-mailbox', FAKE_TEST_ROOM_MAILBOX, '--mailboxes', join(dir, 'list.txt')]);
    assertValid(doc, 'CLI --json');
    for (const key of ['ok', 'checks', 'server', 'events', 'mailboxes']) assert.ok(key in doc, `old --json key ${key}`);
    assert.equal(doc.mailboxes?.notFound, 1);
    assert.equal(doc.configuration.testRoomMailbox, FAKE_TEST_ROOM_MAILBOX);
    assert.ok(doc.checks.some((c) => c.id === 'room.access'));
    assert.equal(doc.configuration.write, true);
  });

  it('the panel\'s export of a run validates, for a passing, a failing and a refused run', async () => {
    const runner = new ProbeRunner(() => runProbes);
    const request = { ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation' as const, testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 15_000, write: true };
    const context = { generatedAt: new Date(), toolVersion: '0.1.0', secrets: [FAKE_PASSWORD] };
    const passed = await runner.start(request);
    assertValid(JSON.parse(reportJson({ ...passed.report, ...context })), 'panel export (passed)');
    fake.setScenario('no-basic');
    try {
      const failed = await runner.start(request);
      assert.equal(failed.outcome, 'failed');
      assertValid(runReport(failed, context), 'panel export (failed)');
    } finally {
      fake.setScenario('healthy');
    }
    assertValid(runReport(runner.refuse('error', 'Enter the EWS URL.'), context), 'a refused run');
  });

  it('the golden report files (every field the report can have) validate', () => {
    for (const name of ['report-full.json', 'report-bare.json']) assertValid(JSON.parse(readFileSync(join(ROOT, 'test', 'unit', 'golden', name), 'utf8')), name);
  });

  const scenarios: ScenarioName[] = ['healthy', 'impersonation-denied', 'exchange-online'];
  for (const scenario of scenarios) {
    it(`${scenario}: the CLI and the panel's run object give the same document (times and versions aside)`, async () => {
      fake.setScenario(scenario);
      try {
        const fromCli = await cliReport(fake, caFile, ['--write']);
        const runner = new ProbeRunner(() => runProbes);
        const result = await runner.start({ ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 60_000, write: true });
        const fromPanel = runReport(result, { generatedAt: new Date(), toolVersion: '0.1.0', secrets: [FAKE_PASSWORD] });
        assertValid(fromCli, 'CLI');
        assertValid(fromPanel, 'panel');
        assert.deepEqual(comparable(fromCli), comparable(fromPanel));
      } finally {
        fake.setScenario('healthy');
      }
    });
  }
});

describe('probe report with per-node probes: the nodes section held to the schema, the same from the CLI and the panel', function () {
  this.timeout(90_000);

  it('nodes-basic-off: CLI --node ... --mailboxes --json validates, has nodes and mailboxes.byNode, and equals the panel run object\'s report', async () => {
    // From 127.0.0.1, so that the EWS name (localhost) reaches the first node for the run through the name.
    const fake = await startFakeExchangeNodes({ scenario: 'nodes-basic-off', firstHost: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'probe-report-nodes-'));
    const list = join(dir, 'list.txt');
    const mailboxes = Array.from({ length: 6 }, (_, i) => generatedMailboxName(i + 1));
    writeFileSync(list, mailboxes.join('\n'));
    try {
      const nodes = fake.nodes.map((n) => n.address);
      const fromCli = await cliReport(fake, fake.caFile, [...nodes.flatMap((n) => ['--node', n]), '--mailboxes', list]);
      assertValid(fromCli, 'CLI --node --json');
      assert.equal(fromCli.nodes?.total, 3);
      assert.deepEqual(fromCli.nodes?.differing.map((d) => d.node), [fake.oddAddress]);
      assert.equal(fromCli.mailboxes?.byNode?.length, 3);
      assert.ok(fromCli.mailboxes?.unverified.length && fromCli.mailboxes.unverified.every((u) => u.node === fake.oddAddress), JSON.stringify(fromCli.mailboxes));
      // The schema knows these keys: without them in the schema, additionalProperties would refuse the document.
      assert.equal(validate({ ...fromCli, nodes: { ...fromCli.nodes, extra: 1 } }), false, 'an unknown key in nodes');

      const runner = new ProbeRunner(() => runProbes, undefined, () => loadProbeEngine());
      const seen: string[] = [];
      runner.onEvent((e) => { if (e.type === 'node') seen.push(e.node.node); });
      const result = await runner.start({
        ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 60_000, write: false,
        nodes, mailboxes,
      });
      assert.deepEqual([...seen].sort(), [...nodes].sort(), 'a node event per node');
      const fromPanel = runReport(result, { generatedAt: new Date(), toolVersion: '0.1.0', secrets: [FAKE_PASSWORD] });
      assertValid(fromPanel, 'panel export with nodes');
      assert.deepEqual(comparable(fromCli), comparable(fromPanel));
    } finally {
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
