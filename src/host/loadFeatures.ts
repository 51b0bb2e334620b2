/** Loads the features bundle (every command, the panel, the explanations) on first use; see ../core/lazyModule.ts. */
import * as path from 'node:path';
import { lazyModule } from '../core/lazyModule';
import type * as FeaturesModule from './features';

export type { Features } from './features';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const loadFeaturesModule = lazyModule<typeof FeaturesModule>(() => require('./features.js'), 'features.js', path.join(__dirname, 'features.js'));
