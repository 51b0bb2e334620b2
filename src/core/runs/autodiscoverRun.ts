/**
 * One Autodiscover run at a time, for the panel's "Find my EWS URL" and the CLI's `autodiscover`.
 * `start` cancels the run before it; the result is redacted here, once (the trail holds server text:
 * outcomes, redirect targets), and says in words where the credentials went.
 */
import * as l10n from '../l10n';
import { TRUST_WORDS, credentialRecipients, discoverEwsUrl, trailLine, type AutodiscoverOptions, type AutodiscoverProgress, type AutodiscoverResult, type HostTrust } from '../autodiscover';
import { createRedactor } from '../redact';
import { CurrentRun, Emitter, type Listener, type Subscription } from './emitter';

export interface AutodiscoverRequest extends Omit<AutodiscoverOptions, 'signal' | 'credentials' | 'onCandidate'> {
  email: string;
  credentials?: { user: string; password: string };
  /**
   * The panel's rule: the service account's credentials go only to the Autodiscover hosts of its own
   * domain, so for an address elsewhere the run asks without them. The CLI names the account itself.
   */
  credentialsOnlyForOwnDomain?: boolean;
}

export interface AutodiscoverRunResult {
  /** The result with every string redacted. */
  result: AutodiscoverResult;
  /** Each host that received the credentials, once, with why it was trusted. */
  recipients: { host: string; trust: HostTrust }[];
  /** For people: what was found (or why nothing was), and where the credentials went. */
  message: string;
  /** Each attempt in words, redacted (for a log or a terminal). */
  trail: string[];
}

export type AutodiscoverEvent =
  | { type: 'started'; email: string }
  /** Before each candidate endpoint: `tried` of `total` for the domain being asked (redacted). */
  | ({ type: 'progress' } & AutodiscoverProgress)
  | { type: 'finished'; run: AutodiscoverRunResult };

/** The domain of an address or UPN, lower case; '' when it has none. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

export class AutodiscoverRunner {
  private readonly emitter: Emitter<AutodiscoverEvent>;
  private readonly current = new CurrentRun();

  constructor(private readonly discover: typeof discoverEwsUrl = discoverEwsUrl, onListenerError?: (error: unknown) => void) {
    this.emitter = new Emitter(onListenerError);
  }

  onEvent(listener: Listener<AutodiscoverEvent>): Subscription {
    return this.emitter.on(listener);
  }

  cancel(): void {
    this.current.cancel();
  }

  dispose(): void {
    this.current.cancel();
    this.emitter.dispose();
  }

  async start(request: AutodiscoverRequest, trustWords: Record<HostTrust, string> = TRUST_WORDS): Promise<AutodiscoverRunResult> {
    const run = this.current.begin();
    const { email, credentials: given, credentialsOnlyForOwnDomain = false, ...options } = request;
    const credentials = given && (!credentialsOnlyForOwnDomain || domainOf(given.user) === domainOf(email)) ? given : undefined;
    const redactor = createRedactor(credentials ? [credentials.password] : [], credentials?.user);
    this.emitter.emit({ type: 'started', email });
    try {
      const onCandidate = (p: AutodiscoverProgress): void => {
        if (!run.signal.aborted) this.emitter.emit({ type: 'progress', tried: p.tried, total: p.total, url: redactor.text(p.url), domain: redactor.text(p.domain) });
      };
      const raw = await this.discover(email, { ...options, ...(credentials ? { credentials } : {}), signal: run.signal, onCandidate });
      const result = redactor.deep(raw);
      const recipients = credentialRecipients(result.trail);
      const sentTo = recipients.length === 0 ? l10n.t("No host received the service account's credentials.")
        : l10n.t("The service account's credentials went to {0}.", recipients.map((r) => `${r.host} (${trustWords[r.trust]})`).join(', '));
      const tried = result.trail.map((a) => trailLine(a, trustWords)).join('; ');
      const message = result.ok
        ? `${l10n.t('Found {0} ({1}). Save or run the probes to keep it.', result.ewsUrl ?? '', result.protocol ?? '')} ${sentTo}`
        : `${tried ? l10n.t('Autodiscover found no EWS URL: {0} (tried {1})', result.reason, tried) : l10n.t('Autodiscover found no EWS URL: {0}', result.reason)} ${sentTo}`;
      const done: AutodiscoverRunResult = { result, recipients, message, trail: result.trail.map((a) => trailLine(a, trustWords)) };
      this.emitter.emit({ type: 'finished', run: done });
      return done;
    } finally {
      run.end();
    }
  }
}
