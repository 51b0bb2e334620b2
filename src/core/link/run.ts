/**
 * What every target does around its own work: pre-link validation first (the target is not called
 * when it fails), cancellation at every await, unexpected errors turned into a failure, and a last
 * pass that removes any secret from the outcome, because a remote service may echo what it was sent.
 */
import { REDACTED, createRedactor } from '../redact';
import type { LinkContext, LinkOutcome } from './types';
import { errorText, oneLineErrorText } from '../errors';
import * as l10n from '../l10n';

export { REDACTED };

/** A cancelled link, its reason in the language of the bundle in use. */
export const cancelledLink = (): LinkOutcome => ({ ok: false, stage: 'link', cancelled: true, failureReason: l10n.t('Linking was cancelled.') });

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
  const redactor = createRedactor(secrets);
  const cancelled = (): boolean => context.signal?.aborted === true;
  if (cancelled()) return cancelledLink();
  let validation;
  try {
    validation = await context.validate();
  } catch (err) {
    if (cancelled() || isAbort(err)) return { ...cancelledLink(), stage: 'validation' };
    // Redacted before the cut to one line, so truncation cannot leave part of a secret behind.
    const detail = oneLineErrorText(redactor.text(errorText(err)));
    return redactor.deep({ ok: false, stage: 'validation', failureReason: l10n.t('The pre-link validation could not run: {0}', detail) });
  }
  if (cancelled()) return { ...cancelledLink(), stage: 'validation' };
  if (!validation.ok) {
    const reason = validation.failureReason ?? l10n.t('The pre-link validation failed (login or calendar access with the chosen method).');
    return redactor.deep({ ok: false, stage: 'validation', failureReason: reason });
  }
  try {
    // A completed link stands even when a cancel arrived meanwhile: the service already has it.
    return redactor.deep(await linkWork());
  } catch (err) {
    if (cancelled() || isAbort(err)) return cancelledLink();
    // Redacted before the cut to one line, so truncation cannot leave part of a secret behind.
    const detail = oneLineErrorText(redactor.text(errorText(err)));
    return redactor.deep({ ok: false, stage: 'link', failureReason: l10n.t('Linking failed unexpectedly: {0}', detail) });
  }
}
