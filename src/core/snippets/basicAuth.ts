/**
 * Basic authentication on the EWS virtual directory: read it, record it, turn it on, put it back.
 *
 * With an Exchange server set, the check reads that server; with none set it reads every server's
 * EWS directory, which is what matters behind a load balancer anyway. Enabling pipes
 * `Get-WebServicesVirtualDirectory -Server` into the Set cmdlet (its Identity accepts pipeline input,
 * Microsoft Learn, Set-WebServicesVirtualDirectory, -Identity) instead of composing
 * `<SERVER>\EWS (Default Web Site)` from a setting that may be an FQDN, another site or a wrong name:
 * the AWS page composed it wrongly.
 *
 * After the change the EWS application pool is recycled. Microsoft's xExchange DSC resource
 * MSFT_xExchWebServicesVirtualDirectory (ExchangeDsc, DSC_ExchWebServicesVirtualDirectory) does the
 * same after changing the directory: with AllowServiceRestart (default $true) it calls
 * Restart-ExistingAppPool -Name MSExchangeServicesAppPool, which runs Restart-WebAppPool. That cmdlet
 * is in IIS's WebAdministration module on the server ("Restart-WebAppPool", Microsoft Learn), not in the
 * Exchange session, so from a workstation it goes through Invoke-Command (PowerShell remoting to the
 * server, "Invoke-Command", Microsoft Learn; needs WinRM and administrator rights on that server).
 */
import { psQuote } from '../quote';
import type { SetupSettings } from '../settings';
import { comment, markedJson, markedOutput, script, statement, type ScriptLine, type SnippetContext, type StepSnippet, type ValueRefs } from './script';

/** The IIS application pool that serves EWS (the one xExchange recycles after changing the EWS directory). */
export const EWS_APP_POOL = 'MSExchangeServicesAppPool';

/** Where basicAuth.enable records the values it is about to change, under the admin's profile. */
export const BASIC_AUTH_PRIOR_FILE = 'exchange-calendar-setup-basicauth-prior.json';

/** The marker block name of the recorded values (the enable step's own block carries the new values). */
export const BASIC_AUTH_PRIOR_BLOCK = 'basicAuth.enable.prior';

function readDirectories(settings: SetupSettings, refs: ValueRefs): string {
  const server = settings.exchangeServer === '' ? '' : ` -Server ${refs.value('exchangeServer')}`;
  return `Get-WebServicesVirtualDirectory${server}`;
}

function verifyLines(settings: SetupSettings, refs: ValueRefs, blockName: string): ScriptLine[] {
  return [
    comment(settings.exchangeServer === ''
      ? 'Reads BasicAuthentication on the EWS virtual directory of every Exchange server (no server is set).'
      : 'Reads BasicAuthentication on the EWS virtual directory of the server; run it without -Server to see every server.'),
    ...markedJson(
      blockName,
      `@(${readDirectories(settings, refs)} | ForEach-Object { [pscustomobject]@{ Server = [string]$_.Server; Identity = [string]$_.Identity; BasicAuthentication = [bool]$_.BasicAuthentication; InternalUrl = [string]$_.InternalUrl; ExternalUrl = [string]$_.ExternalUrl } })`,
    ),
  ];
}

const PRIOR_PATH = `$ecsPriorFile = Join-Path $env:USERPROFILE '${BASIC_AUTH_PRIOR_FILE}'`;

export function renderBasicAuthVerify(settings: SetupSettings, refs: ValueRefs): StepSnippet {
  return {
    stepId: 'basicAuth.verify',
    title: 'Verify Basic authentication',
    action: script(comment('Nothing to change: this step reads the current setting (see the verification).')),
    verify: script(...verifyLines(settings, refs, 'basicAuth.verify')),
    rollback: script(comment('Nothing to undo: this step only reads.')),
  };
}

