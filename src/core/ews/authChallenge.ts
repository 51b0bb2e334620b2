/**
 * WWW-Authenticate read the way RFC 7235 section 4.1 defines it: a comma-separated list of
 * challenges, each an auth-scheme followed by either one token68 or a comma-separated list of
 * auth-params whose values are tokens or quoted strings (which may themselves contain commas).
 *
 * Exchange sends one header line per scheme (Negotiate, NTLM, Basic realm="..."), but a proxy or
 * load balancer in front of it may fold them into one line, which RFC 7230 section 3.2.2 allows:
 * `Negotiate, NTLM, Basic realm="mail, contoso"`. Splitting on commas or spaces would then read
 * `realm="mail` as a scheme, so the header is tokenized instead.
 *
 *   challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param  = token BWS "=" BWS ( token / quoted-string )
 *   token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 */
import * as l10n from '../l10n';

export interface AuthChallenge {
  /** The scheme as sent (compare case-insensitively: RFC 7235 section 2.1). */
  scheme: string;
  /** A token68 credential blob, e.g. a Negotiate continuation token. */
  token68?: string;
  /** auth-params by lower-cased name (parameter names are case-insensitive); quoted values unescaped. */
  params: Record<string, string>;
}

export interface ParsedChallenges {
  challenges: AuthChallenge[];
  /** What could not be read, one text per header line that broke the grammar. */
  problems: string[];
}

/** tchar of RFC 7230 section 3.2.6. */
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean { return this.pos >= this.text.length; }
  peek(): string { return this.text.charAt(this.pos); }

  /** Optional whitespace (OWS / BWS): spaces and horizontal tabs. */
  skipSpace(): number {
    const start = this.pos;
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
    return this.pos - start;
  }

  /** Skips empty list elements: RFC 7230 section 7 lets a recipient accept `, ,`. */
  skipCommas(): void {
    this.skipSpace();
    while (this.peek() === ',') {
      this.pos++;
      this.skipSpace();
    }
  }

  readWhile(pattern: RegExp): string {
    const start = this.pos;
    while (!this.done && pattern.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  readQuoted(): string {
    // The opening quote is at this.pos.
    this.pos++;
    let value = '';
    while (!this.done) {
      const c = this.peek();
      if (c === '"') {
        this.pos++;
        return value;
      }
      if (c === '\\') {
        this.pos++;
        if (this.done) break;
      }
      value += this.peek();
      this.pos++;
    }
    throw new SyntaxError(l10n.t('a quoted string is not closed'));
  }
}

/**
 * Reads a token68 when one starts here: its characters, then any "=" padding, then nothing but
 * the end or a comma. Otherwise the position is left alone and undefined returned.
 */
function tryToken68(cursor: Cursor): string | undefined {
  const start = cursor.pos;
  const body = cursor.readWhile(TOKEN68_CHAR);
  const padding = cursor.readWhile(/=/);
  cursor.skipSpace();
  if (body !== '' && (cursor.done || cursor.peek() === ',')) return body + padding;
  cursor.pos = start;
  return undefined;
}

/** One header line's challenges; throws SyntaxError where the line breaks the grammar. */
function parseLine(line: string, into: AuthChallenge[]): void {
  const cursor = new Cursor(line);
  cursor.skipCommas();
  while (!cursor.done) {
    const scheme = cursor.readWhile(TCHAR);
    if (scheme === '') throw new SyntaxError(l10n.t('expected an authentication scheme at "{0}"', line.slice(cursor.pos, cursor.pos + 20)));
    const challenge: AuthChallenge = { scheme, params: {} };
    into.push(challenge);
    const spaces = cursor.skipSpace();
    if (cursor.done || cursor.peek() === ',') {
      cursor.skipCommas();
      continue;
    }
    if (spaces === 0) throw new SyntaxError(l10n.t('expected a space or a comma after the scheme {0}', scheme));
    const token68 = tryToken68(cursor);
    if (token68 !== undefined) {
      challenge.token68 = token68;
      cursor.skipCommas();
      continue;
    }
    // auth-params until a list element that is not `name = value`: that one starts the next challenge.
    for (;;) {
      const mark = cursor.pos;
      const name = cursor.readWhile(TCHAR);
      cursor.skipSpace();
      if (name === '' || cursor.peek() !== '=') {
        if (Object.keys(challenge.params).length === 0) throw new SyntaxError(l10n.t('expected name=value after the scheme {0}', scheme));
        cursor.pos = mark;
        break;
      }
      cursor.pos++;
      cursor.skipSpace();
      const quoted = cursor.peek() === '"';
      const value = quoted ? cursor.readQuoted() : cursor.readWhile(TCHAR);
      if (value === '' && !quoted) throw new SyntaxError(l10n.t('the parameter {0} of {1} has no value', name, scheme));
      const key = name.toLowerCase();
      // RFC 7235 section 2.1: each parameter name occurs once per challenge; the first one counts.
      if (!(key in challenge.params)) challenge.params[key] = value;
      cursor.skipSpace();
      if (cursor.done) return;
      if (cursor.peek() !== ',') throw new SyntaxError(l10n.t('expected a comma after the parameter {0} of {1}', name, scheme));
      cursor.skipCommas();
      if (cursor.done) return;
    }
  }
}

/** Every challenge in the header lines as received (one or several, folded or not). */
export function parseChallenges(lines: readonly string[]): ParsedChallenges {
  const challenges: AuthChallenge[] = [];
  const problems: string[] = [];
  for (const line of lines) {
    try {
      parseLine(line, challenges);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      problems.push(err.message);
    }
  }
  return { challenges, problems };
}

/** The first challenge of this scheme (case-insensitive), if offered. */
export function findChallenge(parsed: ParsedChallenges, scheme: string): AuthChallenge | undefined {
  const wanted = scheme.toLowerCase();
  return parsed.challenges.find((c) => c.scheme.toLowerCase() === wanted);
}
