/**
 * The one table of the extension's settings: every `exchangeSetup.*` key with its type, default,
 * scope and bounds. package.json's `contributes.configuration` is rendered from this table (with the
 * descriptions in ./configurationText.ts) by scripts/sync-manifest.mjs, and test/unit/manifest.test.ts
 * fails when the two differ, so a default or a bound is written here and nowhere else.
 *
 * The shape follows js-debug's `IConfigurationTypes` (src/common/contributionUtils.ts): the value type
 * of each key is known to the compiler, and the host reads settings only through a typed `readConfig`.
 * The descriptions live in a separate module so that the activation bundle does not carry them.
 */
import { LINK_TARGETS, type LinkTargetName } from '../linkTargets';

export const SETTINGS_PREFIX = 'exchangeSetup';

export type AccessMethod = 'impersonation' | 'delegate';
export const ACCESS_METHODS: readonly AccessMethod[] = ['impersonation', 'delegate'];

/**
 * Where a value may come from (VS Code, "Contribution Points", `contributes.configuration`, section
 * "scope"): `machine` settings are read from user or remote settings only, never from a workspace.
 * A setting without a scope is `window`-scoped, VS Code's default.
 */
export type SettingScope = 'machine';

interface SettingBase {
  readonly scope?: SettingScope;
  /** A good value, shown in validation messages and as the Configure form's placeholder. */
  readonly example: string;
}

export interface StringSetting extends SettingBase {
  readonly type: 'string';
  readonly default: string;
  /**
   * A regular expression VS Code's settings editor checks the value against. Not checked again when the
   * value is read: the code that uses the value refuses a bad one with a more precise message
   * (the http link target says why it needs https).
   */
  readonly pattern?: string;
}

export interface EnumSetting<T extends string = string> extends SettingBase {
  readonly type: 'string';
  readonly enum: readonly T[];
  readonly default: T;
}

export interface BooleanSetting extends SettingBase {
  readonly type: 'boolean';
  readonly default: boolean;
}

export interface NumberSetting extends SettingBase {
  readonly type: 'number';
  readonly default: number;
  readonly minimum: number;
  readonly maximum: number;
}

/** A list of strings (host names, say); VS Code's settings editor edits it item by item. */
export interface StringListSetting extends SettingBase {
  readonly type: 'array';
  readonly items: { readonly type: 'string' };
  readonly default: readonly string[];
}

export type SettingSpec = StringSetting | EnumSetting | BooleanSetting | NumberSetting | StringListSetting;

export const SETTINGS = {
  ewsUrl: { type: 'string', default: 'https://mail.contoso.com/EWS/Exchange.asmx', scope: 'machine', example: 'https://mail.contoso.com/EWS/Exchange.asmx' },
  exchangeServer: { type: 'string', default: '', scope: 'machine', example: 'EXCH01 or exch01.contoso.local' },
  'serviceAccount.upn': { type: 'string', default: '', scope: 'machine', example: 'alexaforbusiness@contoso.com' },
  'serviceAccount.alias': { type: 'string', default: 'alexaforbusiness', example: 'alexaforbusiness' },
  'serviceAccount.displayName': { type: 'string', default: 'Alexa for Business', example: 'Alexa for Business' },
  'serviceAccount.organizationalUnit': { type: 'string', default: '', scope: 'machine', example: 'contoso.com/Service Accounts' },
  'serviceAccount.existing': { type: 'boolean', default: false, example: 'false' },
  accessMethod: { type: 'string', enum: ACCESS_METHODS, default: 'impersonation', example: 'impersonation' } satisfies EnumSetting<AccessMethod>,
  'access.limitToGroup': { type: 'string', default: '', scope: 'machine', example: 'CN=Calendar Service Users,OU=Groups,DC=contoso,DC=com' },
  'impersonation.scopeName': { type: 'string', default: 'Alexa for Business user mailboxes', example: 'Alexa for Business user mailboxes' },
  'impersonation.assignmentName': { type: 'string', default: 'Alexa for Business impersonation', example: 'Alexa for Business impersonation' },
  'impersonation.organizationWide': { type: 'boolean', default: false, scope: 'machine', example: 'false' },
  'impersonation.scopeCoversRooms': { type: 'boolean', default: false, example: 'false' },
  testMailbox: { type: 'string', default: '', scope: 'machine', example: 'alice@contoso.com' },
  testRoomMailbox: { type: 'string', default: '', scope: 'machine', example: 'room101@contoso.com' },
  powershellPath: { type: 'string', default: '', scope: 'machine', example: 'pwsh' },
  'tls.extraCaFile': { type: 'string', default: '', scope: 'machine', example: '/etc/ssl/certs/contoso-root.pem' },
  'probes.timeoutSeconds': { type: 'number', default: 60, minimum: 5, maximum: 600, example: '60' },
  'probes.nodes': { type: 'array', items: { type: 'string' }, default: [], scope: 'machine', example: '["exch01.contoso.com", "10.0.0.12"]' },
  'link.target': { type: 'string', enum: LINK_TARGETS, default: 'a4b-console', example: 'a4b-console' } satisfies EnumSetting<LinkTargetName>,
  'link.http.url': { type: 'string', default: '', scope: 'machine', pattern: '^(https://.*)?$', example: 'https://calendar-link.contoso.com/exchange' },
  'link.workmail.organizationId': { type: 'string', default: '', example: 'm-0123456789abcdef0123456789abcdef' },
  'link.workmail.region': { type: 'string', default: '', example: 'us-east-1' },
  'link.workmail.profile': { type: 'string', default: '', scope: 'machine', example: 'calendar-link' },
} as const satisfies Record<string, SettingSpec>;

