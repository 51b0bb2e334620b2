/**
 * The service account mailbox. Every value is quoted (the AWS page passed multi-word values bare),
 * the password is read as a SecureString inside the shell so it never appears in a command, and the
 * account must not be forced to change its password: EWS would answer ErrorPasswordChangeRequired.
 */
import type { SetupSettings } from '../settings';
import { comment, markedJson, script, statement, type ScriptLine, type StepSnippet, type ValueRefs } from './script';

/**
 * The password, typed twice into Read-Host -AsSecureString and compared without ever becoming a
 * .NET string: each SecureString is copied into unmanaged memory (Marshal.SecureStringToBSTR), compared
 * one UTF-16 unit at a time with Marshal.ReadInt16, and the copies are zeroed and freed with
 * Marshal.ZeroFreeBSTR (Microsoft Learn, "Marshal.SecureStringToBSTR": free it with ZeroFreeBSTR).
 * Converting to plain text (ConvertFrom-SecureString -AsPlainText, PtrToStringBSTR) would leave
 * immutable copies in the shell's memory until the process ends. Neither the password nor a converted
 * form is ever a command argument, so it reaches neither the history (Get-History records command
 * lines) nor a transcript (Start-Transcript records the console, where Read-Host -AsSecureString shows
 * asterisks). Mismatch throws before New-Mailbox, which stops the whole prompt line.
 */
export const PASSWORD_PROMPT_LINES: readonly ScriptLine[] = [
  statement("$ecsPassword = Read-Host 'Service account password' -AsSecureString"),
  statement("$ecsPasswordAgain = Read-Host 'Type the password again' -AsSecureString"),
  statement('$ecsFirst = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($ecsPassword); $ecsSecond = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($ecsPasswordAgain)'),
  statement('try { $ecsSame = $ecsPassword.Length -eq $ecsPasswordAgain.Length; for ($ecsAt = 0; $ecsSame -and $ecsAt -lt $ecsPassword.Length; $ecsAt++) { $ecsSame = [Runtime.InteropServices.Marshal]::ReadInt16($ecsFirst, 2 * $ecsAt) -eq [Runtime.InteropServices.Marshal]::ReadInt16($ecsSecond, 2 * $ecsAt) } } finally { [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($ecsFirst); [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($ecsSecond) }'),
  statement("if (-not $ecsSame) { throw 'The two passwords differ: nothing was created. Run the step again.' }"),
];

/**
 * The service account read back as the verification prints it: the mailbox's names and type,
 * AccountDisabled (a property of Get-Mailbox's output), and, where the ActiveDirectory module of RSAT
 * is loaded, PasswordNeverExpires and msDS-UserPasswordExpiryTimeComputed (a FILETIME; Microsoft Learn,
 * "Get-ADUser" and the msDS-UserPasswordExpiryTimeComputed attribute page). Without that module the
 * expiry stays empty and the reading says it could not be read.
 */
function serviceAccountReading(refs: ValueRefs): string {
  const expiry = "$ecsAd = $null; if (Get-Command -Name Get-ADUser -ErrorAction SilentlyContinue) { $ecsAd = Get-ADUser -Identity ([string]$_.SamAccountName) -Properties @('PasswordNeverExpires', 'msDS-UserPasswordExpiryTimeComputed') -ErrorAction SilentlyContinue }; "
    + "$ecsExpiry = if ($ecsAd -and -not $ecsAd.PasswordNeverExpires -and $ecsAd.'msDS-UserPasswordExpiryTimeComputed' -gt 0 -and $ecsAd.'msDS-UserPasswordExpiryTimeComputed' -lt [long]::MaxValue) { [DateTime]::FromFileTimeUtc($ecsAd.'msDS-UserPasswordExpiryTimeComputed').ToString('o') } else { '' }; ";
  return `@(Get-Mailbox -Identity ${refs.value('serviceAccount.upn')} -ErrorAction SilentlyContinue | ForEach-Object { ${expiry}[pscustomobject]@{ Name = [string]$_.Name; Alias = [string]$_.Alias; UserPrincipalName = [string]$_.UserPrincipalName; PrimarySmtpAddress = [string]$_.PrimarySmtpAddress; RecipientTypeDetails = [string]$_.RecipientTypeDetails; AccountDisabled = [bool]$_.AccountDisabled; PasswordNeverExpires = [bool]($ecsAd -and $ecsAd.PasswordNeverExpires); PasswordExpiryRead = [bool]$ecsAd; PasswordExpires = $ecsExpiry } })`;
}

