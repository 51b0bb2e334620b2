import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { COMMAND_IDS, COMMANDS, MENUS, isCommandId } from '../../src/core/contributions/commands';
import { SETTING_KEYS, SETTINGS, checkSetting, isSettingKey, settingDefault, settingValueProblem, specValueProblem } from '../../src/core/contributions/configuration';
import { SETTING_TEXT } from '../../src/core/contributions/configurationText';
import { manifestDifferences, nlsDifferences, renderNls, unlocalizedManifestText } from '../../src/core/contributions/manifest';
import { DEFAULT_SETTINGS, SETTING_EXAMPLES, SETTING_FIELDS, getField } from '../../src/core/settings';

const ROOT = resolve(__dirname, '..', '..', '..');
const MANIFEST_TEXT = readFileSync(join(ROOT, 'package.json'), 'utf8');
const README_TEXT = readFileSync(join(ROOT, 'README.md'), 'utf8');
const NLS_TEXT = readFileSync(join(ROOT, 'package.nls.json'), 'utf8');
const NLS: Record<string, string> = JSON.parse(NLS_TEXT);

/** The rows of the first Markdown table under a `## heading` of the README, as cells. */
function readmeTable(readme: string, heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) return [];
  const section = readme.slice(start + 1).split(/\n## /)[0];
  return section.split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1) // the header row
    .map((line) => line.slice(1, line.endsWith('|') ? -1 : undefined).split('|').map((cell) => cell.trim()));
}

/**
 * How the README's settings and commands tables differ from the tables in src/core/contributions: a
 * default, scope or title written by hand there must say what the table says.
 */
function readmeDifferences(readme: string): string[] {
  const found: string[] = [];
  const listed = new Set<string>();
  for (const [name, defaultCell, scopeCell] of readmeTable(readme, 'Settings')) {
    const key = name.replace(/^`exchangeSetup\.(.*)`$/, '$1');
    if (!isSettingKey(key)) {
      found.push(`README setting ${name} is not in the settings table`);
      continue;
    }
    listed.add(key);
    const spec = SETTINGS[key];
    const shownDefault = spec.default === '' ? '' : `\`${Array.isArray(spec.default) ? JSON.stringify(spec.default) : String(spec.default)}\``;
    if (defaultCell !== shownDefault) found.push(`README setting ${name}: default ${JSON.stringify(defaultCell)}, the table says ${JSON.stringify(shownDefault)}`);
    const scope = 'scope' in spec ? spec.scope : 'window';
    if (scopeCell !== scope) found.push(`README setting ${name}: scope ${JSON.stringify(scopeCell)}, the table says ${scope}`);
  }
  for (const key of SETTING_KEYS) if (!listed.has(key)) found.push(`README's settings table lacks exchangeSetup.${key}`);
  const hidden = new Set(MENUS.commandPalette.filter((entry) => entry.when === 'false').map((entry) => entry.command));
  const named = new Set<string>();
  for (const [title, idCell] of readmeTable(readme, 'Commands')) {
    const id = idCell.replace(/^`(.*)`$/, '$1');
    if (!isCommandId(id)) {
      found.push(`README command ${idCell} is not in the commands table`);
      continue;
    }
    named.add(id);
    // A note in parentheses after the title says where the command shows.
    if (title.replace(/\s*\([^)]*\)$/, '') !== COMMANDS[id].title) found.push(`README command ${id}: title ${JSON.stringify(title)}, the table says ${JSON.stringify(COMMANDS[id].title)}`);
  }
  for (const id of COMMAND_IDS) if (!named.has(id) && !hidden.has(id)) found.push(`README's commands table lacks ${id}, which the Command Palette shows`);
  return found;
}

