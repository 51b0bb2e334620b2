/**
 * The explanation behind each checklist step, shown by "Open Step Explanation". Plain Markdown so the
 * host can show it in VS Code's Markdown preview and the runbook can quote its first line.
 */
import * as l10n from './l10n';
import type { StepId } from './steps';
import { stepDefinition } from './steps';

/**
 * Each explanation is one translatable text (a Markdown page, back-quoted code and setting names kept
 * as they are by translators). Read at call time, so the bundle in use is the one the host set.
 */
const HELP: Record<StepId, () => string> = {
  prerequisites: () =>
    l10n.t(`The calendar service talks to Exchange Web Services (EWS) with one service account. Before
anything is changed, four things must hold: you can run the Exchange Management Shell with organisation
rights, every Exchange server is 2013 or newer, EWS presents a certificate from a public certificate
authority, and EWS accepts Basic authentication.`),
  'prerequisites.adminRights': () =>
    l10n.t(`You need an account in the **Organization Management** role group (or one with the
Mail Recipient Creation, Mail Recipients, Role Management, Exchange Virtual Directories, Active Directory
Permissions and Exchange Server Certificates roles).

On an Exchange server, open the Exchange Management Shell. From a Windows workstation, the snippet opens a
remote session (\`New-PSSession -ConfigurationName Microsoft.Exchange ... -Authentication Kerberos\`) and
imports it. PowerShell on Linux and macOS has no WSMan client, so the remote session needs Windows.

The verification lists the management roles your account holds and asks Exchange, for every cmdlet the later
steps run, which roles grant it (\`Get-ManagementRole -Cmdlet\`, as Microsoft's "Find the permissions required
to run any Exchange cmdlet" describes), so custom roles count. Tick the step when you are connected.`),
  'prerequisites.exchangeVersion': () =>
    l10n.t(`EWS impersonation and the calendar operations the service uses need Exchange
2013 (15.0) or newer. Exchange 2013 has been out of support since 2023-04-11, Exchange 2016 and 2019 since
2025-10-14; Exchange Subscription Edition (15.2 build 2562 and later) is the only supported release.

Exchange Online is not covered: Basic authentication for EWS has been off there since October 2022 and
ApplicationImpersonation was removed in February 2025.`),
  'prerequisites.certificate': () =>
    l10n.t(`The service connects to EWS from the internet and accepts only a certificate
issued by a publicly trusted certificate authority, valid for the EWS host name, not expired, and sent
with its intermediate certificates. A self-signed certificate (the Exchange default) or one from an
internal CA fails. The probe checks the chain as the service would see it.

Behind a load balancer every server answers for the EWS name, so the verification reads the certificates
assigned to IIS on **every server with an EWS virtual directory** (\`Get-ExchangeCertificate -Server\` for each).
The step is done only when, on each server, the certificate that names the EWS host has \`RootCAType\`
ThirdParty (a public CA) and \`Status\` Valid, is not self-signed and has not expired; the tooltip names the
servers not yet right. An internal CA (Enterprise, GroupPolicy) is reported as such: check with the
\`tls.trust\` probe what the service will see. Certificates that do not name the EWS host (such as Exchange's
own self-signed certificate for the back-end site) are listed, not judged. A server that cannot be read is
unknown, with its error. Through a remote session \`RootCAType\` and \`Status\` may not come back; the step is
then unknown: run the verification in the Exchange Management Shell on a server.`),
  'prerequisites.basicAuth': () =>
    l10n.t(`The service signs in with Basic authentication. EWS must offer it on every
server behind the load balancer, or sign-ins will fail on some requests. The "Verify Basic
authentication" step reads the setting; the probe checks what EWS actually offers.`),
  'basicAuth.verify': () =>
    l10n.t(`Reads \`BasicAuthentication\` on the EWS virtual directory of **every Exchange server that
has one**: the list comes from Active Directory (\`Get-WebServicesVirtualDirectory -ADPropertiesOnly\`), then
each server is read with \`-Server\`, which also reads its IIS settings. A server that cannot be read is printed
with its error and counts as unknown, never as on. The step is done only when every server has Basic on; the
tooltip names the servers not yet right. The verification prints the values as JSON between marker lines so
that the extension can read them back from the terminal and update the checklist.`),
  'basicAuth.enable': () =>
    l10n.t(`Turns Basic authentication on for the EWS virtual directory of every Exchange server that
has it off. Each directory is changed by the identity Exchange prints for it, never by a typed
\`'<SERVER>\\EWS (Default Web Site)'\`, which breaks when a name is an FQDN or the site has another name.

**Basic on the EWS virtual directory applies to every user of EWS on that server**, not only the service
account: any account can then sign in to EWS with a password. Weigh that before you enable it.

The snippet first records the current value of each directory, with its server, in a file under your
profile; a value already recorded is never overwritten, and a directory whose old value is not recorded is
not changed. The rollback restores exactly the recorded value on each server. After the change it recycles the
\`MSExchangeServicesAppPool\` application pool on each server it changed, as Microsoft's xExchange DSC resource
does after changing the EWS directory (otherwise IIS may keep serving the old setting). It does so through
PowerShell remoting to each server's FQDN (\`Invoke-Command ... Restart-WebAppPool\`), which needs WinRM and
administrator rights there; a server that refuses is named in a warning: on that server run
\`Restart-WebAppPool -Name MSExchangeServicesAppPool\` in an elevated shell. Then confirm with the verification
and the \`auth.schemes\` probe in the Probe & Link panel, which shows what EWS now offers.`),
  'serviceAccount.create': () =>
    l10n.t(`Creates the mailbox the service signs in with. Every value is quoted; the alias has no
spaces. The shell prompts for the password twice (\`Read-Host -AsSecureString\`) and compares the two entries in
memory without turning them into text; if they differ, nothing is created. The password never appears in the
snippet, the terminal history or this extension. \`-ResetPasswordOnNextLogon $false\` matters: otherwise EWS
answers ErrorPasswordChangeRequired.

**Password expiry breaks the service.** When the account's password expires, every EWS request of the calendar
service gets HTTP 401 until the password is changed in Active Directory and in the service. Check when it
expires with the ActiveDirectory module (RSAT, not part of the Exchange session):
\`Get-ADUser <sAMAccountName> -Properties PasswordNeverExpires, msDS-UserPasswordExpiryTimeComputed\`
(the second is a FILETIME: \`[DateTime]::FromFileTime(...)\`), or without RSAT \`net user <sAMAccountName> /domain\`.
Either exempt the account through your password policy or plan the rotation.

**An account that exists already** (\`exchangeSetup.serviceAccount.existing\`, for example one that serves room
calendars): the step becomes "Check the existing service account". It creates nothing, reads the account back (its
UPN, that it is a user mailbox and not disabled, and its password expiry when the ActiveDirectory module is loaded)
and its rollback removes nothing. The \`auth.login\` probe proves it signs in.`),
  'serviceAccount.protocols': () =>
    l10n.t(`Optional. The calendar service uses only EWS, so the service account needs no other way in.
This step turns off Outlook on the web, Exchange ActiveSync, POP3, IMAP4 and MAPI (Outlook) for it with
\`Set-CASMailbox\`, and leaves EWS on: MAPI and EWS are separate switches (\`MAPIEnabled\`, \`EwsEnabled\`), so
turning MAPI off does not affect EWS. A leaked password then opens nothing but EWS.

The snippet records the previous values first; the rollback puts exactly those back. The verification reads
the switches with \`Get-CASMailbox\`: the step is done when every other protocol is off and EWS is not. It is
optional: the checklist's count of steps left never includes it.`),
  access: () =>
    l10n.t(`Choose one method in the \`exchangeSetup.accessMethod\` setting. Impersonation covers every user mailbox,
including ones created later; per-mailbox rights must be granted again for each new mailbox.`),
  'access.impersonation': () =>
    l10n.t(`Creates a management scope over **user mailboxes** and assigns the
ApplicationImpersonation role to the service account, limited to that scope.

The original procedure first ran an *unscoped* \`New-ManagementRoleAssignment -Role ApplicationImpersonation\`,
which grants impersonation over every mailbox in the organisation and defeats the scope. This extension
never generates it unless you opt in with \`exchangeSetup.impersonation.organizationWide\`, and then warns.

The verification reads the assignments with \`-Delegating $false\` (a delegating assignment only lets someone
assign the role). An assignment whose \`RecipientWriteScope\` is Organization reaches every mailbox and fails the
step unless you opted in; one limited to an organizational unit is named with its OU. The scope's stored
filter must select exactly what the step creates (Exchange adds parentheses, which are ignored), so a scope
that filters \`-ne 'UserMailbox'\` or anything else fails.

Microsoft recommends limiting impersonation to the users who need it. Set \`exchangeSetup.access.limitToGroup\`
to the distinguished name of a mail-enabled group and the scope's filter becomes
\`RecipientTypeDetails -eq 'UserMailbox' -and MemberOfGroup -eq '<DN>'\`: only the group's direct members can be
impersonated, and people added to the group later are covered at once.

**For an existing account** (\`exchangeSetup.serviceAccount.existing\`, one that already impersonates room mailboxes
through its own scope): run the verification first; it lists each ApplicationImpersonation assignment of the
account with its scope and filter. The step then adds a user-mailbox scope and an assignment beside them (or, with
\`exchangeSetup.impersonation.scopeCoversRooms\`, one scope over user and room mailboxes), never an
organisation-wide one, and its rollback removes only those two. Set \`exchangeSetup.testRoomMailbox\` so the
probes show the rooms are still reached.`),
  'access.delegate': () =>
    l10n.t(`Grants the service account Full Access (without automapping) and Send As on each user
mailbox. On-premises, Send As is \`Add-ADPermission -ExtendedRights 'Send As'\`;
\`Add-RecipientPermission\` exists only in Exchange Online. Mailboxes created later need the same rights.

The verification reads every user mailbox and reports, for each right, how many lack it and the first 20 of
them by address.

This changes every user mailbox (or every member of the group in \`exchangeSetup.access.limitToGroup\`). Run the
**dry run** first ("Insert Dry Run (-WhatIf)" on the step): it prints how many mailboxes the step would change and
shows each change with \`-WhatIf\`, changing nothing. The step itself prints the count again and changes nothing
until you type that number.

**For an existing account** (\`exchangeSetup.serviceAccount.existing\`) the rights it has on room mailboxes stay. The
step adds the rights on user mailboxes only where missing, records them under your profile first, and its
rollback removes exactly what it recorded: Send As, then Full Access. The verification also says which room
mailboxes the account has each right on.`),
  link: () =>
    l10n.t(`Alexa for Business is retired and never had an API to link an Exchange calendar: linking was done in its
console (Calendar > Microsoft Exchange) with the service account's UPN, its password, the EWS URL and the
access method. The snippet lists the values to enter; the password is never written into it.`),
  test: () =>
    l10n.t(`An enrolled user links Microsoft Exchange in the Alexa app, then asks for upcoming events. The probes in
this extension do the same reads from your machine (and an optional write-then-delete test) so you can
prove access before involving a user.`),
};

export function stepHelpMarkdown(id: StepId): string {
  const def = stepDefinition(id);
  return `# ${def.title}\n\n${def.summary}\n\n${HELP[id]()}\n`;
}