/** A key after the `exchangeSetup.` prefix. */
export type SettingKey = keyof typeof SETTINGS;

/** The value type of one setting (of each, for a union of keys): the enum's members, or the JSON type's TypeScript type. */
export type SettingValue<K extends SettingKey> = K extends SettingKey
  ? (typeof SETTINGS)[K] extends { readonly enum: readonly (infer T)[] }
    ? T
    : (typeof SETTINGS)[K]['default'] extends string
      ? string
      : (typeof SETTINGS)[K]['default'] extends boolean
        ? boolean
        : (typeof SETTINGS)[K]['default'] extends number
          ? number
          : readonly string[]
  : never;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.prototype.hasOwnProperty.call(SETTINGS, key);
}

export function settingSpec(key: SettingKey): SettingSpec {
  return SETTINGS[key];
}

export function settingDefault<K extends SettingKey>(key: K): SettingValue<K> {
  return SETTINGS[key].default as SettingValue<K>;
}

/** The full name of a setting, `exchangeSetup.<key>`. */
export function settingKey(key: SettingKey): string {
  return `${SETTINGS_PREFIX}.${key}`;
}

/**
 * What is wrong with a value for a setting, judged by the table alone (type, bounds, enum), or
 * undefined when it fits. VS Code does not enforce any of these (settings.json can hold anything), so the
 * host checks every value it reads; the setup fields get the finer checks of ../validate.ts on top.
 */
export function settingValueProblem(key: SettingKey, value: unknown): string | undefined {
  return specValueProblem(settingSpec(key), value);
}

/** settingValueProblem for a spec of any kind (the tests reach kinds the table does not use yet). */
export function specValueProblem(spec: SettingSpec, value: unknown): string | undefined {
  const shown = JSON.stringify(value) ?? String(value);
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, not ${shown}`;
    case 'number': {
      const inRange = typeof value === 'number' && value >= spec.minimum && value <= spec.maximum;
      return inRange ? undefined : `must be a number from ${spec.minimum} to ${spec.maximum}, not ${shown}`;
    }
    case 'string':
      if (typeof value !== 'string') return `must be text, not ${shown}`;
      if ('enum' in spec && !(spec.enum as readonly string[]).includes(value)) return `must be one of ${spec.enum.map((v) => `"${v}"`).join(', ')}, not ${shown}`;
      return undefined;
    case 'array':
      return Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : `must be a list of text values, not ${shown}`;
    default: {
      const unknown: never = spec;
      throw new Error(`Unknown setting type in ${JSON.stringify(unknown)}`);
    }
  }
}

export interface CheckedSetting<K extends SettingKey> {
  readonly value: SettingValue<K>;
  /** Set when the value read did not fit the table and the default is used instead; says what to fix. */
  readonly problem?: string;
}

/**
 * The value to use for a setting read from VS Code (`undefined` when none is set): the value itself when
 * it fits the table, else the default with a message that names the setting, the rule and the fallback.
 */
export function checkSetting<K extends SettingKey>(key: K, raw: unknown): CheckedSetting<K> {
  const fallback = settingDefault(key);
  if (raw === undefined) return { value: fallback };
  const problem = settingValueProblem(key, raw);
  if (problem === undefined) return { value: raw as SettingValue<K> };
  return { value: fallback, problem: `${settingKey(key)} ${problem}; using ${JSON.stringify(fallback)}. Fix it in your settings.` };
}
