/**
 * A hostile EWS server for the CLI's output: it offers Basic like Exchange, lets the service account
 * log on and reach HEALTHY_MAILBOX, then answers every request for another mailbox (X-AnchorMailbox:
 * the access check, the mailbox verification) with what it was sent, dressed to attack the terminal: the decoded
 * password in a ResponseCode, a SOAP fault or a redirect Location (raw, percent-encoded with lower-case
 * hex, inside base64url), and escape sequences that retitle the terminal (OSC 0), clear it (CSI 2J) and
 * print a fake green "OK: all checks passed" line, as 7-bit ESC sequences and as C1 controls, with a
 * bidi override. Raw TLS sockets, so that header bytes are exactly what the attack needs; binds
 * 127.0.0.1 with the fake Exchange PKI.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { getTestPki } from '../fake-exchange/certs';

export type EchoAttack =
  /** 200 with ResponseClass="Error" whose ResponseCode is the password and 7-bit escape sequences. */
  | 'response-code'
  /** The same with C1 controls (CSI U+009B, OSC U+009D) and a right-to-left override instead of ESC. */
  | 'response-code-c1'
  /** 500 SOAP fault whose detail ResponseCode and faultstring carry the password and escapes. */
  | 'fault'
  /** 302 whose Location holds the password raw, percent-encoded (lower-case hex) and in base64url. */
  | 'location'
  /** 302 whose Location holds an escape sequence: a control character in a header value. */
  | 'location-escape'
  /** 500 whose reason phrase holds an escape sequence. */
  | 'status-escape';

export const ECHO_ATTACKS: readonly EchoAttack[] = ['response-code', 'response-code-c1', 'fault', 'location', 'location-escape', 'status-escape'];

/** What the terminal attacks write: retitle, clear the screen, then a forged green result line. */
export const ESCAPES_7BIT = '\u001b]0;pwned\u0007\u001b[2J\u001b[H\n\u001b[32mOK: all checks passed\u001b[0m\n';
export const ESCAPES_C1 = '\u009d0;pwned\u009c\u009b2J\u009bH\u0085\u202eOK: all checks passed\u202c';

/** The one mailbox the server serves honestly (with a folder for every request, even a FindItem). */
export const HEALTHY_MAILBOX = 'alice@contoso.com';

export interface EchoServer {
  readonly url: string;
  readonly caPem: string;
  stop(): Promise<void>;
}

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const TYPES = 'http://schemas.microsoft.com/exchange/services/2006/types';
const MESSAGES = 'http://schemas.microsoft.com/exchange/services/2006/messages';
const ERRORS = 'http://schemas.microsoft.com/exchange/services/2006/errors';
const VERSION = `<s:Header><h:ServerVersionInfo xmlns:h="${TYPES}" MajorVersion="15" MinorVersion="2" MajorBuildNumber="2562" MinorBuildNumber="17" Version="V2017_07_11"/></s:Header>`;

const LOGON_OK = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP}">${VERSION}<s:Body><m:GetFolderResponse xmlns:m="${MESSAGES}" xmlns:t="${TYPES}">`
  + '<m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:CalendarFolder>'
  + '<t:FolderId Id="AAMk" ChangeKey="AgAA"/><t:DisplayName>Calendar</t:DisplayName></t:CalendarFolder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>';

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const percentLower = (text: string): string => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

function reply(statusLine: string, headers: Record<string, string>, body = ''): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  const head = [statusLine, ...Object.entries({ ...headers, 'Content-Length': String(bytes.length) }).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), bytes]);
}

function answer(attack: EchoAttack, user: string, password: string): Buffer {
  const said = `${password} ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  switch (attack) {
    case 'response-code':
    case 'response-code-c1': {
      const escapes = attack === 'response-code' ? ESCAPES_7BIT : ESCAPES_C1;
      const body = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP}">${VERSION}<s:Body><m:GetFolderResponse xmlns:m="${MESSAGES}" xmlns:t="${TYPES}">`
        + `<m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>${xmlText(escapes + said)}</m:MessageText>`
        + `<m:ResponseCode>${xmlText(`ErrorAccessDenied ${said}${escapes}`)}</m:ResponseCode></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>`;
      return reply('HTTP/1.1 200 OK', { 'Content-Type': 'text/xml; charset=utf-8' }, body);
    }
    case 'fault': {
      const text = xmlText(`${said}${ESCAPES_7BIT}${ESCAPES_C1}`);
      const body = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP}">${VERSION}<s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>${text}</faultstring>`
        + `<detail><e:ResponseCode xmlns:e="${ERRORS}">ErrorImpersonateUserDenied${text}</e:ResponseCode><e:Message xmlns:e="${ERRORS}">${text}</e:Message></detail></s:Fault></s:Body></s:Envelope>`;
      return reply('HTTP/1.1 500 Internal Server Error', { 'Content-Type': 'text/xml; charset=utf-8' }, body);
    }
    case 'location': {
      const basic = Buffer.from(`${user}:${password}`).toString('base64url');
      return reply('HTTP/1.1 302 Found', { Location: `https://mail.contoso.com/owa/?p=${password}&q=${percentLower(password)}&t=${basic}`, 'Content-Type': 'text/html' }, 'moved');
    }
    case 'location-escape':
      return reply('HTTP/1.1 302 Found', { Location: `https://mail.contoso.com/owa/${ESCAPES_7BIT.replace(/\n/g, '')}`, 'Content-Type': 'text/html' }, 'moved');
    case 'status-escape':
      return reply(`HTTP/1.1 500 ${ESCAPES_7BIT.replace(/\n/g, '')}`, { 'Content-Type': 'text/html' }, 'no');
  }
}

/** Starts the server; the logon and HEALTHY_MAILBOX pass, every request for another mailbox gets the attack's answer. */
export async function startEchoServer(attack: EchoAttack): Promise<EchoServer> {
  const pki = await getTestPki();
  const context = tls.createSecureContext({ cert: pki.healthy.certChainPem, key: pki.healthy.keyPem });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => undefined);
    const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? '0');
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.subarray(end + 4 + length);
        const basic = /\r\nauthorization:\s*basic\s+(\S+)/i.exec(head)?.[1];
        if (basic === undefined) {
          socket.write(reply('HTTP/1.1 401 Unauthorized', { 'WWW-Authenticate': 'Basic realm="mail.contoso.com"', 'Content-Type': 'text/plain' }, 'Unauthorized'));
          continue;
        }
        const anchor = /\r\nx-anchormailbox:\s*(\S+)/i.exec(head)?.[1];
        if (anchor === undefined || anchor.toLowerCase() === HEALTHY_MAILBOX) {
          socket.write(reply('HTTP/1.1 200 OK', { 'Content-Type': 'text/xml; charset=utf-8' }, LOGON_OK));
          continue;
        }
        const decoded = Buffer.from(basic, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        socket.write(answer(attack, decoded.slice(0, colon), decoded.slice(colon + 1)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`,
    caPem: pki.caPem,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
