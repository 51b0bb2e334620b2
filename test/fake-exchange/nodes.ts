// The fake Exchange as several servers behind one EWS name (issue 16): one fake per loopback address
// (127.0.0.2, 127.0.0.3, ...; Linux routes all of 127/8 to lo), all on the same port and all presenting
// the certificate for the one test EWS name, `localhost`, as servers behind a load balancer present
// the EWS name's certificate. In each scenario but nodes-healthy exactly one node is misconfigured.
//
// Why one server can differ from the others (the Microsoft sources, also in docs/exchange-behaviour.md):
// - Basic off: authentication is a setting of each server's EWS virtual directory
//   ("Set-WebServicesVirtualDirectory", -Identity "<Server>\EWS (Default Web Site)" and -BasicAuthentication).
// - Expired certificate: certificates are installed and enabled per server ("Enable-ExchangeCertificate",
//   -Server; "Digital certificates and encryption in Exchange Server").
// - Another build: cumulative updates are installed server by server ("Exchange Server build numbers and
//   release dates" lists builds per server install).
// - Impersonation missing: ErrorImpersonationDenied says "The server to which the application is
//   connected cannot impersonate the requested user due to insufficient permission" ("ResponseCode", EWS
//   reference). ASSUMPTION: what makes one server disagree in practice (an RBAC change not yet seen by
//   that server's domain controller or its cache) is not documented; the fake only models the answer.
import { startFakeExchange, type FakeExchange, type FakeExchangeOptions, type ScenarioName } from './server';

export type NodesScenarioName = 'nodes-healthy' | 'nodes-basic-off' | 'nodes-expired-cert' | 'nodes-other-build' | 'nodes-no-impersonation';

export const NODE_SCENARIO_NAMES: readonly NodesScenarioName[] = ['nodes-healthy', 'nodes-basic-off', 'nodes-expired-cert', 'nodes-other-build', 'nodes-no-impersonation'];

export function isNodesScenarioName(value: string): value is NodesScenarioName {
  return (NODE_SCENARIO_NAMES as readonly string[]).includes(value);
}

/** The single-server scenario the odd node runs (undefined: every node is healthy). */
export function oddNodeScenario(name: NodesScenarioName): ScenarioName | undefined {
  switch (name) {
    case 'nodes-healthy': return undefined;
    case 'nodes-basic-off': return 'no-basic';
    case 'nodes-expired-cert': return 'tls-expired';
    case 'nodes-other-build': return 'exchange-2019';
    // No ApplicationImpersonation at all on that server: ErrorImpersonationDenied (the delegate-denied
    // spec has impersonation "not-assigned"; the probes use impersonation, so its delegate side is unused).
    case 'nodes-no-impersonation': return 'delegate-denied';
    default: {
      const unknown: never = name;
      throw new Error(`unknown nodes scenario ${String(unknown)}`);
    }
  }
}

export interface FakeNode {
  readonly address: string;
  readonly fake: FakeExchange;
  /** This node runs the scenario's misconfiguration. */
  readonly odd: boolean;
}

export interface FakeExchangeNodes {
  /** https://localhost:PORT/EWS/Exchange.asmx: the EWS name; `localhost` itself reaches none of the nodes. */
  readonly url: string;
  readonly port: number;
  readonly caFile: string;
  readonly caPem: string;
  readonly scenario: NodesScenarioName;
  readonly nodes: readonly FakeNode[];
  /** The misconfigured node's address, if any. */
  readonly oddAddress?: string;
  stop(): Promise<void>;
}

export interface FakeExchangeNodesOptions extends Omit<FakeExchangeOptions, 'scenario' | 'host' | 'port'> {
  scenario?: NodesScenarioName;
  /** How many nodes (default 3): 127.0.0.2 upwards. */
  count?: number;
  /** Which node is the odd one (default 1, the second). */
  oddIndex?: number;
  /** First address's last byte (default 2). */
  firstHost?: number;
}

/** Starts the nodes on one free port; retries with another port when one address finds it taken. */
export async function startFakeExchangeNodes(opts: FakeExchangeNodesOptions = {}): Promise<FakeExchangeNodes> {
  const scenario = opts.scenario ?? 'nodes-healthy';
  const count = opts.count ?? 3;
  const oddIndex = opts.oddIndex ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 32) throw new Error(`count must be 1 to 32 nodes, not ${count}`);
  if (!Number.isInteger(oddIndex) || oddIndex < 0 || oddIndex >= count) throw new Error(`oddIndex must be 0 to ${count - 1}, not ${oddIndex}`);
  const odd = oddNodeScenario(scenario);
  const addresses = Array.from({ length: count }, (_, i) => `127.0.0.${(opts.firstHost ?? 2) + i}`);
  const { count: _count, oddIndex: _odd, firstHost: _first, scenario: _scenario, ...serverOptions } = opts;
  for (let attempt = 0; attempt < 5; attempt++) {
    const started: FakeNode[] = [];
    try {
      for (const [i, address] of addresses.entries()) {
        const isOdd = odd !== undefined && i === oddIndex;
        const fake = await startFakeExchange({ ...serverOptions, scenario: isOdd ? odd : 'healthy', host: address, port: started[0]?.fake.port ?? 0 });
        started.push({ address, fake, odd: isOdd });
      }
    } catch (err) {
      await Promise.all(started.map((n) => n.fake.stop()));
      if ((err as { code?: string }).code === 'EADDRINUSE') continue;
      throw err;
    }
    const first = started[0].fake;
    const oddNode = started.find((n) => n.odd);
    return {
      url: first.url, port: first.port, caFile: first.caFile, caPem: first.caPem, scenario, nodes: started,
      ...(oddNode ? { oddAddress: oddNode.address } : {}),
      stop: async () => { await Promise.all(started.map((n) => n.fake.stop())); },
    };
  }
  throw new Error('could not find one port free on every node address');
}
