/**
 * Records what a probe run proves on the checklist. The rule and its words live in
 * src/core/pure/stepVerdict.ts, which the panel's page uses too, so the two views cannot disagree.
 */
import * as l10n from './l10n';
import { SOURCE_LABELS, type RecordedStatus, type StepView } from './model';
import type { AccessMethod } from './settings';
import type { StepId } from './steps';
import { probeEvidence, stepVerdictLine, type Finding, type ProbeEvidence } from './pure/stepVerdict';

export { probeEvidence, stepVerdictLine, type Finding, type ProbeEvidence };

/** The part of SetupModel this needs (tests pass a recorder). */
export interface EvidenceRecorder {
  record(id: StepId, status: RecordedStatus, source: 'probe', detail: string): void;
}

function byId(checks: readonly Finding[]): Map<string, Finding> {
  return new Map(checks.map((c) => [c.id, c]));
}

/**
 * A checklist row's accessible label: "Title: status · source" as the row shows it; a warning or a
 * failure is announced with its reason in the words of stepVerdictLine, then where it came from.
 */
export function checklistLabel(step: StepView, title: string): string {
  if ((step.status === 'warning' || step.status === 'failed') && step.evidence) {
    return l10n.t('{0} ({1})', stepVerdictLine(title, step.status, step.evidence.detail), SOURCE_LABELS[step.evidence.source]);
  }
  return l10n.t('{0}: {1}', title, step.description);
}

/** Records a run's evidence on the checklist; returns what was recorded. */
export function recordProbeEvidence(recorder: EvidenceRecorder, checks: readonly Finding[], method: AccessMethod): ProbeEvidence[] {
  const evidence = probeEvidence(checks, method);
  for (const e of evidence) recorder.record(e.step, e.status, 'probe', e.detail);
  return evidence;
}

/**
 * The pre-link validation the calendar service ran at link time: the service account logs on and
 * reads the test mailbox's calendar with the chosen method. Used by every link target.
 */
export function preLinkValidation(checks: readonly Finding[], method: AccessMethod): { ok: boolean; failureReason?: string } {
  const accessId = method === 'impersonation' ? 'access.impersonation' : 'access.delegate';
  const found = byId(checks);
  for (const id of ['auth.login', accessId, 'calendar.read']) {
    const check = found.get(id);
    if (check && (check.status === 'pass' || check.status === 'warn')) continue;
    const why = check ? `${id}: ${check.message}` : `${id} did not run`;
    return { ok: false, failureReason: `The calendar service would refuse this account (${why}). Fix what the checks say, then validate again.` };
  }
  return { ok: true };
}
