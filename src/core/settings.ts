/**
 * The configuration the setup procedure works from. The VS Code settings (`exchangeSetup.*`) and the
 * CLI's JSON file have the same shape; this module owns the shape. Defaults, examples and every other
 * fact about a setting come from the one table, ./contributions/configuration.ts. Validation lives in
 * ./validate.ts.
 */
import { SETTINGS, settingDefault, type AccessMethod } from './contributions/configuration';

export { ACCESS_METHODS, SETTINGS_PREFIX, settingKey, type AccessMethod } from './contributions/configuration';

export interface SetupSettings {
  ewsUrl: string;
  exchangeServer: string;
  serviceAccount: {
    upn: string;
    alias: string;
    displayName: string;
    organizationalUnit: string;
    /**
     * The account already exists (it serves room calendars, say): the create step only checks it, and
     * the access step adds what is missing beside what the account already has.
     */
    existing: boolean;
  };
  accessMethod: AccessMethod;
  access: {
    /**
     * Distinguished name of a mail-enabled group: when set, both methods reach only its members
     * (MemberOfGroup in Method 1's scope filter, the same filter on Method 2's mailbox list).
     */
    limitToGroup: string;
  };
  impersonation: {
    scopeName: string;
    assignmentName: string;
    /** Org-wide ApplicationImpersonation: an explicit, warned opt-in that defeats the scope. */
    organizationWide: boolean;
    /** One scope whose filter covers room mailboxes as well as user mailboxes (for an account that also serves rooms). */
    scopeCoversRooms: boolean;
  };
  testMailbox: string;
  /** An optional room mailbox the probes also check, so new user access is seen not to break room access. */
  testRoomMailbox: string;
  powershellPath: string;
  tls: {
    extraCaFile: string;
  };
}

/**
 * Dotted paths of the procedure's fields, as they appear after the `exchangeSetup.` prefix: the keys of
 * the settings table that shape snippets, the runbook and probes (the table's other keys are read where
 * they are used: the link target's, the probe time limit).
 */
export type SettingField =
  | 'ewsUrl'
  | 'exchangeServer'
  | 'serviceAccount.upn'
  | 'serviceAccount.alias'
  | 'serviceAccount.displayName'
  | 'serviceAccount.organizationalUnit'
  | 'serviceAccount.existing'
  | 'accessMethod'
  | 'access.limitToGroup'
  | 'impersonation.scopeName'
  | 'impersonation.assignmentName'
  | 'impersonation.organizationWide'
  | 'impersonation.scopeCoversRooms'
  | 'testMailbox'
  | 'testRoomMailbox'
  | 'powershellPath'
  | 'tls.extraCaFile';

export const SETTING_FIELDS: readonly SettingField[] = [
  'ewsUrl',
  'exchangeServer',
  'serviceAccount.upn',
  'serviceAccount.alias',
  'serviceAccount.displayName',
  'serviceAccount.organizationalUnit',
  'serviceAccount.existing',
  'accessMethod',
  'access.limitToGroup',
  'impersonation.scopeName',
  'impersonation.assignmentName',
  'impersonation.organizationWide',
  'impersonation.scopeCoversRooms',
  'testMailbox',
  'testRoomMailbox',
  'powershellPath',
  'tls.extraCaFile',
];

/** The table's defaults in the procedure's shape. */
export const DEFAULT_SETTINGS: SetupSettings = {
  ewsUrl: settingDefault('ewsUrl'),
  exchangeServer: settingDefault('exchangeServer'),
  serviceAccount: {
    upn: settingDefault('serviceAccount.upn'),
    alias: settingDefault('serviceAccount.alias'),
    displayName: settingDefault('serviceAccount.displayName'),
    organizationalUnit: settingDefault('serviceAccount.organizationalUnit'),
    existing: settingDefault('serviceAccount.existing'),
  },
  accessMethod: settingDefault('accessMethod'),
  access: { limitToGroup: settingDefault('access.limitToGroup') },
  impersonation: {
    scopeName: settingDefault('impersonation.scopeName'),
    assignmentName: settingDefault('impersonation.assignmentName'),
    organizationWide: settingDefault('impersonation.organizationWide'),
    scopeCoversRooms: settingDefault('impersonation.scopeCoversRooms'),
  },
  testMailbox: settingDefault('testMailbox'),
  testRoomMailbox: settingDefault('testRoomMailbox'),
  powershellPath: settingDefault('powershellPath'),
  tls: { extraCaFile: settingDefault('tls.extraCaFile') },
};

