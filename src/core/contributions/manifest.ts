/**
 * package.json's `contributes.configuration`, `contributes.commands` and `contributes.menus`, rendered
 * from the tables of this folder, and the list of every way a manifest differs from them.
 * scripts/sync-manifest.mjs writes the rendering into package.json (`--check` only compares);
 * test/unit/manifest.test.ts fails on any difference. Neither the extension nor the CLI loads this module.
 */
import { COMMAND_CATEGORY, COMMANDS, MENUS, isCommandId, type CommandSpec } from './commands';
import { SETTINGS, settingKey, settingSpec, type SettingKey } from './configuration';
import { CONFIGURATION_TITLE, SETTING_TEXT } from './configurationText';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };
type JsonObject = { readonly [key: string]: Json | undefined };

/**
 * package.json holds no English: each text is a `%key%` reference that VS Code replaces with the
 * entry of package.nls.json (or package.nls.<language>.json) when it loads the manifest ("Localization
 * of the extension manifest" in the VS Code l10n guide and microsoft/vscode-extension-samples
 * l10n-sample). The tables keep the English; renderNls() writes it under the same keys.
 */
const ref = (key: string): string => `%${key}%`;
const commandSuffix = (id: string): string => id.replace(/^exchangeSetup\./, '');
const NLS_KEYS = {
  configurationTitle: 'configuration.title',
  commandCategory: 'command.category',
  commandTitle: (id: string) => `command.${commandSuffix(id)}.title`,
  settingText: (key: SettingKey, field: 'markdownDescription' | 'patternErrorMessage') => `setting.${key}.${field}`,
  enumDescription: (key: SettingKey, index: number) => `setting.${key}.enumDescriptions.${index}`,
} as const;

/** One setting as the manifest declares it; the key order follows the manifest's existing entries. */
function renderSetting(key: SettingKey): JsonObject {
  const spec = settingSpec(key);
  const text = SETTING_TEXT[key];
  return {
    type: spec.type,
    items: spec.type === 'array' ? spec.items : undefined,
    enum: 'enum' in spec ? spec.enum : undefined,
    default: spec.default,
    scope: spec.scope,
    minimum: spec.type === 'number' ? spec.minimum : undefined,
    maximum: spec.type === 'number' ? spec.maximum : undefined,
    pattern: 'pattern' in spec ? spec.pattern : undefined,
    patternErrorMessage: text.patternErrorMessage === undefined ? undefined : ref(NLS_KEYS.settingText(key, 'patternErrorMessage')),
    order: text.order,
    enumDescriptions: text.enumDescriptions?.map((_text, index) => ref(NLS_KEYS.enumDescription(key, index))),
    markdownDescription: ref(NLS_KEYS.settingText(key, 'markdownDescription')),
  };
}

function withoutUndefined(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

export function renderConfiguration(): JsonObject {
  const properties: Record<string, JsonObject> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) properties[settingKey(key)] = withoutUndefined(renderSetting(key));
  return { title: ref(NLS_KEYS.configurationTitle), properties };
}

export function renderCommands(): JsonObject[] {
  return Object.entries(COMMANDS).map(([command, spec]: [string, CommandSpec]) =>
    withoutUndefined({ command, title: ref(NLS_KEYS.commandTitle(command)), category: ref(NLS_KEYS.commandCategory), icon: spec.icon, enablement: spec.enablement }));
}

export function renderMenus(): JsonObject {
  return Object.fromEntries(Object.entries(MENUS).map(([menu, entries]) => [menu, entries.map((entry) => withoutUndefined({ ...entry }))]));
}

/**
 * The English behind every `%key%` that renderContributions() writes, as package.nls.json holds it.
 * package.nls.json also holds keys written by hand for the rest of the manifest (views, the welcome
 * view, the walkthrough); scripts/sync-manifest.mjs keeps those and rewrites these.
 */
export function renderNls(): Record<string, string> {
  const nls: Record<string, string> = { [NLS_KEYS.configurationTitle]: CONFIGURATION_TITLE, [NLS_KEYS.commandCategory]: COMMAND_CATEGORY };
  for (const [id, spec] of Object.entries(COMMANDS) as [string, CommandSpec][]) nls[NLS_KEYS.commandTitle(id)] = spec.title;
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const text = SETTING_TEXT[key];
    nls[NLS_KEYS.settingText(key, 'markdownDescription')] = text.markdownDescription;
    if (text.patternErrorMessage !== undefined) nls[NLS_KEYS.settingText(key, 'patternErrorMessage')] = text.patternErrorMessage;
    text.enumDescriptions?.forEach((description, index) => { nls[NLS_KEYS.enumDescription(key, index)] = description; });
  }
  return nls;
}

/** Every way package.nls.json (parsed) differs from the English of the tables. Empty when it agrees. */
export function nlsDifferences(nls: unknown): string[] {
  if (!isObject(nls)) return ['package.nls.json is not a JSON object'];
  return Object.entries(renderNls())
    .filter(([key, english]) => nls[key] !== english)
    .map(([key, english]) => `package.nls.json: ${key} is ${show(english)} in the table, ${show(nls[key])} in package.nls.json`);
}

