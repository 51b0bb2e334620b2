/**
 * A small HTTP/1.1 client for EWS requests over TLS connections we open ourselves: one request at a
 * time per connection, keep-alive, no redirects, no compression, no proxy.
 *
 * Why not Node's http client: the many-mailbox check is bound by the client's own CPU (one event
 * loop running at ~85% for 27 requests in flight), and Node's ClientRequest, Agent and
 * IncomingMessage cost about 0.25 ms of the ~0.7 ms spent per request (CPU profile, bench/).
 * Measured against the fake limited to 27: 0.72 -> 0.45 ms CPU per mailbox with a prototype.
 *
 * The parser is strict where leniency has been abused (request smuggling, header injection):
 * status line `HTTP/1.x NNN`, CRLF line ends, token header names, no obs-fold, Transfer-Encoding
 * only `chunked` and never together with Content-Length, one Content-Length value. Limits: 64 KiB
 * of header or trailer bytes, the caller's body cap (counted before the bytes are buffered).
 */
import * as l10n from '../l10n';

/** `closed`: the connection ended before a complete response; `tooLarge`: past the body cap. */
export type Http1ErrorKind = 'malformed' | 'closed' | 'tooLarge';

export class Http1Error extends Error {
  constructor(readonly kind: Http1ErrorKind, message: string) {
    super(message);
    this.name = 'Http1Error';
  }
}

export interface Http1Response {
  status: number;
  statusText: string;
  /** Lower-cased names, each value kept apart. */
  headers: Record<string, string[]>;
  body: Buffer;
  /** The connection may carry another request (HTTP/1.1, no `Connection: close`, nothing left over). */
  keepAlive: boolean;
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE_BYTES = 1024;
const CRLF = Buffer.from('\r\n', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** RFC 9112 section 4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ), so no control but the tab. */
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * RFC 9110 section 5.5: a field value is VCHAR, obs-text, SP and HTAB; CR, LF and NUL are "invalid and
 * dangerous" and other controls (C0 but HTAB, and DEL) "also invalid". A value with any of them is
 * refused, not repaired: an EWS server never sends one, and it would reach the admin's terminal.
 * obs-text (bytes 0x80-0xFF, read as Latin-1) stays allowed as the grammar allows it; what of it a
 * terminal could act on (C1 controls) is neutralised where text is printed (src/cli/output.ts).
 */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const HEADER_VALUE_FORBIDDEN = /[\0-\x08\x0a-\x1f\x7f]/;
const HOST_HEADER = /^[A-Za-z0-9.:[\]-]+$/;
const PATH = /^\/[\x21-\x7e]*$/;
/** HTTP's optional whitespace is spaces and tabs only (String.prototype.trim would take more). */
const owsTrim = (text: string): string => text.replace(/^[ \t]+|[ \t]+$/g, '');

/** The bytes of one request. Header names and values were chosen by our code; they are checked anyway. */
export function serializeRequest(method: string, host: string, path: string, headers: Record<string, string | number>, body: Buffer | undefined): Buffer {
  if (!HOST_HEADER.test(host)) throw new Http1Error('malformed', l10n.t('Not a host for a Host header: {0}', JSON.stringify(host)));
  if (!PATH.test(path)) throw new Http1Error('malformed', l10n.t('Not a request path: {0}', JSON.stringify(path)));
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    const text = String(value);
    if (!TOKEN.test(name) || HEADER_VALUE_FORBIDDEN.test(text)) throw new Http1Error('malformed', l10n.t('Refusing to send the header {0}', JSON.stringify(name)));
    head += `${name}: ${text}\r\n`;
  }
  head += '\r\n';
  const headBytes = Buffer.from(head, 'latin1');
  return body && body.length > 0 ? Buffer.concat([headBytes, body]) : headBytes;
}

type State = 'head' | 'length' | 'close' | 'chunkSize' | 'chunkData' | 'chunkEnd' | 'trailers' | 'done';

/** Reads one response from the bytes of a connection, chunk by chunk. */
export class Http1ResponseParser {
  private state: State = 'head';
  // Unread bytes are store[from, to). Appending grows the store by doubling into a new buffer, so
  // bytes that arrive one at a time cost linear time, and body slices already handed out are never
  // written over. `searched`: how many unread bytes were already scanned for a line end.
  private store: Buffer = Buffer.alloc(0);
  private from = 0;
  private to = 0;
  private searched = 0;
  private readonly body: Buffer[] = [];
  private bodyBytes = 0;
  private remaining = 0;
  private trailerBytes = 0;
  private status = 0;
  private statusText = '';
  private headers: Record<string, string[]> = {};
  private keepAlive = false;
  private gotBytes = false;

