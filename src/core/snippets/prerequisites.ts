/**
 * Prerequisite checks: a connected Exchange Management Shell with the right roles, Exchange 2013 or
 * newer on every server, and a publicly trusted certificate bound to IIS on every server with an EWS
 * virtual directory (Get-ExchangeCertificate -Server for each: Microsoft Learn, "Get-ExchangeCertificate",
 * -Server; without it the cmdlet reads only the local server).
 */
import { EWS_SERVERS_EXPRESSION } from './basicAuth';
import { comment, markedJson, script, statement, type StepSnippet, type ValueRefs } from './script';

/**
 * The cmdlets the later steps run that change something (or read certificates): the admin-rights check
 * asks Exchange which management roles grant each one, with Get-ManagementRole -Cmdlet, the procedure of
 * Microsoft's "Find the permissions required to run any Exchange cmdlet" (step 2), so custom roles and
 * role groups are judged as the server itself sees them.
 */
export const ADMIN_CMDLETS: readonly string[] = [
  'Get-ExchangeCertificate',
  'Set-WebServicesVirtualDirectory',
  'New-Mailbox',
  'Remove-Mailbox',
  'Set-CASMailbox',
  'New-ManagementScope',
  'Remove-ManagementScope',
  'New-ManagementRoleAssignment',
  'Remove-ManagementRoleAssignment',
  'Add-MailboxPermission',
  'Remove-MailboxPermission',
  'Add-ADPermission',
  'Remove-ADPermission',
];

/**
 * The built-in roles that hold those cmdlets, all in Organization Management; the fallback when the
 * verification output carries no per-cmdlet answer. ASSUMPTION: this cmdlet-to-role mapping follows the
 * built-in role descriptions of Exchange Server ("Mail Recipient Creation": New-/Remove-Mailbox; "Mail
 * Recipients": Set-CASMailbox and mailbox permissions; "Role Management": scopes and role assignments;
 * "Exchange Virtual Directories": Set-WebServicesVirtualDirectory; "Active Directory Permissions":
 * Add-/Remove-ADPermission; "Exchange Server Certificates": Get-ExchangeCertificate) and was not read
 * from a server; the live Get-ManagementRole answer decides whenever it is present.
 */
export const REQUIRED_MANAGEMENT_ROLES: readonly string[] = [
  'Mail Recipient Creation',
  'Mail Recipients',
  'Role Management',
  'Exchange Virtual Directories',
  'Active Directory Permissions',
  'Exchange Server Certificates',
];

export function renderAdminRights(refs: ValueRefs): StepSnippet {
  const rolesList = REQUIRED_MANAGEMENT_ROLES.map((role) => `'${role}'`).join(', ');
  const cmdletList = ADMIN_CMDLETS.map((cmdlet) => `'${cmdlet}'`).join(', ');
  return {
    stepId: 'prerequisites.adminRights',
    title: 'Exchange admin rights',
    action: script(
      comment('Connect a remote Exchange Management Shell from a domain-joined Windows machine (Kerberos).'),
      comment('Use the server\'s fully qualified name: Kerberos needs the name its service principal is registered under.'),
      comment('pwsh on Linux or macOS has no WSMan client, so this remote session needs Windows.'),
      comment('On an Exchange server itself, load the local shell instead:'),
      comment(". \"$env:ExchangeInstallPath\\bin\\RemoteExchange.ps1\"; Connect-ExchangeServer -auto"),
      statement(`$ecsSession = New-PSSession -ConfigurationName Microsoft.Exchange -ConnectionUri ${refs.valueBetween('http://', 'exchangeServer', '/PowerShell/')} -Authentication Kerberos`),
      statement('Import-PSSession $ecsSession -DisableNameChecking'),
    ),
    verify: script(
      comment('Lists the management roles assigned to you (directly or through role groups such as Organization Management).'),
      comment(`Organization Management has every role the later steps need (${REQUIRED_MANAGEMENT_ROLES.join(', ')}).`),
      statement('$ecsMe = [System.Security.Principal.WindowsIdentity]::GetCurrent().Name'),
      statement(`$ecsRoles = @(Get-ManagementRoleAssignment -RoleAssignee $ecsMe -Delegating:$false | Where-Object { $_.Enabled } | ForEach-Object { [string]$_.Role } | Sort-Object -Unique)`),
      comment('For each cmdlet the later steps run, the roles that grant it (Microsoft: "Find the permissions required to run any Exchange cmdlet").'),
      statement(`$ecsCmdlets = @(@(${cmdletList}) | ForEach-Object { [pscustomobject]@{ Cmdlet = $_; Roles = @(Get-ManagementRole -Cmdlet $_ | ForEach-Object { [string]$_.Name }) } })`),
      ...markedJson('prerequisites.adminRights', `@([pscustomobject]@{ User = [string]$ecsMe; Roles = $ecsRoles; Required = @(${rolesList}); Cmdlets = $ecsCmdlets })`),
    ),
    rollback: script(
      comment('Closes the remote session opened above.'),
      statement('Remove-PSSession $ecsSession'),
    ),
  };
}

