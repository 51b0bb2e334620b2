/**
 * The broken-and-hostile-server scenarios and the verdict each must produce. Only types are imported,
 * so the extension-host suite (test/integration/suite/hostile-panel.test.ts) can load the table
 * without the CLI runner in scenarios.ts.
 */
import type { ProbeId, ProbeStatus } from '../../src/core/ews/probes';
import type { HostileBehaviour } from './server';

export interface ExpectedVerdict {
  readonly check: ProbeId;
  readonly status: ProbeStatus;
  readonly message: RegExp;
}

export interface HostileScenario {
  readonly name: string;
  readonly behaviour: HostileBehaviour;
  /** The run's --timeout-ms; the verdict must come within it plus one second. */
  readonly timeoutMs: number;
  readonly expect: ExpectedVerdict;
}

const FAST = 5_000;

export const HOSTILE_SCENARIOS: readonly HostileScenario[] = [
  { name: 'connection reset during the TLS handshake', behaviour: 'reset-during-handshake', timeoutMs: FAST, expect: { check: 'tls.handshake', status: 'fail', message: /TLS handshake failed \((ECONNRESET|ECONNABORTED)\): the server closed the connection mid-handshake/ } },
  { name: 'connection closed right after the TLS handshake', behaviour: 'close-after-handshake', timeoutMs: FAST, expect: { check: 'auth.schemes', status: 'fail', message: /closed the connection before answering/ } },
  { name: 'connection reset after the request headers', behaviour: 'reset-after-request-headers', timeoutMs: FAST, expect: { check: 'auth.schemes', status: 'fail', message: /closed the connection before answering/ } },
  { name: 'connection reset in the middle of the response headers', behaviour: 'reset-mid-response-headers', timeoutMs: FAST, expect: { check: 'auth.schemes', status: 'fail', message: /closed the connection before (answering|its answer was complete)/ } },
  { name: 'connection reset in the middle of the body', behaviour: 'reset-mid-body', timeoutMs: FAST, expect: { check: 'auth.login', status: 'fail', message: /closed the connection/ } },
  { name: 'response headers one byte a second', behaviour: 'headers-one-byte-a-second', timeoutMs: 3_000, expect: { check: 'auth.schemes', status: 'fail', message: /time limit \(3000 ms\) ran out/ } },
  { name: '64 MiB response body', behaviour: 'body-64mib', timeoutMs: 15_000, expect: { check: 'auth.login', status: 'fail', message: /exceeded 8388608 bytes/ } },
  { name: 'EWS redirect loop (302 to itself)', behaviour: 'redirect-loop', timeoutMs: FAST, expect: { check: 'auth.login', status: 'fail', message: /HTTP 302 redirect to https:\/\/localhost:\d+\/EWS\/Exchange\.asmx: EWS should answer directly/ } },
  { name: 'invalid UTF-8 in the body', behaviour: 'invalid-utf8', timeoutMs: FAST, expect: { check: 'auth.login', status: 'fail', message: /not valid UTF-8/ } },
  { name: 'XML with a DOCTYPE (external entity)', behaviour: 'doctype', timeoutMs: FAST, expect: { check: 'auth.login', status: 'fail', message: /Document type declarations are not accepted/ } },
  { name: 'XML entity expansion (billion laughs)', behaviour: 'billion-laughs', timeoutMs: FAST, expect: { check: 'auth.login', status: 'fail', message: /Document type declarations are not accepted/ } },
  { name: 'entity expansion in the calendar read (ews-javascript-api path)', behaviour: 'billion-laughs-to-the-library', timeoutMs: FAST, expect: { check: 'calendar.read', status: 'fail', message: /Document type declarations are not accepted/ } },
  { name: 'ServerVersionInfo with garbage numbers', behaviour: 'garbage-version', timeoutMs: FAST, expect: { check: 'server.version', status: 'warn', message: /not a version/ } },
  { name: '401 without WWW-Authenticate', behaviour: 'no-www-authenticate', timeoutMs: FAST, expect: { check: 'auth.schemes', status: 'fail', message: /no WWW-Authenticate header/ } },
  { name: 'TLS 1.0 only', behaviour: 'tls10-only', timeoutMs: FAST, expect: { check: 'tls.handshake', status: 'fail', message: /ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION.*obsolete TLS version.*TLS 1\.2 or newer is required/ } },
  { name: 'ErrorServerBusy with a one-hour back-off', behaviour: 'busy-for-an-hour', timeoutMs: FAST, expect: { check: 'auth.login', status: 'fail', message: /ErrorServerBusy|busy/i } },
  { name: 'certificate for another host', behaviour: 'wrong-host-cert', timeoutMs: FAST, expect: { check: 'tls.name', status: 'fail', message: /does not cover localhost.*mail\.fabrikam\.com/ } },
];
