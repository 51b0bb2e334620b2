/**
 * The pseudo-locale "qps-ploc" (the name VS Code itself uses for its pseudo language): every string of
 * a bundle accented by @vscode/l10n-dev's getL10nPseudoLocalized (which keeps `{0}` placeholders and
 * link targets) and wrapped in ⟦ ⟧, so that a page shown in it makes every text that escaped
 * localization stand out: it is the only text without the markers. Used by test/unit/l10n.test.ts and
 * scripts/pseudo-locale.mjs (a UI run in the pseudo-locale).
 */
import { getL10nPseudoLocalized } from '@vscode/l10n-dev';

export const PSEUDO_LOCALE = 'qps-ploc';
export const OPEN = '\u27e6';
export const CLOSE = '\u27e7';

/** The pseudo-locale version of a bundle or package.nls.json: same keys, marked values. */
export function pseudoLocalize(bundle: Readonly<Record<string, string>>): Record<string, string> {
  const accented = getL10nPseudoLocalized({ ...bundle }) as Record<string, string>;
  return Object.fromEntries(Object.keys(bundle).map((key) => [key, `${OPEN}${accented[key]}${CLOSE}`]));
}

/** `text` with every marked part taken out, innermost first (a marked string can hold another as an argument). */
export function withoutMarkedText(text: string): string {
  const innermost = new RegExp(`${OPEN}[^${OPEN}${CLOSE}]*${CLOSE}`, 'g');
  let rest = text;
  for (let previous = ''; previous !== rest;) {
    previous = rest;
    rest = rest.replace(innermost, ' ');
  }
  return rest;
}
