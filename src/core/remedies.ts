/**
 * What to do about each finding, as a checklist step and the snippet that fixes it. Probes and the
 * response-code table refer to these by name so that one wording serves the panel, the CLI and tests.
 * The texts are in the display language of the host that loads this module (./l10n.ts); English in the CLI.
 */
import * as l10n from './l10n';
import type { StepId } from './steps';

export interface Remedy {
  step: StepId;
  text: string;
}

export type RemedyKey =
  | 'enableBasicAuth'
  | 'checkPassword'
  | 'unlockAccount'
  | 'enableAccount'
  | 'resetPassword'
  | 'createServiceAccount'
  | 'serviceAccountMailbox'
  | 'shareThrottlingBudget'
  | 'checkImpersonatedUser'
  | 'checkMailboxDatabase'
  | 'grantImpersonation'
  | 'widenImpersonationScope'
  | 'grantDelegate'
  | 'checkTestMailbox'
  | 'fixCertificate'
  | 'fixCertificateName'
  | 'renewCertificate'
  | 'publicCertificate'
  | 'upgradeExchange'
  | 'onPremisesOnly';

/** Functions, so each text is looked up when it is used, in the bundle in use then (the probe engine gets its bundle after it loads). */
const REMEDIES: Record<RemedyKey, () => Remedy> = {
  enableBasicAuth: () => ({
    step: 'basicAuth.enable',
    text: l10n.t('Turn on Basic authentication for EWS on every server behind the load balancer: run the "Enable Basic authentication" snippet.'),
  }),
  // Basic authentication answers 401 alike for a wrong password and for an account that is
  // disabled, locked out or whose password expired: IIS cannot tell the client which it was.
  checkPassword: () => ({
    step: 'serviceAccount.create',
    text: l10n.t('Check the service account UPN and password; reset the password with Set-Mailbox -Password if it is unknown. The same 401 comes back when the account is disabled, locked out or its password has expired: check Get-ADUser <account> -Properties Enabled,LockedOut,PasswordExpired.'),
  }),
  unlockAccount: () => ({
    step: 'serviceAccount.create',
    text: l10n.t('The service account is locked out after failed logons: wait for the lockout to expire or unlock it in Active Directory, then check the password you use.'),
  }),
  enableAccount: () => ({
    step: 'serviceAccount.create',
    text: l10n.t('Enable the service account in Active Directory (Enable-ADAccount), then run the probes again.'),
  }),
  resetPassword: () => ({
    step: 'serviceAccount.create',
    text: l10n.t('Set a new password for the service account and keep -ResetPasswordOnNextLogon $false (see the "Create the service account mailbox" snippet).'),
  }),
  createServiceAccount: () => ({
    step: 'serviceAccount.create',
    text: l10n.t('Create the service account mailbox with the "Create the service account mailbox" snippet.'),
  }),
  serviceAccountMailbox: () => ({
    step: 'serviceAccount.create',
    text: l10n.t('The service account has no mailbox, and EWS needs one for its own logon: create it with the "Create the service account mailbox" snippet (or Enable-Mailbox for an existing user).'),
  }),
  shareThrottlingBudget: () => ({
    step: 'serviceAccount.create',
    text: l10n.t('Too many requests of the service account were in flight at once (EWSMaxConcurrency, 27 by default): let them finish and check again with fewer at once. If the calendar service itself needs more, give the service account its own throttling policy (New-ThrottlingPolicy, Set-ThrottlingPolicyAssociation).'),
  }),
  checkImpersonatedUser: () => ({
    step: 'access.impersonation',
    text: l10n.t("Exchange could not act as this mailbox's user: check that the user account is enabled and its mailbox is in this organisation (Get-User <address>, Get-Mailbox <address>), then run the probes again."),
  }),
  checkMailboxDatabase: () => ({
    step: 'access',
    text: l10n.t('Exchange could not open this mailbox: check that its database is mounted (Get-MailboxDatabase -Status) and the mailbox is not being moved or quarantined (Get-MailboxStatistics <address>).'),
  }),
  grantImpersonation: () => ({
    step: 'access.impersonation',
    text: l10n.t('Create the management scope and the scoped ApplicationImpersonation assignment: run the "Method 1: impersonation" snippet.'),
  }),
  widenImpersonationScope: () => ({
    step: 'access.impersonation',
    text: l10n.t('The mailbox is outside the impersonation scope: check the scope filter (Get-ManagementScope) or re-run the "Method 1: impersonation" snippet.'),
  }),
  grantDelegate: () => ({
    step: 'access.delegate',
    text: l10n.t('Give the service account Full Access and Send As on this mailbox: run the "Method 2: per-mailbox rights" snippet for it.'),
  }),
  checkTestMailbox: () => ({
    step: 'access',
    text: l10n.t('Check the test mailbox address (Get-Mailbox <address>); it must be an existing on-premises user mailbox.'),
  }),
  fixCertificate: () => ({
    step: 'prerequisites.certificate',
    text: l10n.t('Bind a certificate from a public CA to IIS for EWS and send its intermediate certificates (see the certificate prerequisite snippet).'),
  }),
  fixCertificateName: () => ({
    step: 'prerequisites.certificate',
    text: l10n.t('Use a certificate whose names cover the EWS host name, or use the host name the certificate was issued for.'),
  }),
  renewCertificate: () => ({
    step: 'prerequisites.certificate',
    text: l10n.t('Renew the EWS certificate and bind the new one in IIS (Enable-ExchangeCertificate -Services IIS).'),
  }),
  publicCertificate: () => ({
    step: 'prerequisites.certificate',
    text: l10n.t('The calendar service trusts only public CAs: replace the internally issued certificate with one from a public CA.'),
  }),
  upgradeExchange: () => ({
    step: 'prerequisites.exchangeVersion',
    text: l10n.t('Upgrade to a supported Exchange Server (Exchange Server Subscription Edition); see the version prerequisite snippet.'),
  }),
  onPremisesOnly: () => ({
    step: 'prerequisites.exchangeVersion',
    text: l10n.t('This procedure is for on-premises Exchange only; point the EWS URL at an on-premises server.'),
  }),
};

export function remedy(key: RemedyKey): Remedy {
  return REMEDIES[key]();
}

export const REMEDY_KEYS = Object.keys(REMEDIES) as RemedyKey[];
