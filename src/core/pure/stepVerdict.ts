/**
 * What a probe run proves about the checklist, and the words both views use for it. Pure (no Node, no
 * VS Code): the host records it on the checklist (src/core/probeEvidence.ts) and the webview lists it
 * under the panel's summary (src/webview/render.ts). Each finding
 * becomes evidence on the step it speaks for, with source 'probe'; a skipped check proves nothing and
 * records nothing, so an earlier reading (from the terminal, say) is not overwritten by ignorance.
 *
 * One rule decides every step from the checks that speak for it (stepVerdict): a failed check fails
 * the step, else a check that warned makes it a warning with the check's own reason, else it is done.
 * A warning is a warning in the panel and in the checklist alike, and it is not done: it stays on the
 * badge until it is fixed or confirmed by hand. The checklist and the panel's summary both word a
 * step's verdict with stepVerdictLine, so the two views tell one story in the same words.
 *
 * Decisions:
 * - Basic offered in the 401 challenge proves the prerequisite and counts as the verification (the
 *   probe read it from the wire rather than from Get-WebServicesVirtualDirectory). It does not mark
 *   "Enable Basic authentication" done: the probe sees one server behind the load balancer, and the
 *   enable step is about every server. When Basic is not offered the enable step is still to do. A
 *   server that did not challenge at all (a warning) leaves the prerequisite a warning: we cannot tell.
 * - The certificate prerequisite needs trust, name and dates together. A chain trusted only through
 *   the extra CA file is a warning (the probe's own verdict): the calendar service trusts public roots
 *   only, so it stays to do until a publicly trusted certificate is bound or the admin confirms by hand
 *   that production has one. An expiry warning (under 30 days) is a warning too, with the date.
 * - A working but out-of-support Exchange (2013/2016/2019) is a warning for "2013 or newer", with the
 *   end-of-support date.
 * - calendar.read and calendar.write are evidence for the access step of the chosen method, not for
 *   "Test the integration": that step is an enrolled user hearing events read back through the
 *   calendar service, which only a person can confirm. A read or write failure after the access
 *   check passed marks the access step failed (the service could not use the access it has).
 * - room.access and room.read (a test room mailbox is set: the account already serves room devices)
 *   speak for the same access step: a room that can no longer be reached or read fails it, because
 *   the step must add user access without taking the rooms' away. They never make it done alone.
 */
import * as l10n from '../l10n';
import type { CheckStatus } from '../protocol';
import type { AccessMethod } from '../settings';
import { stepDefinition, type RecordedStatus, type StepId, type StepStatus } from '../steps';

/** How every view names a status (the checklist's rows and tooltips, the panel's summary). */
export const STATUS_LABELS: Record<StepStatus, string> = {
  notStarted: l10n.t('not started'),
  done: l10n.t('done'),
  failed: l10n.t('failed'),
  warning: l10n.t('warning'),
  notApplicable: l10n.t('not applicable'),
  unknown: l10n.t('unknown'),
};

/** A step's title as the procedure names it (the checklist may say more for an existing account). */
export function procedureStepTitle(id: StepId): string {
  return stepDefinition(id).title;
}

export interface ProbeEvidence {
  step: StepId;
  status: RecordedStatus;
  detail: string;
}

/**
 * A probe result as far as evidence goes (src/core/ews/probes.ts ProbeResult, a report's copy of one,
 * or the panel's CheckView): its status is the panel's union, the same four words as ProbeStatus, so
 * the webview can use this module without the probe engine's Node types.
 */
export interface Finding {
  id: string;
  status: CheckStatus;
  message: string;
}

const CERTIFICATE_CHECKS = ['tls.handshake', 'tls.trust', 'tls.name', 'tls.expiry'] as const;

function byId(checks: readonly Finding[]): Map<string, Finding> {
  return new Map(checks.map((c) => [c.id, c]));
}

function present(found: Map<string, Finding>, ids: readonly string[]): Finding[] {
  return ids.map((id) => found.get(id)).filter((c): c is Finding => c !== undefined && c.status !== 'skip');
}

