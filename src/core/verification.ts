/**
 * Reads what a verification snippet printed in the terminal and decides the step's status.
 *
 * Terminal output arrives raw: colour codes, cursor moves, VS Code's OSC 633 shell-integration
 * sequences, carriage returns from redraws, and (on Windows) lines broken at the terminal width.
 * The snippets print compressed JSON between `ECS-BEGIN <block>` and `ECS-END <block>` lines whose
 * text only exists at run time, so a marker is a line that equals it exactly after cleaning; the
 * echoed command line never does.
 */
import { getField, type SetupSettings } from './settings';
import { BASIC_AUTH_PRIOR_BLOCK, OTHER_PROTOCOLS, REQUIRED_MANAGEMENT_ROLES, markerLines, type BasicAuthPriorEntry } from './snippets';
import type { StepId, StepStatus } from './steps';
import { errorText } from './errors';

export interface BasicAuthServerReading {
  server: string;
  identity: string;
  basicAuthentication: boolean;
}

export interface VerificationReading {
  status: StepStatus;
  /** One sentence for people: what was found and, when it failed, what is wrong. */
  detail: string;
  /** Basic auth per EWS virtual directory (basicAuth.verify and basicAuth.enable). */
  basicAuth?: BasicAuthServerReading[];
  /** The values basicAuth.enable recorded before changing them. */
  basicAuthPrior?: BasicAuthPriorEntry[];
}

// ---------------------------------------------------------------------------------------------
// Cleaning terminal output

// One alternation so that sequences are removed in the order they appear (an OSC may contain
// bytes that look like the start of a CSI).
const ESCAPE_SEQUENCE = new RegExp(
  [
    '\\x1b\\][\\s\\S]*?(?:\\x07|\\x1b\\\\|$)', // OSC (incl. 633 shell integration), BEL or ST terminated
    '\\x9d[\\s\\S]*?(?:\\x07|\\x1b\\\\|\\x9c|$)', // 8-bit OSC
    '\\x1b[PX^_][\\s\\S]*?(?:\\x1b\\\\|\\x07|$)', // DCS, SOS, PM, APC strings
    '\\x1b\\[([0-?]*)[ -/]*([@-~])', // CSI
    '\\x9b([0-?]*)[ -/]*([@-~])', // 8-bit CSI
    '\\x1b[ -/]*[0-~]', // other escape sequences (charset selection, keypad modes, ...)
    '\\x1b$', // a lone ESC cut off at the end of a chunk
  ].join('|'),
  'g',
);

/**
 * Removes escape sequences and applies carriage returns and backspaces the way a terminal would,
 * so each returned line is what the screen shows. Cursor-forward (CSI n C) becomes n spaces:
 * Windows ConPTY writes runs of spaces that way.
 */
export function stripTerminalEscapes(raw: string): string {
  const text = raw.replace(ESCAPE_SEQUENCE, (_match: string, csiParams?: string, csiFinal?: string, csi8Params?: string, csi8Final?: string) => {
    const params = csiParams ?? csi8Params;
    const final = csiFinal ?? csi8Final;
    if (final === 'C' && params !== undefined && /^\d*$/.test(params)) return ' '.repeat(Math.min(Number(params || '1'), 500));
    return '';
  });
  const lines: string[] = [];
  let line: string[] = [];
  let cursor = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') {
      lines.push(line.join(''));
      line = [];
      cursor = 0;
    } else if (char === '\r') {
      if (text[i + 1] !== '\n') cursor = 0;
    } else if (char === '\b') {
      cursor = Math.max(0, cursor - 1);
    } else if (char === '\t' || char >= ' ') {
      while (line.length < cursor) line.push(' ');
      line[cursor] = char;
      cursor++;
    }
    // Other control characters (BEL, NUL, ...) show nothing.
  }
  lines.push(line.join(''));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Finding the block and errors

type BlockReading = { kind: 'missing' } | { kind: 'incomplete' } | { kind: 'invalid'; reason: string } | { kind: 'json'; value: unknown };