/**
 * The shortcut path (issue 14): the account exists already (it serves room calendars, say). Nothing is
 * created, and the rollback removes nothing: the account is someone else's to keep. The step reads the
 * account back (its UPN, that it is enabled, when its password expires where that can be read) and the
 * auth.login probe proves it can sign in to EWS.
 */
function renderServiceAccountCheck(refs: ValueRefs): StepSnippet {
  return {
    stepId: 'serviceAccount.create',
    title: 'Check the existing service account',
    action: script(
      comment('The service account already exists (exchangeSetup.serviceAccount.existing): nothing is created or changed.'),
      comment('Shows its names, its type (UserMailbox), whether it is disabled, and, with the ActiveDirectory module of RSAT, when its password expires.'),
      ...markedJson('serviceAccount.create', serviceAccountReading(refs)),
      comment('Then run the probes: auth.login proves the account signs in to EWS with the password the calendar service has.'),
    ),
    verify: script(
      comment('Reads the existing service account back (an empty list means the UPN names no mailbox).'),
      ...markedJson('serviceAccount.create', serviceAccountReading(refs)),
    ),
    rollback: script(
      comment('Nothing to roll back: this step only read the existing service account, and it is not removed.'),
      comment('The account existed before this setup (exchangeSetup.serviceAccount.existing), and other services may depend on it.'),
      statement("Write-Output 'Nothing to roll back: the existing service account is kept.'"),
    ),
  };
}

export function renderServiceAccountCreate(settings: SetupSettings, refs: ValueRefs): StepSnippet {
  if (settings.serviceAccount.existing) return renderServiceAccountCheck(refs);
  const ou = settings.serviceAccount.organizationalUnit === '' ? '' : ` -OrganizationalUnit ${refs.value('serviceAccount.organizationalUnit')}`;
  return {
    stepId: 'serviceAccount.create',
    title: 'Create the service account mailbox',
    action: script(
      comment('Creates the service account mailbox. The shell asks for the password twice; it never appears in the command, the history or VS Code.'),
      comment('The two entries are compared in memory without turning them into text; if they differ, nothing is created.'),
      ...PASSWORD_PROMPT_LINES,
      comment('-ResetPasswordOnNextLogon $false: otherwise EWS refuses the account with ErrorPasswordChangeRequired.'),
      statement(
        `New-Mailbox -Name ${refs.value('serviceAccount.displayName')} -Alias ${refs.value('serviceAccount.alias')} -UserPrincipalName ${refs.value('serviceAccount.upn')} -DisplayName ${refs.value('serviceAccount.displayName')}${ou} -Password $ecsPassword -ResetPasswordOnNextLogon $false`,
      ),
      statement("Remove-Variable -Name 'ecsPassword', 'ecsPasswordAgain'"),
      comment('When the password expires, every EWS logon of the service fails with 401 until it is changed here and in the service.'),
      comment('Check the expiry (needs the ActiveDirectory module of RSAT, not the Exchange session):'),
      comment(`Get-ADUser -Identity <sAMAccountName> -Properties PasswordNeverExpires, msDS-UserPasswordExpiryTimeComputed`),
      comment('msDS-UserPasswordExpiryTimeComputed is a FILETIME: [DateTime]::FromFileTime(<value>). Without RSAT: net user <sAMAccountName> /domain'),
    ),
    verify: script(
      comment('Reads the service account mailbox back (an empty list means it does not exist).'),
      ...markedJson(
        'serviceAccount.create',
        `@(Get-Mailbox -Identity ${refs.value('serviceAccount.upn')} -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; Alias = [string]$_.Alias; UserPrincipalName = [string]$_.UserPrincipalName; PrimarySmtpAddress = [string]$_.PrimarySmtpAddress; RecipientTypeDetails = [string]$_.RecipientTypeDetails; AccountDisabled = [bool]$_.AccountDisabled } })`,
      ),
    ),
    rollback: script(
      comment('Removes the mailbox and its Active Directory account. Exchange asks for confirmation: read it before answering.'),
      statement(`Remove-Mailbox -Identity ${refs.value('serviceAccount.upn')}`),
    ),
  };
}