  /** `method` decides whether a body follows (HEAD never has one); `maxBodyBytes` caps the body. */
  constructor(private readonly method: string, private readonly maxBodyBytes: number) {}

  /** Whether any byte of a response has arrived (a reused connection that closes before that can be retried). */
  get started(): boolean {
    return this.gotBytes;
  }

  /** Feeds bytes; returns the response once it is complete. Throws Http1Error for a malformed or oversized one. */
  push(chunk: Buffer): Http1Response | undefined {
    if (this.state === 'done') throw new Http1Error('malformed', l10n.t('Bytes after the end of the response'));
    if (chunk.length > 0) this.gotBytes = true;
    this.append(chunk);
    return this.run();
  }

  private get pending(): Buffer {
    return this.store.subarray(this.from, this.to);
  }

  private append(chunk: Buffer): void {
    if (this.from === this.to) {
      // Nothing unread: read the chunk where it is (the usual case, no copy).
      this.store = chunk;
      this.from = 0;
      this.to = chunk.length;
      return;
    }
    if (this.to + chunk.length > this.store.length) {
      const unread = this.to - this.from;
      const grown = Buffer.alloc(Math.max(2 * (unread + chunk.length), 4096));
      this.store.copy(grown, 0, this.from, this.to);
      this.store = grown;
      this.from = 0;
      this.to = unread;
    }
    chunk.copy(this.store, this.to);
    this.to += chunk.length;
  }

  private consume(count: number): void {
    this.from += count;
    this.searched = 0;
  }

  /** Where `pattern` starts in the unread bytes, scanning only bytes not scanned before; -1 if absent. */
  private find(pattern: Buffer): number {
    const pending = this.pending;
    const at = pending.indexOf(pattern, Math.max(0, this.searched - pattern.length + 1));
    this.searched = at < 0 ? pending.length : at;
    return at;
  }

  /** The connection ended: completes a body that runs to the close, otherwise the response is cut short. */
  end(): Http1Response {
    if (this.state === 'close') return this.finish();
    throw new Http1Error('closed', this.gotBytes ? l10n.t('the server closed the connection before its answer was complete') : l10n.t('the server closed the connection before answering'));
  }

  private run(): Http1Response | undefined {
    for (;;) {
      switch (this.state) {
        case 'head': {
          const end = this.find(HEAD_END);
          if (end < 0) {
            if (this.pending.length > MAX_HEAD_BYTES) throw new Http1Error('malformed', l10n.t('Response headers larger than {0} bytes', MAX_HEAD_BYTES));
            return undefined;
          }
          if (end > MAX_HEAD_BYTES) throw new Http1Error('malformed', l10n.t('Response headers larger than {0} bytes', MAX_HEAD_BYTES));
          const head = this.pending.subarray(0, end).toString('latin1');
          this.consume(end + HEAD_END.length);
          this.readHead(head);
          break;
        }
        case 'length': {
          this.takeBody(Math.min(this.remaining, this.pending.length));
          if (this.remaining > 0) return undefined;
          return this.finish();
        }
        case 'close': {
          this.addBody(this.pending);
          this.consume(this.pending.length);
          return undefined;
        }
        case 'chunkSize': {
          const line = this.line(MAX_CHUNK_LINE_BYTES, 'chunk size line');
          if (line === undefined) return undefined;
          const size = owsTrim(line.split(';')[0]);
          if (!/^[0-9A-Fa-f]{1,8}$/.test(size)) throw new Http1Error('malformed', l10n.t('Bad chunk size {0}', JSON.stringify(size.slice(0, 20))));
          this.remaining = parseInt(size, 16);
          if (this.remaining === 0) {
            this.state = 'trailers';
          } else {
            this.checkCap(this.bodyBytes + this.remaining);
            this.state = 'chunkData';
          }
          break;
        }
        case 'chunkData': {
          this.takeBody(Math.min(this.remaining, this.pending.length));
          if (this.remaining > 0) return undefined;
          this.state = 'chunkEnd';
          break;
        }
        case 'chunkEnd': {
          if (this.pending.length < 2) return undefined;
          if (this.pending[0] !== 13 || this.pending[1] !== 10) throw new Http1Error('malformed', l10n.t('A chunk does not end with CRLF'));
          this.consume(2);
          this.state = 'chunkSize';
          break;
        }
        case 'trailers': {
          const line = this.line(MAX_HEAD_BYTES, 'trailer line');
          if (line === undefined) return undefined;
          this.trailerBytes += line.length + 2;
          if (this.trailerBytes > MAX_HEAD_BYTES) throw new Http1Error('malformed', l10n.t('Trailers larger than {0} bytes', MAX_HEAD_BYTES));
          if (line === '') return this.finish();
          break;
        }
        case 'done':
          return undefined;
      }
    }
  }

