/**
 * Redaction: the one mask every output uses in place of a secret, and the one Redactor that puts it
 * there. The panel's check messages, the reports, the link targets and everything the CLI prints go
 * through it; so should anything else that shows what a server said (the Autodiscover trail, in the
 * log and in the panel).
 *
 *   const redactor = createRedactor([password], upn);
 *   redactor.text(message);        // one string
 *   redactor.deep(result.trail);   // every string inside a value (an Autodiscover trail, a link outcome)
 *
 * It works by decoding, not by listing encodings: a server can echo a secret in any encoding it
 * likes, so each text is looked at as it is and as it reads once its escapes are decoded (percent
 * codes in any case, also of characters that need none such as `%2d`; `+` as a space; JSON and
 * backslash escapes; XML/HTML entities and character references; up to four layers deep, so an echo
 * of an echo is still read). In every one of those readings, runs of base64 (standard or URL-safe,
 * padded or not, at every alignment, so a secret inside `base64(user:password)` is found) and of hex
 * are decoded and searched as bytes (UTF-8 and UTF-16LE), and their decoded text is read again.
 * Whatever matches is masked in the original text, whole escape sequences and whole base64 runs
 * included, after merging overlapping matches so that two overlapping secrets leave no suffix behind.
 *
 * Short passwords (1 to 3 characters) are not searched for in free text: masking every "a" would
 * destroy the text and hide nothing, since such a password is guessed in seconds anyway. They are
 * covered where a secret is expected instead, and those places are masked whatever they hold, for
 * any secret: the value of an Authorization header (with or without a scheme, quoted or not), a
 * credential after Basic/Bearer/NTLM/Negotiate anywhere, an NTLMSSP message anywhere, the password of
 * a URL's userinfo, and a value whose name says it is a password or secret (query and form
 * parameters, JSON members, XML attributes and elements). With the user name known, `user:password`
 * is also searched for in every reading, whatever the password's length (it is what Basic carries).
 */
export const REDACTED = '[redacted]';

/** Below this length a secret is masked only where a secret is expected (see above). */
export const MIN_FREE_TEXT_SECRET_LENGTH = 4;
/** How many layers of escaping are undone (JSON inside JSON inside a URL is three). */
const DECODE_LAYERS = 4;
/** How many times base64 or hex found inside decoded base64 or hex is decoded again. */
const BYTES_NESTING = 3;
/** The shortest base64 or hex run worth decoding: 4 bytes of a secret need at least 6 base64 characters. */
const MIN_BASE64_RUN = 6;
const MIN_HEX_RUN = 8;
/**
 * The parts of decoded bytes that are read again as text: runs of characters that are neither
 * controls nor the replacement for bytes that are not UTF-8, as `strings` finds them.
 */
// eslint-disable-next-line no-control-regex -- control characters end a run of text
const TEXT_RUN = /[^\x00-\x1f\x7f-\x9f\ufffd]{6,}/g;

/**
 * A reading of a text: its characters, and for each one (UTF-16 unit) the span [from, to) of the
 * original text it was decoded from.
 */
interface Reading {
  readonly text: string;
  readonly from: Int32Array;
  readonly to: Int32Array;
}

type Span = readonly [number, number];

