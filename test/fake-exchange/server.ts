// A fake on-premises Exchange EWS endpoint over HTTPS, for tests and demos. It speaks the wire
// shapes documented in /work/shared/EXCHANGE.md: 401 challenges per scheme, ServerVersionInfo in
// every SOAP header, both error shapes, throttling with a back-off, and the failure modes a probe must
// recognise. Scenarios can be switched while running; TLS scenarios swap the certificate for new
// connections (an already open keep-alive connection keeps the certificate it was made with).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getTestPki, type TestPki } from './certs';
import { FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, MailboxStore, mailboxKind, type FakeCalendarItem } from './mailboxes';
import { runOperation, type OperationContext } from './operations';
import { REQUEST_VERSIONS, impersonationReaches, scenarioSpec, type ScenarioName, type ScenarioSpec, type ThrottleDisruption } from './scenarios';
import { findSchemaDir, SchemaValidator } from './schema';
import { MESSAGE_TEXT, envelope, operationResponse, soapFaultBody, type SoapFault } from './soap';
import { NS, XmlRejected, attr, child, childElements, parseStrictXml, path, text, type XmlNode } from './xml';

export type { ScenarioName } from './scenarios';
export { SCENARIO_NAMES, isScenarioName } from './scenarios';
export type { FakeCalendarItem } from './mailboxes';
export { FAKE_ROOM_MAILBOXES, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, FAKE_TEST_ROOM_MAILBOX, generatedMailboxName } from './mailboxes';

/** Not a secret: the fake server's only password, printed by the demo and the CLI. */
export const FAKE_PASSWORD = 'Fake-Exchange-Pa55!';
/** BackOffMilliseconds in every ErrorServerBusy the fake sends (unless `busyBackOffMs` says otherwise). */
export const FAKE_BUSY_BACKOFF_MS = 200;
/** The *-then-ok throttling scenarios answer this many SOAP requests with their throttling answer first. */
export const FAKE_BUSY_RESPONSES = 2;
/** Retry-After (seconds) of the iis-queue-then-ok scenario's 503s. */
export const FAKE_RETRY_AFTER_SECONDS = 1;
/** EWSMaxConcurrency of the default throttling policy, Exchange 2013 and later ("EWS throttling in Exchange"). */
export const EWS_DEFAULT_MAX_CONCURRENCY = 27;
/** The oversize scenario streams this many bytes. */
export const FAKE_OVERSIZE_BYTES = 64 * 1024 * 1024;
/** Request bodies larger than this get 413, as IIS's default request limit would. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface FakeExchangeOptions {
  scenario?: ScenarioName;
  port?: number;
  /** Loopback only: 127.0.0.1 (default), another 127/8 address, ::1 or localhost. */
  host?: string;
  /** Added before every response (for benchmarks). */
  latencyMs?: number;
  /**
   * EWSMaxConcurrency: past this many SOAP requests of the account in flight, answer
   * ErrorExceededConnectionCount with MessageXml Policy=MaxConcurrency, MaxConcurrencyLimit and no
   * BackOffMilliseconds, as Exchange does. A refused request gives its slot back at once.
   */
  concurrencyLimit?: number;
  /**
   * Slots of the limit another client of the same account already holds (the calendar service in
   * production): only `concurrencyLimit - otherClientSlots` are left. The limit defaults to 27 when
   * only this is given.
   */
  otherClientSlots?: number;
  /** Answer every Nth authenticated SOAP request with HTTP 503 (IIS queuing), without a slot. */
  queue503Every?: number;
  /** Retry-After in seconds on the `queue503Every` answers; none when undefined. */
  retryAfterSeconds?: number;
  /** BackOffMilliseconds of the busy-then-ok and inner-busy-then-ok answers (default FAKE_BUSY_BACKOFF_MS). */
  busyBackOffMs?: number;
  /** Validate every SOAP request against the EWS schemas (default: when the schema folder exists). */
  validateSchemas?: boolean;
  /** Generated mailboxes user0001@contoso.com ... (default 50). */
  mailboxCount?: number;
  /** The service account's password (default FAKE_PASSWORD); the secrets canary tests set their own. */
  password?: string;
}

