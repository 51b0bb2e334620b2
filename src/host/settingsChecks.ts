/**
 * Entry of dist/settings-checks.js: the checks of the settings that a start does not need. Validating
 * every field (the checklist's problem message, the log lines after a change, Configure) and reading
 * each setting's layers for the workspace-override warning happen when the checklist is shown or a
 * setting changes, which most windows never do; these modules were a quarter of dist/extension.js, and
 * every window paid for reading and compiling them. Loaded on first use by ./loadSettingsChecks.ts,
 * which hands this bundle's own copy of src/core/l10n.ts the display language (as for the probe engine).
 */
export { useL10nBundle } from '../core/l10n';
export { readSettingsObject } from '../core/validate';
export { workspaceOverrideWarning, workspaceOverrides } from '../core/workspaceSettings';
