/**
 * Basic authentication on the EWS virtual directory of every Exchange server: read it, record it, turn
 * it on, put it back.
 *
 * Behind a load balancer the calendar service reaches every server, so one server with Basic off makes
 * it fail "sometimes": the steps read and change every server, never one. Which servers: those with an
 * EWS virtual directory in Active Directory (Get-WebServicesVirtualDirectory -ADPropertiesOnly, no
 * -Server: Microsoft Learn, "Get-WebServicesVirtualDirectory", Description and -ADPropertiesOnly; run
 * without -Server or -Identity it returns the directories of every server in the organisation). Each
 * server is then read with -Server, which also reads that server's IIS metabase, where
 * BasicAuthentication lives (-ADPropertiesOnly: "If you don't use this switch, the properties in Active
 * Directory and in the Internet Information Services (IIS) metabase are returned"); a server whose
 * metabase cannot be reached is printed with its error, so the reading can say which server is unknown
 * instead of silently leaving it out.
 *
 * Enabling changes each directory by the Identity Exchange printed for it (Set-WebServicesVirtualDirectory,
 * -Identity) instead of composing `<SERVER>\EWS (Default Web Site)` from a setting, as the AWS page did
 * wrongly; it changes only a directory whose old value is in the record file.
 *
 * After the change the EWS application pool is recycled on each changed server. Microsoft's xExchange DSC
 * resource MSFT_xExchWebServicesVirtualDirectory (ExchangeDsc, DSC_ExchWebServicesVirtualDirectory) does the
 * same after changing the directory: with AllowServiceRestart (default $true) it calls
 * Restart-ExistingAppPool -Name MSExchangeServicesAppPool, which runs Restart-WebAppPool. That cmdlet
 * is in IIS's WebAdministration module on the server ("Restart-WebAppPool", Microsoft Learn), not in the
 * Exchange session and not remotable by itself, so it goes through Invoke-Command to each server's FQDN
 * (Get-ExchangeServer, Fqdn; "Invoke-Command", -ComputerName: PowerShell remoting, needs WinRM and
 * administrator rights on that server). A server that refuses is named in a warning with the command to
 * run on it by hand.
 */
import { psQuote } from '../quote';
import { comment, markedJson, markedOutput, script, statement, type BasicAuthPriorEntry, type ScriptLine, type SnippetContext, type StepSnippet } from './script';

/** The IIS application pool that serves EWS (the one xExchange recycles after changing the EWS directory). */
export const EWS_APP_POOL = 'MSExchangeServicesAppPool';

/** Where basicAuth.enable records the values it is about to change, under the admin's profile. */
export const BASIC_AUTH_PRIOR_FILE = 'exchange-calendar-setup-basicauth-prior.json';

/** The marker block name of the recorded values (the enable step's own block carries the new values). */
export const BASIC_AUTH_PRIOR_BLOCK = 'basicAuth.enable.prior';

/**
 * The servers with an EWS virtual directory, from Active Directory only (fast, and it does not fail for
 * a server whose IIS cannot be reached): the servers the steps read, change and recycle.
 */
export const EWS_SERVERS_EXPRESSION = '@(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object { [string]$_.Server } | Sort-Object -Unique)';

/**
 * Every server's EWS directories with BasicAuthentication as Exchange returned it ($null when the
 * server's IIS metabase could not be read) and the first error for that server ('' when none). A
 * server that returned no directory at all is one item with an empty Identity and its error.
 */
const READ_EVERY_SERVER = `@(foreach ($ecsServer in ${EWS_SERVERS_EXPRESSION}) { $ecsErrors = $null; $ecsDirectories = @(Get-WebServicesVirtualDirectory -Server $ecsServer -ErrorAction SilentlyContinue -ErrorVariable ecsErrors); $ecsError = [string]($ecsErrors | Select-Object -First 1); if ($ecsDirectories.Count -eq 0) { [pscustomobject]@{ Server = $ecsServer; Identity = ''; BasicAuthentication = $null; InternalUrl = ''; ExternalUrl = ''; Error = $(if ($ecsError) { $ecsError } else { 'no EWS virtual directory came back' }) } } else { foreach ($ecsDirectory in $ecsDirectories) { [pscustomobject]@{ Server = [string]$ecsDirectory.Server; Identity = [string]$ecsDirectory.Identity; BasicAuthentication = $ecsDirectory.BasicAuthentication; InternalUrl = [string]$ecsDirectory.InternalUrl; ExternalUrl = [string]$ecsDirectory.ExternalUrl; Error = $ecsError } } } })`;