export interface RecordedRequest {
  readonly scenario: ScenarioName;
  readonly method: string;
  readonly path: string;
  /** Request headers; Authorization keeps only its scheme. */
  readonly headers: Readonly<Record<string, string>>;
  /** Local name of the SOAP body's operation element, e.g. GetFolder. */
  readonly operation?: string;
  readonly requestServerVersion?: string;
  /** The mailbox named in t:ExchangeImpersonation, if any. */
  readonly impersonatedMailbox?: string;
  readonly anchorMailbox?: string;
  /** Mailboxes the operation read or wrote (impersonated or named in folder ids). */
  readonly targetMailboxes: readonly string[];
  readonly schemaErrors: readonly string[];
  /** HTTP status sent, once the response has started (undefined for slow and reset). */
  readonly status?: number;
  /** Set as soon as the fake decides to throttle the request: which of Exchange's answers it gets. */
  readonly throttled?: 'connection-count' | 'server-busy' | 'inner-server-busy' | 'iis-queue';
}

export interface FakeExchange {
  readonly url: string;
  readonly port: number;
  readonly caFile: string;
  readonly caPem: string;
  readonly scenario: ScenarioName;
  setScenario(name: ScenarioName): void;
  readonly requests: readonly RecordedRequest[];
  readonly schemaErrors: readonly string[];
  /** SOAP requests of the account being processed now (refused ones are not counted). */
  readonly inFlight: number;
  items(mailbox: string): readonly FakeCalendarItem[];
  stop(): Promise<void>;
}

type MutableRecord = { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const EWS_PATH = '/ews/exchange.asmx';
const GENERIC_ERROR_PATH = '/ews/genericerrorpage.htm';
const LOCKED_OUT_TEXT = 'The referenced account is currently locked out and may not be logged on to.';

/** A SOAP answer; `refused` when it is a throttling refusal, which gives the request's slot back at once. */
interface SoapAnswer {
  status: number;
  body: string;
  refused?: boolean;
}

function credentialsFor(spec: ScenarioSpec, pki: TestPki): { cert: string; key: string } {
  const creds = pki[spec.tls];
  return { cert: creds.certChainPem, key: creds.keyPem };
}

function redactedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    out[name] = name === 'authorization' || name === 'proxy-authorization' ? `${joined.split(/\s+/)[0]} [redacted]` : joined;
  }
  return out;
}

/** The account a Basic header names, normalised to its SMTP form, and whether the password is right. */
function basicCredentials(header: string | undefined, password: string): { user: string; passwordOk: boolean } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  let user = decoded.slice(0, colon).toLowerCase();
  if (user.includes('\\')) user = `${user.split('\\')[1]}@contoso.com`;
  else if (!user.includes('@')) user = `${user}@contoso.com`;
  return { user, passwordOk: decoded.slice(colon + 1) === password };
}

function challenges(spec: ScenarioSpec, realm: string): string[] {
  if (spec.exchangeOnline) {
    return ['Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", ' +
      'token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"',
    'Basic Realm=""'];
  }
  const lines = ['Negotiate', 'NTLM', ...(spec.basicAuth ? [`Basic realm="${realm}"`] : [])];
  // A proxy may fold repeated header lines into one, comma-separated (RFC 7230 section 3.2.2).
  return spec.challengeLines === 'folded' ? [lines.join(', ')] : lines;
}

/** Headers a real front end adds; Exchange Online's name its back-end servers in outlook.com. */
function serverHeaders(spec: ScenarioSpec): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'X-Powered-By': 'ASP.NET', 'X-FEServer': spec.exchangeOnline ? 'AM0PR01CA0123' : 'EX01' };
  if (spec.exchangeOnline) {
    headers['X-CalculatedBETarget'] = 'AM0PR01MB4567.eurprd01.prod.outlook.com';
    headers['X-BackEndHttpStatus'] = '200';
  }
  return headers;
}

