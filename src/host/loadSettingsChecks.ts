/** Loads the settings' checks (dist/settings-checks.js) on first use; see ./settingsChecks.ts and ../core/lazyModule.ts. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { asL10nBundle, useL10nBundle } from '../core/l10n';
import { lazyModule } from '../core/lazyModule';
import type * as SettingsChecksModule from './settingsChecks';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadModule = lazyModule<typeof SettingsChecksModule>(() => require('./settings-checks.js'), 'settings-checks.js', path.join(__dirname, 'settingsChecks.js'));

let languageSet = false;

export function loadSettingsChecks(): typeof SettingsChecksModule {
  const checks = loadModule();
  // The bundle has its own copy of core/l10n, which src/host/l10nSetup.ts does not reach; unbundled
  // (out/, the unit tests) it is the same module, already set.
  if (!languageSet && checks.useL10nBundle !== useL10nBundle) checks.useL10nBundle(asL10nBundle(vscode.l10n.bundle));
  languageSet = true;
  return checks;
}
