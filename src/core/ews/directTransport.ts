/**
 * The EWS transport over our own HTTP/1.1 client (./http1) and TLS connections opened here, for
 * the EWS host itself: probe runs and the many-mailbox check, which the TCP and TLS probes reach
 * directly anyway. Autodiscover and link targets keep Node's https (./transport), which VS Code's
 * proxy support can reach. A module of its own so that the extension's activation bundle, which
 * needs the transport for Autodiscover, does not carry it.
 *
 * Measured with the many-mailbox benchmark (2,000 mailboxes, fake limited to 27 at 20 ms): client
 * CPU 0.73 -> 0.54 ms per mailbox, and 0.78 -> 0.82 of the server's rate at concurrency 27.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { errorText } from '../errors';
import * as l10n from '../l10n';
import { Http1Error, Http1ResponseParser, serializeRequest, type Http1Response } from './http1';
import { CLOSED_EARLY, EwsTransport, TransportError, toHttpResponse, toTransportError, type HttpResponse, type PreparedRequest, type TransportOptions } from './transport';

type Acquired = (err: Error | undefined, socket?: tls.TLSSocket, reused?: boolean) => void;

/**
 * Keep-alive TLS connections per host and port for ./http1, at most `maxSockets` each; a request
 * waits for a free one beyond that. A connection that closes or errors while idle is forgotten,
 * and one that sends bytes nobody asked for is closed.
 */
class DirectPool {
  private readonly sockets = new Map<string, Set<tls.TLSSocket>>();
  private readonly idle = new Map<string, tls.TLSSocket[]>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly idleListeners = new WeakMap<tls.TLSSocket, () => void>();

  constructor(private readonly options: {
    maxSockets: number;
    /** A new connection (counted, with its connect timeout), still handshaking. */
    connect: (host: string, port: number) => tls.TLSSocket;
    takeAdopted: (key: string) => tls.TLSSocket | undefined;
  }) {}

  /** Calls `done` with a connection (an idle one when `reuse` allows); returns a function that gives up waiting. */
  acquire(key: string, host: string, port: number, reuse: boolean, done: Acquired): () => void {
    if (reuse) {
      const idle = this.idle.get(key) ?? [];
      while (idle.length > 0) {
        const socket = idle.pop()!;
        this.leaveIdle(socket);
        if (!socket.destroyed && socket.writable) {
          done(undefined, socket, true);
          return () => undefined;
        }
        this.forget(key, socket);
      }
    }
    const open = this.sockets.get(key) ?? new Set<tls.TLSSocket>();
    this.sockets.set(key, open);
    if (open.size < this.options.maxSockets) return this.connect(key, host, port, open, done);
    const queue = this.waiters.get(key) ?? [];
    this.waiters.set(key, queue);
    let cancel: (() => void) | undefined;
    const wake = (): void => { cancel = this.acquire(key, host, port, reuse, done); };
    queue.push(wake);
    return () => {
      const index = queue.indexOf(wake);
      if (index >= 0) queue.splice(index, 1);
      cancel?.();
    };
  }

  /** Gives a connection back after a complete response: kept for the next request, or closed. */
  release(key: string, socket: tls.TLSSocket, reusable: boolean): void {
    if (!reusable || socket.destroyed) {
      this.discard(key, socket);
      return;
    }
    const onIdleTraffic = (): void => { socket.destroy(); };
    this.idleListeners.set(socket, onIdleTraffic);
    socket.on('data', onIdleTraffic);
    const idle = this.idle.get(key) ?? [];
    this.idle.set(key, idle);
    idle.push(socket);
    this.wakeOne(key);
  }

  /** Closes a connection that must not carry another request. */
  discard(key: string, socket: tls.TLSSocket): void {
    socket.destroy();
    this.forget(key, socket);
  }

  close(): void {
    for (const open of this.sockets.values()) for (const socket of open) socket.destroy();
    this.sockets.clear();
    this.idle.clear();
    this.waiters.clear();
  }

  private connect(key: string, host: string, port: number, open: Set<tls.TLSSocket>, done: Acquired): () => void {
    const adopted = this.options.takeAdopted(key);
    if (adopted) {
      this.watch(key, adopted, open);
      done(undefined, adopted, false);
      return () => undefined;
    }
    const socket = this.options.connect(host, port);
    this.watch(key, socket, open);
    const cleanup = (): void => {
      socket.off('secureConnect', onSecure);
      socket.off('error', onError);
    };
    const onSecure = (): void => {
      cleanup();
      done(undefined, socket, false);
    };
    const onError = (err: Error): void => {
      cleanup();
      this.discard(key, socket);
      done(err);
    };
    socket.once('secureConnect', onSecure);
    socket.once('error', onError);
    return () => {
      cleanup();
      this.discard(key, socket);
    };
  }