function verifyLines(blockName: string): ScriptLine[] {
  return [
    comment('Reads BasicAuthentication on the EWS virtual directory of every Exchange server that has one, server by server:'),
    comment('behind a load balancer each of them must have it on. A server that cannot be read is printed with its error.'),
    ...markedJson(blockName, READ_EVERY_SERVER),
  ];
}

const PRIOR_PATH = `$ecsPriorFile = Join-Path $env:USERPROFILE '${BASIC_AUTH_PRIOR_FILE}'`;

export function renderBasicAuthVerify(): StepSnippet {
  return {
    stepId: 'basicAuth.verify',
    title: 'Verify Basic authentication',
    action: script(comment('Nothing to change: this step reads the current setting (see the verification).')),
    verify: script(...verifyLines('basicAuth.verify')),
    rollback: script(comment('Nothing to undo: this step only reads.')),
  };
}

/**
 * Recycles the EWS application pool on each server named in the PowerShell array `serversVariable`, so IIS
 * stops serving the old authentication setting; a server that cannot be reached gets a warning with what
 * to run there by hand.
 */
function recycleLines(serversVariable: string, label = ''): ScriptLine[] {
  return [
    comment(`${label}Recycle ${EWS_APP_POOL} on each server changed, as Microsoft's xExchange DSC resource does after changing the EWS directory;`),
    comment('otherwise IIS may keep serving the old setting. This uses PowerShell remoting to each server (WinRM, local administrator there).'),
    comment(`Where remoting is refused, the warning names the server: run Restart-WebAppPool -Name ${EWS_APP_POOL} on it, in an elevated shell.`),
    statement(`foreach ($ecsServer in @(${serversVariable} | Sort-Object -Unique)) { $ecsFqdn = [string](Get-ExchangeServer -Identity $ecsServer).Fqdn; if (-not $ecsFqdn) { $ecsFqdn = $ecsServer }; try { Invoke-Command -ComputerName $ecsFqdn -ErrorAction Stop -ScriptBlock { Import-Module WebAdministration; Restart-WebAppPool -Name '${EWS_APP_POOL}' }; Write-Output ('Recycled ${EWS_APP_POOL} on ' + $ecsFqdn) } catch { Write-Warning ('Could not recycle ${EWS_APP_POOL} on ' + $ecsFqdn + ' (' + $_ + '). On that server, in an elevated shell, run: Restart-WebAppPool -Name ${EWS_APP_POOL}') } }`),
  ];
}

/** The server of a recorded directory: recorded with it, or the part of the identity before the backslash (Server\Name). */
export function priorServer(entry: BasicAuthPriorEntry): string {
  if (entry.server) return entry.server;
  const slash = entry.identity.indexOf('\\');
  return slash > 0 ? entry.identity.slice(0, slash) : entry.identity;
}

/** Rollback from values the extension read back from the terminal, each identity quoted. */
function rollbackFromContext(prior: readonly BasicAuthPriorEntry[]): ScriptLine[] {
  // Only a directory recorded as off was changed by the enable step: its server's pool is recycled.
  const changedServers = [...new Set(prior.filter((entry) => !entry.basicAuthentication).map(priorServer))];
  return [
    comment('Puts back, server by server, the values recorded before Basic authentication was changed (identities exactly as Exchange printed them).'),
    ...prior.map((entry) =>
      statement(`Set-WebServicesVirtualDirectory -Identity ${psQuote(entry.identity, 'basicAuthPrior.identity')} -BasicAuthentication $${entry.basicAuthentication ? 'true' : 'false'}`),
    ),
    statement(`$ecsRestored = @(${changedServers.map((server) => psQuote(server, 'basicAuthPrior.server')).join(', ')})`),
    ...recycleLines('$ecsRestored'),
  ];
}

function rollbackFromFile(): ScriptLine[] {
  return [
    comment(`Puts back, server by server, the values recorded in ${BASIC_AUTH_PRIOR_FILE} under your profile before Basic authentication was changed.`),
    statement(PRIOR_PATH),
    statement('$ecsPrior = ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsPriorFile -Raw)'),
    comment('foreach, not a pipeline: Windows PowerShell 5.1 passes a JSON array down a pipeline as one object.'),
    comment('A directory recorded as off was turned on by the enable step: its server is recycled afterwards.'),
    statement("$ecsRestored = @(foreach ($ecsEntry in $ecsPrior) { Set-WebServicesVirtualDirectory -Identity ([string]$ecsEntry.Identity) -BasicAuthentication ([bool]$ecsEntry.BasicAuthentication); if (-not [bool]$ecsEntry.BasicAuthentication) { if ($ecsEntry.Server) { [string]$ecsEntry.Server } else { ([string]$ecsEntry.Identity -split '\\\\')[0] } } })"),
    ...recycleLines('$ecsRestored'),
  ];
}