/** An example of a good value for each field, used in validation messages (from the table). */
export const SETTING_EXAMPLES = Object.fromEntries(SETTING_FIELDS.map((field) => [field, SETTINGS[field].example])) as Record<SettingField, string>;

/** Reads one field by its dotted path. */
export function getField(settings: SetupSettings, field: SettingField): string | boolean {
  const parts = field.split('.');
  let value: unknown = settings;
  for (const part of parts) value = (value as Record<string, unknown>)[part];
  return value as string | boolean;
}

/**
 * The settings with each field's value from `valueOf` where it has the type of the field's default, and
 * the default where it has not (or is missing). These are the values validate.ts's readSettingsObject
 * keeps; it also reports every type and format problem, which this does not look for, so the host can
 * read the settings at activation without validating them (the problems are worked out when asked for).
 */
export function settingsFrom(valueOf: (field: SettingField) => unknown): SetupSettings {
  const settings = cloneDefaultSettings();
  for (const field of SETTING_FIELDS) setField(settings, field, fieldFrom(field, valueOf(field)));
  return settings;
}

/** One field as settingsFrom keeps it: the value when it has the type of the field's default, else the default. */
export function fieldFrom(field: SettingField, value: unknown): string | boolean {
  const fallback = getField(DEFAULT_SETTINGS, field);
  return typeof value === typeof fallback ? (value as string | boolean) : fallback;
}

/**
 * What a start needs of the settings, and no more: whose stored progress to load (the EWS host), which
 * steps apply (the access method) and whether the checklist has rows (configured). The rest are read
 * when first used (a command, the checklist shown, a change of a setting).
 */
export interface StartSettings {
  readonly ewsUrl: string;
  readonly accessMethod: AccessMethod;
  readonly configured: boolean;
}

/** The fields StartSettings is made of. */
export const START_FIELDS: readonly SettingField[] = ['ewsUrl', 'accessMethod', 'serviceAccount.upn'];

/**
 * The start's fields with the values settingsFrom would keep for them (a unit test holds the two equal),
 * reading only those three.
 */
export function startSettingsFrom(valueOf: (field: SettingField) => unknown): StartSettings {
  return {
    ewsUrl: fieldFrom('ewsUrl', valueOf('ewsUrl')) as string,
    accessMethod: fieldFrom('accessMethod', valueOf('accessMethod')) as AccessMethod,
    configured: isConfigured({ serviceAccount: { upn: fieldFrom('serviceAccount.upn', valueOf('serviceAccount.upn')) as string } }),
  };
}

/** The start's part of full settings. */
export function startSettingsOf(settings: SetupSettings): StartSettings {
  return { ewsUrl: settings.ewsUrl, accessMethod: settings.accessMethod, configured: isConfigured(settings) };
}

/** A copy of the defaults that shares no object with DEFAULT_SETTINGS. */
export function cloneDefaultSettings(): SetupSettings {
  return {
    ...DEFAULT_SETTINGS,
    serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount },
    access: { ...DEFAULT_SETTINGS.access },
    impersonation: { ...DEFAULT_SETTINGS.impersonation },
    tls: { ...DEFAULT_SETTINGS.tls },
  };
}

/** Writes one field by its dotted path. */
export function setField(settings: SetupSettings, field: SettingField, value: string | boolean): void {
  const parts = field.split('.');
  let node = settings as unknown as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

/** True once the admin has entered at least the service account (the welcome view shows until then). */
export function isConfigured(settings: { readonly serviceAccount: { readonly upn: string } }): boolean {
  return settings.serviceAccount.upn.trim() !== '';
}

/** The key that separates one Exchange organisation's progress from another's: the EWS host. */
export function organizationKey(ewsUrl: string): string {
  try {
    return new URL(ewsUrl).hostname.toLowerCase() || 'unconfigured';
  } catch {
    return 'unconfigured';
  }
}
