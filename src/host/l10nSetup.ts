/**
 * Hands the bundle VS Code loaded for the display language (l10n/bundle.l10n.<language>.json) to
 * src/core/l10n.ts. Imported first by each bundle's entry point (src/extension.ts, src/host/features.ts):
 * modules run in import order, so the core tables that are written with `l10n.t` (step titles, status
 * words) are built in the display language. VS Code loads the bundle before it loads the extension.
 */
import * as vscode from 'vscode';
import { asL10nBundle, useL10nBundle } from '../core/l10n';

useL10nBundle(asL10nBundle(vscode.l10n.bundle));
