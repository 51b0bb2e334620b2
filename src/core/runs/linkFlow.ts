/**
 * One link at a time (the panel's "Validate and link"). `start` cancels the link before it, runs the
 * pre-link validation through the shared ProbeRunner (its checks stream to whoever listens to that
 * runner, with purpose "link"), hands the account to the target, and turns the outcome into what the
 * checklist records and what the admin reads. Redaction: the target's outcome is redacted by
 * src/core/link/run.ts, the validation's checks by the ProbeRunner; the text built here only
 * quotes those.
 *
 * a4b-console only prepares the values: the flow keeps them (`validated`) until the admin confirms.
 */
import * as l10n from '../l10n';
import type { LinkOutcome, LinkTarget, PreLinkValidation } from '../link';
import { preLinkValidation } from '../probeEvidence';
import type { LinkValues } from '../protocol';
import { CurrentRun, Emitter, RunCancelled, type Listener, type Subscription } from './emitter';
import type { ProbeRunRequest, ProbeRunner } from './probeRun';

export interface LinkFlowResult {
  outcome: LinkOutcome;
  /** What the admin reads. */
  message: string;
  /** What the link step records on the checklist, if anything (a failed validation is already on the login and access steps). */
  record?: { status: 'done' | 'failed'; detail: string };
  /** Set when the a4b-console validation passed: the values the admin may now copy and confirm. */
  values?: LinkValues;
}

export type LinkFlowEvent =
  | { type: 'started'; target: string }
  | { type: 'finished'; result: LinkFlowResult };

export class LinkFlow {
  private readonly emitter: Emitter<LinkFlowEvent>;
  private readonly current = new CurrentRun();
  private validatedValues: LinkValues | undefined;

  constructor(private readonly probes: ProbeRunner, onListenerError?: (error: unknown) => void) {
    this.emitter = new Emitter(onListenerError);
  }

  onEvent(listener: Listener<LinkFlowEvent>): Subscription {
    return this.emitter.on(listener);
  }

  /** The values validated for the console, until the next link starts. */
  get validated(): LinkValues | undefined {
    return this.validatedValues;
  }

  /** Forgets validated values (a new probe run or link replaces them). */
  clearValidated(): void {
    this.validatedValues = undefined;
  }

  cancel(): void {
    this.current.cancel();
  }

  dispose(): void {
    this.current.cancel();
    this.emitter.dispose();
  }

  /** Validates with `request` (the write test is never part of it) and links through `target`. */
  async start(target: LinkTarget, request: Omit<ProbeRunRequest, 'purpose' | 'write'>): Promise<LinkFlowResult> {
    const run = this.current.begin();
    this.validatedValues = undefined;
    this.emitter.emit({ type: 'started', target: target.id });
    const validate = async (): Promise<PreLinkValidation> => {
      const result = await this.probes.start({ ...request, write: false, purpose: 'link' });
      if (result.outcome === 'cancelled') throw new RunCancelled();
      if (result.outcome === 'error') return { ok: false, failureReason: l10n.t('The probes could not run; see the panel.') };
      return preLinkValidation(result.checks, request.accessMethod);
    };
    // Cancelling the link also cancels its validation run.
    const onAbort = (): void => this.probes.cancel();
    run.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const outcome = await target.link({ ewsUrl: request.ewsUrl, upn: request.upn, accessMethod: request.accessMethod, password: request.password }, { signal: run.signal, validate });
      const result = linkFlowResult(target.title, outcome, { upn: request.upn, ewsUrl: request.ewsUrl, accessMethod: request.accessMethod });
      // A replaced link never sets values over its successor's.
      if (result.values && run.isCurrent()) this.validatedValues = result.values;
      this.emitter.emit({ type: 'finished', result });
      return result;
    } finally {
      run.signal.removeEventListener('abort', onAbort);
      run.end();
    }
  }
}

/** The outcome in words, and what the checklist records. */
export function linkFlowResult(title: string, outcome: LinkOutcome, values: LinkValues): LinkFlowResult {
  if (outcome.cancelled) return { outcome, message: 'Cancelled.' };
  if (outcome.ok && outcome.needsConfirmation) {
    return {
      outcome, values,
      message: l10n.t('Validated. In the Alexa for Business console (Calendar > Microsoft Exchange) enter these values, then Link account; then mark the step as linked here.'),
    };
  }
  const details = outcome.details;
  let extra = '';
  if (details?.target === 'http') extra = ` HTTP ${details.status} ${details.statusText}: ${details.body}${details.bodyTruncated ? l10n.t(' (cut)') : ''}`;
  if (details?.target === 'workmail' && details.configuration) extra = ` ${l10n.t('Availability configuration {0} for {1}.', details.configuration, details.domainName)}`;
  const message = outcome.ok ? `${l10n.t('Linked through {0}.', title)}${extra}` : `${l10n.t('{0}: {1}', title, outcome.failureReason ?? l10n.t('failed'))}${extra}`;
  if (outcome.ok) return { outcome, message, record: { status: 'done', detail: message } };
  if (outcome.stage === 'link') return { outcome, message, record: { status: 'failed', detail: message } };
  return { outcome, message };
}
