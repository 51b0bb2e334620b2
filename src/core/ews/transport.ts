/**
 * HTTPS for EWS, over one of two engines: Node's `https` module (never the global fetch, which
 * ignores an agent's `ca`), or, with `direct`, our own HTTP/1.1 client (./http1) over TLS
 * connections opened here, which costs about 40% less CPU per request and is used for the EWS host.
 *
 * Certificate verification is always on: `rejectUnauthorized: true` is passed explicitly so that
 * NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment cannot weaken it, and no option turns it off.
 * Every request has a connect timeout, a total timeout, an abort signal and a response size cap.
 * Connections are kept alive and reused within a run; the counts of TCP connections and TLS
 * handshakes are kept because the benchmarks report them. Redirects are never followed: for EWS a
 * 302 is itself a verdict (usually the generic error page).
 */
import { isUtf8 } from 'node:buffer';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { errorText } from '../errors';
import * as l10n from '../l10n';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/**
 * Connections per host and port when the caller names no bound: the transports of Autodiscover and the
 * HTTP link target, which send one request at a time, so the bound is never reached there. The mailbox
 * checks and the probes pass their worker count instead (DEFAULT_MAILBOX_CONCURRENCY in mailboxes.ts).
 */
export const DEFAULT_MAX_SOCKETS = 8;

export type TransportErrorKind = 'connectTimeout' | 'timeout' | 'aborted' | 'tooLarge' | 'tls' | 'network';

/** A request that produced no HTTP response. `code` is Node's own code (e.g. CERT_HAS_EXPIRED, ECONNREFUSED). */
export class TransportError extends Error {
  constructor(readonly kind: TransportErrorKind, message: string, readonly code?: string) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface TransportOptions {
  /** PEM text of extra CA certificates (an internal CA), trusted in addition to the public roots. */
  extraCaPem?: string;
  connectTimeoutMs?: number;
  /** Total time for one request, from start to the last byte of the response. */
  requestTimeoutMs?: number;
  maxResponseBytes?: number;
  /** Upper bound on parallel connections to the server (the mailbox checks use one per worker); DEFAULT_MAX_SOCKETS. */
  maxSockets?: number;
  /**
   * Connect to this address (one node behind the EWS name) instead of the address the URL's host
   * resolves to. The URL's host stays the TLS server name (SNI), the name the certificate is checked
   * against, and the Host header, so the node is asked exactly as the service asks the load balancer.
   */
  connectAddress?: string;
}

export interface HttpRequest {
  url: string;
  method?: 'POST' | 'GET';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Overrides the transport's request timeout for this request. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Every header, lower-cased, each value kept separately (Node would join repeated headers). */
  headers: Record<string, string[]>;
  body: string;
  /**
   * The body bytes are not valid UTF-8 (EWS always sends UTF-8); `body` then has U+FFFD in their
   * place, so it must not be believed as XML.
   */
  invalidUtf8?: boolean;
}

export interface TransportStats {
  requests: number;
  tcpConnections: number;
  tlsHandshakes: number;
}

/** The trust anchors: the public roots, plus the extra CA when one is configured. */
export function trustAnchors(extraCaPem?: string): string[] {
  const roots = [...tls.rootCertificates];
  if (extraCaPem && extraCaPem.trim() !== '') roots.push(extraCaPem);
  return roots;
}

const secureContexts = new Map<string, tls.SecureContext>();

/**
 * One TLS context per set of trust anchors, built once: parsing the ~140 public roots costs tens of
 * milliseconds, and an agent given `ca` directly would also fold every certificate into its
 * connection-pool key on every request (measured: most of the CPU of the many-mailbox check).
 */
export function secureContextFor(extraCaPem?: string): tls.SecureContext {
  const key = extraCaPem ?? '';
  let context = secureContexts.get(key);
  if (!context) {
    if (secureContexts.size >= 8) secureContexts.clear();
    context = tls.createSecureContext({ ca: trustAnchors(extraCaPem) });
    secureContexts.set(key, context);
  }
  return context;
}

/** First value of a header, or undefined. */
export function headerValue(response: HttpResponse, name: string): string | undefined {
  return response.headers[name.toLowerCase()]?.[0];
}

/** Classifies a Node socket/TLS error for people and probes. */
export function toTransportError(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
  const message = errorText(err);
  return new TransportError(code !== undefined && isTlsErrorCode(code) ? 'tls' : 'network', message, code);
}

export function isTlsErrorCode(code: string): boolean {
  return /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH|ERR_OSSL)/.test(code);
}