/** The three parts of `contributes` that the tables own, as package.json should hold them. */
export function renderContributions(): { configuration: JsonObject; commands: JsonObject[]; menus: JsonObject } {
  return { configuration: renderConfiguration(), commands: renderCommands(), menus: renderMenus() };
}

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));
/** JSON with object keys sorted, so that two objects that differ only in key order compare equal. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Field-by-field differences between two objects that describe one thing (`what`), table first. */
function fieldDifferences(what: string, table: JsonObject, manifest: unknown): string[] {
  if (!isObject(manifest)) return [`${what}: package.json has ${show(manifest)}, not an object`];
  const fields = new Set([...Object.keys(table), ...Object.keys(manifest)]);
  return [...fields]
    .filter((field) => !same(table[field], manifest[field]))
    .map((field) => `${what}: ${field} is ${show(table[field])} in the table, ${show(manifest[field])} in package.json`);
}

function configurationDifferences(contributes: Record<string, unknown>): string[] {
  const expected = renderConfiguration();
  const actual = contributes.configuration;
  if (!isObject(actual) || !isObject(actual.properties)) return ['package.json has no contributes.configuration.properties object'];
  const found: string[] = [];
  if (!same(actual.title, expected.title)) found.push(`configuration title is ${show(expected.title)} in the table, ${show(actual.title)} in package.json`);
  const tableProperties = expected.properties as Record<string, JsonObject>;
  for (const key of Object.keys(tableProperties)) {
    if (!(key in actual.properties)) found.push(`setting ${key} is in the table but not in package.json`);
    else found.push(...fieldDifferences(`setting ${key}`, tableProperties[key], actual.properties[key]));
  }
  for (const key of Object.keys(actual.properties)) {
    if (!(key in tableProperties)) found.push(`setting ${key} is in package.json but not in the table (src/core/contributions/configuration.ts)`);
  }
  const inBoth = (keys: string[], other: object): string[] => keys.filter((key) => key in other);
  if (!same(inBoth(Object.keys(actual.properties), tableProperties), inBoth(Object.keys(tableProperties), actual.properties))) {
    found.push('settings are in a different order in package.json than in the table');
  }
  return found;
}

function commandDifferences(contributes: Record<string, unknown>): string[] {
  const actual = Array.isArray(contributes.commands) ? (contributes.commands as unknown[]) : [];
  const found: string[] = [];
  const byId = new Map<string, unknown>();
  for (const entry of actual) {
    const id = isObject(entry) && typeof entry.command === 'string' ? entry.command : undefined;
    if (id === undefined) found.push(`package.json has a command without a "command" id: ${show(entry)}`);
    else if (byId.has(id)) found.push(`command ${id} is contributed twice in package.json`);
    else byId.set(id, entry);
  }
  for (const expected of renderCommands()) {
    const id = expected.command as string;
    if (!byId.has(id)) found.push(`command ${id} is in the table but not contributed in package.json`);
    else found.push(...fieldDifferences(`command ${id}`, expected, byId.get(id)));
  }
  for (const id of byId.keys()) {
    if (!isCommandId(id)) found.push(`command ${id} is contributed in package.json but not in the table (src/core/contributions/commands.ts)`);
  }
  return found;
}

function menuDifferences(contributes: Record<string, unknown>): string[] {
  const actual = isObject(contributes.menus) ? contributes.menus : {};
  const expected = renderMenus();
  const found: string[] = [];
  for (const [menu, entries] of Object.entries(actual)) {
    for (const entry of Array.isArray(entries) ? entries : [entries]) {
      const id = isObject(entry) ? entry.command : undefined;
      if (typeof id !== 'string' || !isCommandId(id)) found.push(`menu ${menu} names ${show(id)}, which is not a command of the table`);
    }
    if (!(menu in expected)) found.push(`menu ${menu} is in package.json but not in the table`);
  }
  for (const [menu, entries] of Object.entries(expected)) {
    const manifestEntries = actual[menu];
    if (!Array.isArray(manifestEntries)) {
      found.push(`menu ${menu} is in the table but not in package.json`);
      continue;
    }
    const table = entries as JsonObject[];
    for (let i = 0; i < Math.max(table.length, manifestEntries.length); i++) {
      if (!same(table[i], manifestEntries[i])) found.push(`menu ${menu}, entry ${i + 1}: ${show(table[i])} in the table, ${show(manifestEntries[i])} in package.json`);
    }
  }
  return found;
}

