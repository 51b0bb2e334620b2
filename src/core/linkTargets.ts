/**
 * Where the link step can send the service account (src/core/link/). A leaf of its own: the settings
 * table (contributions/configuration.ts) lists these as `link.target`'s values, the panel's protocol
 * (protocol.ts) names them in its messages, and neither imports the other.
 */
export type LinkTargetName = 'a4b-console' | 'http' | 'workmail';
export const LINK_TARGETS: readonly LinkTargetName[] = ['a4b-console', 'http', 'workmail'];
