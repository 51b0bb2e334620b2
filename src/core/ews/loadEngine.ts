/** Loads the probe engine (and with it ews-javascript-api) on the first probe; see ../lazyModule.ts. */
import * as path from 'node:path';
import { lazyModule } from '../lazyModule';
import type * as Engine from './engineEntry';

export type ProbeEngine = typeof Engine;

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const loadProbeEngine = lazyModule<ProbeEngine>(() => require('./probe-engine.js'), 'probe-engine.js', path.join(__dirname, 'engineEntry.js'));
