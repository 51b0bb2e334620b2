/**
 * Localized text for the code that cannot import `vscode`: src/core (shared with the CLI) and the
 * panel's page (src/webview). The host hands over the bundle VS Code loaded for the display language
 * (`vscode.l10n.bundle`, read from l10n/bundle.l10n.<language>.json): `useL10nBundle` in each bundle's
 * entry point, and in the page's <meta name="l10n-bundle">. Without a bundle (English, and always in
 * the CLI) `t` returns the English it was given.
 *
 * Write each call as `l10n.t('English with {0}', value)` with `import * as l10n from '…/l10n'` and a
 * literal first argument: `@vscode/l10n-dev export` (npm run l10n:export) finds calls by that shape
 * and writes their English, the keys of every bundle, to l10n/bundle.l10n.json.
 *
 * This is the part of @vscode/l10n's contract we need (`config({ contents })` and `t(message, ...args)`
 * with `{0}` placeholders). That package is not among our dependencies and we never load bundles from
 * files or URLs (the host has them already), so twenty lines replace it.
 */

/** A bundle as l10n-dev writes it: English (or English/comment) to the translation. */
export type L10nBundle = { readonly [key: string]: string | { readonly message: string } };

let bundle: L10nBundle | undefined;

/** Use `next` for every later `t`; undefined goes back to English. */
export function useL10nBundle(next: L10nBundle | undefined): void {
  bundle = next;
}

/** The translation of `message` for the bundle in use, with `{0}`, `{1}`... replaced by `args`. */
export function t(message: string, ...args: readonly (string | number | boolean)[]): string {
  const entry = bundle?.[message];
  const text = typeof entry === 'string' ? entry : entry?.message ?? message;
  return text.replace(/\{(\d+)\}/g, (placeholder, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : placeholder));
}

/** A parsed bundle, or undefined when `value` is not an object whose values are all text. */
export function asL10nBundle(value: unknown): L10nBundle | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.values(value).every((entry) => typeof entry === 'string') ? (value as L10nBundle) : undefined;
}
