/**
 * What to do about each finding, as a checklist step and the snippet that fixes it. Probes and the
 * response-code table refer to these by name so that one wording serves the panel, the CLI and tests.
 */
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

const REMEDIES: Record<RemedyKey, Remedy> = {
  enableBasicAuth: {
    step: 'basicAuth.enable',
    text: 'Turn on Basic authentication for EWS on every server behind the load balancer: run the "Enable Basic authentication" snippet.',
  },
  checkPassword: {
    step: 'serviceAccount.create',
    text: 'Check the service account UPN and password; reset the password with Set-Mailbox -Password if it is unknown.',
  },
  unlockAccount: {
    step: 'serviceAccount.create',
    text: 'The service account is locked out after failed logons: wait for the lockout to expire or unlock it in Active Directory, then check the password you use.',
  },
  enableAccount: {
    step: 'serviceAccount.create',
    text: 'Enable the service account in Active Directory (Enable-ADAccount), then run the probes again.',
  },
  resetPassword: {
    step: 'serviceAccount.create',
    text: 'Set a new password for the service account and keep -ResetPasswordOnNextLogon $false (see the "Create the service account mailbox" snippet).',
  },
  createServiceAccount: {
    step: 'serviceAccount.create',
    text: 'Create the service account mailbox with the "Create the service account mailbox" snippet.',
  },
  grantImpersonation: {
    step: 'access.impersonation',
    text: 'Create the management scope and the scoped ApplicationImpersonation assignment: run the "Method 1: impersonation" snippet.',
  },
  widenImpersonationScope: {
    step: 'access.impersonation',
    text: 'The mailbox is outside the impersonation scope: check the scope filter (Get-ManagementScope) or re-run the "Method 1: impersonation" snippet.',
  },
  grantDelegate: {
    step: 'access.delegate',
    text: 'Give the service account Full Access and Send As on this mailbox: run the "Method 2: per-mailbox rights" snippet for it.',
  },
  checkTestMailbox: {
    step: 'access',
    text: 'Check the test mailbox address (Get-Mailbox <address>); it must be an existing on-premises user mailbox.',
  },
  fixCertificate: {
    step: 'prerequisites.certificate',
    text: 'Bind a certificate from a public CA to IIS for EWS and send its intermediate certificates (see the certificate prerequisite snippet).',
  },
  fixCertificateName: {
    step: 'prerequisites.certificate',
    text: 'Use a certificate whose names cover the EWS host name, or use the host name the certificate was issued for.',
  },
  renewCertificate: {
    step: 'prerequisites.certificate',
    text: 'Renew the EWS certificate and bind the new one in IIS (Enable-ExchangeCertificate -Services IIS).',
  },
  publicCertificate: {
    step: 'prerequisites.certificate',
    text: 'The calendar service trusts only public CAs: replace the internally issued certificate with one from a public CA.',
  },
  upgradeExchange: {
    step: 'prerequisites.exchangeVersion',
    text: 'Upgrade to a supported Exchange Server (Exchange Server Subscription Edition); see the version prerequisite snippet.',
  },
  onPremisesOnly: {
    step: 'prerequisites.exchangeVersion',
    text: 'This procedure is for on-premises Exchange only; point the EWS URL at an on-premises server.',
  },
};

export function remedy(key: RemedyKey): Remedy {
  return REMEDIES[key];
}

export const REMEDY_KEYS = Object.keys(REMEDIES) as RemedyKey[];
