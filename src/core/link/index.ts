/**
 * The link targets by id. The host builds the chosen one from its settings and secrets.
 */
import { createA4bConsoleTarget } from './a4bConsole';
import { createHttpTarget, type HttpTargetOptions } from './http';
import { createWorkmailTarget, type WorkmailTargetOptions } from './workmail';
import type { LinkTarget } from './types';

export type LinkTargetConfig =
  | { id: 'a4b-console' }
  | ({ id: 'http' } & HttpTargetOptions)
  | ({ id: 'workmail' } & WorkmailTargetOptions);

export function createLinkTarget(config: LinkTargetConfig): LinkTarget {
  switch (config.id) {
    case 'a4b-console':
      return createA4bConsoleTarget();
    case 'http':
      return createHttpTarget(config);
    case 'workmail':
      return createWorkmailTarget(config);
    default: {
      const unreachable: never = config;
      return unreachable;
    }
  }
}

export * from './types';
export { A4B_RETIRED_NOTICE, createA4bConsoleTarget } from './a4bConsole';
export { createHttpTarget, httpLinkUrlProblem, HTTP_LINK_BODY_LIMIT, type HttpTargetOptions } from './http';
export { createWorkmailTarget, workmailConfigProblem, WORKMAIL_END_OF_SUPPORT, type WorkmailTargetOptions } from './workmail';
export { REDACTED } from './run';
