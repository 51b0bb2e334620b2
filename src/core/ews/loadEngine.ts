/**
 * Loads the probe engine on first use. From a bundle (dist/extension.js, dist/cli.js) the engine is
 * the sibling bundle ./probe-engine.js, kept external by the build. From the plain transpile in out/
 * (unit tests) there is no bundle, and the engine module beside this file is loaded instead; its
 * path is computed so that esbuild does not pull it into the bundles.
 */
import * as path from 'node:path';
import type * as Engine from './engineEntry';

export type ProbeEngine = typeof Engine;

let loaded: ProbeEngine | undefined;

export function loadProbeEngine(): ProbeEngine {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('./probe-engine.js') as ProbeEngine;
  } catch (err) {
    if ((err as { code?: string }).code !== 'MODULE_NOT_FOUND') throw err;
    const direct = path.join(__dirname, 'engineEntry.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(direct) as ProbeEngine;
  }
  return loaded;
}
