// The run objects of src/core/runs against the fake Exchange: each owns one current run (starting a
// new one cancels the one before), streams its events in order, and redacts what the server said
// before any listener sees it.
import * as assert from 'node:assert/strict';
import { runProbes } from '../../src/core/ews/probes';
import { verifyMailboxes } from '../../src/core/ews/mailboxes';
import { createLinkTarget } from '../../src/core/link';
import type { AutodiscoverResult } from '../../src/core/autodiscover';
import { AutodiscoverRunner, domainOf, type AutodiscoverEvent } from '../../src/core/runs/autodiscoverRun';
import { Emitter } from '../../src/core/runs/emitter';
import { LinkFlow, linkFlowResult, type LinkFlowEvent } from '../../src/core/runs/linkFlow';
import { MailboxVerifier, type MailboxVerificationEvent } from '../../src/core/runs/mailboxVerification';
import { ProbeRunner, type NodeEngine, type ProbeRunEvent, type ProbeRunRequest, type RunProbes } from '../../src/core/runs/probeRun';
import { nodeList, runNodeProbes, verifyMailboxesAcrossNodes } from '../../src/core/ews/nodes';
import { startFakeExchangeNodes } from '../fake-exchange/nodes';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, generatedMailboxName, startFakeExchange, type FakeExchange } from '../fake-exchange/server';

const PROBE_ORDER = ['net.dns', 'net.tcp', 'tls.handshake', 'tls.name', 'tls.trust', 'tls.expiry', 'auth.schemes', 'auth.login', 'server.version', 'access.impersonation', 'calendar.read', 'calendar.write'];

function request(fake: FakeExchange, extra: Partial<ProbeRunRequest> = {}): ProbeRunRequest {
  return { ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 15_000, write: false, ...extra };
}

/** An engine whose every text quotes the password, as a hostile server's answers can. */
const echoingEngine: RunProbes = async (config, options = {}) => {
  const said = `server said ${config.password} and ${config.upn}:${config.password}`;
  const check = { id: 'auth.login' as const, status: 'fail' as const, message: said, ms: 1, remedy: { step: 'serviceAccount.create' as const, text: said } };
  options.onResult?.(check);
  return {
    ok: false, checks: [check], server: { build: said, product: said, supported: false },
    events: [{ subject: said, start: '2026-12-01T09:00:00Z', end: '2026-12-01T10:00:00Z' }],
    mailboxes: { total: 1, verified: 0, denied: 1, notFound: 0, notChecked: 0, unverified: [{ mailbox: 'a@contoso.com', status: 'denied', code: said, reason: said }] },
    stats: { ms: 1 } as never,
  };
};

describe('run objects: the typed emitter', () => {
  it('delivers to every listener, survives a throwing one, and stops after dispose', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>((e) => errors.push(e));
    const seen: number[] = [];
    emitter.on(() => { throw new Error('listener bug'); });
    const sub = emitter.on((n) => seen.push(n));
    emitter.emit(1);
    sub.dispose();
    emitter.emit(2);
    assert.deepEqual(seen, [1]);
    assert.equal(errors.length, 2, 'the throwing listener failed at both emits');
  });
});

