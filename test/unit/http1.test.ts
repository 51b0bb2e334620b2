import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import fc from 'fast-check';
import { Http1Error, Http1ResponseParser, serializeRequest, type Http1Response } from '../../src/core/ews/http1';
import { DirectEwsTransport } from '../../src/core/ews/directTransport';
import { CLOSED_EARLY, TransportError } from '../../src/core/ews/transport';
import { getTestPki, type TestPki } from '../fake-exchange/certs';

/** Feeds the text in pieces of `step` bytes; returns the response from the push that completed it. */
function parse(text: string | Buffer, step = Infinity, method = 'POST', cap = 1024 * 1024): Http1Response | undefined {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const parser = new Http1ResponseParser(method, cap);
  let result: Http1Response | undefined;
  for (let i = 0; i < bytes.length; i += Math.min(step, bytes.length)) {
    const res = parser.push(bytes.subarray(i, Math.min(bytes.length, i + step)));
    if (res) {
      assert.equal(result, undefined, 'completed twice');
      result = res;
    }
  }
  return result;
}

function rejects(text: string, kind: Http1Error['kind'], pattern: RegExp, cap?: number): void {
  assert.throws(() => parse(text, Infinity, 'POST', cap), (err: unknown) => err instanceof Http1Error && err.kind === kind && pattern.test(err.message));
}

