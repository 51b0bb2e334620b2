/**
 * Reads what a verification snippet printed in the terminal and decides the step's status.
 *
 * Terminal output arrives raw: colour codes, cursor moves, VS Code's OSC 633 shell-integration
 * sequences, carriage returns from redraws, and (on Windows) lines broken at the terminal width.
 * The snippets print compressed JSON between `ECS-BEGIN <block>` and `ECS-END <block>` lines whose
 * text only exists at run time, so a marker is a line that equals it exactly after cleaning; the
 * echoed command line never does.
 */
import * as l10n from './l10n';
import { getField, type SetupSettings } from './settings';
import { BASIC_AUTH_PRIOR_BLOCK, OTHER_PROTOCOLS, REQUIRED_MANAGEMENT_ROLES, impersonationScopeFilter, markerLines, type BasicAuthPriorEntry } from './snippets';
import type { StepId, StepStatus } from './steps';
import { errorText } from './errors';
import { canonicalOpath, sameOpathFilter } from './opath';

export interface BasicAuthServerReading {
  server: string;
  identity: string;
  /** null: the server's IIS metabase could not be read (the value is not known, neither on nor off). */
  basicAuthentication: boolean | null;
  /** The first error Exchange reported reading this server (absent when none). */
  error?: string;
}

export interface VerificationReading {
  status: StepStatus;
  /** The rule that decided the status (one of VERIFICATION_RULE_IDS). */
  rule: VerificationRuleId;
  /** One sentence for people: what was found and, when it failed, what is wrong. */
  detail: string;
  /** Basic auth per EWS virtual directory (basicAuth.verify and basicAuth.enable). */
  basicAuth?: BasicAuthServerReading[];
  /** The values basicAuth.enable recorded before changing them. */
  basicAuthPrior?: BasicAuthPriorEntry[];
  /**
   * The servers that are not yet right, each as "NAME (what is wrong)", for the checklist's tooltip
   * (all-server steps: Basic auth and the certificate). Absent when the reading is not per server.
   */
  serversNotRight?: string[];
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
      cursor = 0;
    } else if (char === '\b') {
      cursor = Math.max(0, cursor - 1);
    } else if (char === '\t' || char >= ' ') {
      // The cursor never passes the end of the line (only \r and \b move it back), so this writes
      // over a character or appends one.
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
  let reason = l10n.t('no output between the markers');
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
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function flag(item: JsonObject, key: string): boolean {
  const value = item[key];
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function strings(item: JsonObject, key: string): string[] {
  const value = item[key];
  // A one-element list may arrive as the bare element (Windows PowerShell 5.1); null is no element.
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

function count(item: JsonObject, key: string): number | undefined {
  const value = item[key];
  // JSON has no NaN or Infinity, so any number is a count.
  return typeof value === 'number' ? value : undefined;
}

function listNames(names: readonly string[]): string {
  const last = names[names.length - 1] ?? '';
  return names.length > 1 ? l10n.t('{0} and {1}', names.slice(0, -1).join(', '), last) : last;
}

// ---------------------------------------------------------------------------------------------
// Rule ids

/**
 * One stable id per verdict rule: the reading names the rule that decided it, and
 * docs/exchange-behaviour.md ("Verification rules") has one row per id with its Microsoft source
 * and the test that pins it. basicAuth.enable is read with the basicAuth.verify rules.
 */
export const VERIFICATION_RULE_IDS = [
  'output.noBlock',
  'output.shellError',
  'output.incomplete',
  'output.invalidJson',
  'manual.confirmByHand',
  'prerequisites.adminRights.noData',
  'prerequisites.adminRights.missingRoles',
  'prerequisites.adminRights.allRoles',
  'prerequisites.adminRights.cmdletBlocked',
  'prerequisites.adminRights.everyCmdlet',
  'prerequisites.exchangeVersion.noServers',
  'prerequisites.exchangeVersion.unreadable',
  'prerequisites.exchangeVersion.olderThan2013',
  'prerequisites.exchangeVersion.exchangeOnline',
  'prerequisites.exchangeVersion.supported',
  'prerequisites.certificate.noIisCertificate',
  'prerequisites.certificate.noEwsHost',
  'prerequisites.certificate.hostNotCovered',
  'prerequisites.certificate.selfSigned',
  'prerequisites.certificate.expired',
  'prerequisites.certificate.notPublicRoot',
  'prerequisites.certificate.statusNotValid',
  'prerequisites.certificate.unreadable',
  'prerequisites.certificate.thirdPartyValid',
  'prerequisites.certificate.serverUnreadable',
  'basicAuth.verify.noVirtualDirectory',
  'basicAuth.verify.off',
  'basicAuth.verify.unreadable',
  'basicAuth.verify.on',
  'serviceAccount.create.missing',
  'serviceAccount.create.notUserMailbox',
  'serviceAccount.create.disabled',
  'serviceAccount.create.passwordExpired',
  'serviceAccount.create.exists',
  'serviceAccount.protocols.noMailbox',
  'serviceAccount.protocols.ewsOff',
  'serviceAccount.protocols.unreadable',
  'serviceAccount.protocols.stillOn',
  'serviceAccount.protocols.onlyEws',
  'access.impersonation.noData',
  'access.impersonation.accountMissing',
  'access.impersonation.organizationWideNotChosen',
  'access.impersonation.organizationWideOptedIn',
  'access.impersonation.scopeMissing',
  'access.impersonation.filterMismatch',
  'access.impersonation.noScopedAssignment',
  'access.impersonation.writeScopeUnreadable',
  'access.impersonation.scoped',
  'access.delegate.noData',
  'access.delegate.countsMissing',
  'access.delegate.testMailboxLacks',
  'access.delegate.fullAccessMissing',
  'access.delegate.sendAsMissing',
  'access.delegate.noUserMailboxes',
  'access.delegate.allMailboxes',
] as const;

export type VerificationRuleId = (typeof VERIFICATION_RULE_IDS)[number];

// ---------------------------------------------------------------------------------------------
// Decisions per step

const done = (rule: VerificationRuleId, detail: string): VerificationReading => ({ status: 'done', rule, detail });
const failed = (rule: VerificationRuleId, detail: string): VerificationReading => ({ status: 'failed', rule, detail });
const unknown = (rule: VerificationRuleId, detail: string): VerificationReading => ({ status: 'unknown', rule, detail });

/**
 * An enum property as its name. ConvertTo-Json writes an enum as its number (Windows PowerShell
 * 5.1, and PowerShell 7 without -EnumsAsStrings: Microsoft, "ConvertTo-Json", parameter
 * EnumsAsStrings), a deserialized one from a remote session may arrive as its name, and `[string]`
 * in our snippets gives the name: names (any case), numbers and numeric text are all read.
 * `names[n]` is the name of value n ('' where the enum has no value n). Undefined when the
 * property is missing, empty or not a value of the enum.
 */
function enumName(item: JsonObject, key: string, names: readonly string[]): string | undefined {
  const raw = text(item, key).trim();
  if (/^\d+$/.test(raw)) return names[Number(raw)] || undefined;
  return names.find((name) => name !== '' && name.toLowerCase() === raw.toLowerCase());
}

function decideAdminRights(value: unknown): VerificationReading {
  const [item] = asList(value);
  // rule prerequisites.adminRights.noData
  if (!item) return failed('prerequisites.adminRights.noData', l10n.t('No role assignment information came back.'));
  const roles = new Set(strings(item, 'Roles').map((r) => r.toLowerCase()));
  const user = text(item, 'User') || l10n.t('You');
  // The server's own answer per cmdlet (Get-ManagementRole -Cmdlet) decides when it is there; custom
  // roles count. Without it, the built-in roles of REQUIRED_MANAGEMENT_ROLES are required.
  const cmdlets = asList(item.Cmdlets).map((c) => ({ cmdlet: text(c, 'Cmdlet'), roles: strings(c, 'Roles') })).filter((c) => c.cmdlet !== '');
  if (cmdlets.length > 0) {
    const blocked = cmdlets.filter((c) => !c.roles.some((r) => roles.has(r.toLowerCase())));
    // rule prerequisites.adminRights.cmdletBlocked
    if (blocked.length > 0) {
      const shown = blocked
        .slice(0, 5)
        .map((c) => (c.roles.length > 0 ? l10n.t('{0} (needs one of {1})', c.cmdlet, listNames(c.roles.map((r) => `"${r}"`))) : l10n.t('{0} (no role grants it)', c.cmdlet)));
      const detail =
        blocked.length > 5
          ? l10n.t('{0} cannot run {1} and {2} more: add the account to Organization Management or assign the roles.', user, listNames(shown), blocked.length - 5)
          : l10n.t('{0} cannot run {1}: add the account to Organization Management or assign the roles.', user, listNames(shown));
      return failed('prerequisites.adminRights.cmdletBlocked', detail);
    }
    // rule prerequisites.adminRights.everyCmdlet
    return done('prerequisites.adminRights.everyCmdlet', l10n.t('{0} holds a role for each of the {1} cmdlets the setup runs.', user, cmdlets.length));
  }
  const missing = REQUIRED_MANAGEMENT_ROLES.filter((r) => !roles.has(r.toLowerCase()));
  // rule prerequisites.adminRights.missingRoles
  if (missing.length > 0) {
    return failed(
      'prerequisites.adminRights.missingRoles',
      missing.length > 1
        ? l10n.t('{0} lacks the management roles {1}: add the account to Organization Management or assign the roles.', user, listNames(missing))
        : l10n.t('{0} lacks the management role {1}: add the account to Organization Management or assign the roles.', user, listNames(missing)),
    );
  }
  // rule prerequisites.adminRights.allRoles
  return done('prerequisites.adminRights.allRoles', l10n.t('{0} has every management role the setup needs.', user));
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
  if (name === 'Exchange 2013') return l10n.t(', out of support since {0}', '2023-04-11');
  if (name === 'Exchange 2016' || name === 'Exchange 2019') return l10n.t(', out of support since {0}', '2025-10-14');
  return '';
}

function decideExchangeVersion(value: unknown): VerificationReading {
  const servers = asList(value).map((item) => ({ name: text(item, 'Name'), raw: text(item, 'AdminDisplayVersion'), version: parseAdminDisplayVersion(text(item, 'AdminDisplayVersion')) }));
  // rule prerequisites.exchangeVersion.noServers
  if (servers.length === 0) return failed('prerequisites.exchangeVersion.noServers', l10n.t('No Exchange servers were listed.'));
  const unreadable = servers.filter((s) => !s.version);
  // rule prerequisites.exchangeVersion.unreadable
  if (unreadable.length > 0) return unknown('prerequisites.exchangeVersion.unreadable', l10n.t('Could not read the version of {0}.', listNames(unreadable.map((s) => `${s.name} ("${s.raw}")`))));
  const tooOld = servers.filter((s) => s.version && s.version.major < 15);
  // rule prerequisites.exchangeVersion.olderThan2013
  if (tooOld.length > 0) {
    return failed(
      'prerequisites.exchangeVersion.olderThan2013',
      tooOld.length > 1
        ? l10n.t('{0} are older than Exchange 2013 (15.0): EWS access needs 2013 or newer.', listNames(tooOld.map((s) => `${s.name} (${s.raw})`)))
        : l10n.t('{0} is older than Exchange 2013 (15.0): EWS access needs 2013 or newer.', listNames(tooOld.map((s) => `${s.name} (${s.raw})`))),
    );
  }
  const online = servers.filter((s) => s.version && exchangeProductName(s.version) === 'Exchange Online');
  // rule prerequisites.exchangeVersion.exchangeOnline
  if (online.length > 0) {
    return failed(
      'prerequisites.exchangeVersion.exchangeOnline',
      online.length > 1
        ? l10n.t('{0} report Exchange Online builds: this procedure is for on-premises Exchange only.', listNames(online.map((s) => s.name)))
        : l10n.t('{0} reports an Exchange Online build: this procedure is for on-premises Exchange only.', listNames(online.map((s) => s.name))),
    );
  }
  const described = servers.map((s) => `${s.name}: ${s.version ? `${exchangeProductName(s.version)}${supportNote(s.version)}` : ''} (${s.raw})`);
  // rule prerequisites.exchangeVersion.supported
  return done('prerequisites.exchangeVersion.supported', l10n.t('Every server is Exchange 2013 or newer: {0}.', described.join('; ')));
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

/**
 * Get-ExchangeCertificate's RootCAType and Status by number: the order of Exchange's
 * CertificateAuthorityType and CertificateStatus enums. Microsoft's page ("Get-ExchangeCertificate",
 * Description) lists the names but not the numbers; the numbers are the declaration order seen in
 * public decompiled copies of Microsoft.Exchange.Management (field report, see
 * docs/exchange-behaviour.md).
 */
const ROOT_CA_TYPES: readonly string[] = ['None', 'ThirdParty', 'Enterprise', 'Registry', 'GroupPolicy', 'Unknown'];
const CERTIFICATE_STATUSES: readonly string[] = ['Unknown', 'Valid', 'Revoked', 'DateInvalid', 'Untrusted', 'Invalid', 'RevocationCheckFailure', 'PendingRequest'];

/** Why a RootCAType other than ThirdParty is not a public CA (Microsoft, "Get-ExchangeCertificate", Description). */
const ROOT_CA_MEANING: Readonly<Record<string, () => string>> = {
  None: () => l10n.t('a self-signed certificate'),
  Enterprise: () => l10n.t('an internal (enterprise) CA'),
  Registry: () => l10n.t("a root trusted only on this server, as for Exchange's own self-signed certificate"),
  GroupPolicy: () => l10n.t('an internal CA distributed by Group Policy'),
  Unknown: () => l10n.t('a pending certificate request, not an issued certificate'),
};

interface Finding {
  readonly rule: VerificationRuleId;
  readonly text: string;
}

/** What stands between one certificate (one that covers the EWS host) and "done". */
function certificateFindings(cert: JsonObject, label: string, ewsHost: string, now: Date): { problems: Finding[]; doubts: Finding[] } {
  const problems: Finding[] = [];
  const doubts: Finding[] = [];
  // rule prerequisites.certificate.selfSigned
  if (flag(cert, 'IsSelfSigned')) problems.push({ rule: 'prerequisites.certificate.selfSigned', text: l10n.t('{0} is self-signed', label) });
  const notAfter = Date.parse(text(cert, 'NotAfter'));
  // rule prerequisites.certificate.unreadable (expiry)
  if (Number.isNaN(notAfter)) doubts.push({ rule: 'prerequisites.certificate.unreadable', text: l10n.t('the expiry date of {0} ("{1}") could not be read', label, text(cert, 'NotAfter')) });
  // rule prerequisites.certificate.expired
  else if (notAfter <= now.getTime()) problems.push({ rule: 'prerequisites.certificate.expired', text: l10n.t('{0} expired on {1}', label, new Date(notAfter).toISOString().slice(0, 10)) });
  const rootCaType = enumName(cert, 'RootCAType', ROOT_CA_TYPES);
  // rule prerequisites.certificate.unreadable (RootCAType): Get-ExchangeCertificate through remote PowerShell may leave it out.
  if (rootCaType === undefined) doubts.push({ rule: 'prerequisites.certificate.unreadable', text: l10n.t('RootCAType of {0} did not come back ("{1}")', label, text(cert, 'RootCAType')) });
  // rule prerequisites.certificate.notPublicRoot
  else if (rootCaType !== 'ThirdParty') {
    problems.push({ rule: 'prerequisites.certificate.notPublicRoot', text: l10n.t('{0} is not from a public CA (RootCAType {1}: {2}); the calendar service trusts only public CAs for {3}', label, rootCaType, ROOT_CA_MEANING[rootCaType]?.() ?? 'undefined', ewsHost) });
  }
  const status = enumName(cert, 'Status', CERTIFICATE_STATUSES);
  // rule prerequisites.certificate.unreadable (Status), including the status Unknown that Exchange itself reports
  if (status === undefined || status === 'Unknown') doubts.push({ rule: 'prerequisites.certificate.unreadable', text: status === 'Unknown' ? l10n.t('the status of {0} is Unknown to Exchange', label) : l10n.t('the status of {0} is missing ("{1}")', label, text(cert, 'Status')) });
  // rule prerequisites.certificate.statusNotValid
  else if (status !== 'Valid') problems.push({ rule: 'prerequisites.certificate.statusNotValid', text: l10n.t('Exchange reports {0} as {1}', label, status) });
  return { problems, doubts };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** The verdict on the IIS certificates of one server (or of output from before the all-server snippet). */
function certificateVerdict(certificates: JsonObject[], settings: SetupSettings, now: Date): VerificationReading {
  // rule prerequisites.certificate.noIisCertificate
  if (certificates.length === 0) {
    return failed('prerequisites.certificate.noIisCertificate', l10n.t('No certificate is assigned to IIS on the server: assign one from a public CA with Enable-ExchangeCertificate -Services IIS.'));
  }
  const ewsHost = hostOf(String(getField(settings, 'ewsUrl')));
  // rule prerequisites.certificate.noEwsHost
  if (ewsHost === '') return unknown('prerequisites.certificate.noEwsHost', l10n.t('The EWS URL setting ({0}) is not a URL, so the certificate cannot be matched to its host.', 'exchangeSetup.ewsUrl'));
  const label = (cert: JsonObject): string => l10n.t('{0} ({1})', text(cert, 'Subject') || l10n.t('the certificate'), text(cert, 'Thumbprint') || l10n.t('no thumbprint'));
  // Only certificates that name the EWS host can be the one the service sees. Others assigned to IIS
  // (on Exchange 2013 and later, the self-signed certificate of the Exchange Back End site) are
  // listed, not judged. ASSUMPTION: docs/exchange-behaviour.md, rule prerequisites.certificate.hostNotCovered.
  const covering = certificates.filter((cert) => hostCovered(ewsHost, strings(cert, 'Domains')));
  const others = certificates.filter((cert) => !covering.includes(cert));
  // rule prerequisites.certificate.hostNotCovered
  if (covering.length === 0) {
    return failed('prerequisites.certificate.hostNotCovered', l10n.t('No certificate assigned to IIS covers {0} (found {1}): assign one from a public CA that names it.', ewsHost, listNames(certificates.map(label))));
  }
  const findings = covering.map((cert) => certificateFindings(cert, label(cert), ewsHost, now));
  const problems = findings.flatMap((f) => f.problems);
  const doubts = findings.flatMap((f) => f.doubts);
  const probeHint = l10n.t('the {0} probe shows the chain the server sends as the service sees it', 'tls.trust');
  if (problems.length > 0) return failed(problems[0].rule, l10n.t('{0}: {1}.', problems.map((p) => p.text).join('; '), probeHint));
  if (doubts.length > 0) {
    return unknown(doubts[0].rule, l10n.t('Cannot tell whether the certificate is publicly trusted: {0}. Run the verification in the Exchange Management Shell on the server (a remote session may leave properties out), or rely on the {1} probe.', doubts.map((d) => d.text).join('; '), 'tls.trust'));
  }
  const first = covering[0];
  const ignored = others.length > 0 ? ` ${others.length > 1 ? l10n.t('Not considered, as they do not name {0}: {1}.', ewsHost, listNames(others.map(label))) : l10n.t('Not considered, as it does not name {0}: {1}.', ewsHost, listNames(others.map(label)))}` : '';
  // rule prerequisites.certificate.thirdPartyValid
  return done(
    'prerequisites.certificate.thirdPartyValid',
    l10n.t(
      'The IIS certificate {0} from {1} covers {2}, comes from a public CA (RootCAType ThirdParty) with the status Valid, and is valid until {3}; {4}.',
      text(first, 'Subject'),
      text(first, 'Issuer'),
      ewsHost,
      text(first, 'NotAfter').slice(0, 10),
      probeHint,
    ) + ignored,
  );
}

/** A few words for the tooltip's list of servers not yet right, by the rule that decided a server. */
const CERTIFICATE_PROBLEM: Partial<Record<VerificationRuleId, () => string>> = {
  'prerequisites.certificate.noIisCertificate': () => l10n.t('no certificate assigned to IIS'),
  'prerequisites.certificate.hostNotCovered': () => l10n.t('no certificate names the EWS host'),
  'prerequisites.certificate.selfSigned': () => l10n.t('self-signed certificate'),
  'prerequisites.certificate.expired': () => l10n.t('expired certificate'),
  'prerequisites.certificate.notPublicRoot': () => l10n.t('not from a public CA'),
  'prerequisites.certificate.statusNotValid': () => l10n.t('status not Valid'),
  'prerequisites.certificate.unreadable': () => l10n.t('certificate could not be judged'),
  'prerequisites.certificate.serverUnreadable': () => l10n.t('could not be read'),
};

/**
 * The certificate of every server with an EWS virtual directory (the snippet prints one item per server:
 * Server, Error, Certificates). Done only when each server is; a failing server decides over an
 * unreadable one, and the rule of the first failing server names the reading. Output from the older
 * one-server snippet (a plain list of certificates) is judged as one server.
 */
function decideCertificate(value: unknown, settings: SetupSettings, now: Date): VerificationReading {
  const items = asList(value);
  if (!items.some((item) => 'Certificates' in item)) return certificateVerdict(items, settings, now);
  const ewsHost = hostOf(String(getField(settings, 'ewsUrl')));
  // rule prerequisites.certificate.noEwsHost
  if (ewsHost === '') return unknown('prerequisites.certificate.noEwsHost', l10n.t('The EWS URL setting ({0}) is not a URL, so the certificate cannot be matched to its host.', 'exchangeSetup.ewsUrl'));
  const servers = items.map((item) => {
    const name = text(item, 'Server') || 'a server';
    const certificates = asList(item.Certificates);
    const error = text(item, 'Error');
    // rule prerequisites.certificate.serverUnreadable: Get-ExchangeCertificate -Server failed for this server
    // (not reachable, or no rights there): nothing is known about its certificate.
    const reading = error !== '' && certificates.length === 0
      ? unknown('prerequisites.certificate.serverUnreadable', l10n.t('The certificates of {0} could not be read ({1}): run the verification again when the server is reachable.', name, error))
      : certificateVerdict(certificates, settings, now);
    return { name, reading };
  });
  const names = listNames(servers.map((s) => s.name));
  const notRight = servers.filter((s) => s.reading.status !== 'done');
  const serversNotRight = notRight.map((s) => `${s.name} (${CERTIFICATE_PROBLEM[s.reading.rule]?.() ?? s.reading.rule})`);
  const failing = servers.filter((s) => s.reading.status === 'failed');
  const doubtful = servers.filter((s) => s.reading.status === 'unknown');
  const right = servers.filter((s) => s.reading.status === 'done');
  const fine = right.length > 0 ? ` ${l10n.t('Right: {0}.', listNames(right.map((s) => s.name)))}` : '';
  const each = (list: typeof servers): string => list.map((s) => `${s.name}: ${s.reading.detail}`).join(' ');
  if (failing.length > 0) return { ...failed(failing[0].reading.rule, `${each(failing)}${doubtful.length > 0 ? ` ${each(doubtful)}` : ''}${fine}`), serversNotRight };
  if (doubtful.length > 0) return { ...unknown(doubtful[0].reading.rule, `${each(doubtful)}${fine}`), serversNotRight };
  // rule prerequisites.certificate.thirdPartyValid, on every server
  if (servers.length === 1) return { ...servers[0].reading, detail: `${servers[0].name}: ${servers[0].reading.detail}`, serversNotRight: [] };
  return { ...done('prerequisites.certificate.thirdPartyValid', l10n.t('Every server with an EWS virtual directory ({0}) has a publicly trusted certificate (RootCAType ThirdParty, status Valid) for {1}. {2}', names, ewsHost, each(right.slice(0, 1)))), serversNotRight: [] };
}

/** BasicAuthentication true or false (a boolean or its text), or null when it was not read. */
function basicAuthValue(item: JsonObject): boolean | null {
  const value = item.BasicAuthentication;
  if (value === true || value === false) return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return null;
}

function readBasicAuth(value: unknown): BasicAuthServerReading[] {
  return asList(value).map((item) => {
    const error = text(item, 'Error');
    return { server: text(item, 'Server'), identity: text(item, 'Identity'), basicAuthentication: basicAuthValue(item), ...(error !== '' ? { error } : {}) };
  });
}

/** How the reading names a directory: its server, or its identity in output that lacks the server. */
function directoryName(reading: BasicAuthServerReading): string {
  return reading.server || reading.identity || 'a server';
}

/**
 * Basic auth on every server's EWS directory. A directory counts as on or off only when its value was
 * read without an error (a server whose IIS could not be read may come back with an empty value);
 * off anywhere fails, then anything unread is unknown; done only when every directory is on.
 */
function decideBasicAuth(readings: BasicAuthServerReading[]): VerificationReading {
  // rule basicAuth.verify.noVirtualDirectory
  if (readings.length === 0) return { ...failed('basicAuth.verify.noVirtualDirectory', l10n.t('No EWS virtual directory was found.')), basicAuth: readings };
  const unread = readings.filter((r) => r.basicAuthentication === null || r.error !== undefined);
  const off = readings.filter((r) => r.basicAuthentication === false && r.error === undefined);
  const on = readings.filter((r) => r.basicAuthentication === true && r.error === undefined);
  const serversNotRight = [
    ...off.map((r) => l10n.t('{0} (Basic off)', directoryName(r))),
    ...unread.map((r) => l10n.t('{0} (could not be read)', directoryName(r))),
  ];
  const unreadNote = unread.length > 0
    ? ` ${l10n.t('It could not be read on {0}.', listNames(unread.map((r) => `${directoryName(r)}${r.error ? ` (${r.error})` : ''}`)))}`
    : '';
  const onNote = on.length > 0 ? ` ${l10n.t('On: {0}.', listNames(on.map(directoryName)))}` : '';
  // rule basicAuth.verify.off
  if (off.length > 0) {
    return {
      ...failed('basicAuth.verify.off', l10n.t('Basic authentication is off on {0}: run the Enable Basic authentication step (it turns it on for every server that has it off).', listNames(off.map(directoryName))) + unreadNote + onNote),
      basicAuth: readings,
      serversNotRight,
    };
  }
  // rule basicAuth.verify.unreadable: a server not read is neither on nor off.
  if (unread.length > 0) {
    return {
      ...unknown('basicAuth.verify.unreadable', (unread.length > 1
        ? l10n.t('Basic authentication could not be read on {0}: run the verification again when they are reachable.', listNames(unread.map((r) => `${directoryName(r)}${r.error ? ` (${r.error})` : ''}`)))
        : l10n.t('Basic authentication could not be read on {0}: run the verification again when it is reachable.', listNames(unread.map((r) => `${directoryName(r)}${r.error ? ` (${r.error})` : ''}`)))) + onNote),
      basicAuth: readings,
      serversNotRight,
    };
  }
  // rule basicAuth.verify.on
  return { ...done('basicAuth.verify.on', l10n.t('Basic authentication is on for EWS on every server: {0}.', listNames(readings.map(directoryName)))), basicAuth: readings, serversNotRight: [] };
}

function readPrior(cleanText: string): BasicAuthPriorEntry[] | undefined {
  const block = readMarkerBlock(cleanText, BASIC_AUTH_PRIOR_BLOCK);
  if (block.kind !== 'json') return undefined;
  const entries = asList(block.value)
    .map((item) => {
      const server = text(item, 'Server');
      return { identity: text(item, 'Identity'), basicAuthentication: flag(item, 'BasicAuthentication'), ...(server !== '' ? { server } : {}) };
    })
    .filter((entry) => entry.identity !== '');
  return entries.length > 0 ? entries : undefined;
}

function decideServiceAccount(value: unknown, settings: SetupSettings, now: Date): VerificationReading {
  const upn = settings.serviceAccount.upn;
  const existing = settings.serviceAccount.existing;
  const [mailbox] = asList(value);
  // rule serviceAccount.create.missing
  if (!mailbox) {
    return failed('serviceAccount.create.missing', existing
      ? l10n.t('There is no mailbox {0}, though {1} says the account exists: check the UPN, or turn that setting off to create the account.', upn, 'exchangeSetup.serviceAccount.existing')
      : l10n.t('There is no mailbox {0}: run the Create the service account mailbox step.', upn));
  }
  const type = text(mailbox, 'RecipientTypeDetails');
  // rule serviceAccount.create.notUserMailbox
  if (type !== '' && type !== 'UserMailbox') return failed('serviceAccount.create.notUserMailbox', l10n.t('{0} is a {1}, not a user mailbox; the service account needs a user mailbox to sign in to EWS.', upn, type));
  // rule serviceAccount.create.disabled: Get-Mailbox's AccountDisabled; EWS answers ErrorAccountDisabled for such an account.
  if (flag(mailbox, 'AccountDisabled')) return failed('serviceAccount.create.disabled', l10n.t('The account {0} is disabled in Active Directory: enable it (Active Directory Users and Computers, or Enable-ADAccount), or EWS answers ErrorAccountDisabled.', upn));
  // rule serviceAccount.create.passwordExpired: msDS-UserPasswordExpiryTimeComputed in the past.
  const expires = text(mailbox, 'PasswordExpires');
  const expiresAt = expires === '' ? Number.NaN : Date.parse(expires);
  if (!Number.isNaN(expiresAt) && expiresAt <= now.getTime()) {
    return failed('serviceAccount.create.passwordExpired', l10n.t('The password of {0} expired on {1}: every EWS logon fails with 401 until it is changed, here and in the calendar service.', upn, new Date(expiresAt).toISOString().slice(0, 10)));
  }
  // rule serviceAccount.create.exists
  const alias = text(mailbox, 'Alias');
  let expiry = '';
  if (flag(mailbox, 'PasswordNeverExpires')) expiry = ` ${l10n.t('Its password never expires.')}`;
  else if (!Number.isNaN(expiresAt)) expiry = ` ${l10n.t('Its password expires on {0}.', new Date(expiresAt).toISOString().slice(0, 10))}`;
  else if ('PasswordExpiryRead' in mailbox && !flag(mailbox, 'PasswordExpiryRead')) expiry = ` ${l10n.t('When its password expires could not be read (the ActiveDirectory module of RSAT is not loaded).')}`;
  const name = text(mailbox, 'UserPrincipalName') || upn;
  const exists = existing
    ? alias
      ? l10n.t('The existing service account mailbox {0} exists (alias {1}).', name, alias)
      : l10n.t('The existing service account mailbox {0} exists.', name)
    : alias
      ? l10n.t('The service account mailbox {0} exists (alias {1}).', name, alias)
      : l10n.t('The service account mailbox {0} exists.', name);
  return done('serviceAccount.create.exists', exists + expiry);
}

/**
 * RecipientWriteScope by number: the order of Exchange's RecipientWriteScopeType enum (values 10-12
 * and 14 are unused). Names from Microsoft, "Get-ManagementRoleAssignment" (RecipientWriteScope
 * parameter); numbers from public decompiled copies of Microsoft.Exchange.Data.Directory (field report).
 */
const RECIPIENT_WRITE_SCOPES: readonly string[] = [
  'None', 'NotApplicable', 'Organization', 'MyGAL', 'Self', 'MyDirectReports', 'OU', 'CustomRecipientScope',
  'MyDistributionGroups', 'MyExecutive', '', '', '', 'ExclusiveRecipientScope', '', 'MailboxICanDelegate',
];

function decideImpersonation(value: unknown, settings: SetupSettings): VerificationReading {
  const [state] = asList(value);
  // rule access.impersonation.noData
  if (!state) return failed('access.impersonation.noData', l10n.t('No impersonation information came back.'));
  const upn = settings.serviceAccount.upn;
  const scopeName = settings.impersonation.scopeName;
  // rule access.impersonation.accountMissing
  if (!flag(state, 'AccountFound')) return failed('access.impersonation.accountMissing', l10n.t('There is no mailbox {0}: create the service account first.', upn));
  // Disabled assignments grant nothing; nor do delegating ones (the snippet asks for -Delegating
  // $false, this also covers output captured from an older snippet).
  const assignments = asList(state.Assignments)
    .filter((a) => !('Enabled' in a) || flag(a, 'Enabled'))
    .filter((a) => !/^Delegating/i.test(text(a, 'DelegationType')))
    .map((a) => ({ name: text(a, 'Name'), writeScope: enumName(a, 'RecipientWriteScope', RECIPIENT_WRITE_SCOPES), target: text(a, 'CustomRecipientWriteScope') }));
  const named = (list: readonly { name: string }[]): string => listNames(list.map((a) => `"${a.name}"`));
  // Only Organization reaches every mailbox; OU and custom scopes are limits (Microsoft,
  // "Understanding management role scopes" / "Role assignments").
  const organizationWide = assignments.filter((a) => a.writeScope === 'Organization');
  const ouScoped = assignments.filter((a) => a.writeScope === 'OU');
  const scoped = assignments.filter((a) => a.writeScope === 'CustomRecipientScope' && a.target.toLowerCase() === scopeName.toLowerCase());
  const unreadable = assignments.filter((a) => a.writeScope === undefined);
  // An existing account never gets an organisation-wide assignment from this product, so the opt-in does not apply to it.
  const orgWideChosen = settings.impersonation.organizationWide && !settings.serviceAccount.existing;
  // What else the existing account has (its room scope, say), with each scope's filter: said beside the verdict.
  const others = asList(state.Assignments)
    .filter((a) => text(a, 'CustomRecipientWriteScope') !== '' && text(a, 'CustomRecipientWriteScope').toLowerCase() !== scopeName.toLowerCase() && !/^Delegating/i.test(text(a, 'DelegationType')))
    .map((a) =>
      text(a, 'ScopeFilter')
        ? l10n.t('"{0}" (scope "{1}": {2})', text(a, 'Name'), text(a, 'CustomRecipientWriteScope'), text(a, 'ScopeFilter'))
        : l10n.t('"{0}" (scope "{1}")', text(a, 'Name'), text(a, 'CustomRecipientWriteScope')),
    );
  const existingNote = settings.serviceAccount.existing && others.length > 0 ? ` ${l10n.t('It already has, and keeps: {0}.', listNames(others))}` : '';
  // rule access.impersonation.organizationWideNotChosen
  if (organizationWide.length > 0 && !orgWideChosen) {
    return failed(
      'access.impersonation.organizationWideNotChosen',
      l10n.t('{0} has organization-wide ApplicationImpersonation through {1}, which defeats the user-mailbox scope: remove it with Remove-ManagementRoleAssignment.', upn, named(organizationWide)),
    );
  }
  // rule access.impersonation.organizationWideOptedIn
  if (organizationWide.length > 0) return done('access.impersonation.organizationWideOptedIn', l10n.t('{0} has organization-wide ApplicationImpersonation through {1} (opted in).', upn, named(organizationWide)));
  const ouNote =
    ouScoped.length > 0
      ? ` ${l10n.t('{0} also has ApplicationImpersonation limited to an organizational unit: {1}.', upn, listNames(ouScoped.map((a) => l10n.t('"{0}" (OU {1})', a.name, a.target || l10n.t('not named')))))}`
      : '';
  // rule access.impersonation.scopeMissing
  if (text(state, 'ScopeName') === '') return failed('access.impersonation.scopeMissing', l10n.t('The management scope "{0}" does not exist: run the impersonation step.', scopeName) + ouNote + existingNote);
  const expected = impersonationScopeFilter(settings);
  const actual = text(state, 'ScopeFilter');
  // rule access.impersonation.filterMismatch: the stored filter must select what the generated one selects.
  if (!sameOpathFilter(actual, expected)) {
    const parsed = canonicalOpath(actual);
    return failed(
      'access.impersonation.filterMismatch',
      parsed.ok
        ? l10n.t('The scope "{0}" filters "{1}", not "{2}" as the impersonation step creates it: remove the scope (roll back the step) and run the step again.', scopeName, actual, expected)
        : l10n.t(
            'The scope "{0}" filters "{1}" (it could not be read: {3}), not "{2}" as the impersonation step creates it: remove the scope (roll back the step) and run the step again.',
            scopeName,
            actual,
            expected,
            parsed.reason,
          ),
    );
  }
  // rule access.impersonation.noScopedAssignment
  if (scoped.length === 0) return failed('access.impersonation.noScopedAssignment', l10n.t('{0} has no ApplicationImpersonation assignment limited to "{1}": run the impersonation step.', upn, scopeName) + ouNote + existingNote);
  // rule access.impersonation.writeScopeUnreadable: one of them might reach every mailbox.
  if (unreadable.length > 0) {
    return unknown('access.impersonation.writeScopeUnreadable', l10n.t('The reach (RecipientWriteScope) of {0} could not be read, so it may be organization-wide: run the verification again in the Exchange Management Shell.', named(unreadable)));
  }
  // rule access.impersonation.scoped
  const scopedText = settings.impersonation.scopeCoversRooms
    ? l10n.t('{0} can impersonate user and room mailboxes through "{1}", limited to the scope "{2}".', upn, scoped[0].name, scopeName)
    : l10n.t('{0} can impersonate user mailboxes through "{1}", limited to the scope "{2}".', upn, scoped[0].name, scopeName);
  return done('access.impersonation.scoped', scopedText + ouNote + existingNote);
}

/** Mailboxes lacking one right: the count the snippet printed and the first addresses it listed. */
function lacking(state: JsonObject, right: 'FullAccess' | 'SendAs'): { count: number | undefined; names: string[] } {
  const names = strings(state, `Without${right}`);
  const printed = count(state, `Without${right}Count`);
  // A list longer than the count is read as the truth: never report fewer than are named.
  return { count: printed === undefined ? undefined : Math.max(printed, names.length), names };
}

/** `right` is the name of an Exchange permission (Full Access, Send As), the same in every language. */
function describeLacking(right: string, lackingCount: number, names: readonly string[], total: number): string {
  const more = lackingCount - names.length;
  if (names.length === 0) return l10n.t('{0} of {1} user mailboxes lack {2}', lackingCount, total, right);
  if (more > 0) return l10n.t('{0} of {1} user mailboxes lack {2}: {3} and {4} more', lackingCount, total, right, names.join(', '), more);
  return l10n.t('{0} of {1} user mailboxes lack {2}: {3}', lackingCount, total, right, names.join(', '));
}

function decideDelegate(value: unknown, settings: SetupSettings): VerificationReading {
  const [state] = asList(value);
  // rule access.delegate.noData
  if (!state) return failed('access.delegate.noData', l10n.t('No permission information came back.'));
  const upn = settings.serviceAccount.upn;
  const total = count(state, 'UserMailboxes');
  const fullAccess = lacking(state, 'FullAccess');
  const sendAs = lacking(state, 'SendAs');
  // rule access.delegate.countsMissing
  if (total === undefined || fullAccess.count === undefined || sendAs.count === undefined) {
    return unknown('access.delegate.countsMissing', l10n.t('The mailbox counts were missing from the output: run the current verification of this step again.'));
  }
  const problems: Finding[] = [];
  const test = isObject(state.TestMailbox) ? state.TestMailbox : undefined;
  // rule access.delegate.testMailboxLacks
  if (test && !flag(test, 'FullAccess')) problems.push({ rule: 'access.delegate.testMailboxLacks', text: l10n.t('{0} does not give {1} {2}', text(test, 'Mailbox'), upn, 'Full Access') });
  if (test && !flag(test, 'SendAs')) problems.push({ rule: 'access.delegate.testMailboxLacks', text: l10n.t('{0} does not give {1} {2}', text(test, 'Mailbox'), upn, 'Send As') });
  // rule access.delegate.fullAccessMissing
  if (fullAccess.count > 0) problems.push({ rule: 'access.delegate.fullAccessMissing', text: describeLacking('Full Access', fullAccess.count, fullAccess.names, total) });
  // rule access.delegate.sendAsMissing
  if (sendAs.count > 0) problems.push({ rule: 'access.delegate.sendAsMissing', text: describeLacking('Send As', sendAs.count, sendAs.names, total) });
  if (problems.length > 0) return failed(problems[0].rule, l10n.t('{0}: run the per-mailbox rights step again (mailboxes created since need it too).', problems.map((p) => p.text).join('; ')));
  // rule access.delegate.noUserMailboxes
  if (total === 0) return unknown('access.delegate.noUserMailboxes', l10n.t('No user mailboxes were found other than the service account.'));
  // rule access.delegate.allMailboxes
  return done('access.delegate.allMailboxes', l10n.t('{0} has Full Access and Send As on all {1} user mailboxes.', upn, total) + roomRightsNote(state));
}

/**
 * What the existing-account verification read on room mailboxes (RoomMailboxes, RoomsWith...): said
 * beside the verdict, never part of it, since the step only adds rights on user mailboxes.
 */
function roomRightsNote(state: JsonObject): string {
  const rooms = count(state, 'RoomMailboxes');
  if (rooms === undefined) return '';
  const withRight = (right: 'FullAccess' | 'SendAs'): string => {
    const names = strings(state, `RoomsWith${right}`);
    const printed = count(state, `RoomsWith${right}Count`) ?? names.length;
    return `${Math.max(printed, names.length)}${names.length > 0 ? ` (${listNames(names)})` : ''}`;
  };
  return ` ${l10n.t('Room mailboxes ({0}) it has Full Access on: {1}; Send As on: {2}; this step leaves them as they are.', rooms, withRight('FullAccess'), withRight('SendAs'))}`;
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
  if (!mailbox) return failed('serviceAccount.protocols.noMailbox', l10n.t('There is no mailbox {0}: create the service account first.', upn));
  const ews = mailbox.EwsEnabled;
  // rule serviceAccount.protocols.ewsOff
  if (ews === false || (typeof ews === 'string' && ews.toLowerCase() === 'false')) {
    return failed('serviceAccount.protocols.ewsOff', l10n.t('EWS is turned off for {0} (EwsEnabled is False), so the calendar service cannot sign in: run {1}.', upn, `Set-CASMailbox -Identity ${upn} -EwsEnabled $true`));
  }
  const missing = OTHER_PROTOCOLS.filter((p) => !(p.parameter in mailbox));
  // rule serviceAccount.protocols.unreadable
  if (missing.length > 0) return unknown('serviceAccount.protocols.unreadable', l10n.t('The output lacks {0}; run the verification again.', listNames(missing.map((p) => p.parameter))));
  const stillOn = OTHER_PROTOCOLS.filter((p) => flag(mailbox, p.parameter));
  // rule serviceAccount.protocols.stillOn
  if (stillOn.length > 0) return failed('serviceAccount.protocols.stillOn', stillOn.length > 1
        ? l10n.t('{0} are still on for {1}: run the step (it is optional).', listNames(stillOn.map((p) => p.label)), upn)
        : l10n.t('{0} is still on for {1}: run the step (it is optional).', listNames(stillOn.map((p) => p.label)), upn));
  // rule serviceAccount.protocols.onlyEws
  return done('serviceAccount.protocols.onlyEws', l10n.t('Only EWS is on for {0}: {1} are off.', upn, listNames(OTHER_PROTOCOLS.map((p) => p.label))));
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
      return decideServiceAccount(value, settings, now);
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
      // rule manual.confirmByHand
      return unknown('manual.confirmByHand', l10n.t('This step has no shell verification; confirm it by hand.'));
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
      // rule output.shellError / output.noBlock
      reading = error
        ? unknown('output.shellError', l10n.t('The shell reported an error: {0}', error))
        : unknown('output.noBlock', l10n.t('No verification output was found (a line "{0}"); run the verification again.', markerLines(stepId).begin));
      break;
    case 'incomplete':
      // rule output.incomplete
      reading = unknown('output.incomplete', error ? l10n.t('The verification stopped with an error: {0}', error) : l10n.t('The verification output ended before its end marker; wait for the command to finish.'));
      break;
    case 'invalid':
      // rule output.invalidJson
      reading = unknown('output.invalidJson', l10n.t('The verification output could not be read as JSON ({0}).', block.reason) + (error ? ` ${l10n.t('The shell reported: {0}', error)}` : ''));
      break;
    case 'json':
      reading = decide(stepId, block.value, settings, now);
      if (error && reading.status !== 'done') reading = { ...reading, detail: l10n.t('{0} (The shell also reported: {1})', reading.detail, error) };
      break;
  }
  return prior ? { ...reading, basicAuthPrior: prior } : reading;
}
