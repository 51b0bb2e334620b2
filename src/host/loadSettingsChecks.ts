/** Loads the settings' checks (dist/settings-checks.js) on first use; see ./settingsChecks.ts and ../core/lazyModule.ts. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { oneLineErrorText, UserFacingError } from '../core/errors';
import { lazyModule } from '../core/lazyModule';
import { shareDisplayLanguage } from './l10nSetup';
import type * as SettingsChecksModule from './settingsChecks';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadModule = lazyModule<typeof SettingsChecksModule>(() => require('./settings-checks.js'), 'settings-checks.js', path.join(__dirname, 'settingsChecks.js'));

/**
 * The checks, or an error that says what to do: a bundle that is missing or fails to load means a
 * damaged installation. Callers keep working without the checks (the checklist shows this message,
 * a change of settings still applies), and the next call tries again.
 */
export function loadSettingsChecks(): typeof SettingsChecksModule {
  let checks: typeof SettingsChecksModule;
  try {
    checks = loadModule();
  } catch (error) {
    // A missing file is already said in words (lazyModule); a bundle that fails inside is said here.
    throw error instanceof UserFacingError ? error : new UserFacingError(vscode.l10n.t("The extension's file dist/settings-checks.js did not load ({0}). Reinstall the extension, then reload the window (Developer: Reload Window).", oneLineErrorText(error)));
  }
  shareDisplayLanguage(checks);
  return checks;
}

