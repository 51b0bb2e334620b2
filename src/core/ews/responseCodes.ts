/**
 * Plain-language meaning of the EWS response codes the probes can meet, and which remedy applies.
 * The meaning depends on the access method for the codes that say "no rights".
 */
import type { AccessMethod } from '../settings';
import type { RemedyKey } from '../remedies';
import * as l10n from '../l10n';

export interface ResponseCodeMeaning {
  text: string;
  remedy?: RemedyKey;
}

/** Each text is a function so that it is read in the language of the bundle in use when it is needed. */
interface MeaningEntry {
  text: () => string;
  /** The text under impersonation, for the codes that say "no rights". */
  impersonationText?: () => string;
  remedy?: RemedyKey;
}

const MEANINGS: Record<string, MeaningEntry> = {
  ErrorImpersonateUserDenied: {
    text: () => l10n.t('the service account may not impersonate this mailbox (it is outside the management scope, or there is no ApplicationImpersonation assignment)'),
    remedy: 'widenImpersonationScope',
  },
  ErrorImpersonationDenied: {
    text: () => l10n.t('the service account has no right to impersonate anyone on this server (no ApplicationImpersonation assignment)'),
    remedy: 'grantImpersonation',
  },
  ErrorNonExistentMailbox: { text: () => l10n.t('no mailbox exists with this address'), remedy: 'checkTestMailbox' },
  ErrorAccessDenied: { text: () => l10n.t('the service account has no rights on this mailbox'), remedy: 'grantDelegate' },
  ErrorFolderNotFound: {
    text: () => l10n.t('the calendar folder is not visible to the service account (delegate rights are missing)'),
    impersonationText: () => l10n.t('the calendar folder is not visible to the service account (access is missing)'),
    remedy: 'grantDelegate',
  },
  ErrorItemNotFound: {
    text: () => l10n.t('the item is not visible to the service account (delegate rights are missing, or it was deleted)'),
    impersonationText: () => l10n.t('the item is not visible to the service account (access is missing, or it was deleted)'),
    remedy: 'grantDelegate',
  },
  ErrorInvalidServerVersion: { text: () => l10n.t('the server is older than Exchange 2013 and rejects the Exchange2013 request version'), remedy: 'upgradeExchange' },
  ErrorServerBusy: { text: () => l10n.t('the server is throttling requests (it asks to wait before retrying)') },
  // The four codes below: "ResponseCode" (learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/responsecode),
  // the entry of each code in its "Text value" table, and the same code in the "ServiceError enum" of the EWS Managed API.
  // ServiceError enum (Microsoft.Exchange.WebServices.Data): "When making a request as an account that
  // does not have a mailbox, you must specify the mailbox primary SMTP address for any distinguished
  // folder Ids." The logon probe reads the account's own calendar, so this is the account without a mailbox.
  ErrorMissingEmailAddress: { text: () => l10n.t('the service account has no mailbox (EWS needs one for the account it logs on as)'), remedy: 'serviceAccountMailbox' },
  // "EWS throttling in Exchange", Table 3 (EWSMaxConcurrency): "You have exceeded the available concurrent
  // connections for your account."
  ErrorExceededConnectionCount: {
    text: () => l10n.t('too many requests of the service account were in flight at once (the EWSMaxConcurrency throttling limit, shared with the calendar service)'),
    remedy: 'shareThrottlingBudget',
  },
  // ServiceError enum: "Impersonation failed." (as opposed to ErrorImpersonateUserDenied, a missing right).
  // ASSUMPTION: the causes the remedy checks (a disabled user, a mailbox outside the organisation) are from no Microsoft page.
  ErrorImpersonationFailed: { text: () => l10n.t("Exchange accepted the impersonation right but failed to act as this mailbox's user"), remedy: 'checkImpersonatedUser' },
  // ResponseCode page, ErrorMailboxLogonFailed; MS-OXCSTOR 3.2.5.1.1 "Private Mailbox Logon": an offline
  // database or a mailbox in transit fails the logon.
  ErrorMailboxLogonFailed: { text: () => l10n.t('Exchange could not log on to this mailbox (its database may be dismounted, or the mailbox is moving or quarantined)'), remedy: 'checkMailboxDatabase' },
  ErrorAccountDisabled: { text: () => l10n.t('the service account is disabled'), remedy: 'enableAccount' },
  ErrorPasswordExpired: { text: () => l10n.t('the service account password has expired'), remedy: 'resetPassword' },
  ErrorPasswordChangeRequired: { text: () => l10n.t('the service account must change its password before it can log on'), remedy: 'resetPassword' },
  ErrorSchemaValidation: { text: () => l10n.t('the server rejected the request as invalid (a defect in this tool: please report it)') },
  ErrorCalendarViewRangeTooBig: { text: () => l10n.t('the calendar range asked for is too large (a defect in this tool: please report it)') },
  ErrorSendMeetingInvitationsRequired: { text: () => l10n.t('the request lacked SendMeetingInvitations (a defect in this tool: please report it)') },
  ErrorSendMeetingCancellationsRequired: { text: () => l10n.t('the request lacked SendMeetingCancellations (a defect in this tool: please report it)') },
  ErrorMailboxMoveInProgress: { text: () => l10n.t('the mailbox is being moved; try again later') },
  ErrorMailboxStoreUnavailable: { text: () => l10n.t('the mailbox database is unavailable; try again later') },
  ErrorInternalServerError: { text: () => l10n.t('the server failed while handling the request') },
  ErrorInternalServerTransientError: { text: () => l10n.t('the server had a temporary failure; try again later') },
  ErrorTimeoutExpired: { text: () => l10n.t('the server timed out handling the request') },
  ErrorInvalidRequest: { text: () => l10n.t('the server rejected the request (a defect in this tool: please report it)') },
};

/** Codes that mean the service account lacks rights, interpreted for the configured method. */
const RIGHTS_CODES = new Set(['ErrorAccessDenied', 'ErrorFolderNotFound', 'ErrorItemNotFound']);

export function describeResponseCode(code: string, method?: AccessMethod): ResponseCodeMeaning {
  const known = MEANINGS[code];
  if (!known) return { text: code ? l10n.t('the server answered {0}', code) : l10n.t('the server answered with an unnamed error') };
  if (method === 'impersonation' && RIGHTS_CODES.has(code)) return { text: (known.impersonationText ?? known.text)(), remedy: 'grantImpersonation' };
  return known.remedy ? { text: known.text(), remedy: known.remedy } : { text: known.text() };
}

export const KNOWN_RESPONSE_CODES = Object.keys(MEANINGS);
