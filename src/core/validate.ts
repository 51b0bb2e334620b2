/**
 * Validation of the settings, field by field, with messages an administrator can act on: which
 * setting, what is wrong with the value, and an example of a good one. No snippet is generated from
 * a value that fails here, and the checks include everything psQuote refuses, so the two agree.
 */
import { isUnsafeCodePoint, unquotableReason } from './quote';
import {
  ACCESS_METHODS,
  DEFAULT_SETTINGS,
  SETTING_EXAMPLES,
  SETTING_FIELDS,
  getField,
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
  /** What is wrong, e.g. `is not a user principal name: it has a space`. */
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
  const subject = value === '' ? setting : `${setting}: ${displayValue(value)}`;
  return { field, setting, value, problem, example, message: `${subject} ${problem}. Example: ${example}` };
}

// Dot-atom characters of RFC 5322, which Exchange also accepts in aliases (apostrophe included).
const ATOM_CHARACTERS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]$/;
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const NETBIOS_NAME = /^[A-Za-z0-9-]{1,15}$/;

/** The problem with a dot-atom (alias or local part), or undefined. */
function dotAtomProblem(text: string): string | undefined {
  if (/\s/.test(text)) return 'it has a space';
  for (const char of text) {
    if (char !== '.' && !ATOM_CHARACTERS.test(char)) return `it has the character ${displayValue(char)}, which is not allowed`;
  }
  if (text.startsWith('.') || text.endsWith('.')) return 'it starts or ends with a dot';
  if (text.includes('..')) return 'it has two dots in a row';
  return undefined;
}

function domainProblem(domain: string, minimumLabels: number): string | undefined {
  if (domain.length > 253) return 'the domain is longer than 253 characters';
  const labels = domain.split('.');
  if (labels.length < minimumLabels) return `the domain ${displayValue(domain)} needs at least ${minimumLabels} parts separated by dots`;
  const bad = labels.find((label) => !DNS_LABEL.test(label));
  if (bad !== undefined) {
    return bad === '' ? 'the domain has an empty part (two dots in a row, or a dot at an end)' : `the domain part ${displayValue(bad)} is not a DNS label (letters, digits and inner hyphens, up to 63)`;
  }
  return undefined;
}

function addressProblem(value: string, kind: string): string | undefined {
  if (/\s/.test(value)) return `is not ${kind}: it has a space`;
  const at = value.lastIndexOf('@');
  if (at < 0) return `is not ${kind}: it has no @`;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local === '') return `is not ${kind}: nothing comes before the @`;
  if (local.length > MAX_LOCAL_PART_LENGTH) return `is not ${kind}: the part before the @ is longer than ${MAX_LOCAL_PART_LENGTH} characters`;
  if (value.length > MAX_ADDRESS_LENGTH) return `is not ${kind}: it is longer than ${MAX_ADDRESS_LENGTH} characters`;
  const localProblem = dotAtomProblem(local);
  if (localProblem) return `is not ${kind}: in the part before the @, ${localProblem}`;
  const domainIssue = domainProblem(domain, 2);
  if (domainIssue) return `is not ${kind}: ${domainIssue}`;
  return undefined;
}

function ewsUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:') return `is not an https URL (it uses ${url.protocol.replace(/:$/, '')}); EWS credentials must only travel over TLS`;
  if (url.hostname === '') return 'has no host name';
  if (url.username !== '' || url.password !== '') return 'has a user name or password in it; never put credentials in the URL';
  if (url.hash !== '' || value.includes('#')) return 'has a fragment (#...), which EWS URLs never have';
  if (url.pathname === '/' || url.pathname === '') return 'has no path; EWS is usually at /EWS/Exchange.asmx';
  if (/\s/.test(value)) return 'has a space';
  return undefined;
}

function serverProblem(value: string): string | undefined {
  if (/\s/.test(value)) return 'is not a server name: it has a space';
  if (!value.includes('.')) {
    return NETBIOS_NAME.test(value) ? undefined : 'is not a server name: a short (NetBIOS) name has 1 to 15 letters, digits or hyphens';
  }
  const problem = domainProblem(value, 2);
  return problem ? `is not a server name: ${problem}` : undefined;
}

