import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { DirectEwsTransport } from '../../src/core/ews/directTransport';
import { EwsTransport, TransportError, toHttpResponse, type HttpResponse, type PreparedRequest, type TransportOptions } from '../../src/core/ews/transport';
import { inspectTls } from '../../src/core/ews/network';
import { getTestPki, type TestPki } from '../fake-exchange/certs';

/** A throwaway HTTPS server with one behaviour per path. */
async function startServer(pki: TestPki, chain = pki.healthy): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = https.createServer({ cert: chain.certChainPem, key: chain.keyPem }, (req, res) => {
    switch (req.url) {
      case '/ok':
        res.end('hello');
        return;
      case '/auth':
        res.writeHead(401, [['WWW-Authenticate', 'Negotiate'], ['WWW-Authenticate', 'NTLM'], ['WWW-Authenticate', 'Basic realm="mail.contoso.com"']]);
        res.end();
        return;
      case '/redirect':
        res.writeHead(302, { Location: '/ews/genericerrorpage.htm' });
        res.end();
        return;
      case '/big':
        res.end(Buffer.alloc(256 * 1024, 0x41));
        return;
      case '/never':
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://localhost:${port}`,
    port,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

for (const direct of [false, true]) describe(`EWS transport (${direct ? 'direct HTTP/1.1' : 'node https'})`, function () {
  const make = (options: TransportOptions): EwsTransport => (direct ? new DirectEwsTransport(options) : new EwsTransport(options));
  this.timeout(20_000);
  let pki: TestPki;
  let server: Awaited<ReturnType<typeof startServer>>;

  before(async () => {
    pki = await getTestPki();
    server = await startServer(pki);
  });
  after(() => server.close());

  it('trusts an internal CA only when it is given, and verification survives NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const originalEmitWarning = process.emitWarning;
    process.emitWarning = () => undefined;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    const publicOnly = make({});
    try {
      await assert.rejects(publicOnly.request({ url: `${server.url}/ok` }), (err: TransportError) => err.kind === 'tls' && err.code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    } finally {
      publicOnly.close();
      if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
      process.emitWarning = originalEmitWarning;
    }
    const withCa = make({ extraCaPem: pki.caPem });
    try {
      const res = await withCa.request({ url: `${server.url}/ok` });
      assert.equal(res.status, 200);
      assert.equal(res.body, 'hello');
    } finally {
      withCa.close();
    }
  });

  it('keeps repeated WWW-Authenticate headers apart', async () => {
    const t = make({ extraCaPem: pki.caPem });
    try {
      const res = await t.request({ url: `${server.url}/auth`, method: 'POST', body: '<x/>' });
      assert.equal(res.status, 401);
      assert.deepEqual(res.headers['www-authenticate'], ['Negotiate', 'NTLM', 'Basic realm="mail.contoso.com"']);
    } finally {
      t.close();
    }
  });

  it('does not follow redirects: a 302 is returned as it is', async () => {
    const t = make({ extraCaPem: pki.caPem });
    try {
      const res = await t.request({ url: `${server.url}/redirect` });
      assert.equal(res.status, 302);
      assert.deepEqual(res.headers.location, ['/ews/genericerrorpage.htm']);
    } finally {
      t.close();
    }
  });

  it('refuses a control character in a header value, and never passes one on from the reason phrase', async () => {
    // Raw bytes: Node's own server would refuse to send these. Node's parser (llhttp) refuses a control
    // character in a header value itself but keeps one in the reason phrase; our parser refuses both.
    const raw = tls.createServer({ cert: pki.healthy.certChainPem, key: pki.healthy.keyPem }, (socket) => {
      socket.once('data', (request: Buffer) => {
        const path = request.toString('latin1').split(' ')[1];
        socket.end(path === '/location'
          ? 'HTTP/1.1 302 Found\r\nLocation: https://x/\u001b]0;pwned\u0007\r\nContent-Length: 0\r\n\r\n'
          : 'HTTP/1.1 500 \u001b[2J\u001b[32mOK\r\nContent-Length: 0\r\n\r\n');
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const url = `https://localhost:${(raw.address() as AddressInfo).port}`;
    const t = make({ extraCaPem: pki.caPem });
    try {
      await assert.rejects(t.request({ url: `${url}/location` }), (err: unknown) => err instanceof TransportError
        && (direct ? /header Location with a control character \(U\+001B\)/ : /Invalid header value char/).test(err.message));
      if (direct) {
        await assert.rejects(t.request({ url: `${url}/status` }), (err: unknown) => err instanceof TransportError && /status line \(or one with a control character in it\)/.test(err.message));
      } else {
        const res = await t.request({ url: `${url}/status` });
        assert.equal(res.status, 500);
        assert.equal(res.statusText, '');
      }
    } finally {
      t.close();
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });

  it('reuses one keep-alive connection and counts connections and handshakes', async () => {
    const t = make({ extraCaPem: pki.caPem, maxSockets: 1 });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await t.request({ url: `${server.url}/ok` })).status, 200);
      assert.deepEqual(t.stats(), { requests: 5, tcpConnections: 1, tlsHandshakes: 1 });
    } finally {
      t.close();
    }
  });

  it('caps the response size', async () => {
    const t = make({ extraCaPem: pki.caPem, maxResponseBytes: 64 * 1024 });
    try {
      await assert.rejects(t.request({ url: `${server.url}/big` }), (err: TransportError) => err.kind === 'tooLarge');
    } finally {
      t.close();
    }
  });

  it('times out a request that gets no answer, within its budget', async () => {
    const t = make({ extraCaPem: pki.caPem, requestTimeoutMs: 300 });
    const started = Date.now();
    try {
      await assert.rejects(t.request({ url: `${server.url}/never` }), (err: TransportError) => err.kind === 'timeout');
      assert.ok(Date.now() - started < 2_000);
    } finally {
      t.close();
    }
  });

  it('cancels through an AbortSignal', async () => {
    const t = make({ extraCaPem: pki.caPem });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    try {
      await assert.rejects(t.request({ url: `${server.url}/never`, signal: controller.signal }), (err: TransportError) => err.kind === 'aborted');
    } finally {
      t.close();
    }
  });

  it('applies a connect timeout when the TLS handshake never completes', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => { sockets.push(s); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const t = make({ connectTimeoutMs: 200, requestTimeoutMs: 5_000 });
    try {
      await assert.rejects(t.request({ url: `https://localhost:${port}/x` }), (err: TransportError) => err.kind === 'connectTimeout');
    } finally {
      t.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('refuses plain http', async () => {
    const t = make({});
    await assert.rejects(t.request({ url: 'http://localhost/EWS/Exchange.asmx' }), TransportError);
    t.close();
  });

  it('inspectTls reports protocol and certificate with the extra CA, and the public-roots failure without it', async () => {
    const trusted = await inspectTls('localhost', server.port, pki.caPem, 5_000);
    assert.equal(trusted.ok, true);
    assert.match(trusted.protocol ?? '', /^TLSv1\.[23]$/);
    assert.ok(trusted.certificate?.altNames.includes('DNS:localhost'));
    const publicOnly = await inspectTls('localhost', server.port, undefined, 5_000);
    assert.equal(publicOnly.ok, false);
    assert.equal(publicOnly.errorCode, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });
});

describe('EWS transport: the request as the engines receive it', () => {
  /** Records what request() hands to the engine, and answers at once. */
  class Recording extends EwsTransport {
    readonly seen: PreparedRequest[] = [];
    protected override send(req: PreparedRequest, done: (err: Error | undefined, res?: HttpResponse) => void): () => void {
      this.seen.push(req);
      done(undefined, toHttpResponse(200, 'OK', {}, Buffer.from('ok')));
      return () => undefined;
    }
  }

  it('adds Content-Length (in bytes) to a copy of the caller\'s headers, never to the caller\'s object', async () => {
    const transport = new Recording();
    const headers = { 'Content-Type': 'text/xml; charset=utf-8', 'X-AnchorMailbox': 'zoë@contoso.com' };
    await transport.request({ url: 'https://mail.contoso.com/EWS/Exchange.asmx', method: 'POST', headers, body: '<a>zoë</a>' });
    await transport.request({ url: 'https://mail.contoso.com/EWS/Exchange.asmx', method: 'POST', headers, body: '<a/>' });
    assert.deepEqual(headers, { 'Content-Type': 'text/xml; charset=utf-8', 'X-AnchorMailbox': 'zoë@contoso.com' });
    assert.deepEqual(transport.seen.map((r) => r.headers), [
      { 'Content-Type': 'text/xml; charset=utf-8', 'X-AnchorMailbox': 'zoë@contoso.com', 'Content-Length': 11 },
      { 'Content-Type': 'text/xml; charset=utf-8', 'X-AnchorMailbox': 'zoë@contoso.com', 'Content-Length': 4 },
    ]);
    assert.notEqual(transport.seen[0].headers, transport.seen[1].headers);
    transport.close();
  });
});