/** The JSON printed between the last BEGIN marker of `blockName` and the END marker after it. */
export function readMarkerBlock(cleanText: string, blockName: string): BlockReading {
  const { begin, end } = markerLines(blockName);
  const lines = cleanText.split('\n');
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].trim() === begin) {
      start = i;
      break;
    }
  }
  if (start < 0) return { kind: 'missing' };
  const stop = lines.findIndex((l, i) => i > start && l.trim() === end);
  if (stop < 0) return { kind: 'incomplete' };
  const body = lines.slice(start + 1, stop);
  // Long lines may have been broken at the terminal width: the JSON is one line, so join without
  // separators. Retry without trailing padding, which some terminals add at a break.
  const candidates = [body.join(''), body.map((l) => l.trimEnd()).join(''), body.map((l) => l.trim()).join('')];
  let reason = 'no output between the markers';
  for (const candidate of candidates) {
    const json = candidate.replace(/^\uFEFF/, '').trim();
    if (json === '') continue;
    try {
      return { kind: 'json', value: JSON.parse(json) as unknown };
    } catch (error) {
      reason = errorText(error);
    }
  }
  return { kind: 'invalid', reason };
}

const ERROR_SOURCE = '(?:[A-Za-z]+-[A-Za-z0-9]+|ParserError|InvalidOperation|MethodInvocationException|RuntimeException)';
const CMDLET_ERROR = new RegExp(`^${ERROR_SOURCE}\\s?:\\s+\\S`);
/** PowerShell 7's concise view with a position: "Get-X:" alone, then "Line |" and the message as "| text". */
const CMDLET_ERROR_HEADER = new RegExp(`^${ERROR_SOURCE}:$`);
const POSITION_MESSAGE = /^\|\s+([^~\s].*)$/;
const CATEGORY_INFO = /^\s*\+\s*CategoryInfo\s*:/;

/** The first error line PowerShell printed (PowerShell 7 concise view or Windows PowerShell 5.1). */
export function firstErrorLine(cleanText: string): string | undefined {
  const lines = cleanText.split('\n').map((l) => l.trim());
  const direct = lines.findIndex((l) => CMDLET_ERROR.test(l) || CMDLET_ERROR_HEADER.test(l));
  if (direct >= 0) {
    if (!CMDLET_ERROR_HEADER.test(lines[direct])) return lines[direct];
    const message = lines.slice(direct + 1, direct + 8).map((l) => POSITION_MESSAGE.exec(l)?.[1]).find((m) => m !== undefined);
    return message ? `${lines[direct]} ${message}` : lines[direct];
  }
  // Remote (Exchange) errors in 5.1 print the message, then "+ CategoryInfo"; the message is the
  // nearest line above that is not part of the error's position block.
  const category = lines.findIndex((l) => CATEGORY_INFO.test(l));
  if (category < 0) return undefined;
  for (let i = category - 1; i >= 0; i--) {
    const l = lines[i];
    if (l !== '' && !l.startsWith('+') && !/^At line:\d+/.test(l)) return l;
  }
  return lines[category];
}

// ---------------------------------------------------------------------------------------------
// Reading JSON safely

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): JsonObject[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter(isObject);
}