/** A fresh, mutable copy of package.json. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed manifest that each test bends its own way
function manifestCopy(): any {
  return JSON.parse(MANIFEST_TEXT);
}

/** The differences after `mutate` changed a copy of package.json; the mutation must be seen. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see manifestCopy
function differencesAfter(mutate: (manifest: any) => void): string[] {
  const manifest = manifestCopy();
  mutate(manifest);
  return manifestDifferences(manifest, NLS);
}

function assertOneDifference(found: string[], expected: RegExp): void {
  assert.equal(found.length, 1, `exactly one difference expected, got:\n${found.join('\n')}`);
  assert.match(found[0], expected);
}

describe('package.json and the tables of settings and commands (issue 12, item 4)', () => {
  it('package.json follows the tables exactly: every setting, command and menu entry', () => {
    assert.deepEqual(manifestDifferences(JSON.parse(MANIFEST_TEXT), NLS), []);
  });

  describe('the check fails on each kind of drift in a copy of package.json', () => {
    const timeout = 'exchangeSetup.probes.timeoutSeconds';
    const cases: [string, (m: any) => void, RegExp][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      ['a default', (m) => { m.contributes.configuration.properties[timeout].default = 90; }, /setting exchangeSetup\.probes\.timeoutSeconds: default is 60 in the table, 90 in package\.json/],
      ['a maximum', (m) => { m.contributes.configuration.properties[timeout].maximum = 900; }, /timeoutSeconds: maximum is 600 in the table, 900/],
      ['a minimum removed', (m) => { delete m.contributes.configuration.properties[timeout].minimum; }, /timeoutSeconds: minimum is 5 in the table, nothing in package\.json/],
      ['a type', (m) => { m.contributes.configuration.properties[timeout].type = 'string'; }, /timeoutSeconds: type is "number" in the table, "string"/],
      ['a scope dropped', (m) => { delete m.contributes.configuration.properties['exchangeSetup.ewsUrl'].scope; }, /exchangeSetup\.ewsUrl: scope is "machine" in the table, nothing/],
      ['a scope added', (m) => { m.contributes.configuration.properties['exchangeSetup.serviceAccount.alias'].scope = 'machine'; }, /serviceAccount\.alias: scope is nothing in the table, "machine"/],
      ['an enum member', (m) => { m.contributes.configuration.properties['exchangeSetup.link.target'].enum.push('ftp'); }, /link\.target: enum is \["a4b-console","http","workmail"\] in the table/],
      ['an enum description', (m) => { m.contributes.configuration.properties['exchangeSetup.accessMethod'].enumDescriptions[1] = 'x'; }, /accessMethod: enumDescriptions is/],
      ['a description', (m) => { m.contributes.configuration.properties['exchangeSetup.testMailbox'].markdownDescription += ' Extra.'; }, /testMailbox: markdownDescription is/],
      ['a pattern', (m) => { m.contributes.configuration.properties['exchangeSetup.link.http.url'].pattern = '.*'; }, /link\.http\.url: pattern is "\^\(https:\/\/\.\*\)\?\$" in the table, "\.\*"/],
      ['an order', (m) => { m.contributes.configuration.properties['exchangeSetup.powershellPath'].order = 99; }, /powershellPath: order is 12 in the table, 99/],
      ['a setting missing', (m) => { delete m.contributes.configuration.properties['exchangeSetup.tls.extraCaFile']; }, /setting exchangeSetup\.tls\.extraCaFile is in the table but not in package\.json/],
      ['a setting not in the table', (m) => { m.contributes.configuration.properties['exchangeSetup.extra'] = { type: 'string', default: '' }; }, /setting exchangeSetup\.extra is in package\.json but not in the table/],
      ['the settings order', (m) => {
        const props = m.contributes.configuration.properties;
        const { 'exchangeSetup.ewsUrl': first, ...rest } = props;
        m.contributes.configuration.properties = { ...rest, 'exchangeSetup.ewsUrl': first };
      }, /different order/],
      ['the configuration title', (m) => { m.contributes.configuration.title = 'Other'; }, /configuration title/],
      ['a command title', (m) => { m.contributes.commands[0].title = 'Set Up'; }, /command exchangeSetup\.configure: title is "%command\.configure\.title%" in the table, "Set Up"/],
      ['a command enablement dropped', (m) => { delete m.contributes.commands.find((c: { command: string }) => c.command === 'exchangeSetup.runProbes').enablement; }, /exchangeSetup\.runProbes: enablement is "isWorkspaceTrusted" in the table, nothing/],
      ['a command icon', (m) => { m.contributes.commands[1].icon = '$(sync)'; }, /exchangeSetup\.refresh: icon is "\$\(refresh\)" in the table, "\$\(sync\)"/],
      ['a command not contributed', (m) => { m.contributes.commands = m.contributes.commands.filter((c: { command: string }) => c.command !== 'exchangeSetup.showLog'); }, /command exchangeSetup\.showLog is in the table but not contributed/],
      ['a command twice', (m) => { m.contributes.commands.push({ ...m.contributes.commands[0] }); }, /exchangeSetup\.configure is contributed twice/],
    ];
    for (const [what, mutate, expected] of cases) {
      it(`notices ${what}`, () => assertOneDifference(differencesAfter(mutate), expected));
    }

    it('notices a contributed command that is not in the table', () => {
      const found = differencesAfter((m) => m.contributes.commands.push({ command: 'exchangeSetup.unknown', title: 'Unknown', category: 'Exchange Setup' }));
      assertOneDifference(found, /command exchangeSetup\.unknown is contributed in package\.json but not in the table/);
    });

    it('notices a menu entry that names an unknown command, in any menu', () => {
      for (const menu of ['view/title', 'view/item/context', 'editor/title', 'commandPalette', 'explorer/context']) {
        const found = differencesAfter((m) => { (m.contributes.menus[menu] ??= []).push({ command: 'exchangeSetup.typo' }); });
        assert.ok(found.some((d) => d === `menu ${menu} names "exchangeSetup.typo", which is not a command of the table`), `${menu}: ${found.join('\n')}`);
      }
    });

    it('notices a menu entry moved, changed or missing, and a menu the table does not have', () => {
      assert.match(differencesAfter((m) => { m.contributes.menus['view/title'][0].group = 'navigation@9'; }).join('\n'), /menu view\/title, entry 1: .*"navigation@0".* in the table, .*"navigation@9".* in package\.json/);
      assert.match(differencesAfter((m) => { m.contributes.menus.commandPalette.pop(); }).join('\n'), /menu commandPalette, entry 3: .* in the table, nothing in package\.json/);
      assert.match(differencesAfter((m) => { delete m.contributes.menus['editor/title']; }).join('\n'), /menu editor\/title is in the table but not in package\.json/);
      assert.match(differencesAfter((m) => { m.contributes.menus['scm/title'] = [{ command: 'exchangeSetup.refresh' }]; }).join('\n'), /menu scm\/title is in package\.json but not in the table/);
    });

    it('does not count a different key order within an entry as a difference', () => {
      assert.deepEqual(differencesAfter((m) => {
        const [first] = m.contributes.menus['view/title'];
        m.contributes.menus['view/title'][0] = { group: first.group, when: first.when, command: first.command };
        const timeout = m.contributes.configuration.properties['exchangeSetup.probes.timeoutSeconds'];
        m.contributes.configuration.properties['exchangeSetup.probes.timeoutSeconds'] = Object.fromEntries(Object.entries(timeout).reverse());
      }), []);
    });

    it('notices a keybinding for an unknown command, and accepts one for a known command', () => {
      assertOneDifference(differencesAfter((m) => { m.contributes.keybindings = [{ command: 'exchangeSetup.nope', key: 'ctrl+alt+e' }]; }), /keybinding .* names "exchangeSetup\.nope"/);
      assert.deepEqual(differencesAfter((m) => { m.contributes.keybindings = [{ command: 'exchangeSetup.runProbes', key: 'ctrl+alt+p' }, { command: '-exchangeSetup.refresh', key: 'f5' }]; }), []);
    });

    it('notices a command: link or activation event for an unknown command of ours', () => {
      assertOneDifference(differencesAfter((m) => { m.contributes.viewsWelcome[0].contents += '\n[Go](command:exchangeSetup.configur)'; }), /command:exchangeSetup\.configur in package\.json names a command that is not in the table/);
      assertOneDifference(differencesAfter((m) => { m.activationEvents.push('onCommand:exchangeSetup.gone'); }), /onCommand:exchangeSetup\.gone/);
      // VS Code's own commands for a contributed view are not ours to declare.
      assert.deepEqual(differencesAfter((m) => { m.contributes.viewsWelcome[0].contents += '\n[Show](command:exchangeSetup.checklist.focus)'; }), []);
    });
  });

  describe('ready for translation: package.json holds %key% references, package.nls.json the English (issue 15, item 3)', () => {
    it('every text of the manifest is a %key% that package.nls.json has, and its table-owned English matches the tables', () => {
      assert.deepEqual(unlocalizedManifestText(JSON.parse(MANIFEST_TEXT), NLS), []);
      assert.deepEqual(nlsDifferences(NLS), []);
      assert.ok(Object.keys(renderNls()).length > 40, 'the tables own the commands and settings text');
    });

    it('would notice English written in package.json, anywhere under contributes, and a key missing from package.nls.json', () => {
      const manifest = manifestCopy();
      manifest.contributes.views.exchangeSetup[0].name = 'Setup Checklist';
      manifest.contributes.walkthroughs[0].steps[1].title = 'Check the prerequisites';
      manifest.contributes.configuration.properties['exchangeSetup.accessMethod'].enumDescriptions[0] = 'Impersonation';
      manifest.displayName = 'Exchange Calendar Setup';
      const found = unlocalizedManifestText(manifest, NLS);
      assert.deepEqual(found.map((line) => line.split(' ')[0]), [
        'displayName', 'contributes.views.exchangeSetup[0].name', 'contributes.configuration.properties.exchangeSetup.accessMethod.enumDescriptions[0]', 'contributes.walkthroughs[0].steps[1].title',
      ]);
      const { 'view.checklist.name': _dropped, ...withoutKey } = NLS;
      assert.deepEqual(unlocalizedManifestText(manifestCopy(), withoutKey), ['contributes.views.exchangeSetup[0].name refers to %view.checklist.name%, which package.nls.json lacks']);
      assertOneDifference(nlsDifferences({ ...NLS, 'command.showLog.title': 'Show Logs' }), /command\.showLog\.title is "Show Log" in the table, "Show Logs" in package\.nls\.json/);
    });

    it('reads command: links in the English that a %key% stands for', () => {
      const nls = { ...NLS, 'viewsWelcome.unconfigured': `${NLS['viewsWelcome.unconfigured']}\n[Go](command:exchangeSetup.configur)` };
      assertOneDifference(manifestDifferences(manifestCopy(), nls), /command:exchangeSetup\.configur in package\.json names a command that is not in the table/);
    });
  });

  describe('the README\'s tables of settings and commands', () => {
    it('say what the tables say: every default, scope and title', () => {
      assert.deepEqual(readmeDifferences(README_TEXT), []);
    });

    it('would notice a default, scope or title written differently, and a row missing or unknown', () => {
      const change = (from: string, to: string): string[] => {
        assert.ok(README_TEXT.includes(from), `the README has ${from}`);
        return readmeDifferences(README_TEXT.replace(from, to));
      };
      assertOneDifference(change('| `exchangeSetup.probes.timeoutSeconds` | `60` |', '| `exchangeSetup.probes.timeoutSeconds` | `90` |'), /timeoutSeconds`: default "`90`", the table says "`60`"/);
      assertOneDifference(change('| `exchangeSetup.tls.extraCaFile` | | machine |', '| `exchangeSetup.tls.extraCaFile` | | window |'), /extraCaFile`: scope "window", the table says machine/);
      assertOneDifference(change('| Show Log | `exchangeSetup.showLog` |', '| Show Logs | `exchangeSetup.showLog` |'), /exchangeSetup\.showLog: title "Show Logs", the table says "Show Log"/);
      assertOneDifference(change('| Show Log | `exchangeSetup.showLog` |\n', ''), /lacks exchangeSetup\.showLog/);
      assert.deepEqual(change('| `exchangeSetup.link.workmail.region` |', '| `exchangeSetup.link.workmail.regions` |'), [
        'README setting `exchangeSetup.link.workmail.regions` is not in the settings table',
        'README\'s settings table lacks exchangeSetup.link.workmail.region',
      ]);
    });
  });

  describe('scripts/sync-manifest.mjs', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ecs-manifest-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const run = (...args: string[]) => execFileSync(process.execPath, [join(ROOT, 'scripts', 'sync-manifest.mjs'), ...args], { encoding: 'utf8', stdio: 'pipe' });

    it('--check passes on package.json and fails, naming the difference, on a drifted copy; a sync repairs the copy', function () {
      this.timeout(20_000); // three node processes on a shared machine
      assert.match(run('--check'), /follows the settings and commands tables/);
      const copy = join(dir, 'package.json');
      writeFileSync(join(dir, 'package.nls.json'), NLS_TEXT);
      const drifted = manifestCopy();
      drifted.contributes.configuration.properties['exchangeSetup.probes.timeoutSeconds'].default = 30;
      drifted.contributes.commands.pop();
      writeFileSync(copy, JSON.stringify(drifted, null, 2));
      assert.throws(() => run('--check', '--manifest', copy), (error: { status?: number; stderr?: string }) => {
        assert.equal(error.status, 1);
        assert.match(error.stderr ?? '', /default is 60 in the table, 30 in package\.json/);
        assert.match(error.stderr ?? '', /exchangeSetup\.copyDiagnostics is in the table but not contributed/);
        return true;
      });
      run('--manifest', copy);
      assert.equal(readFileSync(copy, 'utf8'), MANIFEST_TEXT, 'the sync writes exactly what package.json holds');
      assert.equal(readFileSync(join(dir, 'package.nls.json'), 'utf8'), NLS_TEXT, 'and exactly what package.nls.json holds');
    });
  });

  describe('the settings table', () => {
    it('has a description for every setting, and one enum description per enum member', () => {
      for (const key of SETTING_KEYS) {
        const spec = SETTINGS[key];
        const text = SETTING_TEXT[key];
        assert.ok(text.markdownDescription.trim().length > 20, `${key} has a description`);
        if ('enum' in spec) assert.equal(text.enumDescriptions?.length, spec.enum.length, `${key}: one description per enum member`);
        else assert.equal(text.enumDescriptions, undefined, `${key} has no enum`);
        assert.equal(text.patternErrorMessage !== undefined, 'pattern' in spec, `${key}: a pattern comes with its error message`);
      }
    });

    it('holds only defaults that its own rules accept', () => {
      for (const key of SETTING_KEYS) assert.equal(settingValueProblem(key, settingDefault(key)), undefined, key);
    });

    it('is where the setup fields take their defaults and examples from', () => {
      for (const field of SETTING_FIELDS) {
        assert.equal(getField(DEFAULT_SETTINGS, field), SETTINGS[field].default, field);
        assert.equal(SETTING_EXAMPLES[field], SETTINGS[field].example, field);
      }
    });

    it('checks a value read from VS Code: the value when it fits, else the default and what to fix', () => {
      assert.deepEqual(checkSetting('probes.timeoutSeconds', 120), { value: 120 });
      assert.deepEqual(checkSetting('probes.timeoutSeconds', undefined), { value: 60 });
      for (const bad of [4, 601, '60', Number.NaN, null]) {
        const checked = checkSetting('probes.timeoutSeconds', bad);
        assert.equal(checked.value, 60);
        assert.match(checked.problem ?? '', /^exchangeSetup\.probes\.timeoutSeconds must be a number from 5 to 600, not .*; using 60\. Fix it in your settings\.$/);
      }
      assert.equal(checkSetting('probes.timeoutSeconds', 5).problem, undefined, 'the minimum itself is allowed');
      assert.equal(checkSetting('probes.timeoutSeconds', 600).problem, undefined, 'the maximum itself is allowed');
      assert.deepEqual(checkSetting('link.target', 'workmail'), { value: 'workmail' });
      assert.match(checkSetting('link.target', 'ftp').problem ?? '', /link\.target must be one of "a4b-console", "http", "workmail", not "ftp"; using "a4b-console"/);
      assert.match(checkSetting('serviceAccount.existing', 'yes').problem ?? '', /must be true or false, not "yes"/);
      assert.match(checkSetting('testMailbox', 42).problem ?? '', /must be text, not 42/);
    });

    it('checks a list of text values (the kind a list of servers would use)', () => {
      const list = { type: 'array', items: { type: 'string' }, default: [], example: 'exch01' } as const;
      assert.equal(specValueProblem(list, ['exch01', '10.0.0.12']), undefined);
      assert.equal(specValueProblem(list, []), undefined);
      assert.match(specValueProblem(list, ['exch01', 2]) ?? '', /must be a list of text values, not \["exch01",2\]/);
      assert.match(specValueProblem(list, 'exch01') ?? '', /must be a list of text values/);
    });
  });

  describe('registered handlers (the source, read as vscode-pull-request-github\'s check-commands.js reads it)', () => {
    /** Command ids registered in TypeScript source, by file. */
    function registrations(source: string): string[] {
      return [...source.matchAll(/registerSafeCommand\(\s*[\w.]+,\s*'([^']+)'/g)].map((m) => m[1]);
    }
    function sourceFiles(dir: string): string[] {
      return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
    }
    /** The differences between registrations and the table, as messages. */
    function registrationDifferences(registered: readonly string[]): string[] {
      const found: string[] = [];
      for (const id of COMMAND_IDS) {
        const count = registered.filter((r) => r === id).length;
        if (count !== 1) found.push(`${id} is registered ${count} times`);
      }
      for (const id of new Set(registered)) if (!(COMMAND_IDS as readonly string[]).includes(id)) found.push(`${id} is registered but not in the table`);
      return found;
    }

    const files = sourceFiles(join(ROOT, 'src'));
    const registered = files.flatMap((file) => registrations(readFileSync(file, 'utf8')));

    it('registers every command of the table exactly once, and nothing else', () => {
      assert.deepEqual(registrationDifferences(registered), []);
    });

    it('registers commands only through the typed registerSafeCommand', () => {
      const direct = files
        .filter((file) => /commands\.registerCommand\(/.test(readFileSync(file, 'utf8')))
        .map((file) => relative(ROOT, file).replace(/\\/g, '/'));
      assert.deepEqual(direct, ['src/host/commandRunner.ts']);
    });

    it('runs its own commands by a literal id only through the typed runCommand', () => {
      const untyped = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/executeCommand(?:<[^>(]*>)?\(\s*'(exchangeSetup\.[^']+)'/g)]
        .map((m) => `${relative(ROOT, file).replace(/\\/g, '/')}: ${m[1]}`));
      assert.deepEqual(untyped, []);
    });

    it('would notice a handler missing, registered twice, or for an unknown command', () => {
      const missing = registered.filter((id) => id !== 'exchangeSetup.showLog');
      assert.deepEqual(registrationDifferences(missing), ['exchangeSetup.showLog is registered 0 times']);
      assert.deepEqual(registrationDifferences([...registered, 'exchangeSetup.refresh']), ['exchangeSetup.refresh is registered 2 times']);
      assert.deepEqual(registrationDifferences([...registered, 'exchangeSetup.extra']), ['exchangeSetup.extra is registered but not in the table']);
      assert.deepEqual(registrations("registerSafeCommand(deps.log, 'exchangeSetup.a', 'A', f),\nregisterSafeCommand(\n  log,\n  'exchangeSetup.b',"), ['exchangeSetup.a', 'exchangeSetup.b']);
    });
  });
});