export function renderExchangeVersion(): StepSnippet {
  return {
    stepId: 'prerequisites.exchangeVersion',
    title: 'Exchange 2013 or newer',
    action: script(
      comment('Nothing to change here: the check reads the version of every Exchange server.'),
      comment('15.0 = 2013, 15.1 = 2016, 15.2 = 2019 (build 2562 and later = Subscription Edition); 14.x = 2010 is too old.'),
      comment('Only Subscription Edition is supported: 2013 left support on 2023-04-11, 2016 and 2019 on 2025-10-14.'),
    ),
    verify: script(
      comment('Every Exchange server with its version as text, e.g. "Version 15.2 (Build 1544.4)".'),
      ...markedJson(
        'prerequisites.exchangeVersion',
        '@(Get-ExchangeServer | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; AdminDisplayVersion = [string]$_.AdminDisplayVersion; ServerRole = [string]$_.ServerRole } })',
      ),
    ),
    rollback: script(comment('Nothing to undo: this step only reads.')),
  };
}

export function renderCertificate(): StepSnippet {
  return {
    stepId: 'prerequisites.certificate',
    title: 'Publicly trusted certificate on EWS',
    action: script(
      comment('Nothing to change from here: a certificate from a public CA is requested and assigned outside this procedure'),
      comment('(New-ExchangeCertificate, then Import-ExchangeCertificate and Enable-ExchangeCertificate -Services IIS).'),
      comment('The calendar service connects from the internet and trusts only public roots; a self-signed certificate fails.'),
      comment('Behind a load balancer every server serves the EWS name: each one needs the certificate.'),
    ),
    verify: script(
      comment('For every server with an EWS virtual directory, the certificate(s) assigned to IIS there: subject, issuer, expiry (ISO 8601, UTC),'),
      comment('self-signed or not, names covered, the kind of root (RootCAType: ThirdParty is a public CA) and the status Exchange computed'),
      comment('(Status: Valid, Untrusted, ...). A server that cannot be read is printed with its error.'),
      comment('Run it in the Exchange Management Shell on a server: through a remote session RootCAType and Status may come back empty.'),
      ...markedJson(
        'prerequisites.certificate',
        `@(foreach ($ecsServer in ${EWS_SERVERS_EXPRESSION}) { $ecsErrors = $null; $ecsCertificates = @(Get-ExchangeCertificate -Server $ecsServer -ErrorAction SilentlyContinue -ErrorVariable ecsErrors | Where-Object { [string]$_.Services -match 'IIS' }); [pscustomobject]@{ Server = $ecsServer; Error = [string]($ecsErrors | Select-Object -First 1); Certificates = @($ecsCertificates | ForEach-Object { [pscustomobject]@{ Thumbprint = [string]$_.Thumbprint; Subject = [string]$_.Subject; Issuer = [string]$_.Issuer; NotAfter = $_.NotAfter.ToUniversalTime().ToString('o'); IsSelfSigned = [bool]$_.IsSelfSigned; RootCAType = [string]$_.RootCAType; Status = [string]$_.Status; Domains = @($_.CertificateDomains | ForEach-Object { [string]$_ }) } }) } })`,
        // server, its certificate list, a certificate, its domain list: deeper than the default 4 would print.
        6,
      ),
    ),
    rollback: script(comment('Nothing to undo: this step only reads.')),
  };
}