describe('run objects against the fake Exchange', function () {
  this.timeout(30_000);
  let fake: FakeExchange;
  before(async () => {
    fake = await startFakeExchange({ scenario: 'healthy', mailboxCount: 6 });
  });
  after(async () => {
    await fake.stop();
  });

  describe('ProbeRunner', () => {
    it('streams started, each check in the documented order, then finished with the same checks', async () => {
      const runner = new ProbeRunner(() => runProbes);
      const events: ProbeRunEvent[] = [];
      runner.onEvent((e) => events.push(e));
      const result = await runner.start(request(fake));
      assert.equal(result.outcome, 'passed');
      assert.equal(events[0].type, 'started');
      assert.equal(events.at(-1)?.type, 'finished');
      const checks = events.flatMap((e) => (e.type === 'check' ? [e.check.id] : []));
      assert.deepEqual(checks, PROBE_ORDER);
      assert.deepEqual(result.checks.map((c) => c.id), PROBE_ORDER);
      assert.ok(events.every((e) => e.runId === result.runId));
      assert.equal(runner.lastResult, result);
      assert.equal(result.report.server?.product, 'Exchange Server Subscription Edition');
    });

    it('starting a second run cancels the first: the first ends "cancelled", only the second passes', async () => {
      const slow = await startFakeExchange({ scenario: 'healthy', latencyMs: 150 });
      try {
        const runner = new ProbeRunner(() => runProbes);
        const finished: ProbeRunEvent[] = [];
        runner.onEvent((e) => { if (e.type === 'finished') finished.push(e); });
        const first = runner.start(request(slow));
        await new Promise((r) => setTimeout(r, 100));
        const second = runner.start(request(slow));
        const [a, b] = await Promise.all([first, second]);
        assert.equal(a.outcome, 'cancelled');
        assert.equal(b.outcome, 'passed');
        assert.ok(b.runId > a.runId);
        assert.deepEqual(finished.map((e) => e.runId), [a.runId, b.runId], 'the cancelled run finishes first');
        assert.equal(runner.lastResult, b);
      } finally {
        await slow.stop();
      }
    });

    it('cancel() ends the run at once with what completed', async () => {
      const slow = await startFakeExchange({ scenario: 'healthy', latencyMs: 300 });
      try {
        const runner = new ProbeRunner(() => runProbes);
        const pending = runner.start(request(slow));
        setTimeout(() => runner.cancel(), 50);
        const result = await pending;
        assert.equal(result.outcome, 'cancelled');
        assert.match(result.summary, /checks completed before the cancel/);
      } finally {
        await slow.stop();
      }
    });

    it('redacts every server text before any listener sees it', async () => {
      const runner = new ProbeRunner(() => echoingEngine);
      const seen: ProbeRunEvent[] = [];
      runner.onEvent((e) => seen.push(e));
      const result = await runner.start({ ...request(fake), password: 'Echoed-Secret-42' });
      const text = JSON.stringify({ seen, result });
      assert.ok(!text.includes('Echoed-Secret-42'), text);
      assert.match(result.checks[0].message, /server said \[redacted\]/);
      assert.match(result.mailboxes?.unverified[0].reason ?? '', /\[redacted\]/);
      assert.match(result.server?.build ?? '', /\[redacted\]/);
    });

    it('an engine that throws gives outcome "error" with the text redacted', async () => {
      const runner = new ProbeRunner(() => async (config) => { throw new Error(`boom ${config.password}`); });
      const result = await runner.start({ ...request(fake), password: 'Thrown-Secret-42' });
      assert.equal(result.outcome, 'error');
      assert.equal(result.summary, 'boom [redacted]');
    });

    it('refuse() replaces the run before and reports started then finished', () => {
      const runner = new ProbeRunner(() => runProbes);
      const seen: string[] = [];
      runner.onEvent((e) => seen.push(e.type));
      const result = runner.refuse('error', 'Enter the EWS URL.');
      assert.deepEqual(seen, ['started', 'finished']);
      assert.equal(result.summary, 'Enter the EWS URL.');
      assert.equal(result.refused, true, 'the panel says it did not start');
      assert.equal(runner.lastResult, undefined, 'a refused run is not a run to report');
    });
  });

  describe('MailboxVerifier', () => {
    it('streams started, progress ending at the total, then finished; keeps the not-checked list', async () => {
      const verifier = new MailboxVerifier(() => verifyMailboxes);
      const events: MailboxVerificationEvent[] = [];
      verifier.onEvent((e) => events.push(e));
      const list = [1, 2, 3].map(generatedMailboxName);
      const result = await verifier.start({ ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', extraCaPem: fake.caPem, mailboxes: list });
      assert.equal(result.outcome, 'passed');
      assert.deepEqual(result.counts, { total: 3, verified: 3, denied: 0, notFound: 0, notChecked: 0 });
      assert.deepEqual(events[0], { type: 'started', total: 3, problems: [] });
      const last = events.at(-2);
      assert.deepEqual(last, { type: 'progress', checked: 3, total: 3, verified: 3, denied: 0, notFound: 0, notChecked: 0, timeLeftMs: 0 });
      assert.equal(events.at(-1)?.type, 'finished');
      assert.deepEqual(verifier.notChecked, []);
    });

    it('starting again cancels the verification before', async () => {
      const slow = await startFakeExchange({ scenario: 'healthy', latencyMs: 200, mailboxCount: 6 });
      try {
        const verifier = new MailboxVerifier(() => verifyMailboxes);
        const config = { ewsUrl: slow.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation' as const, extraCaPem: slow.caPem };
        const first = verifier.start({ ...config, mailboxes: [1, 2, 3, 4, 5, 6].map(generatedMailboxName) });
        await new Promise((r) => setTimeout(r, 50));
        const second = verifier.start({ ...config, mailboxes: [generatedMailboxName(1)] });
        const [a, b] = await Promise.all([first, second]);
        assert.equal(a.outcome, 'cancelled');
        assert.equal(b.outcome, 'passed');
        assert.deepEqual(verifier.notChecked, [], 'the replaced run does not set the list');
      } finally {
        await slow.stop();
      }
    });

    it('redacts reasons and codes the server echoed', async () => {
      const verifier = new MailboxVerifier(() => async (config, mailboxes) => ({
        total: mailboxes.length, verified: 0, denied: 1, notFound: 0, notChecked: 0,
        unverified: [{ mailbox: mailboxes[0], status: 'denied', code: `X${config.password}`, reason: `echo ${config.password}` }],
      }));
      const result = await verifier.start({ ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: 'Verify-Secret-42', accessMethod: 'impersonation', mailboxes: ['a@contoso.com'] });
      assert.equal(result.outcome, 'failed');
      assert.ok(!JSON.stringify(result).includes('Verify-Secret-42'));
    });
  });

  describe('LinkFlow', () => {
    it('validates through the shared probe runner (purpose "link", no write test), then keeps the console values', async () => {
      const probes = new ProbeRunner(() => runProbes);
      const flow = new LinkFlow(probes);
      const order: string[] = [];
      probes.onEvent((e) => { if (e.type === 'started') order.push(`probe:started:${e.purpose}`); else if (e.type === 'finished') order.push(`probe:finished:${e.result.outcome}`); });
      flow.onEvent((e: LinkFlowEvent) => order.push(`link:${e.type}`));
      const { write: _write, ...linkRequest } = request(fake, { write: true });
      const result = await flow.start(createLinkTarget({ id: 'a4b-console' }), linkRequest);
      assert.deepEqual(order, ['link:started', 'probe:started:link', 'probe:finished:passed', 'link:finished']);
      assert.equal(probes.lastResult?.checks.find((c) => c.id === 'calendar.write')?.status, 'skip');
      assert.deepEqual(result.values, { upn: FAKE_SERVICE_ACCOUNT, ewsUrl: fake.url, accessMethod: 'impersonation' });
      assert.deepEqual(flow.validated, result.values);
      assert.equal(result.record, undefined, 'a4b-console records only when the admin confirms');
    });

    it('a failed validation names the check and records nothing on the link step', async () => {
      fake.setScenario('wrong-password');
      try {
        const flow = new LinkFlow(new ProbeRunner(() => runProbes));
        const { write: _write, ...linkRequest } = request(fake);
        const result = await flow.start(createLinkTarget({ id: 'a4b-console' }), linkRequest);
        assert.equal(result.outcome.ok, false);
        assert.equal(result.outcome.stage, 'validation');
        assert.match(result.message, /auth\.login/);
        assert.equal(result.record, undefined);
        assert.equal(flow.validated, undefined);
      } finally {
        fake.setScenario('healthy');
      }
    });

    it('starting again cancels the link before (and its validation run)', async () => {
      const slow = await startFakeExchange({ scenario: 'healthy', latencyMs: 150 });
      try {
        const flow = new LinkFlow(new ProbeRunner(() => runProbes));
        const { write: _write, ...linkRequest } = request(slow);
        const target = createLinkTarget({ id: 'a4b-console' });
        const first = flow.start(target, linkRequest);
        await new Promise((r) => setTimeout(r, 100));
        const second = flow.start(target, linkRequest);
        const [a, b] = await Promise.all([first, second]);
        assert.equal(a.outcome.cancelled, true);
        assert.equal(a.message, 'Cancelled.');
        assert.equal(b.outcome.ok, true);
      } finally {
        await slow.stop();
      }
    });
  });
});

describe('AutodiscoverRunner', () => {
  const found = (password: string): AutodiscoverResult => ({
    ok: true, ewsUrl: `https://mail.contoso.com/EWS/Exchange.asmx?echo=${password}`, protocol: 'EXPR', email: 'alice@contoso.com',
    trail: [{ kind: 'pox', url: 'https://contoso.com/autodiscover/autodiscover.xml', outcome: `redirected, said ${password}`, ms: 3, credentialsSent: true, trust: 'domain' }],
  });

  it('sends the credentials only to the account\'s own domain when asked to, and redacts the trail', async () => {
    const given: (object | undefined)[] = [];
    const runner = new AutodiscoverRunner(async (_email, options = {}) => { given.push(options.credentials); return found('Disco-Secret-42'); });
    const events: AutodiscoverEvent[] = [];
    runner.onEvent((e) => events.push(e));
    const credentials = { user: 'svc@contoso.com', password: 'Disco-Secret-42' };
    const own = await runner.start({ email: 'alice@contoso.com', credentials, credentialsOnlyForOwnDomain: true });
    await runner.start({ email: 'bob@fabrikam.com', credentials, credentialsOnlyForOwnDomain: true });
    assert.deepEqual(given, [credentials, undefined]);
    assert.deepEqual(events.map((e) => e.type), ['started', 'finished', 'started', 'finished']);
    assert.ok(!JSON.stringify(own).includes('Disco-Secret-42'), JSON.stringify(own));
    assert.match(own.message, /^Found https:\/\/mail\.contoso\.com\/EWS\/Exchange\.asmx\?echo=\[redacted\] \(EXPR\)/);
    assert.match(own.message, /credentials went to contoso\.com \(in the address's domain\)|credentials went to contoso\.com/);
    assert.equal(domainOf('Svc@Contoso.COM'), 'contoso.com');
  });

  it('starting again aborts the run before', async () => {
    const signals: AbortSignal[] = [];
    const runner = new AutodiscoverRunner(async (_email, options = {}) => {
      signals.push(options.signal as AbortSignal);
      await new Promise((r) => setTimeout(r, 30));
      return { ok: false, reason: 'nothing', trail: [] };
    });
    const first = runner.start({ email: 'a@contoso.com' });
    const second = runner.start({ email: 'b@contoso.com' });
    await Promise.all([first, second]);
    assert.equal(signals[0].aborted, true);
    assert.equal(signals[1].aborted, false);
  });
});

describe('LinkFlow: outcomes in words and what the checklist records', () => {
  const values = { upn: 'svc@contoso.com', ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx', accessMethod: 'impersonation' as const };

  it('an http link quotes the status and the (already redacted) body, and records done', () => {
    const result = linkFlowResult('HTTP endpoint', { ok: true, stage: 'link', details: { target: 'http', url: 'https://x', status: 201, statusText: 'Created', body: 'ok [redacted]', bodyTruncated: true } }, values);
    assert.equal(result.message, 'Linked through HTTP endpoint. HTTP 201 Created: ok [redacted] (cut)');
    assert.deepEqual(result.record, { status: 'done', detail: result.message });
  });

  it('a failure at the target records failed; a failed validation records nothing; a cancel says so', () => {
    assert.equal(linkFlowResult('WorkMail', { ok: false, stage: 'link', failureReason: 'denied' }, values).record?.status, 'failed');
    assert.equal(linkFlowResult('WorkMail', { ok: false, stage: 'validation', failureReason: 'auth.login failed' }, values).record, undefined);
    assert.deepEqual(linkFlowResult('WorkMail', { ok: false, stage: 'link', cancelled: true }, values), { outcome: { ok: false, stage: 'link', cancelled: true }, message: 'Cancelled.' });
  });
});

describe('run objects with per-node probes (multi-node fake Exchange)', function () {
  this.timeout(60_000);
  const nodeEngine = (): NodeEngine => ({ nodeList, runNodeProbes, verifyMailboxesAcrossNodes });

  it('ProbeRunner: the run through the name, then nodesStarted and one node event per node, the result and report naming the odd node', async () => {
    // From 127.0.0.1, so that the EWS name (localhost) reaches the first node for the run through the name.
    const fake = await startFakeExchangeNodes({ scenario: 'nodes-no-impersonation', firstHost: 1 });
    try {
      const runner = new ProbeRunner(() => runProbes, undefined, nodeEngine);
      const events: ProbeRunEvent[] = [];
      runner.onEvent((e) => events.push(e));
      const nodes = fake.nodes.map((n) => n.address);
      const mailboxes = Array.from({ length: 6 }, (_, i) => generatedMailboxName(i + 1));
      const result = await runner.start({
        ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 30_000, write: false,
        nodes, mailboxes,
      });
      const types = events.map((e) => e.type);
      const firstNodeEvent = types.indexOf('nodesStarted');
      assert.ok(firstNodeEvent > 0 && types.lastIndexOf('check') < firstNodeEvent, 'every check of the run through the name before the nodes');
      assert.deepEqual(events.filter((e) => e.type === 'node').map((e) => (e as Extract<ProbeRunEvent, { type: 'node' }>).node.node).sort(), [...nodes].sort());
      assert.equal(types.at(-1), 'finished');
      assert.equal(result.outcome, 'failed', 'one node fails, so the run fails');
      assert.equal(result.nodes?.passing, 2);
      assert.match(result.summary, / 2 of 3 servers behind the name pass\.$/);
      assert.deepEqual(result.nodes?.differing.map((d) => d.node), [fake.oddAddress]);
      assert.equal(result.report.nodes, result.nodes, 'the report carries the nodes section');
      // The mailbox checks were spread over the nodes; the odd node's denials name it.
      assert.deepEqual(result.mailboxes?.byNode?.map((n) => n.node), nodes);
      assert.ok(result.mailboxes && result.mailboxes.denied > 0 && result.mailboxes.unverified.every((u) => u.node === fake.oddAddress), JSON.stringify(result.mailboxes));
      assert.ok(!JSON.stringify(result).includes(FAKE_PASSWORD));
    } finally {
      await fake.stop();
    }
  });

  it('ProbeRunner: every node healthy passes; without a node engine a per-node request ends in a clear error', async () => {
    const fake = await startFakeExchangeNodes({ scenario: 'nodes-healthy', count: 2, firstHost: 1 });
    try {
      const base: ProbeRunRequest = { ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 30_000, write: false, nodes: fake.nodes.map((n) => n.address) };
      const passed = await new ProbeRunner(() => runProbes, undefined, nodeEngine).start(base);
      assert.equal(passed.outcome, 'passed', JSON.stringify(passed.nodes?.summary));
      assert.equal(passed.nodes?.passing, 2);
      const refused = await new ProbeRunner(() => runProbes).start(base);
      assert.equal(refused.outcome, 'error');
      assert.match(refused.summary, /node functions/);
    } finally {
      await fake.stop();
    }
  });

  it('ProbeRunner: an EWS name that does not resolve with allNodes fails the run with nodesError saying what to do', async () => {
    const runner = new ProbeRunner(() => runProbes, undefined, nodeEngine);
    const result = await runner.start({ ewsUrl: 'https://no-such-host.invalid/EWS/Exchange.asmx', upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, timeoutMs: 10_000, write: false, allNodes: true });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.nodes, undefined);
    assert.match(result.nodesError ?? '', /does not resolve.*list them instead/);
    assert.match(result.summary, /The servers behind the name were not probed\.$/);
  });

  it('ProbeRunner: what nodes say is redacted before any listener sees it (node events, nodes section, mailbox nodes)', async () => {
    const said = (config: { password: string; upn: string }): string => `node said ${config.password} and ${config.upn}:${config.password}`;
    const stub: NodeEngine = {
      nodeList: async () => ['10.0.0.11'],
      runNodeProbes: async (config, nodes, options = {}) => {
        const node = { node: nodes[0], address: nodes[0], label: said(config), ok: false, checks: [{ id: 'auth.login' as const, status: 'fail' as const, message: said(config), ms: 1, remedy: { step: 'serviceAccount.create' as const, text: said(config) } }], server: { build: said(config), product: said(config), supported: false } };
        options.onNodeResult?.(node);
        return { host: 'mail.contoso.com', total: 1, passing: 0, nodes: [node], differing: [{ node: nodes[0], label: said(config), problems: [said(config)], failing: true, remedy: { step: 'serviceAccount.create', text: said(config) } }], summary: said(config) };
      },
      verifyMailboxesAcrossNodes: async (config, _nodes, mailboxes) => ({
        leftOut: [said(config)],
        report: { total: mailboxes.length, verified: 0, denied: mailboxes.length, notFound: 0, notChecked: 0, unverified: mailboxes.map((mailbox) => ({ mailbox, status: 'denied' as const, code: said(config), reason: said(config), node: said(config) })), byNode: [{ node: said(config), total: mailboxes.length, verified: 0, denied: mailboxes.length, notFound: 0, notChecked: 0 }] },
      }),
    };
    const passingAccess: RunProbes = async (_config, options = {}) => {
      const check = { id: 'access.impersonation' as const, status: 'pass' as const, message: 'ok', ms: 1 };
      options.onResult?.(check);
      return { ok: true, checks: [check], stats: { ms: 1 } as never };
    };
    const runner = new ProbeRunner(() => passingAccess, undefined, () => stub);
    const events: ProbeRunEvent[] = [];
    runner.onEvent((e) => events.push(e));
    const result = await runner.start({ ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx', upn: 'svc@contoso.com', password: 'S3cret-Pa55', accessMethod: 'impersonation', testMailbox: 'a@contoso.com', write: false, nodes: ['10.0.0.11'], mailboxes: ['b@contoso.com'] });
    assert.ok(events.some((e) => e.type === 'node'));
    assert.ok(result.nodes && result.mailboxes?.byNode && result.nodesLeftOut, 'the stub was used through every path');
    for (const text of [JSON.stringify(events), JSON.stringify(result)]) assert.ok(!text.includes('S3cret-Pa55'), text);
  });

  it('MailboxVerifier: with the nodes of a probe run, each result names its node and the counts are per node', async () => {
    const fake = await startFakeExchangeNodes({ scenario: 'nodes-no-impersonation', firstHost: 1 });
    try {
      const report = await runNodeProbes({ ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, write: false }, fake.nodes.map((n) => n.address));
      const verifier = new MailboxVerifier(() => verifyMailboxes, undefined, () => verifyMailboxesAcrossNodes);
      const result = await verifier.start({
        ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', extraCaPem: fake.caPem,
        mailboxes: Array.from({ length: 6 }, (_, i) => generatedMailboxName(i + 1)), nodes: report.nodes,
      });
      assert.equal(result.outcome, 'failed');
      assert.deepEqual(result.mailboxes.byNode?.map((n) => [n.node, n.total, n.denied]), [[fake.nodes[0].address, 2, 0], [fake.oddAddress, 2, 2], [fake.nodes[2].address, 2, 0]]);
      assert.ok(result.mailboxes.unverified.every((u) => u.node === fake.oddAddress));
    } finally {
      await fake.stop();
    }
  });
});