/** Code of a TransportError for a connection the server closed before a complete response. */
export const CLOSED_EARLY = 'CLOSED_EARLY';

/** One request as both engines take it: the URL taken apart and the body encoded once. */
export interface PreparedRequest {
  host: string;
  port: number;
  /** `host:port`, the key of the connection pool (and of adopted connections). */
  key: string;
  /** The Host header: the URL's host with its port, IPv6 in brackets. */
  authority: string;
  path: string;
  method: 'POST' | 'GET';
  headers: Record<string, string | number>;
  body?: Buffer;
}

/** A URL's hostname without the brackets of an IPv6 literal, as sockets want it. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '');
}

/**
 * The response as callers see it; bytes that are not UTF-8 are flagged so they are never read as XML.
 * A reason phrase with a control character in it is dropped: Node's parser lets one through (it
 * refuses them only in header values), and "a client SHOULD ignore the reason-phrase content"
 * (RFC 9112, section 4), so nothing is lost and nothing a terminal could act on is kept.
 */
export function toHttpResponse(status: number, statusText: string, headers: Record<string, string[]>, bytes: Buffer): HttpResponse {
  // eslint-disable-next-line no-control-regex -- control characters are what it drops
  const response: HttpResponse = { status, statusText: /[\0-\x08\x0a-\x1f\x7f]/.test(statusText) ? '' : statusText, headers, body: bytes.toString('utf8') };
  if (!isUtf8(bytes)) response.invalidUtf8 = true;
  return response;
}

export class EwsTransport {
  /** Node's https agent, made on the first request that needs it (a subclass with its own engine never does). */
  private agent: https.Agent | undefined;
  protected readonly counters: TransportStats = { requests: 0, tcpConnections: 0, tlsHandshakes: 0 };
  /** Verified connections opened elsewhere (the TLS probe's), waiting to serve the first requests. */
  private readonly adopted: { key: string; socket: tls.TLSSocket }[] = [];
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  protected readonly maxResponseBytes: number;
  protected readonly maxSockets: number;
  protected readonly secureContext: tls.SecureContext;
  /** The node every connection goes to, when one is pinned (see TransportOptions.connectAddress). */
  protected connectAddress: string | undefined;

  constructor(options: TransportOptions = {}) {
    this.connectAddress = options.connectAddress;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
    this.secureContext = secureContextFor(options.extraCaPem);
  }

  private nodeAgent(): https.Agent {
    if (this.agent) return this.agent;
    const takeAdopted = (key: string): tls.TLSSocket | undefined => this.takeAdopted(key);
    const connectTls = (opts: tls.ConnectionOptions): tls.TLSSocket => this.connectTls(opts);
    // A subclass, because the agent is the one place that sees every new socket it opens.
    class CountingAgent extends https.Agent {
      override createConnection(opts: tls.ConnectionOptions, _callback?: (err: Error | null, socket: Duplex) => void): Duplex {
        return takeAdopted(`${opts.host}:${opts.port}`) ?? connectTls(opts);
      }
    }
    this.agent = new CountingAgent({
      keepAlive: true,
      maxSockets: this.maxSockets,
      secureContext: this.secureContext,
      rejectUnauthorized: true,
    });
    return this.agent;
  }

  /**
   * A new verified TLS connection, counted; destroyed with a connectTimeout error if the handshake
   * has not completed within the connect timeout.
   */
  protected connectTls(options: tls.ConnectionOptions): tls.TLSSocket {
    this.counters.tcpConnections++;
    // With a pinned node the socket goes to its address, and the certificate is still checked against
    // the EWS host name (the server name), never against the address.
    const host = options.host ?? '';
    const pinned = this.connectAddress === undefined ? {} : { host: this.connectAddress, servername: options.servername ?? (net.isIP(host) ? undefined : host) };
    const socket = tls.connect({ ...options, ...pinned, rejectUnauthorized: true });
    const timer = setTimeout(() => {
      socket.destroy(new TransportError('connectTimeout', l10n.t('No TLS connection within {0} ms', this.connectTimeoutMs)));
    }, this.connectTimeoutMs);
    socket.once('secureConnect', () => {
      this.counters.tlsHandshakes++;
      clearTimeout(timer);
    });
    socket.once('close', () => clearTimeout(timer));
    return socket;
  }

