/**
 * The probe suite: one ordered list of checks from DNS to a calendar write, each with a stable id,
 * a one-line verdict and, when something is wrong, the checklist step that fixes it. A check whose
 * prerequisite did not pass is skipped and names that prerequisite, so one root cause is reported
 * once. Results stream through `onResult` as they are decided. The password is used for the
 * Authorization header only; it never appears in a result.
 */
import type { AccessMethod } from '../settings';
import type { StepId } from '../steps';
import { remedy, type Remedy } from '../remedies';
import { calendarAccessRequest, callEws, describeFailure, describeTransportError, throttledWait, ownCalendarRequest, retryWhileBusy, type CallOutcome, type EwsCredentials } from './client';
import { confirmGone, confirmPresent, createProbeItem, deleteProbeItem, findProbeItems, readCalendar, type CalendarEvent, type ItemId, type LibraryContext } from './library';
import { throttleSignal } from './throttling';
import { mailboxConcurrency, mailboxFailures, verifyMailboxes, type MailboxReport, type MailboxResult } from './mailboxes';
import { EXPIRY_CODES, NAME_CODES, UNTRUSTED_CHAIN_CODES, inspectTls, openTcp, resolveHost, type TlsFacts } from './network';
import type { Socket } from 'node:net';
import type { ServerVersion } from './soap';
import { DirectEwsTransport } from './directTransport';
import { TransportError, type TransportStats } from './transport';
import { oneLineErrorText } from '../errors';
import { findChallenge, parseChallenges } from './authChallenge';
import type { WriteStep } from '../pure/progress';
import * as l10n from '../l10n';

export type ProbeId =
  | 'net.dns' | 'net.tcp' | 'tls.handshake' | 'tls.name' | 'tls.trust' | 'tls.expiry'
  | 'auth.schemes' | 'auth.login' | 'server.version' | 'access.impersonation' | 'access.delegate'
  | 'calendar.read' | 'calendar.write' | 'room.access' | 'room.read';

export type ProbeStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface ProbeResult {
  id: ProbeId;
  status: ProbeStatus;
  message: string;
  ms: number;
  remedy?: { step: StepId; text: string };
}

export interface ProbeConfig {
  ewsUrl: string;
  upn: string;
  password: string;
  accessMethod: AccessMethod;
  testMailbox: string;
  /**
   * An optional room mailbox checked for access and reading after the test mailbox (room.access,
   * room.read), so an admin adding user access sees the room access the devices use still works.
   */
  testRoomMailbox?: string;
  /** PEM text of an internal CA (the extra CA file's contents). */
  extraCaPem?: string;
  /** Budget for the whole run; every request also gets its share. Default 60 s. */
  timeoutMs?: number;
  /** Opt-in CreateItem/DeleteItem test on the test mailbox. */
  write?: boolean;
  /** Extra mailboxes to verify after the test mailbox passed. */
  mailboxes?: string[];
  concurrency?: number;
  /**
   * Probe one node behind the EWS name: its host name or address. Connections go to the node, with
   * the EWS URL's host as TLS server name and Host header, and only the node's own checks run
   * (net.*, tls.*, auth.schemes, auth.login, server.version and the access probe); see ./nodes.
   */
  node?: string;
}

export interface ServerSummary {
  build: string;
  product: string;
  supported: boolean;
}

export interface ProbeRun {
  ok: boolean;
  checks: ProbeResult[];
  server?: ServerSummary;
  events?: CalendarEvent[];
  /** Upcoming events of the test room mailbox, when one was probed and read. */
  roomEvents?: CalendarEvent[];
  mailboxes?: MailboxReport;
  /** With `config.node`: the address the node was reached at. */
  nodeAddress?: string;
  stats: TransportStats & { ms: number };
}

export interface ProbeRunOptions {
  signal?: AbortSignal;
  onResult?: (result: ProbeResult) => void;
  onMailboxProgress?: (done: number, total: number) => void;
  onMailboxResult?: (result: MailboxResult) => void;
  /** The write test's step as it starts (create, confirm, delete, confirm gone; see ../pure/progress). */
  onWriteStep?: (step: WriteStep) => void;
  /**
   * The write test could not delete its probe item (the words name it and its id, when known). Told
   * even after a cancel, when the check itself is no longer reported: the clean-up outlives the run.
   */
  onLeftBehind?: (message: string) => void;
  /** The current time (tests pin it). */
  now?: () => Date;
}

