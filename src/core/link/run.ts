/**
 * What every target does around its own work: pre-link validation first (the target is not called
 * when it fails), cancellation at every await, unexpected errors turned into a failure, and a last
 * pass that removes any secret from the outcome, because a remote service may echo what it was sent.
 */
import { REDACTED, redactText } from '../redact';
import type { LinkContext, LinkOutcome } from './types';
import { errorText, oneLineErrorText } from '../errors';

export { REDACTED, redactText };

export const CANCELLED: LinkOutcome = { ok: false, stage: 'link', cancelled: true, failureReason: 'Linking was cancelled.' };

/** How deep a JSON body quoted inside another JSON body (an echo of an echo) is still recognised. */
const JSON_ESCAPE_LEVELS = 3;

/**
 * The forms in which a secret can come back: as sent; JSON-escaped once or more (a service that echoes
 * the request body as a string inside its JSON answer escapes it twice); URL- and HTML-encoded; base64;
 * and an Authorization value's token alone, in each of those forms.
 */
export function secretForms(secrets: ReadonlyArray<string | undefined>): string[] {
  const forms = new Set<string>();
  const addEncodings = (text: string): void => {
    let escaped = text;
    forms.add(text);
    for (let level = 0; level < JSON_ESCAPE_LEVELS; level++) {
      escaped = JSON.stringify(escaped).slice(1, -1);
      forms.add(escaped);
    }
    forms.add(encodeURIComponent(text));
    forms.add(new URLSearchParams({ v: text }).toString().slice(2));
    forms.add(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
    forms.add(Buffer.from(text, 'utf8').toString('base64'));
  };
  for (const secret of secrets) {
    if (secret === undefined || secret === '') continue;
    addEncodings(secret);
    const token = /^\S+\s+(\S.*)$/.exec(secret)?.[1];
    if (token !== undefined && token.length >= 8) addEncodings(token);
  }
  // Longest first, so that a secret containing another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Every string in the value, redacted. */
export function redactDeep<T>(value: T, forms: readonly string[]): T {
  if (typeof value === 'string') return redactText(value, forms) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, forms)) as T;
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) copy[key] = redactDeep(v, forms);
    return copy as T;
  }
  return value;
}

function isAbort(err: unknown): boolean {
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  const kind = typeof err === 'object' && err !== null ? (err as { kind?: unknown }).kind : undefined;
  return name === 'AbortError' || kind === 'aborted';
}

/**
 * Runs `linkWork` after a successful pre-link validation. `secrets` are the values no outcome may
 * contain (the password, an Authorization header value).
 */
export async function runLink(
  context: LinkContext,
  secrets: ReadonlyArray<string | undefined>,
  linkWork: () => Promise<LinkOutcome>,
): Promise<LinkOutcome> {
  const forms = secretForms(secrets);
  const cancelled = (): boolean => context.signal?.aborted === true;
  if (cancelled()) return CANCELLED;
  let validation;
  try {
    validation = await context.validate();
  } catch (err) {
    if (cancelled() || isAbort(err)) return { ...CANCELLED, stage: 'validation' };
    const detail = oneLineErrorText(redactText(errorText(err), forms));
    return redactDeep({ ok: false, stage: 'validation', failureReason: `The pre-link validation could not run: ${detail}` }, forms);
  }
  if (cancelled()) return { ...CANCELLED, stage: 'validation' };
  if (!validation.ok) {
    const reason = validation.failureReason ?? 'The pre-link validation failed (login or calendar access with the chosen method).';
    return redactDeep({ ok: false, stage: 'validation', failureReason: reason }, forms);
  }
  try {
    // A completed link stands even when a cancel arrived meanwhile: the service already has it.
    return redactDeep(await linkWork(), forms);
  } catch (err) {
    if (cancelled() || isAbort(err)) return CANCELLED;
    const detail = oneLineErrorText(redactText(errorText(err), forms));
    return redactDeep({ ok: false, stage: 'link', failureReason: `Linking failed unexpectedly: ${detail}` }, forms);
  }
}