  /** Sends every later connection to this node's address (see TransportOptions.connectAddress). */
  pinTo(address: string): void {
    this.connectAddress = address;
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  /**
   * Takes a connection that is already verified (same trust anchors, same host) for the next new
   * connection the pool needs: a probe run's TCP and TLS probes then cost no handshake of their own.
   */
  adopt(socket: tls.TLSSocket, host: string, port: number): void {
    this.counters.tcpConnections++;
    this.counters.tlsHandshakes++;
    this.adopted.push({ key: `${bareHost(host)}:${port}`, socket });
  }

  /** The adopted connection for `host:port`, if one is waiting (for a subclass's own connections). */
  protected takeAdopted(key: string): tls.TLSSocket | undefined {
    const index = this.adopted.findIndex((a) => a.key === key && !a.socket.destroyed);
    return index >= 0 ? this.adopted.splice(index, 1)[0].socket : undefined;
  }

  /** Closes idle keep-alive connections; call once at the end of a run. */
  close(): void {
    this.agent?.destroy();
    for (const { socket } of this.adopted.splice(0)) socket.destroy();
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    this.counters.requests++;
    const url = new URL(req.url);
    if (url.protocol !== 'https:') return Promise.reject(new TransportError('network', l10n.t('Only https URLs are used for EWS, not {0}', url.protocol)));
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    // A copy by Object.assign, not object spread: on Node 20 (V8 11.3) a spread copy that then gains
    // Content-Length left about 130 bytes per request for the old generation (measured with
    // --trace-gc-nvp: 3.7 MB promoted per 30,000 requests with spread, none with Object.assign), and
    // that garbage is what raised the many-mailbox check's peak memory.
    const headers: Record<string, string | number> = Object.assign({}, req.headers);
    if (body) headers['Content-Length'] = body.length;
    const host = bareHost(url.hostname);
    const port = url.port === '' ? 443 : Number(url.port);
    const timeoutMs = req.timeoutMs ?? this.requestTimeoutMs;
    return withTimeout<HttpResponse>((done) => this.send({
      host, port, key: `${host}:${port}`, authority: url.host, path: `${url.pathname}${url.search}`,
      method: req.method ?? (body ? 'POST' : 'GET'), headers, body,
    }, done), timeoutMs, req.signal, l10n.t('No complete response within {0} ms', timeoutMs));
  }

  /**
   * Sends one request over Node's https (a subclass may use another engine). Calls `done` once;
   * returns what stops the request when the time limit or the caller's signal ends it first.
   */
  protected send(req: PreparedRequest, done: (err: Error | undefined, res?: HttpResponse) => void): () => void {
    const maxBytes = this.maxResponseBytes;
    const fail = (err: Error): void => done(toTransportError(err));
    let answered = false;
    const request = https.request({
      protocol: 'https:',
      hostname: req.host,
      port: req.port,
      path: req.path,
      method: req.method,
      headers: req.headers,
      agent: this.nodeAgent(),
      rejectUnauthorized: true,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          request.destroy(new TransportError('tooLarge', l10n.t('The response exceeded {0} bytes', maxBytes)));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        answered = true;
        const distinct: Record<string, string[]> = {};
        for (const [name, values] of Object.entries(res.headersDistinct)) {
          if (values) distinct[name.toLowerCase()] = values;
        }
        done(undefined, toHttpResponse(res.statusCode ?? 0, res.statusMessage ?? '', distinct, Buffer.concat(chunks)));
      });
    });
    request.on('error', fail);
    request.end(req.body);
    // After a complete answer the connection belongs to the agent's keep-alive pool again.
    return () => { if (!answered) request.destroy(); };
  }
}

/** Runs callback-style work with a timeout and an AbortSignal; `work` returns its own clean-up. */
export function withTimeout<T>(work: (done: (err: Error | undefined, value?: T) => void) => () => void, timeoutMs: number, signal?: AbortSignal, timeoutMessage = l10n.t('No answer within {0} ms', timeoutMs)): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let cleanup: () => void = () => undefined;
    let settled = false;
    const done = (err: Error | undefined, value?: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      cleanup();
      if (err) reject(err);
      else resolve(value as T);
    };
    const onAbort = (): void => done(new TransportError('aborted', l10n.t('Cancelled')));
    const timer = setTimeout(() => done(new TransportError('timeout', timeoutMessage)), timeoutMs);
    if (signal?.aborted) {
      done(new TransportError('aborted', l10n.t('Cancelled')));
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = work(done);
  });
}
