/**
 * The probe engine (dist/probe-engine.js), loaded on first use, with the display language's strings:
 * the bundle carries its own copy of src/core/l10n.ts, which src/host/l10nSetup.ts does not reach.
 */
import { loadProbeEngine, type ProbeEngine } from '../../core/ews/loadEngine';
import { shareDisplayLanguage } from '../l10nSetup';

export function probeEngine(): ProbeEngine {
  const engine = loadProbeEngine();
  shareDisplayLanguage(engine);
  return engine;
}