/** Recycles the EWS application pool on the server so IIS stops serving the old authentication setting. */
function recycleLines(refs: ValueRefs, label = ''): ScriptLine[] {
  return [
    comment(`${label}Recycle ${EWS_APP_POOL} on the server, as Microsoft's xExchange DSC resource does after changing the EWS directory;`),
    comment('otherwise IIS may keep serving the old setting. This uses PowerShell remoting to the server (WinRM, local administrator).'),
    comment(`On the Exchange server itself, in an elevated shell: Restart-WebAppPool -Name ${EWS_APP_POOL}`),
    statement(`Invoke-Command -ComputerName ${refs.value('exchangeServer')} -ScriptBlock { Import-Module WebAdministration; Restart-WebAppPool -Name '${EWS_APP_POOL}' }`),
  ];
}

/** Rollback from values the extension read back from the terminal, each identity quoted. */
function rollbackFromContext(prior: NonNullable<SnippetContext['basicAuthPrior']>): ScriptLine[] {
  return [
    comment('Puts back the values recorded before Basic authentication was changed (identities exactly as Exchange printed them).'),
    ...prior.map((entry) =>
      statement(`Set-WebServicesVirtualDirectory -Identity ${psQuote(entry.identity, 'basicAuthPrior.identity')} -BasicAuthentication $${entry.basicAuthentication ? 'true' : 'false'}`),
    ),
  ];
}

function rollbackFromFile(): ScriptLine[] {
  return [
    comment(`Puts back the values recorded in ${BASIC_AUTH_PRIOR_FILE} under your profile before Basic authentication was changed.`),
    statement(PRIOR_PATH),
    statement('$ecsPrior = ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsPriorFile -Raw)'),
    comment('foreach, not a pipeline: Windows PowerShell 5.1 passes a JSON array down a pipeline as one object.'),
    statement('foreach ($ecsEntry in $ecsPrior) { Set-WebServicesVirtualDirectory -Identity $ecsEntry.Identity -BasicAuthentication ([bool]$ecsEntry.BasicAuthentication) }'),
  ];
}

function canQuoteAll(prior: NonNullable<SnippetContext['basicAuthPrior']>): boolean {
  try {
    for (const entry of prior) psQuote(entry.identity, 'basicAuthPrior.identity');
    return true;
  } catch {
    return false;
  }
}

export function renderBasicAuthEnable(settings: SetupSettings, context: SnippetContext, refs: ValueRefs): StepSnippet {
  const prior = context.basicAuthPrior;
  // Identities come back from the terminal; one that cannot be quoted falls back to the recorded file.
  const restore = prior && prior.length > 0 && canQuoteAll(prior) ? rollbackFromContext(prior) : rollbackFromFile();
  return {
    stepId: 'basicAuth.enable',
    title: 'Enable Basic authentication',
    action: script(
      comment('1. Record the current values, once: a later run must not overwrite the original with "on".'),
      statement(PRIOR_PATH),
      statement(`if (-not (Test-Path -LiteralPath $ecsPriorFile)) { ConvertTo-Json -Compress -Depth 3 -InputObject @(Get-WebServicesVirtualDirectory | ForEach-Object { [pscustomobject]@{ Identity = [string]$_.Identity; BasicAuthentication = [bool]$_.BasicAuthentication } }) | Set-Content -LiteralPath $ecsPriorFile -Encoding UTF8 }`),
      comment('Print the recorded values so the extension can offer an exact rollback.'),
      ...markedOutput(BASIC_AUTH_PRIOR_BLOCK, 'Get-Content -LiteralPath $ecsPriorFile -Raw'),
      comment('2. Turn Basic authentication on for the EWS directory of this server, taken from Exchange rather than typed.'),
      comment('Basic on the EWS directory applies to every user of EWS on that server, not only the service account.'),
      comment('Every server behind the load balancer needs it; to set all of them at once (then recycle the pool on each):'),
      comment('Get-WebServicesVirtualDirectory | Set-WebServicesVirtualDirectory -BasicAuthentication $true'),
      statement(`Get-WebServicesVirtualDirectory -Server ${refs.value('exchangeServer')} | Set-WebServicesVirtualDirectory -BasicAuthentication $true`),
      ...recycleLines(refs, '3. '),
      comment('4. Then run the verification, and the auth.schemes probe in the Probe & Link panel: it shows what EWS offers now.'),
    ),
    verify: script(...verifyLines(settings, refs, 'basicAuth.enable')),
    rollback: script(...restore, ...recycleLines(refs)),
  };
}
