/**
 * Validation of the settings, field by field, with messages an administrator can act on: which
 * setting, what is wrong with the value, and an example of a good one. No snippet is generated from
 * a value that fails here, and the checks include everything psQuote refuses, so the two agree.
 */
import * as l10n from './l10n';
import { isUnsafeCodePoint, unquotableReason } from './quote';
import {
  ACCESS_METHODS,
  DEFAULT_SETTINGS,
  SETTING_EXAMPLES,
  SETTING_FIELDS,
  cloneDefaultSettings,
  getField,
  setField,
  settingKey,
  type AccessMethod,
  type SetupSettings,
  type SettingField,
} from './settings';

export interface FieldIssue {
  field: SettingField;
  /** The full setting name, `exchangeSetup.<field>`. */
  setting: string;
  /** The offending value as text (booleans as "true"/"false"). */
  value: string;
  /**
   * What is wrong, in the display language: a predicate whose subject is the setting (or its value),
   * e.g. `is not a user principal name: it has a space`. Each is one translatable text; reasons after
   * a colon are whole clauses of their own.
   */
  problem: string;
  example: string;
  /** One line for people: setting, value, problem and example. */
  message: string;
}

/** A key in a settings object that is not a setting at all (a typo, usually). */
export interface UnknownKeyIssue {
  /** The dotted key as written, e.g. `serviceAcount.upn`. */
  key: string;
  message: string;
}

const MAX_NAME_LENGTH = 64;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_ADDRESS_LENGTH = 255;

/** Fields that must not be empty for the procedure to make sense at all. */
const REQUIRED_FIELDS: ReadonlySet<SettingField> = new Set<SettingField>([
  'ewsUrl',
  'serviceAccount.upn',
  'serviceAccount.alias',
  'serviceAccount.displayName',
  'impersonation.scopeName',
  'impersonation.assignmentName',
]);

/** Shows a value in a message: quoted, control characters escaped, long values shortened. */
function displayValue(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  let escaped = '';
  for (const char of shown) {
    const codePoint = char.codePointAt(0) ?? 0;
    escaped += isUnsafeCodePoint(codePoint) ? `\\u${codePoint.toString(16).padStart(4, '0')}` : char;
  }
  return `"${escaped.replace(/"/g, '\\"')}"`;
}

export function makeIssue(field: SettingField, value: string, problem: string): FieldIssue {
  const setting = settingKey(field);
  const example = SETTING_EXAMPLES[field];
  const message =
    value === ''
      ? l10n.t('{0} {1}. Example: {2}', setting, problem, example)
      : l10n.t('{0}: {1} {2}. Example: {3}', setting, displayValue(value), problem, example);
  return { field, setting, value, problem, example, message };
}

// Dot-atom characters of RFC 5322, which Exchange also accepts in aliases (apostrophe included).
const ATOM_CHARACTERS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]$/;
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const NETBIOS_NAME = /^[A-Za-z0-9-]{1,15}$/;

/**
 * The problem with a dot-atom (an alias, or the part of an address before the @ when `localPart`),
 * as a whole clause, or undefined.
 */
function dotAtomProblem(text: string, localPart: boolean): string | undefined {
  if (/\s/.test(text)) return localPart ? l10n.t('in the part before the @, it has a space') : l10n.t('it has a space');
  for (const char of text) {
    if (char !== '.' && !ATOM_CHARACTERS.test(char)) {
      return localPart
        ? l10n.t('in the part before the @, it has the character {0}, which is not allowed', displayValue(char))
        : l10n.t('it has the character {0}, which is not allowed', displayValue(char));
    }
  }
  if (text.startsWith('.') || text.endsWith('.')) return localPart ? l10n.t('in the part before the @, it starts or ends with a dot') : l10n.t('it starts or ends with a dot');
  if (text.includes('..')) return localPart ? l10n.t('in the part before the @, it has two dots in a row') : l10n.t('it has two dots in a row');
  return undefined;
}

