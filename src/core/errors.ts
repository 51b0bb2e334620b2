/**
 * One place that turns failures into words for people: what failed, why, and what to do next.
 * Cancellation is never an error to show.
 */
import * as l10n from './l10n';
import type { StepId } from './steps';

/** An error whose message is already written for the admin (no stack needed to understand it). */
export class UserFacingError extends Error {
  constructor(
    message: string,
    /** The checklist step that fixes it, when there is one. */
    readonly step?: StepId,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

export function isCancellation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return name === 'AbortError' || name === 'Canceled' || name === 'CancellationError';
}

/** What to log, with its stack: the error a UserFacingError wraps (its `cause`), or the error itself. */
export function errorToLog(error: unknown): Error {
  const cause = error instanceof UserFacingError ? error.cause : undefined;
  const chosen = cause ?? error;
  return chosen instanceof Error ? chosen : new Error(String(chosen));
}

/** An error's own message, or the thrown value as text when it is not an Error. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const MAX_ERROR_TEXT = 200;
/** An absolute POSIX path or file URL, not the path part of an http(s) URL (preceded by a host or "/"). */
const POSIX_PATH = /(?<![\w:/.-])(?:file:\/\/)?\/(?:[^\s/()'"]+\/)+[^\s/()'"]*/g;
/** A Windows drive or UNC path. */
const WINDOWS_PATH = /(?:\b[A-Za-z]:|\\\\[^\s\\]+)\\[^\s()'"]*/g;
/** Node's own prefixes and ews-javascript-api's Exception, which carry no meaning for an admin. */
const NOISE_PREFIX = /^(?:Uncaught\s+)?(?:Exception|Error|TypeError|RangeError|SyntaxError):\s*/;

/**
 * An error as one line that is safe to put in a message: the first line of its text (ews-javascript-api's
 * Exception puts its whole stack in `message`), with local file paths replaced by "<path>", without a
 * generic "Exception:" prefix, at most 200 characters. Every place where an error from a library or
 * from Node becomes words for the admin goes through here. Redact secrets before, never after: a cut
 * could leave part of one that redaction no longer recognises.
 */
export function oneLineErrorText(error: unknown): string {
  const firstLine = errorText(error).split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '' && !/^at\s/.test(line)) ?? '';
  const text = firstLine.replace(NOISE_PREFIX, '').replace(POSIX_PATH, '<path>').replace(WINDOWS_PATH, '<path>').trim();
  if (text === '') return 'no details given';
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 3)}...` : text;
}

/** The message to show for any error; unexpected errors say so and point at the log. */
export function describeError(action: string, error: unknown): string {
  if (error instanceof UserFacingError) return error.message;
  return l10n.t('{0} failed unexpectedly: {1}. The log has the details.', action, oneLineErrorText(error));
}