function canQuoteAll(prior: readonly BasicAuthPriorEntry[]): boolean {
  try {
    for (const entry of prior) {
      psQuote(entry.identity, 'basicAuthPrior.identity');
      psQuote(priorServer(entry), 'basicAuthPrior.server');
    }
    return true;
  } catch {
    return false;
  }
}

export function renderBasicAuthEnable(context: SnippetContext): StepSnippet {
  const prior = context.basicAuthPrior;
  // Identities come back from the terminal; one that cannot be quoted falls back to the recorded file.
  const restore = prior && prior.length > 0 && canQuoteAll(prior) ? rollbackFromContext(prior) : rollbackFromFile();
  return {
    stepId: 'basicAuth.enable',
    title: 'Enable Basic authentication',
    action: script(
      comment('1. Read the EWS virtual directory of every Exchange server that has one.'),
      statement(`$ecsDirectories = @(foreach ($ecsServer in ${EWS_SERVERS_EXPRESSION}) { Get-WebServicesVirtualDirectory -Server $ecsServer })`),
      comment('2. Record the current value of each directory not yet in the record file, before any change. A value already recorded'),
      comment('   is never overwritten (a later run must not record "on" as the original); a directory whose value could not be read is not recorded.'),
      statement(PRIOR_PATH),
      statement('$ecsPrior = @(if (Test-Path -LiteralPath $ecsPriorFile) { foreach ($ecsEntry in (ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsPriorFile -Raw))) { $ecsEntry } })'),
      statement('$ecsKnown = @(foreach ($ecsEntry in $ecsPrior) { [string]$ecsEntry.Identity })'),
      statement('$ecsNew = @(foreach ($ecsDirectory in $ecsDirectories) { if ($null -ne $ecsDirectory.BasicAuthentication -and $ecsKnown -notcontains [string]$ecsDirectory.Identity) { [pscustomobject]@{ Server = [string]$ecsDirectory.Server; Identity = [string]$ecsDirectory.Identity; BasicAuthentication = [bool]$ecsDirectory.BasicAuthentication } } })'),
      statement('if ($ecsNew.Count -gt 0) { ConvertTo-Json -Compress -Depth 3 -InputObject @($ecsPrior + $ecsNew) | Set-Content -LiteralPath $ecsPriorFile -Encoding UTF8 }'),
      comment('Print the recorded values so the extension can offer an exact rollback.'),
      ...markedOutput(BASIC_AUTH_PRIOR_BLOCK, "if (Test-Path -LiteralPath $ecsPriorFile) { Get-Content -LiteralPath $ecsPriorFile -Raw } else { '[]' }"),
      comment('3. Turn Basic authentication on for each directory that has it off and whose old value is recorded, by the identity Exchange printed.'),
      comment('Basic on the EWS directory applies to every user of EWS on that server, not only the service account.'),
      statement('$ecsRecorded = @(if (Test-Path -LiteralPath $ecsPriorFile) { foreach ($ecsEntry in (ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsPriorFile -Raw))) { [string]$ecsEntry.Identity } })'),
      statement("$ecsChanged = @(foreach ($ecsDirectory in $ecsDirectories) { if ($null -eq $ecsDirectory.BasicAuthentication) { Write-Warning ('Not changed, its BasicAuthentication could not be read: ' + $ecsDirectory.Identity); continue }; if ($ecsDirectory.BasicAuthentication) { continue }; if ($ecsRecorded -notcontains [string]$ecsDirectory.Identity) { Write-Warning ('Not changed, its old value is not recorded: ' + $ecsDirectory.Identity); continue }; Set-WebServicesVirtualDirectory -Identity ([string]$ecsDirectory.Identity) -BasicAuthentication $true; [string]$ecsDirectory.Server })"),
      ...recycleLines('$ecsChanged', '4. '),
      comment('5. Then run the verification (every server), and the auth.schemes probe in the Probe & Link panel: it shows what EWS offers now.'),
    ),
    verify: script(...verifyLines('basicAuth.enable')),
    rollback: script(...restore),
  };
}