function domainProblem(domain: string, minimumLabels: number): string | undefined {
  if (domain.length > 253) return l10n.t('the domain is longer than {0} characters', 253);
  const labels = domain.split('.');
  if (labels.length < minimumLabels) return l10n.t('the domain {0} needs at least {1} parts separated by dots', displayValue(domain), minimumLabels);
  const bad = labels.find((label) => !DNS_LABEL.test(label));
  if (bad !== undefined) {
    return bad === ''
      ? l10n.t('the domain has an empty part (two dots in a row, or a dot at an end)')
      : l10n.t('the domain part {0} is not a DNS label (letters, digits and inner hyphens, up to {1})', displayValue(bad), 63);
  }
  return undefined;
}

/** `reason` (a whole clause) after "is not a user principal name" or "is not an e-mail address". */
function notAnAddress(kind: 'upn' | 'email', reason: string): string {
  return kind === 'upn' ? l10n.t('is not a user principal name: {0}', reason) : l10n.t('is not an e-mail address: {0}', reason);
}

function addressProblem(value: string, kind: 'upn' | 'email'): string | undefined {
  if (/\s/.test(value)) return notAnAddress(kind, l10n.t('it has a space'));
  const at = value.lastIndexOf('@');
  if (at < 0) return notAnAddress(kind, l10n.t('it has no @'));
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local === '') return notAnAddress(kind, l10n.t('nothing comes before the @'));
  if (local.length > MAX_LOCAL_PART_LENGTH) return notAnAddress(kind, l10n.t('the part before the @ is longer than {0} characters', MAX_LOCAL_PART_LENGTH));
  if (value.length > MAX_ADDRESS_LENGTH) return notAnAddress(kind, l10n.t('it is longer than {0} characters', MAX_ADDRESS_LENGTH));
  const localProblem = dotAtomProblem(local, true);
  if (localProblem) return notAnAddress(kind, localProblem);
  const domainIssue = domainProblem(domain, 2);
  if (domainIssue) return notAnAddress(kind, domainIssue);
  return undefined;
}

function ewsUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return l10n.t('is not a URL');
  }
  if (url.protocol !== 'https:') return l10n.t('is not an https URL (it uses {0}); EWS credentials must only travel over TLS', url.protocol.replace(/:$/, ''));
  if (url.hostname === '') return l10n.t('has no host name');
  if (url.username !== '' || url.password !== '') return l10n.t('has a user name or password in it; never put credentials in the URL');
  if (url.hash !== '' || value.includes('#')) return l10n.t('has a fragment (#...), which EWS URLs never have');
  if (url.pathname === '/' || url.pathname === '') return l10n.t('has no path; EWS is usually at {0}', '/EWS/Exchange.asmx');
  if (/\s/.test(value)) return l10n.t('has a space');
  return undefined;
}

function serverProblem(value: string): string | undefined {
  if (/\s/.test(value)) return l10n.t('is not a server name: {0}', l10n.t('it has a space'));
  if (!value.includes('.')) {
    return NETBIOS_NAME.test(value) ? undefined : l10n.t('is not a server name: {0}', l10n.t('a short (NetBIOS) name has {0} to {1} letters, digits or hyphens', 1, 15));
  }
  const problem = domainProblem(value, 2);
  return problem ? l10n.t('is not a server name: {0}', problem) : undefined;
}

function nameProblem(value: string): string | undefined {
  if (value.length > MAX_NAME_LENGTH) return l10n.t('is longer than {0} characters, the Exchange limit for names', MAX_NAME_LENGTH);
  if (value !== value.trim()) return l10n.t('starts or ends with a space');
  return undefined;
}

/**
 * A group for MemberOfGroup must be given by its distinguished name: Microsoft's "Filterable properties
 * for the RecipientFilter parameter" (section MemberOfGroup) says "You must use the distinguished name
 * (DN)", and a scope's RecipientRestrictionFilter is such a filter. The DN is split at commas not escaped
 * with a backslash (RFC 4514, section 2.4); each part is `attribute=value`, the first is the group's CN
 * and the domain's DC parts end it.
 */
