/** Loads the WorkMail link target (and with it the AWS SDK) when that target runs; see ../lazyModule.ts. */
import * as path from 'node:path';
import { lazyModule } from '../lazyModule';
import type * as Workmail from './workmailEntry';

export type WorkmailModule = typeof Workmail;

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const loadWorkmailModule = lazyModule<WorkmailModule>(() => require('./link-workmail.js'), 'link-workmail.js', path.join(__dirname, 'workmailEntry.js'));
