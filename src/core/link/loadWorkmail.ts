/**
 * Loads the WorkMail module on first use, as ../ews/loadEngine.ts does for the probe engine. From a
 * bundle (dist/extension.js, dist/cli.js) it is the sibling bundle ./link-workmail.js, kept external
 * by the build; from the plain transpile in out/ (unit tests) it is workmailEntry.js beside this
 * file, whose path is computed so that esbuild does not pull the SDK into the main bundles.
 */
import * as path from 'node:path';
import type * as Workmail from './workmailEntry';

export type WorkmailModule = typeof Workmail;

let loaded: WorkmailModule | undefined;

export function loadWorkmailModule(): WorkmailModule {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('./link-workmail.js') as WorkmailModule;
  } catch (err) {
    if ((err as { code?: string }).code !== 'MODULE_NOT_FOUND') throw err;
    const direct = path.join(__dirname, 'workmailEntry.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(direct) as WorkmailModule;
  }
  return loaded;
}
