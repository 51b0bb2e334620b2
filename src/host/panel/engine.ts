/**
 * The probe engine (dist/probe-engine.js), loaded on first use, with the display language's strings:
 * the bundle carries its own copy of src/core/l10n.ts, which src/host/l10nSetup.ts does not reach.
 */
import * as vscode from 'vscode';
import { asL10nBundle } from '../../core/l10n';
import { loadProbeEngine, type ProbeEngine } from '../../core/ews/loadEngine';

export function probeEngine(): ProbeEngine {
  const engine = loadProbeEngine();
  engine.useL10nBundle(asL10nBundle(vscode.l10n.bundle));
  return engine;
}