  /**
   * Listeners for the connection's whole life: errors never go unhandled, and a closed one is
   * forgotten. No Nagle delay (Node's http client turns it off too): a request larger than one
   * segment would otherwise wait for the server's delayed ACK before its last bytes are sent.
   */
  private watch(key: string, socket: tls.TLSSocket, open: Set<tls.TLSSocket>): void {
    socket.setNoDelay(true);
    open.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => this.forget(key, socket));
  }

  private leaveIdle(socket: tls.TLSSocket): void {
    const listener = this.idleListeners.get(socket);
    if (listener) socket.off('data', listener);
    this.idleListeners.delete(socket);
  }

  private forget(key: string, socket: tls.TLSSocket): void {
    const idle = this.idle.get(key);
    const index = idle?.indexOf(socket) ?? -1;
    if (idle && index >= 0) idle.splice(index, 1);
    this.leaveIdle(socket);
    if (this.sockets.get(key)?.delete(socket)) this.wakeOne(key);
  }

  private wakeOne(key: string): void {
    this.waiters.get(key)?.shift()?.();
  }
}

function http1Failure(err: unknown): TransportError {
  if (!(err instanceof Http1Error)) return toTransportError(err);
  switch (err.kind) {
    case 'tooLarge': return new TransportError('tooLarge', err.message);
    case 'closed': return new TransportError('network', err.message, CLOSED_EARLY);
    case 'malformed': return new TransportError('network', l10n.t('not a valid HTTP response: {0}', err.message));
  }
}


export class DirectEwsTransport extends EwsTransport {
  private readonly pool: DirectPool;

  constructor(options: TransportOptions = {}) {
    super(options);
    this.pool = new DirectPool({
      maxSockets: this.maxSockets,
      // connectTls sends the socket to the pinned node, if any, keeping `host` as the server name.
      connect: (host, port) => this.connectTls({ host, port, servername: net.isIP(host) ? undefined : host, secureContext: this.secureContext }),
      takeAdopted: (key) => this.takeAdopted(key),
    });
  }

  override close(): void {
    super.close();
    this.pool.close();
  }

  /**
   * One request over ./http1. A reused connection that closes or fails before the first byte of the
   * answer (the server dropped an idle keep-alive connection) is retried once on a new connection.
   */
  protected override send(req: PreparedRequest, done: (err: Error | undefined, res?: HttpResponse) => void): () => void {
    const pool = this.pool;
    const key = req.key;
    let bytes: Buffer;
    try {
      bytes = serializeRequest(req.method, req.authority, req.path, req.headers, req.body);
    } catch (err) {
      done(new TransportError('network', errorText(err)));
      return () => undefined;
    }
    let current: { socket: tls.TLSSocket; detach: () => void } | undefined;
    let giveUp: (() => void) | undefined;

    const use = (socket: tls.TLSSocket, reused: boolean): void => {
      const parser = new Http1ResponseParser(req.method, this.maxResponseBytes);
      let written = false;
      const detach = (): void => {
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('close', onEnd);
        socket.off('error', retryOrFail);
        current = undefined;
      };
      const retryOrFail = (err: unknown): void => {
        detach();
        pool.discard(key, socket);
        if (reused && !parser.started) start(false);
        else done(http1Failure(err));
      };
      const answer = (res: Http1Response, reusable: boolean): void => {
        detach();
        // An answer that came before our request was fully written leaves the connection in an
        // unknown state: not reused.
        pool.release(key, socket, reusable && written);
        done(undefined, toHttpResponse(res.status, res.statusText, res.headers, res.body));
      };
      const onData = (chunk: Buffer): void => {
        let res: Http1Response | undefined;
        try {
          res = parser.push(chunk);
        } catch (err) {
          detach();
          pool.discard(key, socket);
          done(http1Failure(err));
          return;
        }
        if (res) answer(res, res.keepAlive);
      };
      const onEnd = (): void => {
        let res: Http1Response;
        try {
          res = parser.end();
        } catch (err) {
          retryOrFail(err);
          return;
        }
        answer(res, false);
      };
      current = { socket, detach };
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('close', onEnd);
      socket.on('error', retryOrFail);
      socket.write(bytes, () => { written = true; });
    };
    const start = (reuse: boolean): void => {
      giveUp = pool.acquire(key, req.host, req.port, reuse, (err, socket, reused) => {
        giveUp = undefined;
        if (err || !socket) done(err ? http1Failure(err) : new TransportError('network', l10n.t('No connection')));
        else use(socket, reused === true);
      });
    };
    start(true);
    // The time limit or the caller's signal came first: stop waiting, or close the connection in use.
    return () => {
      giveUp?.();
      if (current) {
        const { socket, detach } = current;
        detach();
        pool.discard(key, socket);
      }
    };
  }
}
