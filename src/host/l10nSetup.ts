/**
 * Hands the bundle VS Code loaded for the display language (l10n/bundle.l10n.<language>.json) to
 * src/core/l10n.ts. Imported first by each bundle's entry point (src/extension.ts, src/host/features.ts):
 * modules run in import order, so the core tables that are written with `l10n.t` (step titles, status
 * words) are built in the display language. VS Code loads the bundle before it loads the extension.
 */
import * as vscode from 'vscode';
import { asL10nBundle, useL10nBundle, type L10nBundle } from '../core/l10n';

useL10nBundle(asL10nBundle(vscode.l10n.bundle));

/**
 * Hands the display language to a bundle loaded later that carries its own copy of src/core/l10n.ts
 * (dist/probe-engine.js, dist/settings-checks.js), which the line above does not reach. Unbundled (out/,
 * the unit tests) the copy is this same module, already set, and is left alone.
 */
export function shareDisplayLanguage(bundle: { useL10nBundle(next: L10nBundle | undefined): void }): void {
  if (bundle.useL10nBundle !== useL10nBundle) bundle.useL10nBundle(asL10nBundle(vscode.l10n.bundle));
}
