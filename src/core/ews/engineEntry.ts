/**
 * Entry of the probe-engine bundle (dist/probe-engine.js). The extension and the CLI load it on the
 * first probe only, through ./loadEngine, because ews-javascript-api is large.
 */
export { runProbes, classifyServerVersion } from './probes';
export { verifyMailboxes, parseMailboxList, notCheckedMailboxes } from './mailboxes';
export { nodeList, runNodeProbes, verifyMailboxesAcrossNodes } from './nodes';
