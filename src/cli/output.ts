/**
 * The one way out of the CLI: everything it prints, on stdout and stderr, in every mode (the table,
 * --json, usage errors, unexpected errors, progress), goes through `guardOutput`, which
 *  - redacts it with the same Redactor as the panel (src/core/redact.ts), knowing every secret the
 *    command has registered with `addSecret`, so a server that echoes the password in a ResponseCode,
 *    a MessageText or a redirect Location cannot make the CLI print it;
 *  - replaces every character a terminal could act on (C0 and C1 controls, DEL, line and paragraph
 *    separators, bidirectional controls, lone surrogates: the set psQuote refuses) by a visible
 *    placeholder such as `[U+001B]`, except line feeds and the table's own colours.
 *
 * Server text is also passed through `terminalText` where the table puts it, which replaces line feeds
 * and escape characters too, so a server can neither start a line of its own (a fake "OK: all checks
 * passed") nor reuse the table's colours. Escape sequences are how a terminal is retitled (OSC 0),
 * cleared (CSI 2J) or made to show what is not there; bidirectional overrides make text display in an
 * order other than the one it has (Trojan Source, CVE-2021-42574, https://trojansource.codes/).
 */
import { createRedactor } from '../core/redact';
import { isUnsafeCodePoint } from '../core/quote';
import type { CliIo, TextSink } from './args';

/** The only escape sequences the CLI writes: the table's status colours (SGR). */
export const STYLE = { green: '\u001b[32m', yellow: '\u001b[33m', red: '\u001b[31m', dim: '\u001b[2m', reset: '\u001b[0m' } as const;
// eslint-disable-next-line no-control-regex -- the table's own escape sequences are what it matches
const OWN_STYLE = /\u001b\[(?:3[123]|2|0)m/g;

/** What a character a terminal could act on is shown as. */
export function placeholder(codePoint: number): string {
  return `[U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** Text with every character a terminal could act on replaced by its placeholder, line feeds and escapes included. */
export function terminalText(text: string): string {
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) as number;
    out += isUnsafeCodePoint(codePoint) ? placeholder(codePoint) : char;
  }
  return out;
}

/** What reaches the stream: like terminalText, keeping line feeds and the table's own colours. */
function printable(text: string): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(OWN_STYLE)) {
    out += text.slice(at, m.index).split('\n').map(terminalText).join('\n') + m[0];
    at = m.index + m[0].length;
  }
  return out + text.slice(at).split('\n').map(terminalText).join('\n');
}

const GUARDED = Symbol('guarded CLI output');

export interface OutputGuard {
  /**
   * Makes a secret known to the output from now on (the password as soon as it is read; the user it
   * belongs to, so that `user:password` in a Basic token is found too). Undefined and empty are ignored.
   */
  addSecret(secret: string | undefined, user?: string): void;
  /** A copy of the value with every string in it redacted, for values redacted before they are formatted (the --json object). */
  redactDeep<V>(value: V): V;
  readonly [GUARDED]: true;
}

export type GuardedIo<T extends CliIo = CliIo> = T & OutputGuard;

/**
 * The io with its streams guarded. Guarding a guarded io returns it as it is, so `main` and a
 * command it runs share one guard (and its secrets).
 */
export function guardOutput<T extends CliIo>(io: T): GuardedIo<T> {
  if ((io as Partial<OutputGuard>)[GUARDED] === true) return io as GuardedIo<T>;
  const secrets: string[] = [];
  let user = '';
  let redactor = createRedactor(secrets, user);
  const guard = (sink: TextSink): TextSink => ({ write: (text: string) => sink.write(printable(redactor.text(text))) });
  return {
    ...io,
    stdout: guard(io.stdout),
    stderr: guard(io.stderr),
    addSecret(secret: string | undefined, owner?: string): void {
      if (secret !== undefined && secret !== '' && !secrets.includes(secret)) secrets.push(secret);
      if (owner !== undefined) user = owner;
      redactor = createRedactor(secrets, user);
    },
    redactDeep: <V>(value: V): V => redactor.deep(value),
    [GUARDED]: true as const,
  };
}
