/**
 * Broken and hostile EWS servers, one behaviour each, written over raw sockets so that a fault can
 * land exactly where it is wanted: during the TLS handshake, after the request headers, in the middle
 * of the response headers or body. Everything binds 127.0.0.1, uses the fake Exchange PKI (so the
 * client verifies a real chain with the test CA as its extra CA), and every timer and stream stops
 * when the client goes away or the server is stopped.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { getTestPki } from '../fake-exchange/certs';

export type HostileBehaviour =
  | 'reset-during-handshake'
  | 'close-after-handshake'
  | 'reset-after-request-headers'
  | 'reset-mid-response-headers'
  | 'reset-mid-body'
  | 'headers-one-byte-a-second'
  | 'body-64mib'
  | 'redirect-loop'
  | 'invalid-utf8'
  | 'doctype'
  | 'billion-laughs'
  | 'billion-laughs-to-the-library'
  | 'garbage-version'
  | 'no-www-authenticate'
  | 'tls10-only'
  | 'wrong-host-cert'
  | 'busy-for-an-hour';

export interface HostileServer {
  readonly url: string;
  readonly caPem: string;
  /** Bytes of response body written, summed over connections (the 64 MiB server reports progress). */
  readonly bodyBytesSent: () => number;
  stop(): Promise<void>;
}

export const HOSTILE_BODY_BYTES = 64 * 1024 * 1024;

const SOAP_START = '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">';
const VERSION_INFO = (attrs: string): string => `<s:Header><h:ServerVersionInfo ${attrs} xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header>`;
const GET_FOLDER_OK = '<s:Body><m:GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">'
  + '<m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:CalendarFolder>'
  + '<t:FolderId Id="AAMk" ChangeKey="AgAA"/><t:DisplayName>Calendar</t:DisplayName></t:CalendarFolder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>';
/** ErrorServerBusy asking the client to come back in an hour: a back-off no probe run should sit out. */
const BUSY_FOR_AN_HOUR = `${SOAP_START}<s:Body><s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>`
  + '<faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring><detail>'
  + '<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode>'
  + '<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">The server cannot service this request right now. Try again later.</e:Message>'
  + '<t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><t:Value Name="BackOffMilliseconds">3600000</t:Value></t:MessageXml>'
  + '</detail></s:Fault></s:Body></s:Envelope>';
const HEALTHY_VERSION = 'MajorVersion="15" MinorVersion="2" MajorBuildNumber="2562" MinorBuildNumber="17"';

const HEALTHY_BODY = Buffer.from(`${SOAP_START}${VERSION_INFO(HEALTHY_VERSION)}${GET_FOLDER_OK}`);

/** A response body that is valid EWS apart from the one thing the behaviour breaks. */
function soapBody(behaviour: HostileBehaviour): Buffer {
  switch (behaviour) {
    case 'invalid-utf8': {
      // A lone continuation byte and a truncated sequence inside the folder's display name.
      const [head, tail] = `${SOAP_START}${VERSION_INFO(HEALTHY_VERSION)}${GET_FOLDER_OK}`.split('Calendar</t:DisplayName>');
      return Buffer.concat([Buffer.from(head), Buffer.from([0x43, 0x61, 0x6c, 0x80, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from(`</t:DisplayName>${tail}`)]);
    }
    case 'doctype':
      return Buffer.from(`<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY ext SYSTEM "file:///etc/passwd">]>${SOAP_START.replace('<?xml version="1.0" encoding="utf-8"?>', '')}${VERSION_INFO(HEALTHY_VERSION)}${GET_FOLDER_OK.replace('Calendar<', '&ext;<')}`);
    case 'billion-laughs':
    case 'billion-laughs-to-the-library': {
      const levels = ['<!ENTITY lol0 "lol">'];
      for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
      return Buffer.from(`<?xml version="1.0"?><!DOCTYPE lolz [${levels.join('')}]>${SOAP_START.replace('<?xml version="1.0" encoding="utf-8"?>', '')}${VERSION_INFO(HEALTHY_VERSION)}${GET_FOLDER_OK.replace('Calendar<', '&lol9;<')}`);
    }
    case 'garbage-version':
      return Buffer.from(`${SOAP_START}${VERSION_INFO('MajorVersion="99999999999999999999999" MinorVersion="-1" MajorBuildNumber="0x1F" MinorBuildNumber="NaN" Version="V2017_07_11"')}${GET_FOLDER_OK}`);
    default:
      return HEALTHY_BODY;
  }
}

function response(status: string, headers: Record<string, string | string[]>, body: Buffer | string = ''): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`HTTP/1.1 ${status}`];
  for (const [name, value] of Object.entries({ ...headers, 'Content-Length': String(bytes.length) })) {
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), bytes]);
}

const CHALLENGE = response('401 Unauthorized', { 'WWW-Authenticate': ['Negotiate', 'NTLM', 'Basic realm="mail.contoso.com"'], 'Content-Type': 'text/html' }, 'Unauthorized');

interface ParsedRequest {
  headers: string;
  authorised: boolean;
  path: string;
}

