/** The one mask every output uses in place of a secret, and the one place that applies it. */
export const REDACTED = '[redacted]';

/** Replaces every occurrence of each form (longest first, as the callers sort them) with the mask. */
export function redactText(text: string, forms: readonly string[]): string {
  let result = text;
  for (const form of forms) result = result.split(form).join(REDACTED);
  return result;
}