describe('HTTP/1.1 response parser', () => {
  it('reads a Content-Length response whole and byte by byte', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello';
    for (const step of [Infinity, 1, 3]) {
      const res = parse(text, step);
      assert.ok(res);
      assert.equal(res.status, 200);
      assert.equal(res.statusText, 'OK');
      assert.equal(res.body.toString(), 'hello');
      assert.deepEqual(res.headers['set-cookie'], ['a=1', 'b=2']);
      assert.equal(res.keepAlive, true);
    }
  });

  it('reads a chunked response with extensions and trailers, byte by byte', () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n';
    for (const step of [Infinity, 1, 7]) {
      const res = parse(text, step);
      assert.equal(res?.body.toString(), 'Wikipedia in\r\n\r\nchunks.');
      assert.equal(res?.keepAlive, true);
    }
  });

  it('skips 100 Continue and reads the answer after it', () => {
    const res = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="x"\r\nContent-Length: 0\r\n\r\n', 5);
    assert.equal(res?.status, 401);
    assert.deepEqual(res?.headers['www-authenticate'], ['Basic realm="x"']);
  });

  it('expects no body after HEAD, 204 and 304', () => {
    assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', Infinity, 'HEAD')?.body.length, 0);
    assert.equal(parse('HTTP/1.1 204 No Content\r\n\r\n')?.status, 204);
    assert.equal(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')?.status, 304);
  });

  it('reads a body without a length to the end of the connection, and never reuses that connection', () => {
    const parser = new Http1ResponseParser('POST', 1024);
    assert.equal(parser.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\npart one, ')), undefined);
    assert.equal(parser.push(Buffer.from('part two')), undefined);
    const res = parser.end();
    assert.equal(res.body.toString(), 'part one, part two');
    assert.equal(res.keepAlive, false);
  });

  it('does not reuse a connection after Connection: close, HTTP/1.0 or extra bytes', () => {
    assert.equal(parse('HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n')?.keepAlive, false);
    assert.equal(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')?.keepAlive, false);
    assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy')?.keepAlive, false);
  });

  it('tells a connection closed before any byte from one closed mid-response', () => {
    const silent = new Http1ResponseParser('POST', 1024);
    assert.equal(silent.started, false);
    assert.throws(() => silent.end(), (err: unknown) => err instanceof Http1Error && err.kind === 'closed' && /closed the connection before answering/.test(err.message));
    const cut = new Http1ResponseParser('POST', 1024);
    cut.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    assert.equal(cut.started, true);
    assert.throws(() => cut.end(), (err: unknown) => err instanceof Http1Error && err.kind === 'closed' && /closed the connection before its answer was complete/.test(err.message));
  });

  it('refuses what request smuggling and header injection rely on', () => {
    rejects('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 'malformed', /Both Transfer-Encoding and Content-Length/);
    rejects('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello', 'malformed', /Bad Content-Length/);
    rejects('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'malformed', /Bad Content-Length/);
    rejects('HTTP/1.1 200 OK\r\nContent-Length: \xa05\r\n\r\nhello', 'malformed', /Bad Content-Length/);
    rejects('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 'malformed', /Unsupported Transfer-Encoding/);
    rejects('HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n', 'malformed', /folded/);
    rejects('HTTP/1.1 200 OK\r\nBad Header: 1\r\n\r\n', 'malformed', /malformed header line/);
    rejects('HTTP/1.1 200 OK\r\nX-A: 1\nX-B: 2\r\nContent-Length: 0\r\n\r\n', 'malformed', /control character/);
    rejects('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'malformed', /Bad chunk size/);
    rejects('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY', 'malformed', /does not end with CRLF/);
    rejects('ICY 200 OK\r\n\r\n', 'malformed', /Not an HTTP\/1.x status line/);
    rejects('HTTP/2 200\r\n\r\n', 'malformed', /Not an HTTP\/1.x status line/);
    rejects('HTTP/1.1 101 Switching Protocols\r\n\r\n', 'malformed', /unrequested protocol switch/);
  });

  it('refuses a control character in a header value or the reason phrase (RFC 9110 section 5.5, RFC 9112 section 4), keeps tabs and obs-text', () => {
    for (const code of [0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f]) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      rejects(`HTTP/1.1 302 Found\r\nLocation: https://x/${String.fromCharCode(code)}]0;t\r\nContent-Length: 0\r\n\r\n`, 'malformed',
        new RegExp(`^The server sent the header Location with a control character \\(U\\+${hex}\\), which HTTP does not allow in a field value \\(RFC 9110, section 5\\.5\\)$`));
      rejects(`HTTP/1.1 500 Oops${String.fromCharCode(code)}[2J\r\nContent-Length: 0\r\n\r\n`, 'malformed', /^Not an HTTP\/1\.x status line \(or one with a control character in it\)/);
    }
    const kept = parse('HTTP/1.1 302 Moved\tna\xefve \xc2\x9b\r\nLocation: https://x/\ta\xe9\x9b\r\nContent-Length: 0\r\n\r\n');
    assert.deepEqual(kept?.headers.location, ['https://x/\ta\xe9\x9b']);
    assert.equal(kept?.statusText, 'Moved\tna\xefve \xc2\x9b');
    assert.equal(parse('HTTP/1.1 204\r\n\r\n')?.statusText, '');
  });

  it('caps headers, chunk lines and the body before buffering them', () => {
    rejects(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}`, 'malformed', /headers larger than/);
    rejects(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1${' '.repeat(2000)}`, 'malformed', /chunk size line longer/);
    rejects('HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n', 'tooLarge', /exceeded 1000 bytes/, 1000);
    rejects('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3E9\r\n', 'tooLarge', /exceeded 1000 bytes/, 1000);
    const parser = new Http1ResponseParser('POST', 10);
    parser.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\n0123456789'));
    assert.throws(() => parser.push(Buffer.from('!')), (err: unknown) => err instanceof Http1Error && err.kind === 'tooLarge');
  });

  it('reads the same response however the bytes are split (property)', () => {
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 3000 }), fc.boolean(), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 97 }),
      (bodyBytes, chunked, chunkSizes, step) => {
        const body = Buffer.from(bodyBytes);
        let wire: Buffer;
        if (chunked) {
          const parts: Buffer[] = [Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')];
          for (let at = 0, i = 0; at < body.length; i++) {
            const size = Math.min(chunkSizes[i % chunkSizes.length], body.length - at);
            parts.push(Buffer.from(`${size.toString(16)}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'));
            at += size;
          }
          parts.push(Buffer.from('0\r\n\r\n'));
          wire = Buffer.concat(parts);
        } else {
          wire = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
        }
        const res = parse(wire, step);
        return res !== undefined && res.body.equals(body) && res.keepAlive;
      }), { numRuns: 300 });
  });

  it('answers any bytes with a response, a wait for more or an Http1Error, never anything else (property)', () => {
    const pieces = fc.constantFrom('HTTP/1.1 200 OK\r\n', 'HTTP/1.0 404 x\r\n', 'Content-Length: 3\r\n', 'Transfer-Encoding: chunked\r\n', '\r\n', '3\r\nabc\r\n', '0\r\n', 'ffffffff\r\n', ' folded\r\n', 'X: \0\r\n', '\n', 'HTTP/1.1 100 Continue\r\n\r\n');
    fc.assert(fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 12 })), { maxLength: 20 }), fc.integer({ min: 1, max: 50 }), (parts, step) => {
      const parser = new Http1ResponseParser('POST', 4096);
      const bytes = Buffer.from(parts.join(''), 'latin1');
      try {
        let done = false;
        for (let i = 0; i < bytes.length && !done; i += step) done = parser.push(bytes.subarray(i, i + step)) !== undefined;
        if (!done) parser.end();
      } catch (err) {
        return err instanceof Http1Error;
      }
      return true;
    }), { numRuns: 2000 });
  });

  it('writes a request with Host, headers and body, and refuses header injection', () => {
    const bytes = serializeRequest('POST', 'mail.contoso.com:8443', '/EWS/Exchange.asmx', { 'Content-Type': 'text/xml', 'Content-Length': 3 }, Buffer.from('<a>'));
    assert.equal(bytes.toString('latin1'), 'POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: mail.contoso.com:8443\r\nContent-Type: text/xml\r\nContent-Length: 3\r\n\r\n<a>');
    assert.throws(() => serializeRequest('GET', 'h', '/', { 'X-A': 'a\r\nX-Evil: 1' }, undefined), /Refusing to send the header/);
    assert.throws(() => serializeRequest('GET', 'h', '/', { 'Bad Name': 'a' }, undefined), /Refusing to send the header/);
    assert.throws(() => serializeRequest('GET', 'h\r\nX: 1', '/', {}, undefined), /Not a host/);
    assert.throws(() => serializeRequest('GET', 'h', '/a b', {}, undefined), /Not a request path/);
  });
});

/**
 * A TLS server speaking just enough HTTP/1.1 for the connection pool's own behaviours: `handle`
 * gets each request's head and the connection's request count, and writes what it likes.
 */
async function rawServer(pki: TestPki, handle: (socket: tls.TLSSocket, head: string, nth: number) => void): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ cert: pki.healthy.certChainPem, key: pki.healthy.keyPem }, (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    let nth = 0;
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        handle(socket, head, ++nth);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/** A raw server with `handle`, a transport with `options`, and `post()` for one small request; both closed after `body`. */
async function withServer(
  pki: TestPki,
  handle: (socket: tls.TLSSocket, head: string, nth: number) => void,
  options: { maxSockets?: number },
  body: (server: { connections: () => number }, t: DirectEwsTransport, post: (signal?: AbortSignal) => Promise<{ body: string }>) => Promise<void>,
): Promise<void> {
  const server = await rawServer(pki, handle);
  const t = new DirectEwsTransport({ extraCaPem: pki.caPem, requestTimeoutMs: 5_000, ...options });
  try {
    await body(server, t, (signal) => t.request({ url: server.url, method: 'POST', body: '<x/>', signal }));
  } finally {
    t.close();
    await server.close();
  }
}

describe('direct HTTP/1.1 transport: connections', function () {
  this.timeout(20_000);
  let pki: TestPki;
  before(async () => { pki = await getTestPki(); });

  it('retries once on a new connection when a reused one closes before answering', async () => {
    // The server drops every connection at its second request without a word, as a server does
    // when it closes an idle keep-alive connection just as the client reuses it.
    await withServer(pki, (socket, _head, nth) => { if (nth === 1) socket.write(OK); else socket.destroy(); }, { maxSockets: 1 }, async (server, t, post) => {
      for (let i = 0; i < 3; i++) assert.equal((await post()).body, 'ok');
      assert.equal(server.connections(), 3);
      assert.deepEqual(t.stats(), { requests: 3, tcpConnections: 3, tlsHandshakes: 3 });
    });
  });

  it('does not retry a new connection that closes before answering', async () => {
    await withServer(pki, (socket) => { socket.destroy(); }, {}, async (server, _t, post) => {
      await assert.rejects(post(), (err: unknown) => err instanceof TransportError && err.kind === 'network' && err.code === CLOSED_EARLY);
      assert.equal(server.connections(), 1);
    });
  });

  it('does not retry once any byte of the answer has come', async () => {
    const handle = (socket: tls.TLSSocket, _head: string, nth: number): void => {
      if (nth === 1) socket.write(OK);
      else { socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'); socket.destroy(); }
    };
    await withServer(pki, handle, { maxSockets: 1 }, async (server, _t, post) => {
      await post();
      await assert.rejects(post(), /before its answer was complete/);
      assert.equal(server.connections(), 1);
    });
  });

  it('closes an idle connection that sends bytes nobody asked for, and uses a new one', async () => {
    const handle = (socket: tls.TLSSocket, _head: string, nth: number): void => {
      socket.write(OK);
      if (nth === 1) setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale'), 50);
    };
    await withServer(pki, handle, { maxSockets: 1 }, async (server, _t, post) => {
      assert.equal((await post()).body, 'ok');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await post()).body, 'ok', 'not the stale answer');
      assert.equal(server.connections(), 2);
    });
  });

  it('does not reuse a connection whose answer came before the request was fully written', async () => {
    // A server that answers 413 as soon as it has the head, without reading a large body.
    let connections = 0;
    const server = tls.createServer({ cert: pki.healthy.certChainPem, key: pki.healthy.keyPem }, (socket) => {
      connections++;
      socket.on('error', () => undefined);
      let head = '';
      let answered = false;
      socket.on('data', (chunk) => {
        if (answered) return;
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        answered = true;
        const big = /content-length: (\d+)/i.exec(head)?.[1] !== '4';
        socket.write(big ? 'HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 0\r\n\r\n' : OK);
        if (!big) { answered = false; head = ''; }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://localhost:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`;
    const t = new DirectEwsTransport({ extraCaPem: pki.caPem, maxSockets: 1, requestTimeoutMs: 5_000 });
    try {
      assert.equal((await t.request({ url, method: 'POST', body: 'x'.repeat(16 * 1024 * 1024) })).status, 413);
      assert.equal((await t.request({ url, method: 'POST', body: '<x/>' })).body, 'ok');
      assert.equal(connections, 2);
    } finally {
      t.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('keeps to maxSockets connections and queues the rest', async () => {
    await withServer(pki, (socket) => { setTimeout(() => socket.write(OK), 20); }, { maxSockets: 3 }, async (server, t, post) => {
      const answers = await Promise.all(Array.from({ length: 12 }, () => post()));
      assert.ok(answers.every((a) => a.body === 'ok'));
      assert.equal(server.connections(), 3);
      assert.deepEqual(t.stats(), { requests: 12, tcpConnections: 3, tlsHandshakes: 3 });
    });
  });

  it('gives a queued request up when it is cancelled, and the queue moves on', async () => {
    await withServer(pki, (socket) => { setTimeout(() => socket.write(OK), 100); }, { maxSockets: 1 }, async (server, _t, post) => {
      const controller = new AbortController();
      const first = post();
      const queued = post(controller.signal);
      const third = post();
      controller.abort();
      await assert.rejects(queued, (err: unknown) => err instanceof TransportError && err.kind === 'aborted');
      assert.equal((await first).body, 'ok');
      assert.equal((await third).body, 'ok');
      assert.equal(server.connections(), 1);
    });
  });
});
