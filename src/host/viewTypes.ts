/**
 * Identifiers that both bundles need: dist/extension.js registers the panel's serializer at
 * activation (package.json's onWebviewPanel activation event), dist/features.js creates the panel.
 */
export const PROBE_PANEL_VIEW_TYPE = 'exchangeSetup.probePanel';

/** The scheme of the read-only step explanations (see ./helpView.ts). */
export const HELP_SCHEME = 'exchange-setup-help';
