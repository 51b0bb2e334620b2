/**
 * The panel's "Find my EWS URL": the AutodiscoverRunner with the service account's credentials for
 * its own domain only, and a modal question before any host outside the address's domain is asked.
 */
import * as vscode from 'vscode';
import { ROUTE_WORDS, type HostQuestion } from '../../core/autodiscover';
import { AutodiscoverRunner, domainOf } from '../../core/runs/autodiscoverRun';
import type { Connection } from './connection';
import type { PanelServices } from './services';
import { requireTrustedWorkspace } from './trust';

export class Autodiscover implements vscode.Disposable {
  private readonly runner = new AutodiscoverRunner();

  constructor(private readonly panel: PanelServices, private readonly connection: Connection) {}

  /** Answers the page's request `requestId` with an `autodiscover` message carrying the same id. */
  async find(email: string, requestId: number): Promise<void> {
    try {
      requireTrustedWorkspace();
    } catch (error) {
      this.panel.post({ type: 'autodiscover', requestId, ok: false, message: (error as Error).message });
      return;
    }
    if (domainOf(email) === '') {
      this.panel.post({ type: 'autodiscover', requestId, ok: false, message: vscode.l10n.t('Enter an e-mail address such as alice@contoso.com.') });
      return;
    }
    const form = this.connection.form();
    // The service account's credentials go only to its own domain's Autodiscover hosts (the runner enforces it too).
    const password = domainOf(form.upn) === domainOf(email) ? await this.connection.storedPassword(form.ewsUrl, form.upn) : undefined;
    const progress = this.runner.onEvent((event) => {
      if (event.type === 'progress') this.panel.post({ type: 'autodiscoverProgress', requestId, tried: event.tried, total: event.total, url: event.url });
    });
    const run = await this.runner.start({
      email,
      credentials: password === undefined ? undefined : { user: form.upn, password },
      credentialsOnlyForOwnDomain: true,
      extraCaPem: await this.connection.extraCaPem(),
      confirmHost: (question) => confirmAutodiscoverHost(email, question),
    }).finally(() => progress.dispose());
    for (const line of run.trail) this.panel.log.info(`Autodiscover ${line}`);
    this.panel.post({ type: 'autodiscover', requestId, ok: run.result.ok, ...(run.result.ok ? { ewsUrl: run.result.ewsUrl } : {}), message: run.message });
  }

  /** Stops the lookup in progress; its answer says it was cancelled. */
  cancel(): void {
    this.runner.cancel();
  }

  dispose(): void {
    this.runner.dispose();
  }
}

/**
 * Asks the admin, in a modal dialog, before Autodiscover contacts a host outside the address's domain
 * (Microsoft, [MS-OXDISCO], on the HTTP GET redirect method: "prompt the user to warn them of the redirection"; Outlook asks the
 * same before it lets such a server configure the account).
 */
async function confirmAutodiscoverHost(email: string, question: HostQuestion): Promise<boolean> {
  const trust = vscode.l10n.t('Trust {0}', question.host);
  const ask = question.withCredentials
    ? vscode.l10n.t("Autodiscover for {0} leads to {1}, which is outside {2}. Send it the service account's credentials?", email, question.host, question.domain)
    : vscode.l10n.t('Autodiscover for {0} leads to {1}, which is outside {2}. Send it the request?', email, question.host, question.domain);
  const receives = question.withCredentials
    ? vscode.l10n.t("If you trust it, it receives the service account's user name and password (Basic authentication over https) and may name the EWS URL that the probes then use.")
    : vscode.l10n.t('If you trust it, it receives the address and may name the EWS URL that the probes then use.');
  const choice = await vscode.window.showWarningMessage(
    ask,
    {
      modal: true,
      detail: vscode.l10n.t("{0} was {1}. {2} Trust it only if you know that it serves your organisation's Autodiscover; an attacker on the network path can answer the plain-http request and DNS with any host that has a valid certificate.", question.host, ROUTE_WORDS[question.via], receives),
    },
    trust,
  );
  return choice === trust;
}
