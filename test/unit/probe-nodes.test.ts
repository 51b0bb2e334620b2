import * as assert from 'node:assert/strict';
import { checkNodeName, nodeList, runNodeProbes, shareText, summarizeNodes, verifyMailboxesAcrossNodes, type NodeResult, type NodesReport } from '../../src/core/ews/nodes';
import type { ProbeConfig } from '../../src/core/ews/probes';
import { ListedOrder, runProbeCommand } from '../../src/cli/probe';
import { readNodesSetting } from '../../src/core/ews/nodeNames';
import { buildReport, reportMarkdown, type ReportInput } from '../../src/core/report';
import { EwsTransport } from '../../src/core/ews/transport';
import { DirectEwsTransport } from '../../src/core/ews/directTransport';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, generatedMailboxName } from '../fake-exchange/server';
import { startFakeExchangeNodes, type FakeExchangeNodes, type NodesScenarioName } from '../fake-exchange/nodes';

function configFor(fake: FakeExchangeNodes): ProbeConfig {
  return { ewsUrl: fake.url, upn: FAKE_SERVICE_ACCOUNT, password: FAKE_PASSWORD, accessMethod: 'impersonation', testMailbox: FAKE_TEST_MAILBOX, extraCaPem: fake.caPem, timeoutMs: 20_000 };
}

async function probeNodes(scenario: NodesScenarioName): Promise<{ fake: FakeExchangeNodes; report: NodesReport }> {
  const fake = await startFakeExchangeNodes({ scenario });
  try {
    const report = await runNodeProbes(configFor(fake), fake.nodes.map((n) => n.address));
    return { fake, report };
  } catch (err) {
    await fake.stop();
    throw err;
  }
}

interface OddExpectation {
  problem: RegExp;
  failing: boolean;
  step: string;
  summary: RegExp;
}

const ODD: Record<Exclude<NodesScenarioName, 'nodes-healthy'>, OddExpectation> = {
  'nodes-basic-off': {
    problem: /^does not offer Basic$/, failing: true, step: 'basicAuth.enable',
    summary: /^2 of 3 nodes pass; 127\.0\.0\.3 does not offer Basic: the service will fail on about one request in three\. Fix: On 127\.0\.0\.3: Turn on Basic/,
  },
  'nodes-expired-cert': {
    problem: /^presents an expired certificate$/, failing: true, step: 'prerequisites.certificate',
    summary: /^2 of 3 nodes pass; 127\.0\.0\.3 presents an expired certificate: the service will fail on about one request in three\./,
  },
  'nodes-other-build': {
    problem: /^runs Exchange 2019 \(15\.2\.1544\.4\)$/, failing: false, step: 'prerequisites.exchangeVersion',
    summary: /^3 of 3 nodes pass; 127\.0\.0\.3 runs Exchange 2019 \(15\.2\.1544\.4\): about one request in three goes to it\./,
  },
  'nodes-no-impersonation': {
    problem: /^does not let the service account impersonate the test mailbox$/, failing: true, step: 'access.impersonation',
    summary: /^2 of 3 nodes pass; 127\.0\.0\.3 does not let the service account impersonate the test mailbox: the service will fail on about one request in three\./,
  },
};