function groupDnProblem(value: string): string | undefined {
  // ASSUMPTION: the OPATH parser may end a '...' value at these as PowerShell's tokenizer does, and
  // Microsoft documents only the apostrophe's escape, so they are refused rather than guessed at.
  const typographic = [...value].find((char) => char >= '\u2018' && char <= '\u201B');
  if (typographic !== undefined) {
    return l10n.t("has the quotation mark {0}, which an OPATH filter cannot hold safely; type the DN with a plain apostrophe (') instead", displayValue(typographic));
  }
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\' && i + 1 < value.length) {
      current += char + value[i + 1];
      i++;
    } else if (char === ',') {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  // The cmdlet line is code, the same in every language.
  const notDn = (reason: string): string =>
    l10n.t('is not the distinguished name of a group (Exchange needs the DN for MemberOfGroup; find it with {0}): {1}', 'Get-DistributionGroup <name> | Format-List DistinguishedName', reason);
  const pairs = parts.map((part) => /^\s*([A-Za-z][A-Za-z0-9-]*)\s*=(.*)$/.exec(part));
  const badIndex = pairs.findIndex((pair) => pair === null || pair[2].trim() === '');
  if (badIndex >= 0) return notDn(l10n.t('the part {0} is not attribute=value', displayValue(parts[badIndex])));
  const attributes = pairs.map((pair) => (pair as RegExpExecArray)[1].toUpperCase());
  if (attributes[0] !== 'CN') return notDn(l10n.t("it must start with the group's CN="));
  if (!attributes.includes('DC')) return notDn(l10n.t('it has no DC= parts naming the domain'));
  return undefined;
}

function aliasProblem(value: string): string | undefined {
  if (value.length > MAX_NAME_LENGTH) return l10n.t('is not an Exchange alias: {0}', l10n.t('it is longer than {0} characters', MAX_NAME_LENGTH));
  const problem = dotAtomProblem(value, false);
  return problem ? l10n.t('is not an Exchange alias: {0}', problem) : undefined;
}

/** The format check for one non-empty string field. */
function formatProblem(field: SettingField, value: string): string | undefined {
  switch (field) {
    case 'ewsUrl':
      return ewsUrlProblem(value);
    case 'exchangeServer':
      return serverProblem(value);
    case 'serviceAccount.upn':
      return addressProblem(value, 'upn');
    case 'testMailbox':
    case 'testRoomMailbox':
      return addressProblem(value, 'email');
    case 'serviceAccount.alias':
      return aliasProblem(value);
    case 'serviceAccount.displayName':
    case 'impersonation.scopeName':
    case 'impersonation.assignmentName':
      return nameProblem(value);
    case 'access.limitToGroup':
      return groupDnProblem(value);
    case 'accessMethod':
      return (ACCESS_METHODS as readonly string[]).includes(value) ? undefined : l10n.t('is not an access method (use {0} or {1})', `"${ACCESS_METHODS[0]}"`, `"${ACCESS_METHODS[1]}"`);
    case 'serviceAccount.organizationalUnit':
    case 'powershellPath':
    case 'tls.extraCaFile':
    case 'impersonation.organizationWide':
    case 'impersonation.scopeCoversRooms':
    case 'serviceAccount.existing':
      return undefined;
    default: {
      const unreachable: never = field;
      return unreachable;
    }
  }
}

function checkField(settings: SetupSettings, field: SettingField, required: boolean): FieldIssue | undefined {
  const raw = getField(settings, field);
  if (typeof raw === 'boolean') return undefined;
  if (typeof raw !== 'string') return makeIssue(field, String(raw), l10n.t('is not text'));
  if (raw === '') return required ? makeIssue(field, raw, l10n.t('is empty')) : undefined;
  if (raw.trim() === '') return makeIssue(field, raw, l10n.t('is only spaces'));
  const unsafe = unquotableReason(raw);
  if (unsafe) return makeIssue(field, raw, unsafe);
  const problem = formatProblem(field, raw);
  return problem ? makeIssue(field, raw, problem) : undefined;
}

/**
 * Validates `fields` (all by default). Fields in `alsoRequired` must be non-empty even where the
 * settings as a whole allow them empty (a step that needs the Exchange server, for instance).
 */