export const DEFAULT_RUN_TIMEOUT_MS = 60_000;
const MAX_REQUEST_TIMEOUT_MS = 20_000;
const CLEANUP_TIMEOUT_MS = 10_000;
const EXPIRY_WARNING_DAYS = 30;

type Verdict = Omit<ProbeResult, 'id' | 'ms'>;

const pass = (message: string): Verdict => ({ status: 'pass', message });
// A remedy only when there is one: results carry no `remedy: undefined` key.
const warn = (message: string, r?: Remedy): Verdict => (r ? { status: 'warn', message, remedy: r } : { status: 'warn', message });
const fail = (message: string, r?: Remedy): Verdict => (r ? { status: 'fail', message, remedy: r } : { status: 'fail', message });
const skip = (message: string): Verdict => ({ status: 'skip', message });

/** Product and support status from ServerVersionInfo numbers (the Version string is never used). */
export function classifyServerVersion(v: ServerVersion): ServerSummary & { verdict: Verdict } {
  const summary = (product: string, supported: boolean, verdict: Verdict): ServerSummary & { verdict: Verdict } => ({ build: v.build, product, supported, verdict });
  if (v.major < 15) {
    return summary(v.major === 14 ? 'Exchange 2010' : 'Exchange 2007 or older', false,
      fail(l10n.t('Exchange {0} is older than Exchange 2013, the oldest version the calendar service works with', v.build), remedy('upgradeExchange')));
  }
  if (v.major > 15 || v.minor >= 20) {
    return summary('Exchange Online', false, fail(l10n.t('Build {0} is Exchange Online: Basic authentication for EWS is off there since October 2022 and ApplicationImpersonation was removed in February 2025; this procedure is for on-premises Exchange only', v.build), remedy('onPremisesOnly')));
  }
  if (v.minor === 0) return summary('Exchange 2013', false, warn(l10n.t('Exchange 2013 ({0}) works but its support ended on 2023-04-11', v.build), remedy('upgradeExchange')));
  if (v.minor === 1) return summary('Exchange 2016', false, warn(l10n.t('Exchange 2016 ({0}) works but its support ended on 2025-10-14', v.build), remedy('upgradeExchange')));
  if (v.majorBuild < 2562) return summary('Exchange 2019', false, warn(l10n.t('Exchange 2019 ({0}) works but its support ended on 2025-10-14', v.build), remedy('upgradeExchange')));
  return summary('Exchange Server Subscription Edition', true, pass(l10n.t('Exchange Server Subscription Edition ({0}), supported', v.build)));
}

/** The tls.trust verdict's whole sentence for a chain Node rejected with `code`. */
function untrustedText(code: string | undefined): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return l10n.t('The certificate is not trusted: the certificate is self-signed');
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return l10n.t('The certificate is not trusted: its issuer is unknown: the CA is not publicly trusted, or the server does not send its intermediate certificates');
    default:
      return code === undefined
        ? l10n.t('The certificate is not trusted: verification failed (unknown error)')
        : l10n.t('The certificate is not trusted: verification failed ({0})', code);
  }
}

/** The server and Node share no protocol version: with Node's TLS 1.2 floor, a TLS 1.0/1.1-only server. */
const PROTOCOL_VERSION_CODES = new Set(['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE']);

/** The checks that decide whether HTTPS to EWS can be trusted at all. */
const TLS_PROBES: ProbeId[] = ['tls.handshake', 'tls.name', 'tls.trust', 'tls.expiry'];