/** Keybindings and `command:` links elsewhere in the manifest must name commands of the table too. */
function referenceDifferences(manifest: Record<string, unknown>, contributes: Record<string, unknown>, nls: Record<string, unknown>): string[] {
  const found: string[] = [];
  const keybindings = Array.isArray(contributes.keybindings) ? contributes.keybindings : contributes.keybindings === undefined ? [] : [contributes.keybindings];
  for (const binding of keybindings) {
    const id = isObject(binding) ? binding.command : undefined;
    // A keybinding may name a command with a leading "-" to remove a default binding.
    const named = typeof id === 'string' ? id.replace(/^-/, '') : id;
    if (typeof named !== 'string' || !isCommandId(named)) found.push(`keybinding ${show(binding)} names ${show(id)}, which is not a command of the table`);
  }
  // Our own commands named in links (viewsWelcome, walkthroughs) and activation events.
  // Their text is mostly in package.nls.json: each %key% is read as the English it stands for.
  const text = JSON.stringify({ activationEvents: manifest.activationEvents, viewsWelcome: contributes.viewsWelcome, walkthroughs: contributes.walkthroughs },
    (_key, value: unknown) => {
      const reference = typeof value === 'string' ? NLS_REFERENCE.exec(value) : null;
      return reference !== null && typeof nls[reference[1]] === 'string' ? nls[reference[1]] : value;
    });
  const ours = /(?:command:|onCommand:)(exchangeSetup\.[A-Za-z0-9_.]+)/g;
  // VS Code adds commands for each contributed view (`<view id>.focus` and the like); those are its own.
  const views = Object.values(isObject(contributes.views) ? contributes.views : {})
    .flatMap((list) => (Array.isArray(list) ? list : []))
    .map((view) => (isObject(view) && typeof view.id === 'string' ? `${view.id}.` : undefined))
    .filter((prefix): prefix is string => prefix !== undefined);
  for (const match of text.matchAll(ours)) {
    const id = match[1];
    if (!isCommandId(id) && !views.some((prefix) => id.startsWith(prefix))) found.push(`${match[0]} in package.json names a command that is not in the table`);
  }
  return found;
}

/**
 * Every way `manifest` (package.json, parsed) differs from the tables: settings, commands and menus,
 * field by field, and every reference to an unknown command (in the manifest or in the package.nls.json
 * text its `%key%`s stand for). Empty when they agree.
 */
export function manifestDifferences(manifest: unknown, nls: unknown = {}): string[] {
  if (!isObject(manifest) || !isObject(manifest.contributes)) return ['package.json has no contributes object'];
  const contributes = manifest.contributes;
  return [
    ...configurationDifferences(contributes),
    ...commandDifferences(contributes),
    ...menuDifferences(contributes),
    ...referenceDifferences(manifest, contributes, isObject(nls) ? nls : {}),
  ];
}

/** Manifest fields that people read, wherever they appear under `contributes`. */
const TEXT_FIELDS = new Set([
  'title', 'name', 'contextualTitle', 'contents', 'description', 'markdownDescription', 'enumDescriptions',
  'markdownEnumDescriptions', 'patternErrorMessage', 'deprecationMessage', 'markdownDeprecationMessage', 'altText', 'category', 'label', 'tooltip',
]);
const NLS_REFERENCE = /^%([^%\s]+)%$/;

/**
 * Every text of the manifest that a translator could not reach: a string that is not a `%key%`
 * reference, or a reference to a key that package.nls.json lacks. Covers displayName, description,
 * the untrusted-workspace note and every text field under `contributes` (views, welcome view,
 * commands, settings, walkthrough). Empty when the whole manifest is localizable.
 */
export function unlocalizedManifestText(manifest: unknown, nls: unknown): string[] {
  if (!isObject(manifest)) return ['package.json is not a JSON object'];
  const keys = isObject(nls) ? nls : {};
  const found: string[] = [];
  const check = (where: string, value: unknown): void => {
    if (Array.isArray(value)) { value.forEach((item, index) => check(`${where}[${index}]`, item)); return; }
    if (typeof value !== 'string') return;
    const match = NLS_REFERENCE.exec(value);
    if (match === null) found.push(`${where} is written in package.json (${show(value.slice(0, 60))}); make it a %key% of package.nls.json`);
    else if (typeof keys[match[1]] !== 'string') found.push(`${where} refers to ${value}, which package.nls.json lacks`);
  };
  const walk = (where: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item, index) => walk(`${where}[${index}]`, item));
    else if (isObject(value)) {
      for (const [field, inner] of Object.entries(value)) {
        if (TEXT_FIELDS.has(field) && (typeof inner === 'string' || (Array.isArray(inner) && inner.every((item) => typeof item === 'string')))) check(`${where}.${field}`, inner);
        else walk(`${where}.${field}`, inner);
      }
    }
  };
  check('displayName', manifest.displayName);
  check('description', manifest.description);
  const capabilities = isObject(manifest.capabilities) ? manifest.capabilities : {};
  if (isObject(capabilities.untrustedWorkspaces)) check('capabilities.untrustedWorkspaces.description', capabilities.untrustedWorkspaces.description);
  walk('contributes', manifest.contributes);
  return found;
}
