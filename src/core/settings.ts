/**
 * The configuration the whole product works from. The VS Code settings (`exchangeSetup.*`) and the
 * CLI's JSON file have the same shape; this module owns the shape, the defaults and the metadata
 * that messages and the manifest use. Validation lives in ./validate.ts.
 */

export type AccessMethod = 'impersonation' | 'delegate';
export const ACCESS_METHODS: readonly AccessMethod[] = ['impersonation', 'delegate'];

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

/** Dotted paths of every field, as they appear after the `exchangeSetup.` prefix. */
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

export const SETTINGS_PREFIX = 'exchangeSetup';

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

export function settingKey(field: SettingField): string {
  return `${SETTINGS_PREFIX}.${field}`;
}

export const DEFAULT_SETTINGS: SetupSettings = {
  ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx',
  exchangeServer: '',
  serviceAccount: {
    upn: '',
    alias: 'alexaforbusiness',
    displayName: 'Alexa for Business',
    organizationalUnit: '',
    existing: false,
  },
  accessMethod: 'impersonation',
  access: { limitToGroup: '' },
  impersonation: {
    scopeName: 'Alexa for Business user mailboxes',
    assignmentName: 'Alexa for Business impersonation',
    organizationWide: false,
    scopeCoversRooms: false,
  },
  testMailbox: '',
  testRoomMailbox: '',
  powershellPath: '',
  tls: { extraCaFile: '' },
};

/** An example of a good value for each field, used in validation messages. */
export const SETTING_EXAMPLES: Record<SettingField, string> = {
  ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx',
  exchangeServer: 'EXCH01 or exch01.contoso.local',
  'serviceAccount.upn': 'alexaforbusiness@contoso.com',
  'serviceAccount.alias': 'alexaforbusiness',
  'serviceAccount.displayName': 'Alexa for Business',
  'serviceAccount.organizationalUnit': 'contoso.com/Service Accounts',
  'serviceAccount.existing': 'false',
  accessMethod: 'impersonation',
  'access.limitToGroup': 'CN=Calendar Service Users,OU=Groups,DC=contoso,DC=com',
  'impersonation.scopeName': 'Alexa for Business user mailboxes',
  'impersonation.assignmentName': 'Alexa for Business impersonation',
  'impersonation.organizationWide': 'false',
  'impersonation.scopeCoversRooms': 'false',
  testMailbox: 'alice@contoso.com',
  testRoomMailbox: 'room101@contoso.com',
  powershellPath: 'pwsh',
  'tls.extraCaFile': '/etc/ssl/certs/contoso-root.pem',
};

/** Reads one field by its dotted path. */
export function getField(settings: SetupSettings, field: SettingField): string | boolean {
  const parts = field.split('.');
  let value: unknown = settings;
  for (const part of parts) value = (value as Record<string, unknown>)[part];
  return value as string | boolean;
}

/** True once the admin has entered at least the service account (the welcome view shows until then). */
export function isConfigured(settings: SetupSettings): boolean {
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
