/**
 * A local fake of Autodiscover: one HTTPS server (the test PKI's leaf for 127.0.0.1) and one plain
 * HTTP server, both on 127.0.0.1, that answer per virtual host (certificate from ../fake-exchange/certs). The code under test asks for
 * https://contoso.test/... and friends; `loopbackTransport` and `loopbackHttpGet` send those
 * requests to the fake instead (keeping the original host in the Host header, which Node also uses
 * for SNI and the certificate name check), so no real DNS or network is involved while the real
 * transport (TLS verification against the asked-for name, timeouts, abort) still runs.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { getTestPki } from '../fake-exchange/certs';
import { AUTODISCOVER_RESPONSE_NS, plainHttpGet, type HttpsRequester, type PlainHttpGet } from '../../src/core/autodiscover';
import { escapeXml } from '../../src/core/ews/xml';

export interface FakeHttpRequest {
  secure: boolean;
  host: string;
  method: string;
  path: string;
  authorization?: string;
  body: string;
}

/** `hang` never answers (for timeouts and cancellation). */
export type FakeReply = { status: number; headers?: Record<string, string>; body?: string | Buffer } | 'hang';

export type FakeRoute = (req: FakeHttpRequest) => FakeReply;

export interface AutodiscoverFake {
  readonly caPem: string;
  readonly httpsPort: number;
  readonly httpPort: number;
  /** Every request received, in order. */
  readonly requests: FakeHttpRequest[];
  /** Answers for a host (`https://host` or `http://host` keys); unknown hosts get 404. */
  routes: Map<string, FakeRoute>;
  close(): Promise<void>;
}

export function settingsXml(protocols: Array<{ type: string; ewsUrl?: string; asUrl?: string }>): string {
  const body = protocols.map((p) => [
    '<Protocol>',
    `<Type>${p.type}</Type>`,
    p.ewsUrl ? `<EwsUrl>${escapeXml(p.ewsUrl)}</EwsUrl>` : '',
    p.asUrl ? `<ASUrl>${escapeXml(p.asUrl)}</ASUrl>` : '',
    '</Protocol>',
  ].join('')).join('');
  return accountXml(`<AccountType>email</AccountType><Action>settings</Action>${body}`);
}

export function redirectAddrXml(email: string): string {
  return accountXml(`<Action>redirectAddr</Action><RedirectAddr>${escapeXml(email)}</RedirectAddr>`);
}

export function redirectUrlXml(url: string): string {
  return accountXml(`<Action>redirectUrl</Action><RedirectUrl>${escapeXml(url)}</RedirectUrl>`);
}

function accountXml(inner: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="${AUTODISCOVER_RESPONSE_NS}"><Account>${inner}</Account></Response></Autodiscover>`;
}

export const xmlReply = (body: string): FakeReply => ({ status: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body });
export const redirectReply = (location: string, status = 302): FakeReply => ({ status, headers: { Location: location } });

export async function startAutodiscoverFake(): Promise<AutodiscoverFake> {
  const pki = await getTestPki();
  const requests: FakeHttpRequest[] = [];
  const routes = new Map<string, FakeRoute>();
  const hanging = new Set<http.ServerResponse>();
  const handle = (secure: boolean) => (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const record: FakeHttpRequest = {
        secure, host, method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(record);
      const route = routes.get(`${secure ? 'https' : 'http'}://${host}`);
      const reply = route ? route(record) : { status: 404, body: 'no such host in the fake' };
      if (reply === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body ?? '');
    });
  };
  const secureServer = https.createServer({ cert: pki.fakeHosts.certChainPem, key: pki.fakeHosts.keyPem }, handle(true));
  const plainServer = http.createServer(handle(false));
  await Promise.all([secureServer, plainServer].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  return {
    caPem: pki.caPem,
    httpsPort: (secureServer.address() as AddressInfo).port,
    httpPort: (plainServer.address() as AddressInfo).port,
    requests,
    routes,
    async close() {
      for (const res of hanging) res.destroy();
      for (const server of [secureServer, plainServer]) server.closeAllConnections();
      await Promise.all([secureServer, plainServer].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** Sends every https request to the fake's port, keeping the asked-for host in the Host header. */
export function loopbackTransport(inner: HttpsRequester, httpsPort: number): HttpsRequester {
  return {
    request(req) {
      const url = new URL(req.url);
      const host = url.host;
      url.hostname = '127.0.0.1';
      url.port = String(httpsPort);
      return inner.request({ ...req, url: url.href, headers: { ...req.headers, Host: host } });
    },
  };
}

/**
 * The real plainHttpGet, sent to the fake's http port. plainHttpGet sets no Host header of its own,
 * so the fake sees 127.0.0.1: the asked-for host's route is served under that name.
 */
export function loopbackHttpGet(fake: AutodiscoverFake): PlainHttpGet {
  return async (url, options) => {
    const target = new URL(url);
    const route = fake.routes.get(`http://${target.hostname}`);
    if (!route) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${target.hostname}`), { code: 'ENOTFOUND' });
    fake.routes.set('http://127.0.0.1', route);
    target.hostname = '127.0.0.1';
    target.port = String(fake.httpPort);
    return plainHttpGet(target.href, options);
  };
}
