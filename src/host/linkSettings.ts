import * as vscode from 'vscode';
import { createLinkTarget, type LinkTarget, type LinkTargetConfig } from '../core/link';
import { LINK_TARGETS, type LinkTargetName } from '../core/protocol';

/** The link step's settings (`exchangeSetup.link.*`); the password and any authorization header are never among them. */
export interface LinkSettings {
  target: LinkTargetName;
  http: { url: string };
  workmail: { organizationId: string; region: string; profile: string };
}

export function readLinkSettings(): LinkSettings {
  const config = vscode.workspace.getConfiguration('exchangeSetup.link');
  const target = config.get<string>('target', 'a4b-console');
  const text = (key: string): string => {
    const value = config.get<unknown>(key, '');
    return typeof value === 'string' ? value.trim() : '';
  };
  return {
    target: (LINK_TARGETS as readonly string[]).includes(target) ? (target as LinkTargetName) : 'a4b-console',
    http: { url: text('http.url') },
    workmail: { organizationId: text('workmail.organizationId'), region: text('workmail.region'), profile: text('workmail.profile') },
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