describe('per-node probes against the multi-node fake Exchange', function () {
  this.timeout(30_000);

  it('nodes-healthy: every node passes and none differs', async () => {
    const { fake, report } = await probeNodes('nodes-healthy');
    try {
      assert.equal(report.total, 3);
      assert.equal(report.passing, 3);
      assert.deepEqual(report.differing, []);
      assert.match(report.summary, /^3 of 3 nodes pass; all nodes answer alike for localhost\.$/);
      for (const node of report.nodes) {
        assert.deepEqual(node.checks.map((c) => c.id), ['net.dns', 'net.tcp', 'tls.handshake', 'tls.name', 'tls.trust', 'tls.expiry', 'auth.schemes', 'auth.login', 'server.version', 'access.impersonation']);
        assert.equal(node.address, node.node);
      }
      // Each node was reached on its own address, asked as the EWS name.
      for (const n of fake.nodes) {
        assert.ok(n.fake.requests.length > 0, `${n.address} was asked`);
        assert.ok(n.fake.requests.every((r) => r.headers.host === `localhost:${fake.port}`), 'Host header is the EWS name');
      }
    } finally {
      await fake.stop();
    }
  });

  for (const [scenario, expected] of Object.entries(ODD) as [Exclude<NodesScenarioName, 'nodes-healthy'>, OddExpectation][]) {
    it(`${scenario}: names the odd node`, async () => {
      const { fake, report } = await probeNodes(scenario);
      try {
        assert.equal(fake.oddAddress, '127.0.0.3');
        assert.equal(report.differing.length, 1, report.summary);
        const [odd] = report.differing;
        assert.equal(odd.node, fake.oddAddress);
        assert.equal(odd.problems.length, 1, odd.problems.join('; '));
        assert.match(odd.problems[0], expected.problem);
        assert.equal(odd.failing, expected.failing);
        assert.equal(odd.remedy?.step, expected.step);
        assert.match(odd.remedy?.text ?? '', /^On 127\.0\.0\.3: /);
        assert.match(report.summary, expected.summary);
        assert.equal(report.passing, expected.failing ? 2 : 3);
        for (const node of report.nodes.filter((n) => n.node !== fake.oddAddress)) assert.ok(node.ok, `${node.node} passes`);
      } finally {
        await fake.stop();
      }
    });
  }

  it('a node with the wrong certificate never receives an Authorization header', async () => {
    const { fake, report } = await probeNodes('nodes-expired-cert');
    try {
      const odd = fake.nodes.find((n) => n.odd)!;
      assert.equal(report.nodes.find((n) => n.node === odd.address)?.checks.find((c) => c.id === 'auth.login')?.status, 'skip');
      assert.ok(odd.fake.requests.every((r) => r.headers.authorization === undefined), 'no credentials to the unproven node');
      // The healthy nodes did get the logon, so the check above can fail.
      for (const n of fake.nodes.filter((x) => !x.odd)) assert.ok(n.fake.requests.some((r) => r.headers.authorization?.startsWith('Basic')), `${n.address} got the logon`);
    } finally {
      await fake.stop();
    }
  });

  it('a node given by a name that does not resolve fails net.dns and is named', async () => {
    const fake = await startFakeExchangeNodes({ scenario: 'nodes-healthy', count: 2 });
    try {
      const report = await runNodeProbes(configFor(fake), [...fake.nodes.map((n) => n.address), 'no-such-node.invalid']);
      assert.equal(report.passing, 2);
      const gone = report.differing.find((d) => d.node === 'no-such-node.invalid');
      assert.deepEqual(gone?.problems, ['does not resolve']);
      assert.match(report.summary, /^2 of 3 nodes pass; no-such-node\.invalid does not resolve: the service will fail on about one request in three\.$/);
    } finally {
      await fake.stop();
    }
  });
});