/** Reads HTTP/1.1 requests off a socket; `onHeaders` may stop reading (false) before the body arrives. */
function readRequests(socket: tls.TLSSocket, onHeaders: (req: ParsedRequest) => boolean, onRequest: (req: ParsedRequest) => void): void {
  let buffered = Buffer.alloc(0);
  let pending: { req: ParsedRequest; bodyLength: number } | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    // Bounded: a request we cannot parse within 1 MiB is dropped.
    if (buffered.length > 1024 * 1024) {
      socket.destroy();
      return;
    }
    for (;;) {
      if (!pending) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const headers = buffered.subarray(0, end).toString('latin1');
        buffered = buffered.subarray(end + 4);
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headers)?.[1] ?? '0');
        const req: ParsedRequest = { headers, authorised: /\r\nauthorization:\s*basic /i.test(headers), path: headers.split(' ')[1] ?? '/' };
        if (!onHeaders(req)) return;
        pending = { req, bodyLength: length };
      }
      if (buffered.length < pending.bodyLength) return;
      buffered = buffered.subarray(pending.bodyLength);
      const { req } = pending;
      pending = undefined;
      onRequest(req);
    }
  });
}

/** Writes `bytes` one byte a second until done or the socket closes. */
function trickle(socket: tls.TLSSocket, bytes: Buffer, timers: Set<NodeJS.Timeout>): void {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= bytes.length) {
      clearInterval(timer);
      timers.delete(timer);
      return;
    }
    socket.write(bytes.subarray(index, index + 1));
    index++;
  }, 1000);
  timers.add(timer);
}

export async function startHostileServer(behaviour: HostileBehaviour): Promise<HostileServer> {
  const pki = await getTestPki();
  const credentials = behaviour === 'wrong-host-cert' ? pki.wrongHost : pki.healthy;
  const context = tls.createSecureContext({
    cert: credentials.certChainPem,
    key: credentials.keyPem,
    // OpenSSL 3 refuses TLS 1.0 at its default security level: level 0 lets the server offer it.
    ...(behaviour === 'tls10-only' ? { minVersion: 'TLSv1' as const, maxVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
  });
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let bodyBytes = 0;
  let url = '';
  let authorisedRequests = 0;

  const serve = (socket: tls.TLSSocket, raw: net.Socket): void => {
    readRequests(socket, () => {
      if (behaviour !== 'reset-after-request-headers') return true;
      raw.resetAndDestroy();
      return false;
    }, (req) => {
      if (behaviour === 'no-www-authenticate') {
        socket.write(response('401 Unauthorized', { 'Content-Type': 'text/html' }, 'Unauthorized'));
        return;
      }
      if (behaviour === 'reset-mid-response-headers') {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xm', () => raw.resetAndDestroy());
        return;
      }
      if (behaviour === 'headers-one-byte-a-second') {
        trickle(socket, CHALLENGE, timers);
        return;
      }
      if (!req.authorised) {
        socket.write(CHALLENGE);
        return;
      }
      authorisedRequests++;
      // The logon and access checks (our own parser) succeed; the calendar read, which goes
      // through ews-javascript-api, gets the entity bomb: it must never reach that library's parser.
      if (behaviour === 'billion-laughs-to-the-library' && authorisedRequests <= 2) {
        socket.write(response('200 OK', { 'Content-Type': 'text/xml; charset=utf-8' }, HEALTHY_BODY));
        return;
      }
      switch (behaviour) {
        case 'reset-mid-body': {
          const body = soapBody(behaviour);
          const whole = response('200 OK', { 'Content-Type': 'text/xml; charset=utf-8' }, body);
          socket.write(whole.subarray(0, whole.length - Math.floor(body.length / 2)), () => raw.resetAndDestroy());
          return;
        }
        case 'body-64mib': {
          socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: ${HOSTILE_BODY_BYTES}\r\n\r\n`);
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          // Writes as fast as the client reads, never queueing more than one chunk.
          const pump = (): void => {
            while (!socket.destroyed && bodyBytes < HOSTILE_BODY_BYTES) {
              bodyBytes += chunk.length;
              if (!socket.write(chunk)) {
                socket.once('drain', pump);
                return;
              }
            }
          };
          pump();
          return;
        }
        case 'busy-for-an-hour':
          socket.write(response('500 Internal Server Error', { 'Content-Type': 'text/xml; charset=utf-8' }, BUSY_FOR_AN_HOUR));
          return;
        case 'redirect-loop':
          socket.write(response('302 Found', { Location: url, 'Content-Type': 'text/html' }, 'Object moved'));
          return;
        default:
          socket.write(response('200 OK', { 'Content-Type': 'text/xml; charset=utf-8' }, soapBody(behaviour)));
      }
    });
  };

  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => undefined);
    if (behaviour === 'reset-during-handshake') {
      // Read the ClientHello, then reset: the client is mid-handshake.
      raw.once('data', () => raw.resetAndDestroy());
      return;
    }
    const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
    socket.on('error', () => undefined);
    // A load balancer that drops idle connections: the probe's verified connection is closed before any request.
    socket.on('secure', () => (behaviour === 'close-after-handshake' ? socket.end() : serve(socket, raw)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  // The healthy leaf names localhost and 127.0.0.1; the wrong-host leaf names mail.fabrikam.com only.
  url = `https://localhost:${port}/EWS/Exchange.asmx`;
  return {
    url,
    caPem: pki.caPem,
    bodyBytesSent: () => bodyBytes,
    async stop() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