export async function runProbes(config: ProbeConfig, options: ProbeRunOptions = {}): Promise<ProbeRun> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const budgetMs = config.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const deadline = started + budgetMs;
  // The run's own signal: the caller's cancellation or the run's time budget, whichever first.
  const run = new AbortController();
  const onCallerAbort = (): void => run.abort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (options.signal?.aborted) run.abort();
  const budgetTimer = setTimeout(() => run.abort(), budgetMs);
  // A request's own timer ends just after the run's deadline, so that when both would fire together
  // the run's time limit (which aborts the request) is what the verdict reports.
  const requestTimeout = (): number => Math.max(1, Math.min(MAX_REQUEST_TIMEOUT_MS, deadline - Date.now() + 100));

  const url = new URL(config.ewsUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 443 : Number(url.port);
  const credentials: EwsCredentials = { upn: config.upn, password: config.password };
  const transport = new DirectEwsTransport({ extraCaPem: config.extraCaPem, requestTimeoutMs: MAX_REQUEST_TIMEOUT_MS, maxSockets: mailboxConcurrency(config.concurrency) });
  const checks: ProbeResult[] = [];
  const byId = new Map<ProbeId, ProbeResult>();
  const result: ProbeRun = { ok: false, checks, stats: { ...transport.stats(), ms: 0 } };

  const blockerOf = (prerequisites: ProbeId[]): ProbeResult | undefined => {
    const found = prerequisites.map((p) => byId.get(p)).filter((r): r is ProbeResult => r !== undefined);
    return found.find((r) => r.status === 'fail') ?? found.find((r) => r.status === 'skip');
  };

  const probe = async (id: ProbeId, prerequisites: ProbeId[], body: () => Promise<Verdict>): Promise<void> => {
    const t0 = Date.now();
    const blocker = blockerOf(prerequisites);
    let verdict: Verdict;
    if (blocker) {
      verdict = skip(l10n.t('Skipped: {0} did not pass', blocker.id));
    } else if (run.signal.aborted) {
      if (options.signal?.aborted) throw new TransportError('aborted', 'Cancelled');
      verdict = skip(l10n.t("Skipped: the run's time limit ({0} ms) ran out", budgetMs));
    } else {
      try {
        verdict = await body();
      } catch (err) {
        if (options.signal?.aborted) throw new TransportError('aborted', 'Cancelled');
        if (err instanceof TransportError && err.kind === 'aborted') verdict = fail(l10n.t("Timed out: the run's time limit ({0} ms) ran out", budgetMs));
        else verdict = fail(l10n.t('Unexpected error: {0}', oneLineErrorText(err)));
      }
    }
    const entry: ProbeResult = { id, ...verdict, ms: Date.now() - t0 };
    checks.push(entry);
    byId.set(id, entry);
    options.onResult?.(entry);
  };

  /** lean EWS call with busy back-off; returns the outcome and how long it waited for the server. */
  const callWithBackOff = async (xml: string, anchorMailbox?: string): Promise<{ outcome: CallOutcome; waitedMs: number }> => {
    let waitedMs = 0;
    const outcome = await retryWhileBusy(
      () => callEws(transport, config.ewsUrl, credentials, xml, { anchorMailbox, signal: run.signal, timeoutMs: requestTimeout() }),
      throttledWait,
      run.signal,
      // A back-off longer than the time left is not waited out: the busy answer is the verdict.
      { timeLeft: () => deadline - Date.now(), onBusy: (wait) => { waitedMs += wait; } },
    );
    return { outcome, waitedMs };
  };

  let tls: TlsFacts | undefined;
  // One connection for the whole run: net.tcp opens it, tls.handshake verifies over it, and the
  // transport adopts it for the EWS requests (measured: separate probe connections cost 4 extra
  // round trips of a 9-round-trip run).
  let tcpSocket: Socket | undefined;
  let serverVersion: ServerVersion | undefined;
  let loginRefusedVersion = false;
  let versionProblem: string | undefined;
  const libraryContext: LibraryContext = { transport, url: config.ewsUrl, credentials, method: config.accessMethod, mailbox: config.testMailbox, timeLeft: () => deadline - Date.now() };

  const node = config.node?.trim() || undefined;
  /** Where TCP goes: the EWS host, or the node's address once net.dns found it. */
  let connectHost = host;
  try {
    await probe('net.dns', [], async () => {
      if (node) {
        try {
          const addresses = await resolveHost(node, requestTimeout(), run.signal);
          connectHost = addresses[0];
          result.nodeAddress = connectHost;
          transport.pinTo(connectHost);
          if (node === connectHost) return pass(l10n.t('Node {0}, asked as {1}', node, host));
          return pass(addresses.length > 1
            ? l10n.t('Node {0} resolves to {1} (also {2}; the first is probed), asked as {3}', node, connectHost, addresses.slice(1).join(', '), host)
            : l10n.t('Node {0} resolves to {1}, asked as {2}', node, connectHost, host));
        } catch (err) {
          if (err instanceof TransportError && err.kind === 'aborted') throw err;
          return fail(l10n.t('Node {0} does not resolve ({1}); check the node list (exchangeSetup.probes.nodes or --node)', node, (err as { code?: string }).code ?? oneLineErrorText(err)));
        }
      }
      try {
        const addresses = await resolveHost(host, requestTimeout(), run.signal);
        return pass(l10n.t('{0} resolves to {1}', host, addresses.join(', ')));
      } catch (err) {
        if (err instanceof TransportError && err.kind === 'aborted') throw err;
        return fail(l10n.t('{0} does not resolve ({1}); check the EWS URL and DNS', host, (err as { code?: string }).code ?? oneLineErrorText(err)));
      }
    });

    await probe('net.tcp', ['net.dns'], async () => {
      try {
        tcpSocket = await openTcp(connectHost, port, requestTimeout(), run.signal);
        return pass(l10n.t('TCP connection to {0}:{1} opened', connectHost, port));
      } catch (err) {
        if (err instanceof TransportError && err.kind === 'aborted') throw err;
        return fail(l10n.t('No TCP connection to {0}:{1} ({2}); check firewalls and the port', connectHost, port, (err as { code?: string }).code ?? oneLineErrorText(err)));
      }
    });

    await probe('tls.handshake', ['net.tcp'], async () => {
      const socket = tcpSocket;
      tcpSocket = undefined; // from here inspectTls owns it: kept by the transport, or destroyed
      tls = await inspectTls(host, port, config.extraCaPem, requestTimeout(), run.signal, { socket, keep: (verified) => transport.adopt(verified, host, port) });
      const code = tls.errorCode;
      if (tls.ok) return pass(tls.protocol === undefined ? l10n.t('TLS handshake completed (unknown protocol)') : l10n.t('TLS handshake completed ({0})', tls.protocol));
      if (code && (EXPIRY_CODES.has(code) || NAME_CODES.has(code) || UNTRUSTED_CHAIN_CODES.has(code))) {
        return pass(l10n.t('TLS handshake completed; the certificate was then rejected ({0})', code));
      }
      if (code === 'ECONNRESET' || code === 'ECONNABORTED') {
        return fail(l10n.t('TLS handshake failed ({0}): the server closed the connection mid-handshake; it may not speak TLS on this port, accept no cipher Node offers, or sit behind a firewall that cuts TLS', code), remedy('fixCertificate'));
      }
      if (code && PROTOCOL_VERSION_CODES.has(code)) {
        return fail(l10n.t('TLS handshake failed ({0}): the server offers only an obsolete TLS version (1.0 or 1.1); TLS 1.2 or newer is required', code), remedy('fixCertificate'));
      }
      return fail(code === undefined && tls.errorMessage === undefined ? l10n.t('TLS handshake failed (unknown error)') : l10n.t('TLS handshake failed ({0})', code ?? tls.errorMessage ?? ''), remedy('fixCertificate'));
    });

    await probe('tls.name', ['tls.handshake'], async () => {
      const facts = tls as TlsFacts;
      const names = facts.certificate?.altNames.join(', ') || facts.certificate?.subject || '';
      if (facts.errorCode && NAME_CODES.has(facts.errorCode)) {
        return fail(names === ''
          ? l10n.t('The certificate does not cover {0} (it names: none)', host)
          : l10n.t('The certificate does not cover {0} (it names: {1})', host, names), remedy('fixCertificateName'));
      }
      if (facts.ok) return pass(l10n.t('The certificate covers {0}', host));
      if (facts.errorCode && EXPIRY_CODES.has(facts.errorCode)) return skip(l10n.t('Skipped: the certificate was rejected for its dates first (see tls.expiry)'));
      return skip(l10n.t('Skipped: the certificate chain was rejected first (see tls.trust)'));
    });

    await probe('tls.trust', ['tls.handshake'], async () => {
      const facts = tls as TlsFacts;
      const code = facts.errorCode;
      if (code && UNTRUSTED_CHAIN_CODES.has(code)) {
        return fail(untrustedText(code), remedy('fixCertificate'));
      }
      if (code && EXPIRY_CODES.has(code)) return skip(l10n.t('Skipped: the certificate was rejected for its dates first (see tls.expiry)'));
      // Read from the chain the handshake received, instead of a second handshake with public roots only.
      if (config.extraCaPem && facts.publicRootTrusted === false) {
        return warn(l10n.t('Trusted only through the extra CA file, not by a public root: the calendar service needs a publicly trusted certificate'), remedy('publicCertificate'));
      }
      return pass(l10n.t('The certificate chains to a public root'));
    });

    await probe('tls.expiry', ['tls.handshake'], async () => {
      const facts = tls as TlsFacts;
      if (facts.errorCode === 'CERT_HAS_EXPIRED') return fail(l10n.t('The certificate has expired'), remedy('renewCertificate'));
      if (facts.errorCode === 'CERT_NOT_YET_VALID') return fail(l10n.t('The certificate is not valid yet (check its dates and the clock)'), remedy('renewCertificate'));
      const cert = facts.certificate;
      if (!cert) return skip(l10n.t('Skipped: the certificate could not be read (see tls.trust)'));
      const days = Math.floor((cert.validTo.getTime() - now().getTime()) / 86_400_000);
      const until = cert.validTo.toISOString().slice(0, 10);
      if (days < 0) return fail(l10n.t('The certificate expired on {0}', until), remedy('renewCertificate'));
      if (days < EXPIRY_WARNING_DAYS) return warn(l10n.t('The certificate expires on {0}, in {1} days', until, days), remedy('renewCertificate'));
      return pass(l10n.t('The certificate is valid until {0} ({1} days)', until, days));
    });

    await probe('auth.schemes', TLS_PROBES, async () => {
      let response;
      try {
        response = await transport.request({
          url: config.ewsUrl, method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: ownCalendarRequest(), signal: run.signal, timeoutMs: requestTimeout(),
        });
      } catch (err) {
        if (err instanceof TransportError && err.kind !== 'aborted') return fail(l10n.t('No answer from EWS: {0}', describeTransportError(err)));
        throw err;
      }
      if (response.status !== 401) return warn(l10n.t('EWS answered an unauthenticated request with HTTP {0} instead of asking for credentials', response.status));
      // One header line per scheme from Exchange, or one folded line from a proxy: RFC 7235 section 4.1 reads both.
      const lines = response.headers['www-authenticate'] ?? [];
      if (lines.length === 0) {
        return fail(l10n.t('EWS answered 401 with no WWW-Authenticate header, so it offers no way to log on (a proxy or load balancer in front of EWS may be stripping it)'), remedy('enableBasicAuth'));
      }
      const parsed = parseChallenges(lines);
      // The verdict, followed by the header's unreadable parts when there are any.
      const unreadable = (verdict: string): string => (parsed.problems.length > 0
        ? l10n.t('{0}; part of the WWW-Authenticate header could not be read ({1})', verdict, parsed.problems.join('; '))
        : verdict);
      if (parsed.challenges.length === 0) {
        return fail(unreadable(l10n.t('EWS answered 401 with a WWW-Authenticate header that names no scheme')), remedy('enableBasicAuth'));
      }
      const offered = parsed.challenges.map((c) => c.scheme).join(', ');
      const basic = findChallenge(parsed, 'Basic');
      if (basic) {
        return pass(unreadable(basic.params.realm
          ? l10n.t('Basic authentication is offered (all: {0}, realm "{1}")', offered, basic.params.realm)
          : l10n.t('Basic authentication is offered (all: {0})', offered)));
      }
      return fail(unreadable(l10n.t('Basic authentication is not offered on EWS (offered: {0})', offered)), remedy('enableBasicAuth'));
    });

    await probe('auth.login', ['auth.schemes'], async () => {
      const { outcome, waitedMs } = await callWithBackOff(ownCalendarRequest());
      if (outcome.ok) {
        serverVersion = outcome.response.serverVersion;
        versionProblem = outcome.response.serverVersionProblem;
        return waitedMs > 0 ? warn(l10n.t('{0} logged on after the server asked to wait {1} ms (throttling)', config.upn, waitedMs)) : pass(l10n.t('{0} logged on with Basic authentication', config.upn));
      }
      serverVersion = outcome.serverVersion;
      if (outcome.failure.kind === 'ews' && outcome.failure.error.responseCode === 'ErrorInvalidServerVersion') {
        loginRefusedVersion = true;
        return pass(l10n.t('{0} logged on, but the server refused the Exchange2013 request version (see server.version)', config.upn));
      }
      const described = describeFailure(outcome.failure, config.accessMethod);
      if (throttleSignal(outcome.failure)) return fail(l10n.t('Logon as {0} not checked: {1}', config.upn, described.message));
      return fail(l10n.t('Logon as {0} failed: {1}', config.upn, described.message), described.remedy);
    });

    // An EWS error answer carries ServerVersionInfo too (the error example of Microsoft's "GetFolder
    // operation" page has it), so a logon refused by EWS itself (ErrorMissingEmailAddress, ErrorAccountDisabled...)
    // still tells the version; only an answer without one (401, no answer) leaves server.version to wait on auth.login.
    await probe('server.version', serverVersion ? [] : ['auth.login'], async () => {
      if (!serverVersion) {
        if (loginRefusedVersion) return fail(l10n.t('The server is older than Exchange 2013 (it refused the Exchange2013 request version)'), remedy('upgradeExchange'));
        if (versionProblem) return warn(l10n.t("The server's ServerVersionInfo is not a version ({0}); the Exchange version could not be checked", versionProblem));
        return warn(l10n.t('The server did not report its version (no ServerVersionInfo)'));
      }
      const classified = classifyServerVersion(serverVersion);
      result.server = { build: classified.build, product: classified.product, supported: classified.supported };
      return classified.verdict;
    });

    const accessId: ProbeId = config.accessMethod === 'impersonation' ? 'access.impersonation' : 'access.delegate';
    const impersonation = config.accessMethod === 'impersonation';
    /** Whether the service account reaches one mailbox with the chosen method (FindItem over the next day). */
    const accessVerdict = async (mailbox: string): Promise<Verdict> => {
      const start = now();
      const xml = calendarAccessRequest(mailbox, config.accessMethod, start, new Date(start.getTime() + 86_400_000));
      const { outcome, waitedMs } = await callWithBackOff(xml, config.accessMethod === 'impersonation' ? mailbox : undefined);
      if (outcome.ok) {
        if (waitedMs > 0) {
          return warn(impersonation
            ? l10n.t('{0} can impersonate {1} (after {2} ms of throttling)', config.upn, mailbox, waitedMs)
            : l10n.t('{0} can open the calendar of {1} (after {2} ms of throttling)', config.upn, mailbox, waitedMs));
        }
        return pass(impersonation ? l10n.t('{0} can impersonate {1}', config.upn, mailbox) : l10n.t('{0} can open the calendar of {1}', config.upn, mailbox));
      }
      const described = describeFailure(outcome.failure, config.accessMethod);
      if (throttleSignal(outcome.failure)) {
        return fail(impersonation
          ? l10n.t('Whether {0} can impersonate {1} was not checked: {2}', config.upn, mailbox, described.message)
          : l10n.t('Whether {0} can open the calendar of {1} was not checked: {2}', config.upn, mailbox, described.message));
      }
      return fail(impersonation
        ? l10n.t('{0} cannot impersonate {1}: {2}', config.upn, mailbox, described.message)
        : l10n.t('{0} cannot open the calendar of {1}: {2}', config.upn, mailbox, described.message), described.remedy);
    };
    /** Reads the next 7 days of one mailbox's calendar; hands the events to `keep`. */
    const readVerdict = async (mailbox: string, keep: (events: CalendarEvent[]) => void): Promise<Verdict> => {
      let waitedMs = 0;
      const outcome = await readCalendar({ ...libraryContext, mailbox }, run.signal, requestTimeout(), now(), 7, (ms) => { waitedMs += ms; });
      if (!outcome.ok) {
        const described = describeFailure(outcome.failure, config.accessMethod);
        if (throttleSignal(outcome.failure)) return fail(l10n.t('The calendar of {0} was not read: {1}', mailbox, described.message));
        return fail(l10n.t('Reading the calendar of {0} failed: {1}', mailbox, described.message), described.remedy);
      }
      const { events, total, complete } = outcome.value;
      keep(events);
      // An item without Start or End, as in the example response of Microsoft's "FindItem operation" page,
      // is reported, never a crash. ASSUMPTION: that a delegate with limited (free/busy) rights gets such items.
      const withoutTimes = events.filter((e) => e.start === '' || e.end === '').length;
      if (withoutTimes > 0) {
        return warn(l10n.t('{0} item(s) in the next 7 days of {1}, {2} of them without a start or end time: the service account may see only free/busy information in this calendar, and the calendar service needs the full details', events.length, mailbox, withoutTimes), config.accessMethod === 'delegate' ? remedy('grantDelegate') : undefined);
      }
      // "RootFolder (FindItemResponseMessage)": IncludesLastItemInRange="false" means the view held more than
      // MaxEntriesReturned, and TotalItemsInView counts them all.
      const text = complete
        ? l10n.t('{0} event(s) in the next 7 days of {1}', events.length, mailbox)
        : l10n.t('{0} of {1} events read in the next 7 days of {2} (the probe asks for the first {0}; Exchange said more exist)', events.length, total, mailbox);
      return waitedMs > 0 ? warn(l10n.t('{0} (after {1} ms of throttling)', text, waitedMs)) : pass(text);
    };

    await probe(accessId, ['auth.login', 'server.version'], () => accessVerdict(config.testMailbox));
    // One node's checks end here: reading and writing calendars is the whole service's business.
    if (!node) {
      await probe('calendar.read', [accessId], () => readVerdict(config.testMailbox, (events) => { result.events = events; }));

      await probe('calendar.write', ['calendar.read'], async () => {
        if (!config.write) return skip(l10n.t('Not run: the write test is opt-in ("Write test" in the panel, --write on the command line)'));
        return writeTest(libraryContext, run.signal, requestTimeout, now(), options.onWriteStep ?? (() => undefined), options.onLeftBehind ?? (() => undefined));
      });

      // The room checks depend on the logon and the version only, not on the user mailbox's access:
      // in the shortcut path the room access exists before the user access does, and each is reported.
      const room = config.testRoomMailbox ?? '';
      if (room !== '') {
        await probe('room.access', ['auth.login', 'server.version'], () => accessVerdict(room));
        await probe('room.read', ['room.access'], () => readVerdict(room, (events) => { result.roomEvents = events; }));
      }

      if (config.mailboxes && config.mailboxes.length > 0 && byId.get(accessId)?.status !== 'fail' && byId.get(accessId)?.status !== 'skip') {
        result.mailboxes = await verifyMailboxes(config, config.mailboxes, {
          transport, signal: run.signal, concurrency: config.concurrency, onProgress: options.onMailboxProgress, onResult: options.onMailboxResult,
          timeLeft: () => deadline - Date.now(), now,
        });
      }
    }
  } finally {
    clearTimeout(budgetTimer);
    options.signal?.removeEventListener('abort', onCallerAbort);
    result.stats = { ...transport.stats(), ms: Date.now() - started };
    tcpSocket?.destroy();
    transport.close();
  }
  result.ok = !checks.some((c) => c.status === 'fail') && (result.mailboxes === undefined || mailboxFailures(result.mailboxes) === 0);
  return result;
}

