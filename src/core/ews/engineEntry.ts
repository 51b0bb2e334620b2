/**
 * Entry of the probe-engine bundle (dist/probe-engine.js). The extension and the CLI load it on the
 * first probe only, through ./loadEngine, because ews-javascript-api is large. The bundle has its own
 * copy of ../l10n.ts: the host hands it the display language's strings (src/host/panel/engine.ts).
 */
export { useL10nBundle } from '../l10n';
export { runProbes, classifyServerVersion } from './probes';
export { verifyMailboxes, parseMailboxList, notCheckedMailboxes } from './mailboxes';
export { nodeList, runNodeProbes, verifyMailboxesAcrossNodes } from './nodes';