/** Where serviceAccount.protocols records the values it is about to change, under the admin's profile. */
export const PROTOCOLS_PRIOR_FILE = 'exchange-calendar-setup-protocols-prior.json';

/**
 * The client protocols the optional step turns off, as Set-CASMailbox parameters and Get-CASMailbox
 * properties (Microsoft Learn, Set-CASMailbox: OWAEnabled, ActiveSyncEnabled, PopEnabled, ImapEnabled,
 * MAPIEnabled, all on-premises). EWS is a separate switch (EwsEnabled) that the step leaves alone: the
 * same page describes MAPIEnabled as MAPI clients such as Outlook, and EWS access as EwsEnabled.
 */
export const OTHER_PROTOCOLS: readonly { readonly parameter: string; readonly label: string }[] = [
  { parameter: 'OWAEnabled', label: 'Outlook on the web' },
  { parameter: 'ActiveSyncEnabled', label: 'Exchange ActiveSync' },
  { parameter: 'PopEnabled', label: 'POP3' },
  { parameter: 'ImapEnabled', label: 'IMAP4' },
  { parameter: 'MAPIEnabled', label: 'MAPI (Outlook)' },
];

const PROTOCOLS_PRIOR_PATH = `$ecsProtocolsFile = Join-Path $env:USERPROFILE '${PROTOCOLS_PRIOR_FILE}'`;

function protocolProperties(source: string): string {
  return OTHER_PROTOCOLS.map((p) => `${p.parameter} = [bool]${source}.${p.parameter}`).join('; ');
}

export function renderServiceAccountProtocols(refs: ValueRefs): StepSnippet {
  const upn = refs.value('serviceAccount.upn');
  return {
    stepId: 'serviceAccount.protocols',
    title: 'Turn off the service account\'s other protocols (optional)',
    action: script(
      comment('Optional hardening: the calendar service only uses EWS, so a stolen password should not open Outlook on the web,'),
      comment('ActiveSync, POP3, IMAP4 or Outlook (MAPI). EwsEnabled is left as it is; MAPI off does not turn EWS off.'),
      comment('1. Record the current values once, so the rollback restores exactly them.'),
      statement(PROTOCOLS_PRIOR_PATH),
      statement(`if (-not (Test-Path -LiteralPath $ecsProtocolsFile)) { ConvertTo-Json -Compress -InputObject @(Get-CASMailbox -Identity ${upn} | ForEach-Object { [pscustomobject]@{ ${protocolProperties('$_')} } }) | Set-Content -LiteralPath $ecsProtocolsFile -Encoding UTF8 }`),
      comment('2. Turn the other protocols off.'),
      statement(`Set-CASMailbox -Identity ${upn} ${OTHER_PROTOCOLS.map((p) => `-${p.parameter} $false`).join(' ')}`),
    ),
    verify: script(
      comment('Reads the service account\'s protocol switches back (EwsEnabled empty means the organisation\'s default, which is on).'),
      ...markedJson(
        'serviceAccount.protocols',
        `@(Get-CASMailbox -Identity ${upn} -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ ${protocolProperties('$_')}; EwsEnabled = $_.EwsEnabled } })`,
      ),
    ),
    rollback: script(
      comment(`Puts back the values recorded in ${PROTOCOLS_PRIOR_FILE} under your profile before the protocols were turned off.`),
      statement(PROTOCOLS_PRIOR_PATH),
      statement(`if (-not (Test-Path -LiteralPath $ecsProtocolsFile)) { throw ('No recorded values in ' + $ecsProtocolsFile + ': set each protocol back with Set-CASMailbox (the Exchange default is on for all of them).') }`),
      statement('$ecsPrior = ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsProtocolsFile -Raw)'),
      comment('foreach, not a pipeline: Windows PowerShell 5.1 passes a JSON array down a pipeline as one object.'),
      statement(`foreach ($ecsEntry in $ecsPrior) { Set-CASMailbox -Identity ${upn} ${OTHER_PROTOCOLS.map((p) => `-${p.parameter} ([bool]$ecsEntry.${p.parameter})`).join(' ')} }`),
    ),
  };
}
