/**
 * Reads the bundle the host put in the page (<meta name="l10n-bundle">, src/host/panel/page.ts) into
 * src/core/l10n.ts. Imported first by ./main.ts: modules run in import order, so the tables written
 * with `l10n.t` that the page imports (step titles, status words) are built in the display language.
 * English when the bundle is absent or malformed.
 */
import { asL10nBundle, useL10nBundle } from '../core/l10n';

try {
  useL10nBundle(asL10nBundle(JSON.parse(document.querySelector('meta[name="l10n-bundle"]')?.getAttribute('content') ?? '{}')));
} catch {
  useL10nBundle(undefined);
}
