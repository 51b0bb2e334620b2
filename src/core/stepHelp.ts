/**
 * The explanation behind each checklist step, shown by "Open Step Explanation". Plain Markdown so the
 * host can show it in VS Code's Markdown preview and the runbook can quote its first line.
 */
import type { StepId } from './steps';
import { stepDefinition } from './steps';

const HELP: Record<StepId, string> = {
  prerequisites: `The calendar service talks to Exchange Web Services (EWS) with one service account. Before
anything is changed, four things must hold: you can run the Exchange Management Shell with organisation
rights, every Exchange server is 2013 or newer, EWS presents a certificate from a public certificate
authority, and EWS accepts Basic authentication.`,
  'prerequisites.adminRights': `You need an account in the **Organization Management** role group (or one with the
Mail Recipient Creation, Role Management and Organization Client Access roles).

On an Exchange server, open the Exchange Management Shell. From a Windows workstation, the snippet opens a
remote session (\`New-PSSession -ConfigurationName Microsoft.Exchange ... -Authentication Kerberos\`) and
imports it. PowerShell on Linux and macOS has no WSMan client, so the remote session needs Windows.

The verification lists the management roles your account holds. Tick the step when you are connected.`,
  'prerequisites.exchangeVersion': `EWS impersonation and the calendar operations the service uses need Exchange
2013 (15.0) or newer. Exchange 2013 left support on 2023-04-11, Exchange 2016 and 2019 on 2025-10-14;
Exchange Subscription Edition (15.2 build 2562 and later) is the supported release.

Exchange Online is not covered: Basic authentication for EWS has been off there since October 2022 and
ApplicationImpersonation was removed in February 2025.`,
  'prerequisites.certificate': `The service connects to EWS from the internet and accepts only a certificate
issued by a publicly trusted certificate authority, valid for the EWS host name, not expired, and sent
with its intermediate certificates. A self-signed certificate (the Exchange default) or one from an
internal CA fails. The probe checks the chain as the service would see it.

The verification reads \`Get-ExchangeCertificate\` for the certificates assigned to IIS. The step is done only
when the certificate that names the EWS host has \`RootCAType\` ThirdParty (a public CA) and \`Status\` Valid,
is not self-signed and has not expired. An internal CA (Enterprise, GroupPolicy) is reported as such: check
with the \`tls.trust\` probe what the service will see. Certificates that do not name the EWS host (such as
Exchange's own self-signed certificate for the back-end site) are listed, not judged. Through a remote
session \`RootCAType\` and \`Status\` may not come back; the step is then unknown: run the verification in the
Exchange Management Shell on the server.`,
  'prerequisites.basicAuth': `The service signs in with Basic authentication. EWS must offer it on every
server behind the load balancer, or sign-ins will fail on some requests. The "Verify Basic
authentication" step reads the setting; the probe checks what EWS actually offers.`,
  'basicAuth.verify': `Reads \`BasicAuthentication\` on the EWS virtual directories. The verification prints the
values as JSON between marker lines so that the extension can read them back from the terminal and update
the checklist.`,
  'basicAuth.enable': `Turns Basic authentication on for the EWS virtual directory. The identity is
\`'<SERVER>\\EWS (Default Web Site)'\`: the first part is the *server* name (not the domain) and the
directory name contains a space.

The snippet first records the current value, so that the rollback restores exactly what was there before.
Repeat it for every server behind the load balancer.`,
  'serviceAccount.create': `Creates the mailbox the service signs in with. Every value is quoted; the alias has no
spaces. The shell prompts for the password (\`Read-Host -AsSecureString\`), so it never appears in the
snippet, the terminal history or this extension. \`-ResetPasswordOnNextLogon $false\` matters: otherwise EWS
answers ErrorPasswordChangeRequired.`,
  access: `Choose one method in the \`exchangeSetup.accessMethod\` setting. Impersonation covers every user mailbox,
including ones created later; per-mailbox rights must be granted again for each new mailbox.`,
  'access.impersonation': `Creates a management scope over **user mailboxes** and assigns the
ApplicationImpersonation role to the service account, limited to that scope.

The original procedure first ran an *unscoped* \`New-ManagementRoleAssignment -Role ApplicationImpersonation\`,
which grants impersonation over every mailbox in the organisation and defeats the scope. This extension
never generates it unless you opt in with \`exchangeSetup.impersonation.organizationWide\`, and then warns.

The verification reads the assignments with \`-Delegating $false\` (a delegating assignment only lets someone
assign the role). An assignment whose \`RecipientWriteScope\` is Organization reaches every mailbox and fails the
step unless you opted in; one limited to an organizational unit is named with its OU. The scope's stored
filter must select exactly what the step creates (Exchange adds parentheses, which are ignored), so a scope
that filters \`-ne 'UserMailbox'\` or anything else fails.`,
  'access.delegate': `Grants the service account Full Access (without automapping) and Send As on each user
mailbox. On-premises, Send As is \`Add-ADPermission -ExtendedRights 'Send As'\`;
\`Add-RecipientPermission\` exists only in Exchange Online. Mailboxes created later need the same rights.

The verification reads every user mailbox and reports, for each right, how many lack it and the first 20 of
them by address.`,
  link: `Alexa for Business is retired and never had an API to link an Exchange calendar: linking was done in its
console (Calendar > Microsoft Exchange) with the service account's UPN, its password, the EWS URL and the
access method. The snippet lists the values to enter; the password is never written into it.`,
  test: `An enrolled user links Microsoft Exchange in the Alexa app, then asks for upcoming events. The probes in
this extension do the same reads from your machine (and an optional write-then-delete test) so you can
prove access before involving a user.`,
};

export function stepHelpMarkdown(id: StepId): string {
  const def = stepDefinition(id);
  return `# ${def.title}\n\n${def.summary}\n\n${HELP[id]}\n`;
}