describe('mailbox verification across nodes', function () {
  this.timeout(30_000);
  const mailboxes = Array.from({ length: 9 }, (_, i) => generatedMailboxName(i + 1));

  it('each result names its node, and the node without impersonation shows as itself', async () => {
    const { fake, report } = await probeNodes('nodes-no-impersonation');
    try {
      const seen: string[] = [];
      const { report: checked, leftOut } = await verifyMailboxesAcrossNodes(configFor(fake), report, mailboxes, { onResult: (r) => seen.push(`${r.mailbox}@${r.node ?? '?'}`) });
      assert.deepEqual(leftOut, []);
      assert.equal(checked.verified, 6);
      assert.equal(checked.denied, 3);
      assert.ok(checked.unverified.every((u) => u.node === '127.0.0.3' && u.status === 'denied' && u.code === 'ErrorImpersonationDenied'), JSON.stringify(checked.unverified));
      assert.deepEqual(checked.byNode?.map((n) => [n.node, n.total, n.verified, n.denied]), [['127.0.0.2', 3, 3, 0], ['127.0.0.3', 3, 0, 3], ['127.0.0.4', 3, 3, 0]]);
      assert.equal(seen.length, 9);
      assert.ok(seen.every((s) => !s.endsWith('@?')), 'every result names its node');
      // Every node was asked for its share: none was skipped for the healthy ones.
      for (const n of fake.nodes) assert.ok(n.fake.requests.filter((r) => r.operation === 'FindItem').length >= 3, `${n.address} checked its mailboxes`);
    } finally {
      await fake.stop();
    }
  });

  it('spreading over nodes keeps the requests in flight at the run\'s concurrency in all', async () => {
    const fake = await startFakeExchangeNodes({ scenario: 'nodes-healthy', latencyMs: 40, validateSchemas: false });
    let most = 0;
    const watcher = setInterval(() => { most = Math.max(most, fake.nodes.reduce((sum, n) => sum + n.fake.inFlight, 0)); }, 2);
    try {
      // Nodes that proved the certificate, without running the probes (this test is about the window).
      const proven = (address: string): NodeResult => ({
        node: address, address, label: address, ok: true,
        checks: (['tls.handshake', 'tls.name', 'tls.trust', 'tls.expiry'] as const).map((id) => ({ id, status: 'pass' as const, message: '', ms: 0 })),
      });
      const report = summarizeNodes('localhost', fake.nodes.map((n) => proven(n.address)));
      const many = Array.from({ length: 24 }, (_, i) => generatedMailboxName(i + 1));
      const { report: checked } = await verifyMailboxesAcrossNodes(configFor(fake), report, many, { concurrency: 3 });
      assert.equal(checked.verified, 24);
      assert.ok(most <= 3, `at most 3 requests in flight over all nodes, saw ${most}`);
      assert.ok(most >= 2, `requests did run in parallel (saw ${most})`);
    } finally {
      clearInterval(watcher);
      await fake.stop();
    }
  });

  it('a node that did not prove the certificate gets no mailbox checks and no credentials', async () => {
    const { fake, report } = await probeNodes('nodes-expired-cert');
    try {
      const { report: checked, leftOut } = await verifyMailboxesAcrossNodes(configFor(fake), report, mailboxes);
      assert.deepEqual(leftOut, ['127.0.0.3']);
      assert.equal(checked.verified, 9);
      assert.deepEqual(checked.byNode?.map((n) => n.node), ['127.0.0.2', '127.0.0.4']);
      const odd = fake.nodes.find((n) => n.odd)!;
      assert.ok(odd.fake.requests.every((r) => r.headers.authorization === undefined));
    } finally {
      await fake.stop();
    }
  });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runProbeCommand(args, { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env: { EWS_PASSWORD: FAKE_PASSWORD }, isTTY: false });
  return { code, stdout, stderr };
}

describe('probe --node / --all-nodes', function () {
  this.timeout(60_000);

  it('--json gains a nodes section naming the node without Basic, and mailbox results name their node', async () => {
    // From 127.0.0.1, so that the EWS name (localhost) reaches the first node for the ordinary run.
    const fake = await startFakeExchangeNodes({ scenario: 'nodes-basic-off', firstHost: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'probe-nodes-'));
    const list = join(dir, 'mailboxes.txt');
    writeFileSync(list, Array.from({ length: 6 }, (_, i) => generatedMailboxName(i + 1)).join('\n'));
    try {
      const base = ['--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', fake.caFile];
      const r = await cli([...base, ...fake.nodes.flatMap((n) => ['--node', n.address]), '--mailboxes', list, '--json']);
      assert.equal(r.code, 1, r.stderr);
      const doc = JSON.parse(r.stdout) as { ok: boolean; nodes: { total: number; passing: number; summary: string; differing: { node: string; problems: string[]; remedy?: { step: string } }[]; nodes: { node: string; checks: { id: string }[] }[] }; mailboxes: { denied: number; byNode: { node: string; denied: number }[]; unverified: { node?: string }[] } };
      assert.equal(doc.ok, false);
      assert.equal(doc.nodes.total, 3);
      assert.equal(doc.nodes.passing, 2);
      assert.deepEqual(doc.nodes.differing.map((d) => [d.node, d.problems, d.remedy?.step]), [['127.0.0.2', ['does not offer Basic'], 'basicAuth.enable']]);
      assert.match(doc.nodes.summary, /127\.0\.0\.2 does not offer Basic: the service will fail on about one request in three/);
      assert.deepEqual(doc.mailboxes.byNode.map((n) => [n.node, n.denied]), [['127.0.0.1', 0], ['127.0.0.2', 2], ['127.0.0.3', 0]]);
      assert.equal(doc.mailboxes.denied, 2);
      assert.ok(doc.mailboxes.unverified.every((u) => u.node === '127.0.0.2'));
      assert.ok(!r.stdout.includes(FAKE_PASSWORD));
    } finally {
      await fake.stop();
    }
  });

  it('the table names the odd node and its fix', async () => {
    const fake = await startFakeExchangeNodes({ scenario: 'nodes-expired-cert', count: 2, oddIndex: 1, firstHost: 1 });
    try {
      const r = await cli(['--url', fake.url, '--user', FAKE_SERVICE_ACCOUNT, '--mailbox', FAKE_TEST_MAILBOX, '--ca', fake.caFile, '--node', '127.0.0.1', '--node', '127.0.0.2']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /PASS {2}node 127\.0\.0\.1 {2}Exchange Server Subscription Edition/);
      assert.match(r.stdout, /FAIL {2}node 127\.0\.0\.2\n {2}FAIL {2}tls\.expiry/);
      assert.match(r.stdout, /Nodes: 1 of 2 nodes pass; 127\.0\.0\.2 presents an expired certificate: the service will fail on about one request in two\. Fix: On 127\.0\.0\.2: Renew/);
    } finally {
      await fake.stop();
    }
  });

  it('refuses a node that is not a host name or address (exit 2)', async () => {
    const r = await cli(['--url', 'https://mail.contoso.com/EWS/Exchange.asmx', '--user', 'a@contoso.com', '--mailbox', 'b@contoso.com', '--node', 'https://exch02/ews']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--node: "https:\/\/exch02\/ews" is not a host name or IP address/);
  });
});

describe('a transport pinned to one node', function () {
  this.timeout(30_000);

  for (const [name, make] of [['Node https engine', (o: { extraCaPem: string; connectAddress: string }) => new EwsTransport(o)], ['direct engine', (o: { extraCaPem: string; connectAddress: string }) => new DirectEwsTransport(o)]] as const) {
    it(`${name}: connects to the node, checks the certificate against the EWS name, sends the EWS name as Host`, async () => {
      const fake = await startFakeExchangeNodes({ scenario: 'nodes-healthy', count: 2 });
      const transport = make({ extraCaPem: fake.caPem, connectAddress: '127.0.0.3' });
      try {
        const response = await transport.request({ url: fake.url, method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: '<x/>' });
        assert.equal(response.status, 401);
        const [first, second] = fake.nodes;
        assert.equal(first.fake.requests.length, 0, 'nothing went to the other node');
        assert.equal(second.fake.requests.length, 1);
        assert.equal(second.fake.requests[0].headers.host, `localhost:${fake.port}`);
      } finally {
        transport.close();
        await fake.stop();
      }
    });
  }
});

describe('the report\'s nodes section', () => {
  const SECRET = 'N0de-Secret-Canary';
  const report = summarizeNodes('mail.contoso.com', [
    { node: 'exch01.contoso.com', address: '10.0.0.11', label: 'exch01.contoso.com (10.0.0.11)', ok: true, server: { build: '15.2.2562.17', product: 'Exchange Server Subscription Edition', supported: true }, checks: [{ id: 'auth.schemes', status: 'pass', message: 'Basic authentication is offered', ms: 3 }] },
    { node: 'exch02.contoso.com', address: '10.0.0.12', label: 'exch02.contoso.com (10.0.0.12)', ok: false, checks: [{ id: 'auth.schemes', status: 'fail', message: `Basic authentication is not offered on EWS (offered: NTLM) ${SECRET}`, ms: 3, remedy: { step: 'basicAuth.enable', text: 'Turn on Basic.' } }] },
  ]);
  const input: ReportInput = {
    generatedAt: new Date('2026-12-07T10:00:00.000Z'), toolVersion: '0.1.0', outcome: 'failed', checks: [], secrets: [SECRET], nodes: report,
    configuration: { ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx', upn: 'svc@contoso.com', testMailbox: 'alice@contoso.com', accessMethod: 'impersonation', write: false },
  };

  it('carries each node, the odd one with its fix and step title, every string redacted', () => {
    const doc = buildReport(input);
    assert.equal(doc.nodes?.total, 2);
    assert.equal(doc.nodes?.passing, 1);
    assert.deepEqual(doc.nodes?.differing.map((d) => [d.node, d.problems, d.remedy?.step]), [['exch02.contoso.com', ['does not offer Basic'], 'basicAuth.enable']]);
    assert.match(doc.nodes?.differing[0].remedy?.stepTitle ?? '', /\S/);
    assert.match(doc.nodes?.summary ?? '', /^1 of 2 nodes pass; exch02\.contoso\.com \(10\.0\.0\.12\) does not offer Basic: the service will fail on about one request in two\./);
    assert.ok(!JSON.stringify(doc).includes(SECRET), 'redacted');
  });

  it('the Markdown report has a table of the nodes', () => {
    const md = reportMarkdown(input);
    assert.match(md, /## Nodes behind mail\.contoso\.com/);
    assert.match(md, /\| exch01\.contoso\.com \(10\.0\.0\.11\) \| pass, Exchange Server Subscription Edition 15\.2\.2562\.17 \| {2}\|/);
    assert.match(md, /\| exch02\.contoso\.com \(10\.0\.0\.12\) \| FAIL \(auth\.schemes\) \| does not offer Basic \|/);
  });
});

describe('node list and summary text', () => {
  it('accepts host names and addresses and says what to fix otherwise', () => {
    assert.equal(checkNodeName(' exch02.contoso.com '), 'exch02.contoso.com');
    assert.equal(checkNodeName('10.0.0.12'), '10.0.0.12');
    assert.equal(checkNodeName('[fe80::1]'), 'fe80::1');
    assert.throws(() => checkNodeName('https://exch02.contoso.com/ews'), /not a host name or IP address: give a node as e\.g\. exch02\.contoso\.com or 10\.0\.0\.12, without https:\/\//);
    assert.throws(() => checkNodeName('exch02:443'), /without https:\/\/, a path or a port/);
    assert.throws(() => checkNodeName('  '), /A node is empty/);
  });

  it('lists the given nodes, then every resolved address, without duplicates', async () => {
    const lookup = async (host: string): Promise<string[]> => (host === 'mail.contoso.com' ? ['10.0.0.11', '10.0.0.12'] : []);
    assert.deepEqual(await nodeList('https://mail.contoso.com/EWS/Exchange.asmx', ['10.0.0.12', 'EXCH03.contoso.com'], true, { lookup }),
      ['10.0.0.12', 'exch03.contoso.com', '10.0.0.11']);
    assert.deepEqual(await nodeList('https://mail.contoso.com/EWS/Exchange.asmx', [], true, { lookup }), ['10.0.0.11', '10.0.0.12']);
    await assert.rejects(nodeList('https://mail.contoso.com/EWS/Exchange.asmx', [], false), /No node to probe/);
    await assert.rejects(nodeList('https://mail.contoso.com/EWS/Exchange.asmx', [], true, { lookup: () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOTFOUND' })) }), /does not resolve, so its nodes are unknown \(ENOTFOUND\)/);
  });

  it('reads the exchangeSetup.probes.nodes setting, naming each bad entry', () => {
    assert.deepEqual(readNodesSetting(undefined), { nodes: [], problems: [] });
    assert.deepEqual(readNodesSetting(['exch01.contoso.com', '10.0.0.12', 'EXCH01.contoso.com']), { nodes: ['exch01.contoso.com', '10.0.0.12'], problems: [] });
    const bad = readNodesSetting(['exch01', 42, 'https://exch02']);
    assert.deepEqual(bad.nodes, ['exch01']);
    assert.equal(bad.problems.length, 2);
    assert.match(bad.problems[0], /^exchangeSetup\.probes\.nodes\[1\] is not text/);
    assert.match(bad.problems[1], /^exchangeSetup\.probes\.nodes\[2\]: "https:\/\/exch02" is not a host name or IP address/);
    assert.match(readNodesSetting('exch01').problems[0], /is not a list/);
  });

  it('says the share of requests in words', () => {
    assert.equal(shareText(1, 3), 'one request in three');
    assert.equal(shareText(2, 4), 'one request in two');
    assert.equal(shareText(2, 5), 'two requests in five');
    assert.equal(shareText(3, 3), 'every request');
    assert.equal(shareText(1, 12), 'one request in 12');
  });

  it('reports a failure every node shares once, not as a difference', () => {
    const node = (name: string): NodeResult => ({
      node: name, address: name, label: name, ok: false,
      checks: [{ id: 'auth.schemes', status: 'fail', message: 'Basic authentication is not offered on EWS (offered: NTLM)', ms: 1, remedy: { step: 'basicAuth.enable', text: 'Turn on Basic.' } }],
    });
    const report = summarizeNodes('mail.contoso.com', [node('10.0.0.11'), node('10.0.0.12')]);
    assert.deepEqual(report.differing, []);
    assert.equal(report.summary, '0 of 2 nodes pass; every node does not offer Basic. Fix on every node: Turn on Basic. (checklist step basicAuth.enable).');
  });
});

describe('the CLI shows node blocks in the listed order (as the panel and the report do)', () => {
  it('holds a block until every block listed before it is out, and shows each as soon as it can', () => {
    const order = new ListedOrder<string>(['a', 'b', 'c']);
    assert.deepEqual(order.add('c', 'C'), []);
    assert.deepEqual(order.add('a', 'A'), ['A']);
    assert.deepEqual(order.add('b', 'B'), ['B', 'C']);
  });

  it('gives what is still held, in the listed order, once the run is over (a cancel stops the nodes still running)', () => {
    const order = new ListedOrder<string>(['a', 'b', 'c', 'd']);
    assert.deepEqual(order.add('d', 'D'), []);
    assert.deepEqual(order.add('b', 'B'), []);
    assert.deepEqual(order.rest(), ['B', 'D']);
    assert.deepEqual(order.rest(), [], 'given once');
    assert.deepEqual(order.add('a', 'A late'), ['A late'], 'after the end, a block is shown at once');
  });

  it('shows at once a block for a name not listed, or listed and already shown', () => {
    const order = new ListedOrder<string>(['a']);
    assert.deepEqual(order.add('x', 'X'), ['X']);
    assert.deepEqual(order.add('a', 'A'), ['A']);
    assert.deepEqual(order.add('a', 'A again'), ['A again']);
  });
});