function identityReading(text: string): Reading {
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  // Stryker disable next-line all: a shortcut that only saves time; without it the result is the same
  for (let i = 0; i < text.length; i++) {
    from[i] = i;
    to[i] = i + 1;
  }
  return { text, from, to };
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const BACKSLASH_ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
/** The escape families, each decoded on its own: mixing them in one pass would misread `\\&amp;` (a backslash, then an entity). */
type Family = 'percent' | 'form' | 'backslash' | 'entity';
const FAMILIES: readonly Family[] = ['percent', 'form', 'backslash', 'entity'];
/** The character that starts an escape of each family. */
// Stryker disable next-line all: only the shortcut in decodeLayer reads it; the result is the same without it
const FAMILY_START: Readonly<Record<Family, string>> = { percent: '%', form: '+', backslash: '\\', entity: '&' };
/** A backslash escape (JSON's, and `\xHH`), anchored where it is tried. */
const BACKSLASH = /\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))/y;
/** An XML/HTML reference, anchored where it is tried. */
const ENTITY = /&(?:#[xX]([0-9a-fA-F]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/y;
const PERCENT = /%([0-9a-fA-F]{2})/y;
/** Readings beyond this many are not made (a text full of every kind of escape). */
const MAX_READINGS = 32;

/** How many bytes a UTF-8 sequence starting with `lead` has; 0 for a byte that cannot start one. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function fromCodePoint(codePoint: number): string | undefined {
  return codePoint > 0x10ffff ? undefined : String.fromCodePoint(codePoint);
}

/** The character a backslash escape stands for. */
function backslashCharacter(m: RegExpExecArray): string | undefined {
  const [, unicode, hexByte, other] = m;
  if (other !== undefined) return BACKSLASH_ESCAPES[other] ?? other;
  return fromCodePoint(parseInt(unicode ?? hexByte, 16));
}

/** The character an XML/HTML reference stands for. */
function entityCharacter(m: RegExpExecArray): string | undefined {
  const [, hexRef, decimalRef, named] = m;
  if (named !== undefined) return NAMED_ENTITIES[named];
  return fromCodePoint(hexRef !== undefined ? parseInt(hexRef, 16) : Number(decimalRef));
}

/** One layer of one family's escapes decoded. Returns undefined when nothing was decoded (the reading would be the same). */
function decodeLayer(reading: Reading, family: Family): Reading | undefined {
  const { text } = reading;
  // Stryker disable next-line all: a shortcut that only saves time; without it the result is the same
  if (!text.includes(FAMILY_START[family])) return undefined;
  // A decoded text is never longer than what it was decoded from.
  const parts: string[] = [];
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  let length = 0;
  let changed = false;
  const emit = (chars: string, start: number, end: number): void => {
    parts.push(chars);
    for (let k = 0; k < chars.length; k++) {
      from[length] = reading.from[start];
      to[length] = reading.to[end - 1];
      length++;
    }
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '%' && (family === 'percent' || family === 'form')) {
      // A run of percent codes is read as UTF-8, one sequence at a time, each mapped to its own codes.
      const bytes: number[] = [];
      const ends: number[] = [];
      let j = i;
      for (;;) {
        PERCENT.lastIndex = j;
        const m = PERCENT.exec(text);
        if (!m) break;
        bytes.push(parseInt(m[1], 16));
        j += 3;
        ends.push(j);
      }
      if (bytes.length > 0) {
        let b = 0;
        let start = i;
        // Stryker disable next-line all: past the end there are no bytes, so nothing more is emitted either way
        while (b < bytes.length) {
          const n = utf8Length(bytes[b]);
          const length = n === 0 || b + n > bytes.length ? 1 : n;
          emit(Buffer.from(bytes.slice(b, b + length)).toString('utf8'), start, ends[b + length - 1]);
          start = ends[b + length - 1];
          b += length;
        }
        i = j;
        changed = true;
        continue;
      }
    } else if (c === '+' && family === 'form') {
      emit(' ', i, i + 1);
      i++;
      changed = true;
      continue;
    } else if ((c === '\\' && family === 'backslash') || (c === '&' && family === 'entity')) {
      const pattern = family === 'backslash' ? BACKSLASH : ENTITY;
      pattern.lastIndex = i;
      const m = pattern.exec(text);
      const decoded = m ? (family === 'backslash' ? backslashCharacter(m) : entityCharacter(m)) : undefined;
      if (m && decoded !== undefined) {
        emit(decoded, i, i + m[0].length);
        i += m[0].length;
        changed = true;
        continue;
      }
    }
    emit(c, i, i + 1);
    i++;
  }
  return changed ? { text: parts.join(''), from: from.subarray(0, length), to: to.subarray(0, length) } : undefined;
}

/**
 * The text as it is, and as it reads after each sequence of up to DECODE_LAYERS layers of escapes
 * is undone, one family per layer (JSON inside a URL is two layers: percent, then backslash).
 */
function readingsOf(text: string): Reading[] {
  const readings = [identityReading(text)];
  // Stryker disable next-line all: a shortcut that only saves time; without it the result is the same
  if (!/[%\\&+]/.test(text)) return readings;
  // Stryker disable next-line all: a shortcut that only saves time; without it the result is the same
  const seen = new Set([text]);
  let layer = [readings[0]];
  for (let depth = 0; depth < DECODE_LAYERS && layer.length > 0; depth++) {
    const next: Reading[] = [];
    for (const reading of layer) {
      for (const family of FAMILIES) {
        const decoded = decodeLayer(reading, family);
        // Stryker disable next-line all: a shortcut that only saves time; without it the result is the same
        if (!decoded || seen.has(decoded.text) || readings.length >= MAX_READINGS) continue;
        seen.add(decoded.text);
        readings.push(decoded);
        next.push(decoded);
      }
    }
    layer = next;
  }
  return readings;
}

/** The original-text span of reading characters [start, end). */
function originalSpan(reading: Reading, start: number, end: number): Span {
  return [reading.from[start], reading.to[end - 1]];
}

/** The original-text span of a group that matched something (every masked group does), for a regex with the `d` flag. */
function groupSpan(reading: Reading, m: RegExpExecArray, group: number): Span {
  const [start, end] = (m.indices as RegExpIndicesArray)[group];
  return originalSpan(reading, start, end);
}