function nameProblem(value: string): string | undefined {
  if (value.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters, the Exchange limit for names`;
  if (value !== value.trim()) return 'starts or ends with a space';
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
  if (typographic !== undefined) return `has the quotation mark ${displayValue(typographic)}, which an OPATH filter cannot hold safely; type the DN with a plain apostrophe (') instead`;
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
  const notDn = 'is not the distinguished name of a group (Exchange needs the DN for MemberOfGroup; find it with Get-DistributionGroup <name> | Format-List DistinguishedName)';
  const pairs = parts.map((part) => /^\s*([A-Za-z][A-Za-z0-9-]*)\s*=(.*)$/.exec(part));
  const badIndex = pairs.findIndex((pair) => pair === null || pair[2].trim() === '');
  if (badIndex >= 0) return `${notDn}: the part ${displayValue(parts[badIndex])} is not attribute=value`;
  const attributes = pairs.map((pair) => (pair as RegExpExecArray)[1].toUpperCase());
  if (attributes[0] !== 'CN') return `${notDn}: it must start with the group's CN=`;
  if (!attributes.includes('DC')) return `${notDn}: it has no DC= parts naming the domain`;
  return undefined;
}

function aliasProblem(value: string): string | undefined {
  if (value.length > MAX_NAME_LENGTH) return `is not an Exchange alias: it is longer than ${MAX_NAME_LENGTH} characters`;
  const problem = dotAtomProblem(value);
  return problem ? `is not an Exchange alias: ${problem}` : undefined;
}

/** The format check for one non-empty string field. */
function formatProblem(field: SettingField, value: string): string | undefined {
  switch (field) {
    case 'ewsUrl':
      return ewsUrlProblem(value);
    case 'exchangeServer':
      return serverProblem(value);
    case 'serviceAccount.upn':
      return addressProblem(value, 'a user principal name');
    case 'testMailbox':
    case 'testRoomMailbox':
      return addressProblem(value, 'an e-mail address');
    case 'serviceAccount.alias':
      return aliasProblem(value);
    case 'serviceAccount.displayName':
    case 'impersonation.scopeName':
    case 'impersonation.assignmentName':
      return nameProblem(value);
    case 'access.limitToGroup':
      return groupDnProblem(value);
    case 'accessMethod':
      return (ACCESS_METHODS as readonly string[]).includes(value) ? undefined : `is not an access method (use ${ACCESS_METHODS.map((m) => `"${m}"`).join(' or ')})`;
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
  if (typeof raw !== 'string') return makeIssue(field, String(raw), 'is not text');
  if (raw === '') return required ? makeIssue(field, raw, 'is empty') : undefined;
  if (raw.trim() === '') return makeIssue(field, raw, 'is only spaces');
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function cloneDefaults(): SetupSettings {
  return {
    ...DEFAULT_SETTINGS,
    serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount },
    access: { ...DEFAULT_SETTINGS.access },
    impersonation: { ...DEFAULT_SETTINGS.impersonation },
    tls: { ...DEFAULT_SETTINGS.tls },
  };
}

function setField(settings: SetupSettings, field: SettingField, value: string | boolean): void {
  const parts = field.split('.');
  let node = settings as unknown as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

/**
 * Reads the nested JSON shape (`{"serviceAccount": {"upn": "..."}}`, keys without the prefix) from
 * an untrusted source and validates it. Missing keys take DEFAULT_SETTINGS; a value of the wrong
 * type is reported and the default kept. `sourceLabel` (a file name, "VS Code settings") starts
 * messages about the object's shape.
 */
export function readSettingsObject(raw: unknown, sourceLabel: string): SettingsObjectReading {
  const settings = cloneDefaults();
  const typeIssues: FieldIssue[] = [];
  const unknownKeys: UnknownKeyIssue[] = [];
  if (!isPlainObject(raw)) {
    unknownKeys.push({ key: '', message: `${sourceLabel}: the settings must be a JSON object like {"serviceAccount": {"upn": "${SETTING_EXAMPLES['serviceAccount.upn']}"}}` });
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
        else unknownKeys.push({ key: dotted, message: `${sourceLabel}: "${dotted}" must be an object with keys such as ${SETTING_FIELDS.filter((f) => f.startsWith(`${key}.`)).map((f) => `"${f.slice(key.length + 1)}"`).join(', ')}` });
        continue;
      }
      if (!known.has(dotted)) {
        unknownKeys.push({ key: dotted, message: `${sourceLabel}: "${dotted}" is not a setting. Known settings: ${SETTING_FIELDS.join(', ')}` });
        continue;
      }
      const field = dotted as SettingField;
      const expected = typeof getField(DEFAULT_SETTINGS, field);
      if (typeof value !== expected) {
        typeMismatch.add(field);
        const shown = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
        typeIssues.push(makeIssue(field, shown, `is a ${value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value} but must be ${expected === 'boolean' ? 'true or false' : 'text'} (in ${sourceLabel})`));
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
