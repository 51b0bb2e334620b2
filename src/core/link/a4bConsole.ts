/**
 * The default target. Alexa for Business is retired and its API never had an operation to link an
 * Exchange calendar (linking was console-only), so this target cannot call anything: after the
 * pre-link validation it hands the admin the values to type into the console, and the host marks
 * the step linked, with a timestamp, when the admin confirms.
 */
import * as l10n from '../l10n';
import type { AccessMethod } from '../settings';
import { runLink } from './run';
import type { ConsoleField, LinkContext, LinkOutcome, LinkRequest, LinkTarget } from './types';

export const A4B_RETIRED_NOTICE = l10n.t('Alexa for Business is retired, and it never had an API to link an Exchange calendar: linking was done only in its console (Calendar > Microsoft Exchange). Nothing is sent anywhere by this step.');

const accessMethodLabel = (method: AccessMethod): string => (method === 'impersonation'
  ? l10n.t('Impersonation (Method 1)')
  : l10n.t('Delegate access, per-mailbox rights (Method 2)'));

export function consoleFields(request: LinkRequest): ConsoleField[] {
  return [
    { field: 'upn', label: l10n.t('Service account (UPN)'), value: request.upn },
    // Never a value: the host copies the password only when the admin clicks for it.
    { field: 'password', label: l10n.t('Password') },
    { field: 'ewsUrl', label: l10n.t('EWS URL'), value: request.ewsUrl },
    { field: 'accessMethod', label: l10n.t('Access method'), value: accessMethodLabel(request.accessMethod) },
  ];
}

export function createA4bConsoleTarget(): LinkTarget {
  return {
    id: 'a4b-console',
    title: l10n.t('Alexa for Business console (manual)'),
    describe: () => `${A4B_RETIRED_NOTICE} ${l10n.t('After the same validation the service ran at link time, the values to enter are shown; the password is copied only when you ask for it, and the step is marked linked when you confirm.')}`,
    link: (request: LinkRequest, context: LinkContext): Promise<LinkOutcome> => runLink(context, [request.password], async () => ({
      ok: true,
      stage: 'link',
      needsConfirmation: true,
      details: { target: 'a4b-console', notice: A4B_RETIRED_NOTICE, fields: consoleFields(request) },
    })),
  };
}