/** Names that say their value is a secret: `password`, `newPassword`, `client_secret`, `pwd`, `Authorization`... */
const SECRET_NAME = String.raw`[A-Za-z0-9_]*(?:password|passwd|passphrase|pwd|secret|authorization)`;

/** Places that hold a secret whatever it is, each with the group that holds it. */
const SECRET_PLACES: readonly (readonly [RegExp, number])[] = [
  // `Authorization: <anything>` to the end of the line (a header, or a log of one), with or without a scheme.
  [/(?<![\w-])(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*(?!["'\s])([^\r\n&"'<]+)/dgi, 1],
  // A quoted value named as a secret: JSON members, XML and HTML attributes, `password: "..."`.
  [new RegExp(String.raw`(?<![\w-])(["']?)${SECRET_NAME}\1\s*[:=]\s*(["'])((?:\\.|(?!\2)[^\\\r\n])+)\2`, 'dgi'), 3],
  // An unquoted query or form parameter named as a secret.
  [new RegExp(String.raw`(?<![\w-])${SECRET_NAME}=([^&\s"'<>#;,]+)`, 'dgi'), 1],
  // An XML element named as a secret, with or without a prefix.
  [new RegExp(String.raw`<((?:[\w.-]+:)?${SECRET_NAME})(?:\s[^>]*)?>([^<]+)</\1>`, 'dgi'), 2],
  // The password of a URL's userinfo: scheme://user:password@host.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:"'<>]*:([^\s/?#@"'<>]+)@/dgi, 1],
  // An NTLMSSP message (base64 of its "NTLMSSP\0" signature: MS-NLMP, section 2.2.1 "NTLM Messages"), wherever it is.
  [/TlRMTVNTUA[A-Za-z0-9+/]*={0,2}/dg, 0],
];

/**
 * A credential after an HTTP authentication scheme, anywhere: `Basic dXNlcjpw...` (base64 of
 * user:password, RFC 7617 section 2; "Authentication and EWS in Exchange", learn.microsoft.com),
 * `NTLM TlRM...`, `Negotiate YII...`. Scheme names are case-insensitive (RFC 9110, section 11.1).
 */
const CREDENTIAL_SCHEME = /\b(?:Basic|Bearer|NTLM|Negotiate)[ \t]+([A-Za-z0-9+/=._~-]{8,})/dgi;

/**
 * A token after an auth scheme that looks like a credential rather than a word ("Basic authentication"):
 * it has a digit or a base64 sign, or mixes cases. Bearer tokens are masked whatever they look like.
 */
function looksLikeCredential(scheme: string, token: string): boolean {
  return scheme.toLowerCase() === 'bearer' || /[0-9+/=]/.test(token) || (/[a-z]/.test(token) && /[A-Z]/.test(token));
}

function placesIn(reading: Reading, spans: Span[]): void {
  for (const [pattern, group] of SECRET_PLACES) {
    for (const m of reading.text.matchAll(pattern)) spans.push(groupSpan(reading, m, group));
  }
  for (const m of reading.text.matchAll(CREDENTIAL_SCHEME)) {
    if (!looksLikeCredential(m[0].split(/[ \t]/)[0], m[1])) continue;
    spans.push(groupSpan(reading, m, 1));
  }
}

/** Overlapping and touching spans joined, in order. */
function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function maskSpans(text: string, spans: Span[]): string {
  // Stryker disable next-line all: a shortcut that only saves time; without it the result is the same
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of mergeSpans(spans)) {
    out += text.slice(at, start) + REDACTED;
    at = end;
  }
  return out + text.slice(at);
}

/** Masks secrets in text and in any value; built once per set of secrets. */
export interface Redactor {
  /** The text with every secret, in every form this module reads, and every secret place masked. */
  text(text: string): string;
  /** A copy of the value with every string in it (at any depth, keys excepted) passed through text(). */
  deep<T>(value: T): T;
}

class DecodingRedactor implements Redactor {
  /** What is searched for in every reading: as text, and as UTF-8 and UTF-16LE bytes. */
  private readonly needles: readonly string[];
  private readonly byteNeedles: readonly Buffer[];

  constructor(secrets: ReadonlyArray<string | undefined>, user: string) {
    const needles = new Set<string>();
    for (const secret of secrets) {
      if (secret === undefined || secret === '') continue;
      if (secret.length >= MIN_FREE_TEXT_SECRET_LENGTH) needles.add(secret);
      if (user !== '') needles.add(`${user}:${secret}`);
      // An Authorization value's token alone ("Bearer <token>" comes back as "<token>").
      const token = /^\S+\s+(\S.*)$/.exec(secret)?.[1];
      if (token !== undefined && token.length >= MIN_FREE_TEXT_SECRET_LENGTH) needles.add(token);
    }
    this.needles = [...needles];
    // Stryker disable next-line StringLiteral: Buffer.from(text, '') reads UTF-8, which the first needle already is
    this.byteNeedles = this.needles.flatMap((n) => [Buffer.from(n, 'utf8'), Buffer.from(n, 'utf16le')]);
  }

  /** Whether a base64 or hex run (keyed by kind, nesting and run) reveals a secret; reset for each text. */
  private readonly seenRuns = new Map<string, boolean>();

  text(text: string): string {
    this.seenRuns.clear();
    const spans: Span[] = [];
    for (const reading of readingsOf(text)) {
      placesIn(reading, spans);
      this.secretsIn(reading, BYTES_NESTING, spans);
    }
    return maskSpans(text, spans);
  }

  deep<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.deep(v)) as T;
    if (typeof value === 'object' && value !== null) {
      const copy: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) copy[key] = this.deep(v);
      return copy as T;
    }
    return value;
  }

  /** Adds the spans where a reading shows a secret: as text, or inside a base64 or hex run. */
  private secretsIn(reading: Reading, nesting: number, spans: Span[]): void {
    const { text } = reading;
    for (const needle of this.needles) {
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) spans.push(originalSpan(reading, at, at + needle.length));
    }
    // Stryker disable next-line all: a shortcut that only saves time; without it the result is the same
    if (this.needles.length === 0 || nesting === 0) return;
    for (const m of text.matchAll(/[A-Za-z0-9+/_-]+=*/g)) {
      // Stryker disable next-line all: a shortcut that only saves time; without it the result is the same
      if (m[0].length >= MIN_BASE64_RUN && this.remembered(`b${nesting}${m[0]}`, () => this.base64Reveals(m[0], nesting))) spans.push(originalSpan(reading, m.index, m.index + m[0].length));
    }
    for (const m of text.matchAll(/[0-9a-fA-F]+/g)) {
      // Stryker disable next-line all: a shortcut that only saves time; without it the result is the same
      if (m[0].length >= MIN_HEX_RUN && this.remembered(`h${nesting}${m[0]}`, () => this.hexReveals(m[0], nesting))) spans.push(originalSpan(reading, m.index, m.index + m[0].length));
    }
  }

  /** The same run is met in many readings of one text: it is decoded once. */
  private remembered(key: string, decide: () => boolean): boolean {
    let known = this.seenRuns.get(key);
    // Stryker disable next-line all: a shortcut that only saves time; without it the result is the same
    if (known === undefined) {
      known = decide();
      this.seenRuns.set(key, known);
    }
    return known;
  }

  /** Decodes the run from each of its first four characters (one is where the encoding starts). */
  private base64Reveals(run: string, nesting: number): boolean {
    // Stryker disable next-line all: Node's base64 decoder stops at padding and ignores a trailing partial character, so these bounds only save work
    const digits = run.replace(/=+$/, '');
    // Stryker disable next-line all: a fifth shift decodes a tail the first one already decoded
    for (let shift = 0; shift < 4; shift++) {
      // Node reads both alphabets; a trailing single character carries no whole byte.
      // Stryker disable next-line all: Node's base64 decoder stops at padding and ignores a trailing partial character, so these bounds only save work
      const usable = digits.slice(shift, digits.length - ((digits.length - shift) % 4 === 1 ? 1 : 0));
      if (this.bytesReveal(Buffer.from(usable, 'base64'), nesting)) return true;
    }
    return false;
  }

  private hexReveals(run: string, nesting: number): boolean {
    return this.bytesReveal(Buffer.from(run, 'hex'), nesting) || this.bytesReveal(Buffer.from(run.slice(1), 'hex'), nesting);
  }

  private bytesReveal(bytes: Buffer, nesting: number): boolean {
    if (this.byteNeedles.some((needle) => bytes.includes(needle))) return true;
    // Only text is read again: decoded words and identifiers are binary noise, and reading noise costs time.
    const spans: Span[] = [];
    for (const [text] of bytes.toString('utf8').matchAll(TEXT_RUN)) {
      for (const reading of readingsOf(text)) this.secretsIn(reading, nesting - 1, spans);
    }
    return spans.length > 0;
  }
}

/**
 * A redactor for these secrets (a password, an Authorization header value; undefined and empty ones
 * are ignored). `user` is the account the password belongs to, so that `user:password` is found too.
 */
// Stryker disable next-line StringLiteral: any default user only adds a needle nobody writes
export function createRedactor(secrets: ReadonlyArray<string | undefined>, user = ''): Redactor {
  return new DecodingRedactor(secrets, user);
}

/** One text, once: createRedactor(secrets, user).text(text). */
// Stryker disable next-line StringLiteral: any default user only adds a needle nobody writes
export function redact(text: string, secrets: ReadonlyArray<string | undefined>, user = ''): string {
  return createRedactor(secrets, user).text(text);
}
