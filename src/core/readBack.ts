/**
 * What a verification snippet's output does to the checklist, wherever the output came from: the
 * extension's own terminal (read through shell integration), text the admin pasted in after running
 * the snippet on the Exchange server, or the `verify` command line. One path, so the three can never
 * disagree about a step.
 */
import * as l10n from './l10n';
import { markerLines } from './snippets';
import type { EvidenceSource, SetupModel } from './model';
import type { SetupSettings } from './settings';
import { STEPS, isStepId, stepDefinition, type StepId, type StepStatus } from './steps';
import { firstErrorLine, interpretVerification, readMarkerBlock, stripTerminalEscapes, type VerificationReading } from './verification';

/** How a read-back is reported outside the checklist (the CLI's `status`, its exit code, the message kind). */
export type ReadBackOutcome = 'done' | 'not-done' | 'unknown';

/** The one mapping from the product's statuses to a read-back's outcome. */
export function readBackOutcome(status: StepStatus): ReadBackOutcome {
  switch (status) {
    case 'done':
      return 'done';
    case 'failed':
    case 'warning':
    case 'notStarted':
      return 'not-done';
    case 'unknown':
    case 'notApplicable':
      return 'unknown';
    default: {
      const unreachable: never = status;
      throw new Error(`No read-back outcome for the status ${String(unreachable)}`);
    }
  }
}

/**
 * Records a verification reading on the model: the Basic-auth values recorded for rollback, then the
 * Basic-auth reading (which decides three steps) or the step's own status.
 */
export function applyVerificationReading(model: SetupModel, id: StepId, reading: VerificationReading, source: EvidenceSource): void {
  if (reading.basicAuthPrior && reading.basicAuthPrior.length > 0) model.recordBasicAuthPrior(reading.basicAuthPrior);
  if (reading.basicAuth && reading.basicAuth.length > 0) {
    model.recordBasicAuthReading(reading.basicAuth.map((r) => ({ ...r, server: r.server || r.identity })), source, reading.detail);
  } else {
    model.record(id, reading.status === 'notApplicable' ? 'unknown' : reading.status, source, reading.detail, reading.serversNotRight);
  }
}

/** The steps whose verification prints a marker block (the only ones whose output can be read back). */
export const READ_BACK_STEPS: readonly StepId[] = STEPS.filter((s) => s.readBack === true).map((s) => s.id);

/**
 * The steps whose verdict depends on the settings (the EWS host for the certificate, the service account,
 * the scope name and the org-wide opt-in): reading their output without the admin's settings would judge
 * against defaults, so the CLI asks for --config for these.
 */
export const READ_BACK_NEEDS_SETTINGS: ReadonlySet<StepId> = new Set<StepId>(['prerequisites.certificate', 'serviceAccount.create', 'access.impersonation', 'access.delegate']);

export type PastedReading = { ok: true; step: StepId; reading: VerificationReading } | { ok: false; error: string };

/**
 * Reads output captured outside the extension (pasted, or piped to the CLI). Unlike the terminal, where a
 * missing block is a run that went wrong, here it means the text is not this step's output: that is
 * invalid input and changes nothing.
 */
export function readPastedVerification(stepId: string, text: string, settings: SetupSettings, now: Date = new Date()): PastedReading {
  if (!isStepId(stepId)) return { ok: false, error: l10n.t('"{0}" is not a step id. Steps with verification output: {1}.', stepId, READ_BACK_STEPS.join(', ')) };
  if (!stepDefinition(stepId).readBack) {
    return {
      ok: false,
      error: l10n.t('The step {0} has no verification output to read (it is checked by hand or by a probe). Steps with verification output: {1}.', stepId, READ_BACK_STEPS.join(', ')),
    };
  }
  const clean = stripTerminalEscapes(text);
  const { begin, end } = markerLines(stepId);
  const block = readMarkerBlock(clean, stepId);
  if (block.kind === 'missing' || block.kind === 'incomplete') {
    const shellError = firstErrorLine(clean);
    const error =
      block.kind === 'missing'
        ? l10n.t('No line "{0}" was found: this is not the complete verification output of {1}. Include everything the verification printed, from "{0}" to "{2}".', begin, stepId, end)
        : l10n.t('The line "{0}" was found but no line "{2}" after it: this is not the complete verification output of {1}. Include everything the verification printed, from "{0}" to "{2}".', begin, stepId, end);
    return { ok: false, error: shellError ? l10n.t('{0} The text shows a shell error: {1}', error, shellError) : error };
  }
  return { ok: true, step: stepId, reading: interpretVerification(stepId, text, settings, now) };
}

/** The `verify` command line's answer (and the shape a script can rely on). */
export interface ReadBackReport {
  readonly step: StepId;
  readonly status: ReadBackOutcome;
  readonly message: string;
  readonly details: {
    /** The checklist's own status for the step. */
    readonly stepStatus: StepStatus;
    readonly basicAuth?: VerificationReading['basicAuth'];
    readonly basicAuthPrior?: VerificationReading['basicAuthPrior'];
    /** The servers not yet right ("NAME (what is wrong)"), for the steps that read every server. */
    readonly serversNotRight?: VerificationReading['serversNotRight'];
  };
}

export function readBackReport(step: StepId, reading: VerificationReading): ReadBackReport {
  return {
    step,
    status: readBackOutcome(reading.status),
    message: reading.detail,
    details: {
      stepStatus: reading.status,
      ...(reading.basicAuth ? { basicAuth: reading.basicAuth } : {}),
      ...(reading.basicAuthPrior ? { basicAuthPrior: reading.basicAuthPrior } : {}),
      ...(reading.serversNotRight ? { serversNotRight: reading.serversNotRight } : {}),
    },
  };
}