/**
 * CreateItem (SendToNone), then DeleteItem (HardDelete, SendToNone), then GetItem must say
 * ErrorItemNotFound. A hard delete does not erase the item at once: Exchange 2013 and later move it to
 * the Purges folder of Recoverable Items, where it stays for the retention period (Microsoft, "Deleting
 * items by using EWS in Exchange", table "Delete options"), and the pass message says so.
 * The clean-up always runs, with a fresh signal and its own short timeout, so neither cancellation nor the run's deadline can leave the probe item behind. When the create was
 * cut off before its answer, the item may exist without our knowing its id: it is found by its
 * unique subject.
 */
async function writeTest(ctx: LibraryContext, signal: AbortSignal, requestTimeout: () => number, start: Date, onStep: (step: WriteStep) => void, onLeftBehind: (message: string) => void): Promise<Verdict> {
  const subject = `Exchange Calendar Setup probe ${start.toISOString()} ${Math.random().toString(36).slice(2, 8)} (safe to delete)`;
  const itemStart = new Date(start.getTime() + 3_600_000);
  let created: Awaited<ReturnType<typeof createProbeItem>> | undefined;
  let thrown: unknown;
  let notReadBack: string | undefined;
  try {
    onStep('create');
    created = await createProbeItem(ctx, signal, requestTimeout(), subject, itemStart, 15);
    if (created.ok) {
      onStep('confirm');
      const readBack = await confirmPresent(ctx, signal, requestTimeout(), created.value);
      if (!readBack.ok) notReadBack = describeFailure(readBack.failure, ctx.method).message;
    }
  } catch (err) {
    thrown = err;
  }
  const cutOff = thrown !== undefined || (created !== undefined && !created.ok && created.failure.kind === 'transport');
  const cleanupProblem = await removeProbeItem(ctx, created?.ok ? created.value : undefined, cutOff, subject, itemStart, onStep);
  if (cleanupProblem) {
    const message = created?.ok
      ? l10n.t('{0}; delete the item "{1}" (item id {2}) from {3} by hand', cleanupProblem, subject, created.value.UniqueId, ctx.mailbox)
      : l10n.t('{0}; delete the item "{1}" from {2} by hand', cleanupProblem, subject, ctx.mailbox);
    onLeftBehind(message);
    return fail(message);
  }
  if (thrown !== undefined) throw thrown;
  if (notReadBack !== undefined) return fail(l10n.t('Created a test item in {0}, but reading it back failed: {1} (the item was deleted)', ctx.mailbox, notReadBack));
  if (created && !created.ok) {
    const described = describeFailure(created.failure, ctx.method);
    return fail(l10n.t('Creating a test item in {0} failed: {1}', ctx.mailbox, described.message), described.remedy);
  }
  return pass(l10n.t("Created, read back, deleted and confirmed gone a test item in {0} (no invitations sent; the deleted item is kept in the mailbox's Recoverable Items until its retention period ends)", ctx.mailbox));
}