function requestVersionIndex(version: string): number {
  return (REQUEST_VERSIONS as readonly string[]).indexOf(version);
}

function impersonatedMailboxOf(header: XmlNode | undefined): string | undefined {
  const sid = path(header, [NS.t, 'ExchangeImpersonation'], [NS.t, 'ConnectingSID']);
  if (!sid) return undefined;
  const id = childElements(sid)[0];
  return (text(id) ?? '').toLowerCase();
}

class FakeExchangeServer implements FakeExchange {
  readonly requests: MutableRecord[] = [];
  readonly schemaErrors: string[] = [];
  private currentScenario: ScenarioName;
  private spec: ScenarioSpec;
  private readonly store: MailboxStore;
  private slotsInUse = 0;
  private soapRequests = 0;
  private busyAnswered = 0;
  private address: AddressInfo | undefined;

  constructor(
    private readonly server: Server,
    private readonly pki: TestPki,
    private readonly validator: SchemaValidator | undefined,
    private readonly opts: FakeExchangeOptions,
    scenario: ScenarioName,
  ) {
    this.currentScenario = scenario;
    this.spec = scenarioSpec(scenario);
    this.store = new MailboxStore(opts.mailboxCount ?? 50);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`fake exchange internal error: ${err instanceof Error ? err.message : String(err)}`);
        } else {
          res.destroy();
        }
      });
    });
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
  }

  get port(): number { return this.address?.port ?? 0; }
  get url(): string { return `https://localhost:${this.port}/EWS/Exchange.asmx`; }
  get caFile(): string { return this.pki.caFile; }
  get caPem(): string { return this.pki.caPem; }
  get scenario(): ScenarioName { return this.currentScenario; }
  get inFlight(): number { return this.slotsInUse; }

  setScenario(name: ScenarioName): void {
    const previousTls = this.spec.tls;
    this.currentScenario = name;
    this.spec = scenarioSpec(name);
    this.busyAnswered = 0;
    if (this.spec.tls !== previousTls) {
      this.server.setSecureContext(credentialsFor(this.spec, this.pki));
      // Idle keep-alive connections would otherwise keep presenting the previous certificate.
      this.server.closeIdleConnections();
    }
  }

  items(mailbox: string): readonly FakeCalendarItem[] {
    return this.store.items(mailbox);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.validator?.dispose();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const spec = this.spec;
    const urlPath = new URL(req.url ?? '/', 'https://localhost').pathname;
    const record: MutableRecord = {
      scenario: this.currentScenario, method: req.method ?? '', path: req.url ?? '', headers: redactedHeaders(req),
      targetMailboxes: [], schemaErrors: [],
    };
    this.requests.push(record);
    const send = async (status: number, headers: OutgoingHttpHeaders, body: string): Promise<void> => {
      if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
      record.status = status;
      res.writeHead(status, { ...serverHeaders(spec), ...headers, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };

    if (urlPath.toLowerCase() === GENERIC_ERROR_PATH) {
      return send(200, { 'Content-Type': 'text/html; charset=utf-8' }, '<html><body><h1>Something went wrong</h1></body></html>');
    }
    if (urlPath.toLowerCase() !== EWS_PATH) return send(404, { 'Content-Type': 'text/html' }, '<html><body>404 - File or directory not found.</body></html>');
    if (spec.disruption === 'generic-error-redirect') {
      return send(302, { Location: `https://${req.headers.host ?? 'localhost'}${GENERIC_ERROR_PATH}?aspxerrorpath=/EWS/Exchange.asmx`, 'Content-Type': 'text/html' },
        '<html><head><title>Object moved</title></head><body><h2>Object moved</h2></body></html>');
    }
    if (spec.disruption === 'slow') return; // never answered; stop() closes the connection

    const body = await readBody(req);
    if (body === undefined) return send(413, { 'Content-Type': 'text/html' }, '<html><body>413 Request Entity Too Large</body></html>');
    if (spec.disruption === 'reset') {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': 4096 });
      res.write(`<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}"><s:Body>`);
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }

    const auth = this.authenticate(req, spec);
    if (auth) return send(401, { 'WWW-Authenticate': auth.challenges, 'Content-Type': 'text/html' }, auth.body);
    if (req.method !== 'POST') return send(200, { 'Content-Type': 'text/html' }, '<html><body>You have created a service.</body></html>');

    // HTTP 503 means requests are queuing in IIS ("EWS throttling in Exchange", Table 4): the request
    // never reaches EWS, so it takes no slot. IIS sends its own HTML page, Retry-After only if set.
    this.soapRequests++;
    const every = this.opts.queue503Every;
    const queuedByScenario = this.throttleFirst(spec, 'iis-queue-then-ok');
    if (queuedByScenario || (every !== undefined && every > 0 && this.soapRequests % every === 0)) {
      record.throttled = 'iis-queue';
      const retryAfter = queuedByScenario ? FAKE_RETRY_AFTER_SECONDS : this.opts.retryAfterSeconds;
      return send(503, { 'Content-Type': 'text/html', ...(retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {}) },
        '<html><body><h1>Service Unavailable</h1><p>HTTP Error 503. The service is unavailable.</p></body></html>');
    }

    this.slotsInUse++;
    let holding = true;
    const releaseSlot = (): void => {
      if (holding) {
        holding = false;
        this.slotsInUse--;
      }
    };
    try {
      const soap = await this.answerSoap(body, record, spec, res);
      // Exchange refuses over the limit at once: the refused request holds no slot while its answer
      // travels back (the fake used to keep it for the whole simulated latency).
      if (soap?.refused) releaseSlot();
      if (soap) await send(soap.status, { 'Content-Type': 'text/xml; charset=utf-8' }, soap.body);
    } finally {
      releaseSlot();
    }
  }

  /** Whether this request is one of the first FAKE_BUSY_RESPONSES of a throttling scenario (and counts it). */
  private throttleFirst(spec: ScenarioSpec, disruption: ThrottleDisruption): boolean {
    if (spec.disruption !== disruption || this.busyAnswered >= FAKE_BUSY_RESPONSES) return false;
    this.busyAnswered++;
    return true;
  }

  /** Undefined when the request may go on; otherwise the 401 to send. */
  private authenticate(req: IncomingMessage, spec: ScenarioSpec): { challenges: string[]; body: string } | undefined {
    const realm = (req.headers.host ?? 'localhost').replace(/:\d+$/, '');
    const unauthorized = { challenges: challenges(spec, realm), body: '<html><body>401 - Unauthorized: Access is denied due to invalid credentials.</body></html>' };
    const creds = spec.basicAuth ? basicCredentials(req.headers.authorization, this.opts.password ?? FAKE_PASSWORD) : undefined;
    if (!creds || creds.user !== FAKE_SERVICE_ACCOUNT) return unauthorized;
    if (spec.lockedOut) return { ...unauthorized, body: LOCKED_OUT_TEXT };
    if (!creds.passwordOk || spec.rejectAllPasswords) return unauthorized;
    return undefined;
  }

  /** The SOAP answer, or undefined when the response was already streamed. */
  private async answerSoap(body: string, record: MutableRecord, spec: ScenarioSpec, res: ServerResponse): Promise<SoapAnswer | undefined> {
    const fault = (f: SoapFault): SoapAnswer => ({ status: 500, body: envelope(spec.version, soapFaultBody(f)) });
    const backOff = String(this.opts.busyBackOffMs ?? FAKE_BUSY_BACKOFF_MS);
    // EWSMaxConcurrency ("EWS throttling in Exchange", Table 3: ErrorExceededConnectionCount). The
    // values are those field reports quote (OfficeDev/ews-managed-api#293): Policy, the limit, and
    // "Suggested backoff time 0 ms", with no BackOffMilliseconds. ASSUMPTION: the SOAP-fault shape
    // (HTTP 500), as for ErrorServerBusy; clients read both shapes alike.
    const limit = this.opts.concurrencyLimit ?? (this.opts.otherClientSlots !== undefined ? EWS_DEFAULT_MAX_CONCURRENCY : undefined);
    const overLimit = limit !== undefined && this.slotsInUse + (this.opts.otherClientSlots ?? 0) > limit;
    if (overLimit || this.throttleFirst(spec, 'connection-count-then-ok')) {
      record.throttled = 'connection-count';
      const shown = String(limit ?? EWS_DEFAULT_MAX_CONCURRENCY);
      return {
        ...fault({ code: 'ErrorExceededConnectionCount', messageXml: [['Policy', 'MaxConcurrency'], ['MaxConcurrencyLimit', shown],
          ['ErrorMessage', `This operation exceeds the throttling budget for policy part 'MaxConcurrency', policy value '${shown}', Budget type: 'Ews'. Suggested backoff time 0 ms.`]] }),
        refused: true,
      };
    }
    // A spent time budget (Table 3: ErrorServerBusy, EWSPercentTimeIn*; Table 4: HTTP 500), with
    // BackOffMilliseconds, "the amount of time it should wait until it should resubmit the request".
    if (this.throttleFirst(spec, 'busy-then-ok')) {
      record.throttled = 'server-busy';
      return { ...fault({ code: 'ErrorServerBusy', messageXml: [['BackOffMilliseconds', backOff]] }), refused: true };
    }
    if (spec.disruption === 'malformed-xml') {
      return { status: 200, body: `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}"><s:Body><m:GetFolderResponse` };
    }
    if (spec.disruption === 'oversize') {
      await streamOversize(res, spec);
      return undefined;
    }

    let root: XmlNode;
    try {
      root = parseStrictXml(body);
    } catch (err) {
      const reason = err instanceof XmlRejected ? err.message : String(err);
      this.noteSchemaErrors(record, [reason]);
      return fault({ code: 'ErrorSchemaValidation', message: `The request failed schema validation: ${reason}` });
    }
    const header = child(root, NS.soap, 'Header');
    const operation = childElements(child(root, NS.soap, 'Body'))[0];
    record.operation = operation?.localName ?? undefined;
    // Table 4: "HTTP 200 ... ErrorInternalServerError" with an inner ErrorServerBusy. The inner code
    // travels in MessageXml as InnerErrorResponseCode / InnerErrorMessageText, the names exchangelib
    // and the EWS Managed API read. ASSUMPTION: BackOffMilliseconds beside them.
    if (operation && this.throttleFirst(spec, 'inner-busy-then-ok')) {
      record.throttled = 'inner-server-busy';
      return {
        status: 200,
        body: envelope(spec.version, operationResponse(operation.localName ?? 'Unknown', [{ code: 'ErrorInternalServerError', messageXml: [
          ['InnerErrorMessageText', MESSAGE_TEXT.ErrorServerBusy], ['InnerErrorResponseCode', 'ErrorServerBusy'], ['InnerErrorDescriptiveLinkKey', '0'], ['BackOffMilliseconds', backOff],
        ] }])),
        refused: true,
      };
    }
    record.requestServerVersion = attr(child(header, NS.t, 'RequestServerVersion'), 'Version');
    record.impersonatedMailbox = impersonatedMailboxOf(header);
    record.anchorMailbox = record.headers['x-anchormailbox'];

    // A version the server does not know is answered before schema validation, as Exchange does:
    // clients such as exchangelib guess versions newest first and rely on this fault.
    const requested = record.requestServerVersion ?? 'Exchange2007_SP1';
    const requestedIndex = requestVersionIndex(requested);
    if (requestedIndex < 0 || requestedIndex > requestVersionIndex(spec.version.newestRequestVersion)) {
      return fault({ code: 'ErrorInvalidServerVersion' });
    }
    if (this.validator && operation?.localName !== 'GetUserAvailabilityRequest') {
      const errors = await this.validator.validate(body);
      if (errors.length > 0) {
        this.noteSchemaErrors(record, errors);
        return fault({ code: 'ErrorSchemaValidation', message: `The request failed schema validation: ${errors[0]}`, messageXml: [['Violation', errors[0]]] });
      }
    }
    if (root.namespaceURI !== NS.soap || root.localName !== 'Envelope' || !operation) {
      this.noteSchemaErrors(record, ['not a SOAP 1.1 envelope with a body element']);
      return fault({ code: 'ErrorSchemaValidation', message: 'The request failed schema validation: not a SOAP 1.1 envelope with a body element' });
    }
    if (spec.accountFault !== 'none') return fault({ code: spec.accountFault });

    let actingMailbox = FAKE_SERVICE_ACCOUNT;
    if (record.impersonatedMailbox !== undefined) {
      const target = record.impersonatedMailbox;
      record.targetMailboxes = [target];
      if (!this.store.has(target) || (spec.testMailboxMissing && target === FAKE_TEST_MAILBOX)) return fault({ code: 'ErrorNonExistentMailbox' });
      if (target !== FAKE_SERVICE_ACCOUNT) {
        if (spec.impersonation === 'not-assigned') return fault({ code: 'ErrorImpersonationDenied' });
        // A target the assignment's scope does not reach (a room under a user-mailbox scope, a user
        // under a room scope) is refused per user, as outside-scope is.
        if (!impersonationReaches(spec.impersonation, mailboxKind(target))) return fault({ code: 'ErrorImpersonateUserDenied' });
      }
      actingMailbox = target;
    }
    const ctx: OperationContext = { spec, store: this.store, actingMailbox, touchedMailboxes: new Set(record.targetMailboxes) };
    const result = runOperation(ctx, operation);
    record.targetMailboxes = [...ctx.touchedMailboxes];
    if (result.kind === 'fault') return fault(result.fault);
    return { status: 200, body: envelope(spec.version, result.body) };
  }

  private noteSchemaErrors(record: MutableRecord, errors: readonly string[]): void {
    record.schemaErrors = errors;
    this.schemaErrors.push(...errors.map((e) => `${record.operation ?? 'request'}: ${e}`));
  }
}

/** The whole body as text, or undefined past MAX_REQUEST_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A 200 that keeps going: FAKE_OVERSIZE_BYTES of whitespace inside a SOAP envelope, chunked, one reused buffer. */
async function streamOversize(res: ServerResponse, spec: ScenarioSpec): Promise<void> {
  res.writeHead(200, { ...serverHeaders(spec), 'Content-Type': 'text/xml; charset=utf-8' });
  const head = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}"><s:Body>`;
  const tail = '</s:Body></s:Envelope>';
  res.write(head);
  const filler = Buffer.alloc(1024 * 1024, 0x20);
  let sent = head.length + tail.length;
  while (sent < FAKE_OVERSIZE_BYTES && !res.destroyed) {
    const piece = filler.subarray(0, Math.min(filler.length, FAKE_OVERSIZE_BYTES - sent));
    sent += piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = (): void => { res.off('drain', done); res.off('close', done); resolve(); };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end(tail);
}

export async function startFakeExchange(opts: FakeExchangeOptions = {}): Promise<FakeExchange> {
  const host = opts.host ?? '127.0.0.1';
  // Any 127/8 address is loopback on Linux (the multi-node fake uses 127.0.0.2, 127.0.0.3, ...).
  if (!LOOPBACK_HOSTS.has(host) && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) throw new Error(`the fake Exchange server listens on loopback only, not ${host}`);
  const scenario = opts.scenario ?? 'healthy';
  const pki = await getTestPki();
  const schemaDir = findSchemaDir();
  if (opts.validateSchemas === true && !schemaDir) throw new Error('validateSchemas: no ews-schemas folder found');
  const validateSchemas = opts.validateSchemas ?? schemaDir !== undefined;
  const validator = validateSchemas && schemaDir ? new SchemaValidator(schemaDir) : undefined;
  const server = createServer({ ...credentialsFor(scenarioSpec(scenario), pki) });
  const fake = new FakeExchangeServer(server, pki, validator, opts, scenario);
  try {
    await fake.listen(opts.port ?? 0, host);
  } catch (err) {
    validator?.dispose();
    throw err;
  }
  return fake;
}
