import { createLinkTarget, type LinkTarget, type LinkTargetConfig } from '../core/link';
import type { LinkTargetName } from '../core/protocol';
import { readConfig } from './configuration';

/** The link step's settings (`exchangeSetup.link.*`); the password and any authorization header are never among them. */
export interface LinkSettings {
  target: LinkTargetName;
  http: { url: string };
  workmail: { organizationId: string; region: string; profile: string };
}

/** Reads the link settings through the settings table; a target that is not one of its enum is the default target. */
export function readLinkSettings(): LinkSettings {
  return {
    target: readConfig('link.target'),
    http: { url: readConfig('link.http.url').trim() },
    workmail: {
      organizationId: readConfig('link.workmail.organizationId').trim(),
      region: readConfig('link.workmail.region').trim(),
      profile: readConfig('link.workmail.profile').trim(),
    },
  };
}

export interface LinkTargetSources {
  /** The http target's Authorization header, read from secret storage only when the request is made. */
  authorization(url: string): Promise<string | undefined>;
  extraCaPem?: string;
}

/** The chosen target (src/core/link), built from the settings. */
export function linkTargetFor(settings: LinkSettings, sources: LinkTargetSources): LinkTarget {
  let config: LinkTargetConfig;
  switch (settings.target) {
    case 'a4b-console':
      config = { id: 'a4b-console' };
      break;
    case 'http':
      config = { id: 'http', url: settings.http.url, authorization: () => sources.authorization(settings.http.url), extraCaPem: sources.extraCaPem };
      break;
    case 'workmail':
      config = { id: 'workmail', organizationId: settings.workmail.organizationId, region: settings.workmail.region, profile: settings.workmail.profile || undefined };
      break;
    default: {
      const unknown: never = settings.target;
      throw new Error(`Unknown link target ${String(unknown)}`);
    }
  }
  return createLinkTarget(config);
}
