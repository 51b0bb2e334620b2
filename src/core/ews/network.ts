/**
 * Network and TLS facts about the EWS host, gathered with verification always on. When verification
 * fails, Node's error code says why (expired, wrong name, unknown issuer); the certificate itself is
 * only read when the chain verified or when the name check failed (Node attaches it to that error).
 */
import { X509Certificate } from 'node:crypto';
import * as dns from 'node:dns';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { TransportError, secureContextFor, withTimeout } from './transport';
import { errorText } from '../errors';

export interface CertificateFacts {
  subject: string;
  altNames: string[];
  issuer: string;
  validFrom: Date;
  validTo: Date;
}

export interface TlsFacts {
  ok: boolean;
  protocol?: string;
  errorCode?: string;
  errorMessage?: string;
  certificate?: CertificateFacts;
  /**
   * Whether the verified chain also leads to a public root, worked out from the chain this handshake
   * received (no second handshake). Only set when an extra CA was trusted.
   */
  publicRootTrusted?: boolean;
}

/** Lets a probe's handshake run over a connection it already opened, and keep it for EWS requests. */
export interface TlsReuse {
  /** A connected TCP socket to run the handshake over (net.tcp's). Destroyed if the handshake fails. */
  socket?: net.Socket;
  /** Receives the verified TLS socket instead of it being closed (the transport adopts it). */
  keep?: (socket: tls.TLSSocket) => void;
}


export function resolveHost(host: string, timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
  if (net.isIP(host)) return Promise.resolve([host]);
  return withTimeout<string[]>((done) => {
    dns.lookup(host, { all: true }, (err, addresses) => done(err ?? undefined, addresses?.map((a) => a.address)));
    return () => undefined;
  }, timeoutMs, signal);
}

export function connectTcp(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return withTimeout<void>((done) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => done(undefined));
    socket.once('error', (err) => done(err));
    return () => socket.destroy();
  }, timeoutMs, signal);
}

/**
 * Like connectTcp, but the open socket is handed to the caller (who closes it or runs TLS over it),
 * so that the TCP probe's round trip is not paid again by the first EWS request.
 */
export function openTcp(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<net.Socket> {
  return withTimeout<net.Socket>((done) => {
    const socket = net.connect({ host, port });
    let handedOver = false;
    socket.once('connect', () => {
      handedOver = true;
      done(undefined, socket);
    });
    socket.on('error', (err) => done(err));
    return () => { if (!handedOver) socket.destroy(); };
  }, timeoutMs, signal);
}

let publicRoots: X509Certificate[] | undefined;

/** True when some certificate of the chain is, or is signed by, one of Node's public roots. */
export function chainsToPublicRoot(leaf: tls.DetailedPeerCertificate): boolean {
  publicRoots ??= tls.rootCertificates.map((pem) => new X509Certificate(pem));
  const roots = publicRoots;
  const seen = new Set<string>();
  for (let cert: tls.DetailedPeerCertificate | undefined = leaf; cert?.raw && !seen.has(cert.fingerprint256); cert = cert.issuerCertificate) {
    seen.add(cert.fingerprint256);
    const x509 = new X509Certificate(cert.raw);
    if (roots.some((root) => root.fingerprint256 === x509.fingerprint256 || (x509.checkIssued(root) && x509.verify(root.publicKey)))) return true;
  }
  return false;
}

function certificateFacts(cert: tls.PeerCertificate): CertificateFacts {
  const altNames = (cert.subjectaltname ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const cn = (value: unknown): string => {
    if (typeof value !== 'object' || value === null) return '';
    const cnValue = (value as Record<string, unknown>).CN;
    return Array.isArray(cnValue) ? cnValue.join(', ') : typeof cnValue === 'string' ? cnValue : '';
  };
  return { subject: cn(cert.subject), altNames, issuer: cn(cert.issuer), validFrom: new Date(cert.valid_from), validTo: new Date(cert.valid_to) };
}

/** One verified handshake against the given trust anchors. Never throws for TLS failures. */
export async function inspectTls(host: string, port: number, extraCaPem: string | undefined, timeoutMs: number, signal?: AbortSignal, reuse: TlsReuse = {}): Promise<TlsFacts> {
  let certificate: CertificateFacts | undefined;
  let publicRootTrusted: boolean | undefined;
  try {
    return await withTimeout<TlsFacts>((done) => {
      let kept = false;
      const socket = tls.connect({
        socket: reuse.socket,
        host,
        port,
        servername: net.isIP(host) ? undefined : host,
        secureContext: secureContextFor(extraCaPem),
        rejectUnauthorized: true,
        checkServerIdentity: (name, cert) => {
          certificate = certificateFacts(cert);
          // Node passes the detailed certificate (getPeerCertificate(true)), chain included.
          if (extraCaPem) publicRootTrusted = chainsToPublicRoot(cert as tls.DetailedPeerCertificate);
          return tls.checkServerIdentity(name, cert);
        },
      });
      socket.once('secureConnect', () => {
        kept = reuse.keep !== undefined;
        done(undefined, { ok: true, protocol: socket.getProtocol() ?? undefined, certificate, publicRootTrusted });
        if (kept) reuse.keep?.(socket);
      });
      socket.once('error', (err: Error & { code?: string; cert?: tls.PeerCertificate }) => {
        if (err.cert && !certificate) certificate = certificateFacts(err.cert);
        done(undefined, { ok: false, errorCode: err.code, errorMessage: err.message, certificate });
      });
      return () => {
        if (kept) return;
        socket.destroy();
        reuse.socket?.destroy();
      };
    }, timeoutMs, signal);
  } catch (err) {
    if (err instanceof TransportError && err.kind === 'aborted') throw err;
    return { ok: false, errorCode: err instanceof TransportError ? 'TIMEOUT' : undefined, errorMessage: errorText(err) };
  }
}

/** Codes meaning the chain did not lead to a trusted root (unknown CA, self-signed, or intermediates not sent). */
export const UNTRUSTED_CHAIN_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);
export const EXPIRY_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
export const NAME_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);
