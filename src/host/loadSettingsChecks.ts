/** Loads the settings' checks (dist/settings-checks.js) on first use; see ./settingsChecks.ts and ../core/lazyModule.ts. */
import * as path from 'node:path';
import { lazyModule } from '../core/lazyModule';
import { shareDisplayLanguage } from './l10nSetup';
import type * as SettingsChecksModule from './settingsChecks';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadModule = lazyModule<typeof SettingsChecksModule>(() => require('./settings-checks.js'), 'settings-checks.js', path.join(__dirname, 'settingsChecks.js'));

/** The checks; a bundle that is missing or fails to load throws a UserFacingError saying so (lazyModule), and the next call tries again. */
export function loadSettingsChecks(): typeof SettingsChecksModule {
  const checks = loadModule();
  shareDisplayLanguage(checks);
  return checks;
}