/** Deletes the probe item (by id, or found by subject when the create was cut off); returns a problem or undefined. */
async function removeProbeItem(ctx: LibraryContext, id: ItemId | undefined, cutOff: boolean, subject: string, itemStart: Date, onStep: (step: WriteStep) => void): Promise<string | undefined> {
  if (!id && !cutOff) return undefined;
  const cleanupSignal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
  try {
    let ids: ItemId[] = id ? [id] : [];
    if (!id) {
      const found = await findProbeItems(ctx, cleanupSignal, CLEANUP_TIMEOUT_MS, subject, itemStart);
      if (!found.ok) return l10n.t('Could not check whether the interrupted create left an item ({0})', describeFailure(found.failure, ctx.method).message);
      ids = found.value;
    }
    for (const itemId of ids) {
      onStep('delete');
      const deleted = await deleteProbeItem(ctx, cleanupSignal, CLEANUP_TIMEOUT_MS, itemId);
      if (!deleted.ok) return l10n.t('Deleting the test item failed: {0}', describeFailure(deleted.failure, ctx.method).message);
      onStep('confirm gone');
      if (!(await confirmGone(ctx, cleanupSignal, CLEANUP_TIMEOUT_MS, itemId))) return l10n.t('The test item is still there after DeleteItem');
    }
    return undefined;
  } catch (err) {
    return l10n.t('Deleting the test item failed ({0})', oneLineErrorText(err));
  }
}
