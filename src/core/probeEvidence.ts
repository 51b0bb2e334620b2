/**
 * What a probe run proves about the checklist. Each finding becomes evidence on the step it speaks
 * for, with source 'probe'; a skipped check proves nothing and records nothing, so an earlier reading
 * (from the terminal, say) is not overwritten by ignorance.
 *
 * Decisions:
 * - Basic offered in the 401 challenge proves the prerequisite and counts as the verification (the
 *   probe read it from the wire rather than from Get-WebServicesVirtualDirectory). It does not mark
 *   "Enable Basic authentication" done: the probe sees one server behind the load balancer, and the
 *   enable step is about every server. When Basic is not offered the enable step is still to do.
 * - The certificate prerequisite needs trust, name and dates together. A chain trusted only through
 *   the extra CA file is a failure: the calendar service trusts public roots only. An expiry warning
 *   (under 30 days) still counts as done, with the date in the detail.
 * - A working but out-of-support Exchange (2013/2016/2019) is done for "2013 or newer"; the warning
 *   text goes into the detail.
 * - calendar.read and calendar.write are evidence for the access step of the chosen method, not for
 *   "Test the integration": that step is an enrolled user hearing events read back through the
 *   calendar service, which only a person can confirm. A read or write failure after the access
 *   check passed marks the access step failed (the service could not use the access it has).
 * - room.access and room.read (a test room mailbox is set: the account already serves room devices)
 *   speak for the same access step: a room that can no longer be reached or read fails it, because
 *   the step must add user access without taking the rooms' away. They never make it done alone.
 */
import type { AccessMethod } from './settings';
import type { StepId } from './steps';
import type { RecordedStatus } from './model';
import type { ProbeStatus } from './ews/probes';

export interface ProbeEvidence {
  step: StepId;
  status: RecordedStatus;
  detail: string;
}

/** The part of SetupModel this needs (tests pass a recorder). */
export interface EvidenceRecorder {
  record(id: StepId, status: RecordedStatus, source: 'probe', detail: string): void;
}

/** A probe result as far as evidence goes (src/core/ews/probes.ts ProbeResult, or a report's copy of one). */
export interface Finding {
  id: string;
  status: ProbeStatus;
  message: string;
}

const CERTIFICATE_CHECKS = ['tls.handshake', 'tls.trust', 'tls.name', 'tls.expiry'] as const;

function byId(checks: readonly Finding[]): Map<string, Finding> {
  return new Map(checks.map((c) => [c.id, c]));
}

function basicAuthEvidence(found: Map<string, Finding>): ProbeEvidence[] {
  const schemes = found.get('auth.schemes');
  if (!schemes || schemes.status === 'skip') return [];
  if (schemes.status === 'pass') {
    return [
      { step: 'prerequisites.basicAuth', status: 'done', detail: schemes.message },
      { step: 'basicAuth.verify', status: 'done', detail: schemes.message },
    ];
  }
  if (schemes.status === 'fail') {
    return [
      { step: 'prerequisites.basicAuth', status: 'failed', detail: schemes.message },
      { step: 'basicAuth.verify', status: 'done', detail: schemes.message },
      { step: 'basicAuth.enable', status: 'notStarted', detail: schemes.message },
    ];
  }
  // A warning here means the server did not challenge at all: we cannot tell.
  return [{ step: 'prerequisites.basicAuth', status: 'unknown', detail: schemes.message }];
}

function certificateEvidence(found: Map<string, Finding>): ProbeEvidence[] {
  const checks = CERTIFICATE_CHECKS.map((id) => found.get(id)).filter((c): c is Finding => c !== undefined);
  const failed = checks.find((c) => c.status === 'fail') ?? (found.get('tls.trust')?.status === 'warn' ? found.get('tls.trust') : undefined);
  if (failed) return [{ step: 'prerequisites.certificate', status: 'failed', detail: failed.message }];
  const decisive = ['tls.trust', 'tls.name', 'tls.expiry'].map((id) => found.get(id));
  if (decisive.some((c) => c === undefined || c.status === 'skip')) return [];
  const expiry = found.get('tls.expiry') as Finding;
  return [{ step: 'prerequisites.certificate', status: 'done', detail: `Trusted, covers the host; ${expiry.message}` }];
}

function passOrFail(found: Map<string, Finding>, id: string, step: StepId): ProbeEvidence[] {
  const check = found.get(id);
  if (!check || check.status === 'skip') return [];
  return [{ step, status: check.status === 'fail' ? 'failed' : 'done', detail: check.message }];
}

function accessEvidence(found: Map<string, Finding>, method: AccessMethod): ProbeEvidence[] {
  const step: StepId = method === 'impersonation' ? 'access.impersonation' : 'access.delegate';
  const access = found.get(step);
  if (!access || access.status === 'skip') return [];
  if (access.status === 'fail') return [{ step, status: 'failed', detail: access.message }];
  const later = ['calendar.read', 'calendar.write', 'room.access', 'room.read'].map((id) => found.get(id)).filter((c): c is Finding => c !== undefined);
  const laterFailure = later.find((c) => c.status === 'fail');
  if (laterFailure) return [{ step, status: 'failed', detail: laterFailure.message }];
  const detail = ['calendar.read', 'room.read'].map((id) => found.get(id)).filter((c): c is Finding => c !== undefined && c.status !== 'skip')
    .reduce((text, c) => `${text}; ${c.message}`, access.message);
  return [{ step, status: 'done', detail }];
}

/** The evidence a run's checks give, in checklist order. */
export function probeEvidence(checks: readonly Finding[], method: AccessMethod): ProbeEvidence[] {
  const found = byId(checks);
  return [
    ...passOrFail(found, 'server.version', 'prerequisites.exchangeVersion'),
    ...certificateEvidence(found),
    ...basicAuthEvidence(found),
    ...passOrFail(found, 'auth.login', 'serviceAccount.create'),
    ...accessEvidence(found, method),
  ];
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