  /** The next CRLF-terminated line, or undefined until it has arrived. */
  private line(limit: number, what: 'chunk size line' | 'trailer line'): string | undefined {
    const tooLong = (): string => (what === 'chunk size line' ? l10n.t('A chunk size line longer than {0} bytes', limit) : l10n.t('A trailer line longer than {0} bytes', limit));
    const eol = this.find(CRLF);
    if (eol < 0) {
      if (this.pending.length > limit) throw new Http1Error('malformed', tooLong());
      return undefined;
    }
    if (eol > limit) throw new Http1Error('malformed', tooLong());
    const text = this.pending.subarray(0, eol).toString('latin1');
    this.consume(eol + 2);
    return text;
  }

  private readHead(head: string): void {
    const lines = head.split('\r\n');
    const match = STATUS_LINE.exec(lines[0]);
    if (!match) throw new Http1Error('malformed', l10n.t('Not an HTTP/1.x status line (or one with a control character in it): {0}', JSON.stringify(lines[0].slice(0, 80))));
    const minor = match[1];
    const status = Number(match[2]);
    const headers: Record<string, string[]> = {};
    for (const line of lines.slice(1)) {
      if (line.startsWith(' ') || line.startsWith('\t')) throw new Http1Error('malformed', l10n.t('A folded header line (obsolete line folding)'));
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      const value = owsTrim(line.slice(colon + 1));
      if (!TOKEN.test(name)) throw new Http1Error('malformed', l10n.t('A malformed header line: {0}', JSON.stringify(line.slice(0, 80))));
      const control = HEADER_VALUE_FORBIDDEN.exec(value);
      if (control) throw new Http1Error('malformed', l10n.t('The server sent the header {0} with a control character (U+{1}), which HTTP does not allow in a field value (RFC 9110, section 5.5)', name, control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')));
      (headers[name.toLowerCase()] ??= []).push(value);
    }
    if (status >= 100 && status < 200) {
      // 100 Continue and other interim answers are followed by the real one; an upgrade was never asked for.
      if (status === 101) throw new Http1Error('malformed', l10n.t('An unrequested protocol switch (101)'));
      return;
    }
    this.status = status;
    this.statusText = match[3] ?? '';
    this.headers = headers;
    const connection = (headers.connection ?? []).join(',').toLowerCase().split(',').map(owsTrim);
    this.keepAlive = minor === '1' && !connection.includes('close');

    const transferEncoding = headers['transfer-encoding'];
    const contentLength = headers['content-length'];
    if (this.method === 'HEAD' || status === 204 || status === 304) {
      this.state = 'length';
      this.remaining = 0;
    } else if (transferEncoding) {
      if (contentLength) throw new Http1Error('malformed', l10n.t('Both Transfer-Encoding and Content-Length'));
      const codings = transferEncoding.join(',').split(',').map((t) => owsTrim(t).toLowerCase()).filter((t) => t !== '');
      if (codings.length !== 1 || codings[0] !== 'chunked') throw new Http1Error('malformed', l10n.t('Unsupported Transfer-Encoding {0}', JSON.stringify(transferEncoding.join(', '))));
      this.state = 'chunkSize';
    } else if (contentLength) {
      const values = new Set(contentLength.join(',').split(',').map(owsTrim));
      const [only] = values;
      if (values.size !== 1 || !/^\d{1,15}$/.test(only)) throw new Http1Error('malformed', l10n.t('Bad Content-Length {0}', JSON.stringify(contentLength.join(', '))));
      this.remaining = Number(only);
      this.checkCap(this.remaining);
      this.state = 'length';
    } else {
      // No length: the body runs to the end of the connection, which then cannot be reused.
      this.keepAlive = false;
      this.state = 'close';
    }
  }

  private checkCap(total: number): void {
    if (total > this.maxBodyBytes) throw new Http1Error('tooLarge', l10n.t('The response exceeded {0} bytes', this.maxBodyBytes));
  }

  private takeBody(count: number): void {
    if (count === 0) return;
    this.addBody(this.pending.subarray(0, count));
    this.consume(count);
    this.remaining -= count;
  }

  private addBody(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.checkCap(this.bodyBytes + bytes.length);
    this.body.push(bytes);
    this.bodyBytes += bytes.length;
  }

  private finish(): Http1Response {
    this.state = 'done';
    const body = this.body.length === 1 ? this.body[0] : Buffer.concat(this.body);
    return { status: this.status, statusText: this.statusText, headers: this.headers, body, keepAlive: this.keepAlive && this.pending.length === 0 };
  }
}
