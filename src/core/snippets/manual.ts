/**
 * Steps no shell can do. Alexa for Business is retired and never had an API to link an Exchange
 * calendar (linking was console-only), so these "snippets" are comments saying what to enter and
 * what to check. The password is never written here: the admin typed it into Read-Host earlier.
 */
import type { SetupSettings } from '../settings';
import { comment, script, type StepSnippet } from './script';

function methodLabel(settings: SetupSettings): string {
  return settings.accessMethod === 'impersonation' ? 'Impersonation (Method 1)' : 'Delegate access (Method 2)';
}

export function renderLink(settings: SetupSettings): StepSnippet {
  return {
    stepId: 'link',
    title: 'Link the service account',
    action: script(
      comment('No shell command can do this step. In the calendar service\'s console (for Alexa for Business: Calendar > Microsoft Exchange), enter:'),
      comment(`  Service account (user name): ${settings.serviceAccount.upn}`),
      comment('  Password: the one you typed when the service account was created (never stored by this extension)'),
      comment(`  EWS URL: ${settings.ewsUrl}`),
      comment(`  Access method: ${methodLabel(settings)}`),
      comment('then choose Link account. Alexa for Business itself is retired: use the service that replaced it in your organisation.'),
    ),
    verify: script(
      comment('Before linking, run "Exchange Calendar Setup: Run probes": it signs in as the service account over EWS'),
      comment('and reads a calendar the same way the service will. The console reports whether the link succeeded.'),
    ),
    rollback: script(comment('Unlink the account in the same console page.')),
  };
}

export function renderTest(settings: SetupSettings): StepSnippet {
  const who = settings.testMailbox === '' ? 'an enrolled user' : `an enrolled user (for example ${settings.testMailbox})`;
  return {
    stepId: 'test',
    title: 'Test the integration',
    action: script(
      comment(`No shell command can do this step. Ask ${who} to link Microsoft Exchange in the companion app`),
      comment('with their e-mail address, then ask the device for their upcoming events.'),
    ),
    verify: script(
      comment('The device reads back events from that user\'s calendar. If it cannot, run the probes against that mailbox:'),
      comment('they name the Exchange error (for example ErrorImpersonateUserDenied) and the step that fixes it.'),
    ),
    rollback: script(comment('Nothing to undo: the user can unlink Exchange in the app.')),
  };
}