export function validateSettings(
  settings: SetupSettings,
  fields: readonly SettingField[] = SETTING_FIELDS,
  alsoRequired: readonly SettingField[] = [],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const field of fields) {
    const issue = checkField(settings, field, REQUIRED_FIELDS.has(field) || alsoRequired.includes(field));
    if (issue) issues.push(issue);
  }
  return issues;
}

export interface SettingsObjectReading {
  settings: SetupSettings;
  /** Type and format problems of known fields (missing fields take the defaults, then are validated). */
  issues: FieldIssue[];
  /** Keys that are not settings. */
  unknownKeys: UnknownKeyIssue[];
}

/** The kind of a JSON value, in the words of the messages above ("true or false" and "text" are JSON's boolean and string). */
function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return l10n.t('list');
  switch (typeof value) {
    case 'string':
      return l10n.t('string');
    case 'number':
      return l10n.t('number');
    case 'boolean':
      return l10n.t('boolean');
    case 'object':
      return l10n.t('object');
    default:
      return typeof value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the nested JSON shape (`{"serviceAccount": {"upn": "..."}}`, keys without the prefix) from
 * an untrusted source and validates it. Missing keys take DEFAULT_SETTINGS; a value of the wrong
 * type is reported and the default kept. `sourceLabel` (a file name, "VS Code settings") starts
 * messages about the object's shape.
 */
export function readSettingsObject(raw: unknown, sourceLabel: string): SettingsObjectReading {
  const settings = cloneDefaultSettings();
  const typeIssues: FieldIssue[] = [];
  const unknownKeys: UnknownKeyIssue[] = [];
  if (!isPlainObject(raw)) {
    const like = `{"serviceAccount": {"upn": "${SETTING_EXAMPLES['serviceAccount.upn']}"}}`;
    unknownKeys.push({ key: '', message: l10n.t('{0}: the settings must be a JSON object like {1}', sourceLabel, like) });
    return { settings, issues: validateSettings(settings), unknownKeys };
  }
  const known = new Set<string>(SETTING_FIELDS);
  const sections = new Set(SETTING_FIELDS.filter((f) => f.includes('.')).map((f) => f.split('.')[0]));
  const typeMismatch = new Set<SettingField>();

  const visit = (node: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(node)) {
      const dotted = prefix === '' ? key : `${prefix}.${key}`;
      if (prefix === '' && sections.has(key)) {
        if (isPlainObject(value)) visit(value, key);
        else {
          const keys = SETTING_FIELDS.filter((f) => f.startsWith(`${key}.`)).map((f) => `"${f.slice(key.length + 1)}"`).join(', ');
          unknownKeys.push({ key: dotted, message: l10n.t('{0}: "{1}" must be an object with keys such as {2}', sourceLabel, dotted, keys) });
        }
        continue;
      }
      if (!known.has(dotted)) {
        unknownKeys.push({ key: dotted, message: l10n.t('{0}: "{1}" is not a setting. Known settings: {2}', sourceLabel, dotted, SETTING_FIELDS.join(', ')) });
        continue;
      }
      const field = dotted as SettingField;
      const expected = typeof getField(DEFAULT_SETTINGS, field);
      if (typeof value !== expected) {
        typeMismatch.add(field);
        const shown = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
        const problem =
          expected === 'boolean'
            ? l10n.t('is a {0} but must be true or false (in {1})', jsonTypeName(value), sourceLabel)
            : l10n.t('is a {0} but must be text (in {1})', jsonTypeName(value), sourceLabel);
        typeIssues.push(makeIssue(field, shown, problem));
        continue;
      }
      setField(settings, field, value as string | boolean);
    }
  };
  visit(raw, '');
  const formatIssues = validateSettings(settings, SETTING_FIELDS.filter((f) => !typeMismatch.has(f)));
  return { settings, issues: [...typeIssues, ...formatIssues], unknownKeys };
}

export function isAccessMethod(value: unknown): value is AccessMethod {
  return typeof value === 'string' && (ACCESS_METHODS as readonly string[]).includes(value);
}