/**
 * The one rule: the first failed check fails the step with its message; else the checks that warned
 * make it a warning with their messages; else it is done with `doneDetail`.
 */
function stepVerdict(step: StepId, checks: readonly Finding[], doneDetail: string): ProbeEvidence {
  const failed = checks.find((c) => c.status === 'fail');
  if (failed) return { step, status: 'failed', detail: failed.message };
  const warned = checks.filter((c) => c.status === 'warn');
  if (warned.length > 0) return { step, status: 'warning', detail: warned.map((c) => c.message).join('; ') };
  return { step, status: 'done', detail: doneDetail };
}

/**
 * A step's verdict in words, the same in the checklist (tooltip and accessible label) and in the
 * panel's summary: "Publicly trusted certificate on EWS: warning — Trusted only through ...".
 */
export function stepVerdictLine(title: string, status: StepStatus, detail: string): string {
  return detail === '' ? l10n.t('{0}: {1}', title, STATUS_LABELS[status]) : l10n.t('{0}: {1} \u2014 {2}', title, STATUS_LABELS[status], detail);
}

function basicAuthEvidence(found: Map<string, Finding>): ProbeEvidence[] {
  const schemes = found.get('auth.schemes');
  if (!schemes || schemes.status === 'skip') return [];
  const prerequisite = stepVerdict('prerequisites.basicAuth', [schemes], schemes.message);
  switch (schemes.status) {
    case 'pass':
      return [prerequisite, { step: 'basicAuth.verify', status: 'done', detail: schemes.message }];
    case 'fail':
      return [
        prerequisite,
        { step: 'basicAuth.verify', status: 'done', detail: schemes.message },
        { step: 'basicAuth.enable', status: 'notStarted', detail: schemes.message },
      ];
    case 'warn':
      // The server did not challenge at all: the scheme could not be read, so nothing is verified.
      return [prerequisite];
    default: {
      const unreachable: never = schemes.status;
      throw new Error(`Unexpected auth.schemes status ${String(unreachable)}`);
    }
  }
}

function certificateEvidence(found: Map<string, Finding>): ProbeEvidence[] {
  const checks = present(found, CERTIFICATE_CHECKS);
  const decided = checks.some((c) => c.status === 'fail')
    || ['tls.trust', 'tls.name', 'tls.expiry'].every((id) => checks.some((c) => c.id === id));
  if (!decided) return [];
  const expiry = found.get('tls.expiry');
  return [stepVerdict('prerequisites.certificate', checks, l10n.t('Trusted, covers the host; {0}', expiry?.message ?? ''))];
}

function singleCheck(found: Map<string, Finding>, id: string, step: StepId): ProbeEvidence[] {
  const checks = present(found, [id]);
  return checks.length === 0 ? [] : [stepVerdict(step, checks, checks[0].message)];
}

function accessEvidence(found: Map<string, Finding>, method: AccessMethod): ProbeEvidence[] {
  const step: StepId = method === 'impersonation' ? 'access.impersonation' : 'access.delegate';
  const access = found.get(step);
  if (!access || access.status === 'skip') return [];
  // The access check first, so that a user mailbox that fails is reported before what the room says.
  const checks = present(found, [step, 'calendar.read', 'calendar.write', 'room.access', 'room.read']);
  const detail = present(found, ['calendar.read', 'room.read']).reduce((text, c) => `${text}; ${c.message}`, access.message);
  return [stepVerdict(step, checks, detail)];
}

/** The evidence a run's checks give, in checklist order. */
export function probeEvidence(checks: readonly Finding[], method: AccessMethod): ProbeEvidence[] {
  const found = byId(checks);
  return [
    ...singleCheck(found, 'server.version', 'prerequisites.exchangeVersion'),
    ...certificateEvidence(found),
    ...basicAuthEvidence(found),
    ...singleCheck(found, 'auth.login', 'serviceAccount.create'),
    ...accessEvidence(found, method),
  ];
}