function text(item: JsonObject, key: string): string {
  const value = item[key];
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function flag(item: JsonObject, key: string): boolean {
  const value = item[key];
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function strings(item: JsonObject, key: string): string[] {
  const value = item[key];
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

function count(item: JsonObject, key: string): number | undefined {
  const value = item[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function listNames(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Decisions per step

const done = (detail: string): VerificationReading => ({ status: 'done', detail });
const failed = (detail: string): VerificationReading => ({ status: 'failed', detail });

function decideAdminRights(value: unknown): VerificationReading {
  const [item] = asList(value);
  if (!item) return failed('No role assignment information came back.');
  const roles = new Set(strings(item, 'Roles').map((r) => r.toLowerCase()));
  const user = text(item, 'User') || 'You';
  // The server's own answer per cmdlet (Get-ManagementRole -Cmdlet) decides when it is there; custom
  // roles count. Without it, the built-in roles of REQUIRED_MANAGEMENT_ROLES are required.
  const cmdlets = asList(item.Cmdlets).map((c) => ({ cmdlet: text(c, 'Cmdlet'), roles: strings(c, 'Roles') })).filter((c) => c.cmdlet !== '');
  if (cmdlets.length > 0) {
    const blocked = cmdlets.filter((c) => !c.roles.some((r) => roles.has(r.toLowerCase())));
    // rule prerequisites.adminRights.cmdletBlocked
    if (blocked.length > 0) {
      const shown = blocked.slice(0, 5).map((c) => `${c.cmdlet} (${c.roles.length > 0 ? `needs one of ${listNames(c.roles.map((r) => `"${r}"`))}` : 'no role grants it'})`);
      return failed(`${user} cannot run ${listNames(shown)}${blocked.length > 5 ? ` and ${blocked.length - 5} more` : ''}: add the account to Organization Management or assign the roles.`);
    }
    // rule prerequisites.adminRights.everyCmdlet
    return done(`${user} holds a role for each of the ${cmdlets.length} cmdlets the setup runs.`);
  }
  const missing = REQUIRED_MANAGEMENT_ROLES.filter((r) => !roles.has(r.toLowerCase()));
  if (missing.length > 0) {
    return failed(`${user} lacks the management role${missing.length > 1 ? 's' : ''} ${listNames(missing)}: add the account to Organization Management or assign the roles.`);
  }
  return done(`${user} has every management role the setup needs.`);
}

export interface ExchangeVersion {
  major: number;
  minor: number;
  build: number;
}

/** Parses AdminDisplayVersion text such as "Version 15.2 (Build 1544.4)". */
export function parseAdminDisplayVersion(value: string): ExchangeVersion | undefined {
  const match = /Version\s+(\d+)\.(\d+)\s*\(Build\s+(\d+)(?:\.\d+)?\)/i.exec(value);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), build: Number(match[3]) };
}

export function exchangeProductName(version: ExchangeVersion): string {
  if (version.major < 14) return 'Exchange 2007 or older';
  if (version.major === 14) return 'Exchange 2010';
  if (version.major > 15 || version.minor >= 20) return 'Exchange Online';
  if (version.minor === 0) return 'Exchange 2013';
  if (version.minor === 1) return 'Exchange 2016';
  return version.build >= 2562 ? 'Exchange Subscription Edition' : 'Exchange 2019';
}

/** Microsoft's lifecycle dates: 2013 ended 2023-04-11, 2016 and 2019 ended 2025-10-14; Subscription Edition is current. */
function supportNote(version: ExchangeVersion): string {
  const name = exchangeProductName(version);
  if (name === 'Exchange 2013') return ', out of support since 2023-04-11';
  if (name === 'Exchange 2016' || name === 'Exchange 2019') return ', out of support since 2025-10-14';
  return '';
}

function decideExchangeVersion(value: unknown): VerificationReading {
  const servers = asList(value).map((item) => ({ name: text(item, 'Name'), raw: text(item, 'AdminDisplayVersion'), version: parseAdminDisplayVersion(text(item, 'AdminDisplayVersion')) }));
  if (servers.length === 0) return failed('No Exchange servers were listed.');
  const unreadable = servers.filter((s) => !s.version);
  if (unreadable.length > 0) return { status: 'unknown', detail: `Could not read the version of ${listNames(unreadable.map((s) => `${s.name} ("${s.raw}")`))}.` };
  const tooOld = servers.filter((s) => s.version && s.version.major < 15);
  if (tooOld.length > 0) {
    return failed(`${listNames(tooOld.map((s) => `${s.name} (${s.raw})`))} ${tooOld.length > 1 ? 'are' : 'is'} older than Exchange 2013 (15.0): EWS access needs 2013 or newer.`);
  }
  const online = servers.filter((s) => s.version && exchangeProductName(s.version) === 'Exchange Online');
  if (online.length > 0) return failed(`${listNames(online.map((s) => s.name))} report Exchange Online builds: this procedure is for on-premises Exchange only.`);
  const described = servers.map((s) => `${s.name}: ${s.version ? `${exchangeProductName(s.version)}${supportNote(s.version)}` : ''} (${s.raw})`);
  return done(`Every server is Exchange 2013 or newer: ${described.join('; ')}.`);
}

function hostCovered(host: string, domains: readonly string[]): boolean {
  const wanted = host.toLowerCase();
  return domains.some((domain) => {
    const d = domain.toLowerCase();
    if (d === wanted) return true;
    if (d.startsWith('*.')) {
      const rest = wanted.split('.').slice(1).join('.');
      return rest !== '' && rest === d.slice(2);
    }
    return false;
  });
}

function decideCertificate(value: unknown, settings: SetupSettings, now: Date): VerificationReading {
  const certificates = asList(value);
  if (certificates.length === 0) return failed('No certificate is assigned to IIS on the server: assign one from a public CA with Enable-ExchangeCertificate -Services IIS.');
  let ewsHost = '';
  try {
    ewsHost = new URL(String(getField(settings, 'ewsUrl'))).hostname;
  } catch {
    ewsHost = '';
  }
  const problems: string[] = [];
  for (const cert of certificates) {
    const label = `${text(cert, 'Subject') || 'the certificate'} (${text(cert, 'Thumbprint') || 'no thumbprint'})`;
    if (flag(cert, 'IsSelfSigned')) problems.push(`${label} is self-signed; the calendar service only trusts certificates from public CAs`);
    const notAfter = Date.parse(text(cert, 'NotAfter'));
    if (Number.isNaN(notAfter)) problems.push(`${label} has an unreadable expiry date "${text(cert, 'NotAfter')}"`);
    else if (notAfter <= now.getTime()) problems.push(`${label} expired on ${new Date(notAfter).toISOString().slice(0, 10)}`);
    if (ewsHost !== '' && !hostCovered(ewsHost, strings(cert, 'Domains'))) problems.push(`${label} does not cover ${ewsHost}`);
  }
  if (problems.length > 0) return failed(`${problems.join('; ')}.`);
  const first = certificates[0];
  return done(`The IIS certificate ${text(first, 'Subject')} from ${text(first, 'Issuer')} is valid until ${text(first, 'NotAfter').slice(0, 10)} and covers ${ewsHost || 'the EWS host'}; the probes check that its chain is publicly trusted.`);
}

function readBasicAuth(value: unknown): BasicAuthServerReading[] {
  return asList(value).map((item) => ({ server: text(item, 'Server'), identity: text(item, 'Identity'), basicAuthentication: flag(item, 'BasicAuthentication') }));
}

function decideBasicAuth(readings: BasicAuthServerReading[]): VerificationReading {
  if (readings.length === 0) return { status: 'failed', detail: 'No EWS virtual directory was found.', basicAuth: readings };
  const off = readings.filter((r) => !r.basicAuthentication);
  if (off.length > 0) {
    return {
      status: 'failed',
      detail: `Basic authentication is off on ${listNames(off.map((r) => r.server || r.identity))}: run the Enable Basic authentication step for ${off.length > 1 ? 'each of them' : 'it'}.`,
      basicAuth: readings,
    };
  }
  return { status: 'done', detail: `Basic authentication is on for EWS on ${listNames(readings.map((r) => r.server || r.identity))}.`, basicAuth: readings };
}

function readPrior(cleanText: string): BasicAuthPriorEntry[] | undefined {
  const block = readMarkerBlock(cleanText, BASIC_AUTH_PRIOR_BLOCK);
  if (block.kind !== 'json') return undefined;
  const entries = asList(block.value)
    .map((item) => ({ identity: text(item, 'Identity'), basicAuthentication: flag(item, 'BasicAuthentication') }))
    .filter((entry) => entry.identity !== '');
  return entries.length > 0 ? entries : undefined;
}

function decideServiceAccount(value: unknown, settings: SetupSettings): VerificationReading {
  const upn = settings.serviceAccount.upn;
  const [mailbox] = asList(value);
  if (!mailbox) return failed(`There is no mailbox ${upn}: run the Create the service account mailbox step.`);
  const type = text(mailbox, 'RecipientTypeDetails');
  if (type !== '' && type !== 'UserMailbox') return failed(`${upn} is a ${type}, not a user mailbox; the service account needs a user mailbox to sign in to EWS.`);
  return done(`The service account mailbox ${text(mailbox, 'UserPrincipalName') || upn} exists (alias ${text(mailbox, 'Alias')}).`);
}

function decideImpersonation(value: unknown, settings: SetupSettings): VerificationReading {
  const [state] = asList(value);
  if (!state) return failed('No impersonation information came back.');
  const upn = settings.serviceAccount.upn;
  const scopeName = settings.impersonation.scopeName;
  if (!flag(state, 'AccountFound')) return failed(`There is no mailbox ${upn}: create the service account first.`);
  const assignments = (Array.isArray(state.Assignments) ? state.Assignments : isObject(state.Assignments) ? [state.Assignments] : [])
    .filter(isObject)
    .filter((a) => !('Enabled' in a) || flag(a, 'Enabled'));
  const unscoped = assignments.filter((a) => text(a, 'CustomRecipientWriteScope') === '');
  const scoped = assignments.filter((a) => text(a, 'CustomRecipientWriteScope').toLowerCase() === scopeName.toLowerCase());
  if (unscoped.length > 0 && !settings.impersonation.organizationWide) {
    return failed(`${upn} has organization-wide ApplicationImpersonation through ${listNames(unscoped.map((a) => `"${text(a, 'Name')}"`))}, which defeats the user-mailbox scope: remove it with Remove-ManagementRoleAssignment.`);
  }
  if (settings.impersonation.organizationWide && unscoped.length > 0) return done(`${upn} has organization-wide ApplicationImpersonation (opted in).`);
  if (text(state, 'ScopeName') === '') return failed(`The management scope "${scopeName}" does not exist: run the impersonation step.`);
  if (!/UserMailbox/i.test(text(state, 'ScopeFilter'))) return failed(`The scope "${scopeName}" filters "${text(state, 'ScopeFilter')}", not user mailboxes.`);
  if (scoped.length === 0) return failed(`${upn} has no ApplicationImpersonation assignment limited to "${scopeName}": run the impersonation step.`);
  return done(`${upn} can impersonate user mailboxes through "${text(scoped[0], 'Name')}", limited to the scope "${scopeName}".`);
}

function decideDelegate(value: unknown, settings: SetupSettings): VerificationReading {
  const [state] = asList(value);
  if (!state) return failed('No permission information came back.');
  const upn = settings.serviceAccount.upn;
  const total = count(state, 'UserMailboxes');
  const fullAccess = count(state, 'WithFullAccess');
  const sendAs = count(state, 'WithSendAs');
  if (total === undefined || fullAccess === undefined || sendAs === undefined) return { status: 'unknown', detail: 'The mailbox counts were missing from the output.' };
  const problems: string[] = [];
  const test = isObject(state.TestMailbox) ? state.TestMailbox : undefined;
  if (test && !flag(test, 'FullAccess')) problems.push(`${text(test, 'Mailbox')} does not give ${upn} Full Access`);
  if (test && !flag(test, 'SendAs')) problems.push(`${text(test, 'Mailbox')} does not give ${upn} Send As`);
  if (fullAccess < total) problems.push(`${total - fullAccess} of ${total} user mailboxes lack Full Access`);
  if (sendAs < total) problems.push(`${total - sendAs} of ${total} user mailboxes lack Send As`);
  if (problems.length > 0) return failed(`${problems.join('; ')}: run the per-mailbox rights step again (mailboxes created since need it too).`);
  if (total === 0) return { status: 'unknown', detail: 'No user mailboxes were found other than the service account.' };
  return done(`${upn} has Full Access and Send As on all ${total} user mailboxes.`);
}

/**
 * The optional protocol step: done when every other protocol is off and EWS is not. Get-CASMailbox
 * returns each switch as a Boolean; EwsEnabled is empty ($null) until set, which means the
 * organisation's setting applies (Microsoft Learn, Set-CASMailbox, -EwsEnabled), so only an explicit
 * False counts as off.
 */
function decideProtocols(value: unknown, settings: SetupSettings): VerificationReading {
  const upn = settings.serviceAccount.upn;
  const [mailbox] = asList(value);
  // rule serviceAccount.protocols.noMailbox
  if (!mailbox) return failed(`There is no mailbox ${upn}: create the service account first.`);
  const ews = mailbox.EwsEnabled;
  // rule serviceAccount.protocols.ewsOff
  if (ews === false || (typeof ews === 'string' && ews.toLowerCase() === 'false')) {
    return failed(`EWS is turned off for ${upn} (EwsEnabled is False), so the calendar service cannot sign in: run Set-CASMailbox -Identity ${upn} -EwsEnabled $true.`);
  }
  const missing = OTHER_PROTOCOLS.filter((p) => !(p.parameter in mailbox));
  // rule serviceAccount.protocols.unreadable
  if (missing.length > 0) return { status: 'unknown', detail: `The output lacks ${listNames(missing.map((p) => p.parameter))}; run the verification again.` };
  const stillOn = OTHER_PROTOCOLS.filter((p) => flag(mailbox, p.parameter));
  // rule serviceAccount.protocols.stillOn
  if (stillOn.length > 0) return failed(`${listNames(stillOn.map((p) => p.label))} ${stillOn.length > 1 ? 'are' : 'is'} still on for ${upn}: run the step (it is optional).`);
  // rule serviceAccount.protocols.onlyEws
  return done(`Only EWS is on for ${upn}: ${listNames(OTHER_PROTOCOLS.map((p) => p.label))} are off.`);
}

function decide(stepId: StepId, value: unknown, settings: SetupSettings, now: Date): VerificationReading {
  switch (stepId) {
    case 'prerequisites.adminRights':
      return decideAdminRights(value);
    case 'prerequisites.exchangeVersion':
      return decideExchangeVersion(value);
    case 'prerequisites.certificate':
      return decideCertificate(value, settings, now);
    case 'basicAuth.verify':
    case 'basicAuth.enable':
      return decideBasicAuth(readBasicAuth(value));
    case 'serviceAccount.create':
      return decideServiceAccount(value, settings);
    case 'serviceAccount.protocols':
      return decideProtocols(value, settings);
    case 'access.impersonation':
      return decideImpersonation(value, settings);
    case 'access.delegate':
      return decideDelegate(value, settings);
    case 'prerequisites':
    case 'prerequisites.basicAuth':
    case 'access':
    case 'link':
    case 'test':
      return { status: 'unknown', detail: 'This step has no shell verification; confirm it by hand.' };
    default: {
      const unreachable: never = stepId;
      return unreachable;
    }
  }
}

/**
 * The status of `stepId` according to what its verification printed. Shell errors without a
 * result block give `unknown` with the first error line; `now` is for tests of expiry dates.
 */
export function interpretVerification(stepId: StepId, rawOutput: string, settings: SetupSettings, now: Date = new Date()): VerificationReading {
  const clean = stripTerminalEscapes(rawOutput);
  const error = firstErrorLine(clean);
  const prior = stepId === 'basicAuth.enable' ? readPrior(clean) : undefined;
  const block = readMarkerBlock(clean, stepId);
  let reading: VerificationReading;
  switch (block.kind) {
    case 'missing':
      reading = { status: 'unknown', detail: error ? `The shell reported an error: ${error}` : `No verification output was found (a line "${markerLines(stepId).begin}"); run the verification again.` };
      break;
    case 'incomplete':
      reading = { status: 'unknown', detail: error ? `The verification stopped with an error: ${error}` : 'The verification output ended before its end marker; wait for the command to finish.' };
      break;
    case 'invalid':
      reading = { status: 'unknown', detail: `The verification output could not be read as JSON (${block.reason}).${error ? ` The shell reported: ${error}` : ''}` };
      break;
    case 'json':
      reading = decide(stepId, block.value, settings, now);
      if (error && reading.status !== 'done') reading = { ...reading, detail: `${reading.detail} (The shell also reported: ${error})` };
      break;
  }
  return prior ? { ...reading, basicAuthPrior: prior } : reading;
}
