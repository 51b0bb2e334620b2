/**
 * Basic authentication on the EWS virtual directory: read it, record it, turn it on, put it back.
 *
 * With an Exchange server set, the check reads that server; with none set it reads every server's
 * EWS directory, which is what matters behind a load balancer anyway. Enabling needs a server name
 * because the identity is `<SERVER>\EWS (Default Web Site)` (the first part is the server, not the
 * domain, and the directory name has a space): the AWS page got both wrong.
 */
import { psQuote } from '../quote';
import type { SetupSettings } from '../settings';
import { comment, markedJson, markedOutput, script, statement, type ScriptLine, type SnippetContext, type StepSnippet, type ValueRefs } from './script';

export const EWS_DIRECTORY_SUFFIX = '\\EWS (Default Web Site)';

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

/** Rollback from values the extension read back from the terminal, each identity quoted. */
function rollbackFromContext(prior: NonNullable<SnippetContext['basicAuthPrior']>): ScriptLine[] {
  return [
    comment('Puts back the values recorded before Basic authentication was changed.'),
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
  const rollback = prior && prior.length > 0 && canQuoteAll(prior) ? rollbackFromContext(prior) : rollbackFromFile();
  return {
    stepId: 'basicAuth.enable',
    title: 'Enable Basic authentication',
    action: script(
      comment('1. Record the current values, once: a later run must not overwrite the original with "on".'),
      statement(PRIOR_PATH),
      statement(`if (-not (Test-Path -LiteralPath $ecsPriorFile)) { ConvertTo-Json -Compress -Depth 3 -InputObject @(Get-WebServicesVirtualDirectory | ForEach-Object { [pscustomobject]@{ Identity = [string]$_.Identity; BasicAuthentication = [bool]$_.BasicAuthentication } }) | Set-Content -LiteralPath $ecsPriorFile -Encoding UTF8 }`),
      comment('Print the recorded values so the extension can offer an exact rollback.'),
      ...markedOutput(BASIC_AUTH_PRIOR_BLOCK, 'Get-Content -LiteralPath $ecsPriorFile -Raw'),
      comment('2. Turn Basic authentication on for EWS on this server. The identity is <SERVER>\\EWS (Default Web Site).'),
      comment('Every server behind the load balancer needs it; to set all of them at once:'),
      comment('Get-WebServicesVirtualDirectory | Set-WebServicesVirtualDirectory -BasicAuthentication $true'),
      statement(`Set-WebServicesVirtualDirectory -Identity ${refs.valueWithSuffix('exchangeServer', EWS_DIRECTORY_SUFFIX)} -BasicAuthentication $true`),
    ),
    verify: script(...verifyLines(settings, refs, 'basicAuth.enable')),
    rollback: script(...rollback),
  };
}
