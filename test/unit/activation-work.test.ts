import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMPTY_STATE, SetupModel, aggregate, type PersistedSetupState, type RecordedStatus } from '../../src/core/model';
import { readStoredProgress } from '../../src/core/progressMigration';
import { WorkbenchMirror } from '../../src/core/pure/mirror';
import { ACCESS_METHODS, DEFAULT_SETTINGS, SETTING_FIELDS, START_FIELDS, settingsFrom, startSettingsFrom, startSettingsOf, type SettingField } from '../../src/core/settings';
import { STEPS, STEP_IDS, childrenOf, isLeaf, stepDefinition, type StepId, type StepStatus } from '../../src/core/steps';
import { readSettingsObject } from '../../src/core/validate';
import { WALKTHROUGH_ID, WALKTHROUGH_STEPS, walkthroughCommand, walkthroughProgress, type WalkthroughStepId } from '../../src/core/walkthrough';
import { ProgressStore } from '../../src/host/progressStore';
import { createFakeVscode, fakeContext, withFakeVscode } from '../support/fakeVscode';

// Issue 12, item 6: activate() does only what a start needs. These pin the parts that were made cheaper
// to what they replaced, so that doing less never means doing something different.

const ROOT = resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: Record<string, unknown>;
};

/** A small deterministic random source (the same cases on every run). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('activation does only what a start needs (issue 12, item 6)', () => {
  describe('WorkbenchMirror: only values that differ from what the workbench holds are sent', () => {
    it('sends every value once when nothing is known, then only changes', () => {
      const mirror = new WorkbenchMirror(undefined);
      assert.deepEqual(mirror.changes({ a: false, b: true }), [['a', false], ['b', true]]);
      assert.deepEqual(mirror.changes({ a: false, b: true }), []);
      assert.deepEqual(mirror.changes({ a: true, b: true }), [['a', true]]);
    });

    it('sends only the values that differ from a known default, and from what was recorded', () => {
      const mirror = new WorkbenchMirror<'x' | 'y' | 'z'>(false, { y: true });
      assert.deepEqual(mirror.changes({ x: false, y: true, z: true }), [['z', true]]);
      assert.deepEqual(mirror.changes({ x: false, y: false, z: true }), [['y', false]]);
      assert.deepEqual(mirror.snapshot(), { y: false, z: true });
    });
  });

  describe('the settings read at activation', () => {
    const fieldDefault = (field: SettingField): unknown => {
      let value: unknown = DEFAULT_SETTINGS;
      for (const part of field.split('.')) value = (value as Record<string, unknown>)[part];
      return value;
    };
    const nest = (values: Map<SettingField, unknown>): Record<string, unknown> => {
      const raw: Record<string, unknown> = {};
      for (const [field, value] of values) {
        const parts = field.split('.');
        let node = raw;
        for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
        node[parts[parts.length - 1]] = value;
      }
      return raw;
    };

    it('are the settings the validation keeps, for values of every type (300 random cases)', () => {
      const next = random(12);
      const choices: unknown[] = ['', 'x', 'alice@contoso.com', 'https://mail.contoso.com/EWS/Exchange.asmx', true, false, 0, 7, null, [], {}, ['a']];
      for (let n = 0; n < 300; n++) {
        const values = new Map<SettingField, unknown>();
        for (const field of SETTING_FIELDS) {
          const roll = next();
          if (roll < 0.4) continue; // missing: the default
          values.set(field, roll < 0.6 ? fieldDefault(field) : choices[Math.floor(next() * choices.length)]);
        }
        const cheap = settingsFrom((field) => values.get(field));
        assert.deepEqual(cheap, readSettingsObject(nest(values), 'test').settings, `case ${n}: ${JSON.stringify(nest(values))}`);
      }
    });

    it('at a start are three fields, as the full reading keeps them (300 random cases)', () => {
      const next = random(21);
      const choices: unknown[] = ['', ' ', 'x', 'svc@contoso.com', 'delegate', 'impersonation', 'https://Mail.Contoso.com/EWS/Exchange.asmx', true, false, 0, null, [], {}];
      for (let n = 0; n < 300; n++) {
        const values = new Map<SettingField, unknown>();
        for (const field of SETTING_FIELDS) {
          const roll = next();
          if (roll < 0.3) continue;
          values.set(field, roll < 0.45 ? fieldDefault(field) : choices[Math.floor(next() * choices.length)]);
        }
        const asked: SettingField[] = [];
        const start = startSettingsFrom((field) => { asked.push(field); return values.get(field); });
        assert.deepEqual(start, startSettingsOf(settingsFrom((field) => values.get(field))), `case ${n}: ${JSON.stringify(nest(values))}`);
        assert.deepEqual([...asked].sort(), [...START_FIELDS].sort(), 'only the start fields are read');
      }
    });

    it('never shares an object with the defaults', () => {
      const settings = settingsFrom(() => undefined);
      assert.deepEqual(settings, DEFAULT_SETTINGS);
      assert.notEqual(settings.serviceAccount, DEFAULT_SETTINGS.serviceAccount);
      assert.notEqual(settings.impersonation, DEFAULT_SETTINGS.impersonation);
    });

    it('are validated only when their problems are asked for, and then as the CLI validates them', () => {
      const fake = createFakeVscode();
      const { settingsReading } = withFakeVscode(fake, () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require('../../src/host/configuration') as typeof import('../../src/host/configuration');
      });
      const values = new Map<SettingField, unknown>([['ewsUrl', 'http://mail.contoso.com/EWS/Exchange.asmx'], ['serviceAccount.upn', 'not an address'], ['impersonation.organizationWide', 'yes']]);
      const reading = settingsReading(values);
      const descriptor = Object.getOwnPropertyDescriptor(reading, 'issues');
      assert.equal(typeof descriptor?.get, 'function', 'issues is worked out on first read');
      const expected = readSettingsObject(nest(values), 'VS Code settings').issues;
      assert.deepEqual(reading.issues.map((i) => i.message), expected.map((i) => i.message));
      assert.ok(expected.length >= 3, 'the case has problems to find');
      assert.equal(reading.issues, reading.issues, 'worked out once');
    });
  });

  describe('the session at a start', () => {
    it('reads only the three settings a start needs; the full reading comes on first use, once, and is the usual one', () => {
      const fake = createFakeVscode();
      const values: Record<string, unknown> = {
        ewsUrl: 'https://Mail.Contoso.com/EWS/Exchange.asmx',
        accessMethod: 'delegate',
        serviceAccount: { upn: 'svc@contoso.com', alias: 'svc', existing: true },
        testMailbox: 'alice@contoso.com',
      };
      const reads: string[] = [];
      const watch = (target: Record<string, unknown>, path: string): Record<string, unknown> => new Proxy(target, {
        get(object, name) {
          if (typeof name !== 'string') return undefined;
          reads.push(path + name);
          const value = object[name];
          return typeof value === 'object' && value !== null ? watch(value as Record<string, unknown>, `${path}${name}.`) : value;
        },
      });
      (fake.module.workspace as Record<string, unknown>).getConfiguration = () => watch(values, '');
      // The host modules read `vscode` when loaded: load them afresh against this fake.
      const host = join(__dirname, '..', '..', 'src', 'host');
      for (const file of Object.keys(require.cache)) if (file.startsWith(host)) delete require.cache[file];
      const { createSession } = withFakeVscode(fake, () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require('../../src/host/session') as typeof import('../../src/host/session');
      });
      const context = { ...fakeContext(1, {}), extension: { id: 'pub.ext', packageJSON: {} } };
      const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;
      const { session } = createSession(context as never, log);
      assert.deepEqual([...new Set(reads)].sort(), ['accessMethod', 'ewsUrl', 'serviceAccount', 'serviceAccount.upn']);
      assert.equal(session.organization(), 'mail.contoso.com');
      assert.equal(session.model.getAccessMethod(), 'delegate');
      assert.equal(session.isConfigured(), true, 'configured from the start reading, without the full one');
      reads.length = 0;
      const reading = session.readSettings();
      assert.ok(reads.includes('testMailbox') && reads.includes('serviceAccount.alias'), 'every field is read on first use');
      const lookUp = (field: SettingField): unknown => field.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], values);
      assert.deepEqual(reading.settings, settingsFrom(lookUp));
      assert.equal(session.readSettings(), reading, 'read once until a setting changes');
    });
  });

  describe('the step statuses, worked out in one pass', () => {
    /** The definition the model used before: each status by recursion over the tree. */
    function reference(steps: Partial<Record<StepId, { status: RecordedStatus }>>, method: string): Map<StepId, StepStatus> {
      const applicable = (id: StepId): boolean => {
        const def = stepDefinition(id);
        if (def.method && def.method !== method) return false;
        if (!isLeaf(id)) return childrenOf(id).some((c) => applicable(c.id));
        return true;
      };
      const status = (id: StepId): StepStatus => {
        if (!applicable(id)) return 'notApplicable';
        if (!isLeaf(id)) return aggregate(childrenOf(id).map((c) => status(c.id)));
        return steps[id]?.status ?? 'notStarted';
      };
      return new Map(STEP_IDS.map((id) => [id, status(id)]));
    }

    it('equal the recursive definition for both access methods (400 random states), and the badge counts the same', () => {
      const next = random(7);
      const recorded: RecordedStatus[] = ['notStarted', 'done', 'failed', 'warning', 'unknown'];
      const leaves = STEPS.filter((s) => isLeaf(s.id));
      for (let n = 0; n < 400; n++) {
        const steps: Partial<Record<StepId, { status: RecordedStatus }>> = {};
        for (const leaf of leaves) if (next() < 0.6) steps[leaf.id] = { status: recorded[Math.floor(next() * recorded.length)] };
        const method = ACCESS_METHODS[n % 2];
        const state = { ...EMPTY_STATE, steps } as PersistedSetupState;
        const model = new SetupModel(state, method);
        const expected = reference(steps, method);
        for (const id of STEP_IDS) {
          assert.equal(model.statusOf(id), expected.get(id), `case ${n} (${method}): ${id}`);
          assert.equal(model.isApplicable(id), expected.get(id) !== 'notApplicable', `case ${n}: ${id} applicable`);
        }
        const left = leaves.filter((s) => !s.optional && expected.get(s.id) !== 'notApplicable' && expected.get(s.id) !== 'done').length;
        assert.equal(model.remaining(), left, `case ${n}: steps left`);
      }
    });

    it('are worked out again after every change (record, reset, access method, load)', () => {
      const model = new SetupModel(EMPTY_STATE, 'impersonation');
      assert.equal(model.statusOf('prerequisites.certificate'), 'notStarted');
      model.record('prerequisites.certificate', 'failed', 'probe', 'expired');
      assert.equal(model.statusOf('prerequisites.certificate'), 'failed');
      assert.equal(model.statusOf('prerequisites'), 'failed');
      model.reset('prerequisites');
      assert.equal(model.statusOf('prerequisites.certificate'), 'notStarted');
      const impersonationOnly = STEPS.find((s) => s.method === 'impersonation');
      assert.ok(impersonationOnly, 'a step belongs to one method');
      assert.notEqual(model.statusOf(impersonationOnly.id), 'notApplicable');
      model.setAccessMethod('delegate');
      assert.equal(model.statusOf(impersonationOnly.id), 'notApplicable');
      model.load({ ...EMPTY_STATE, steps: { test: { status: 'done' } } } as PersistedSetupState, 'impersonation');
      assert.equal(model.statusOf('test'), 'done');
    });
  });

  describe('stored progress at activation', () => {
    it('nothing stored reads as readStoredProgress reads it: empty, and saved to', async () => {
      const values = new Map<string, unknown>();
      const store = new ProgressStore({ get: (key: string) => values.get(key), update: async (key: string, value: unknown) => { values.set(key, value); }, keys: () => [...values.keys()] } as never);
      const loaded = store.load('mail.contoso.com');
      assert.deepEqual(loaded, { state: readStoredProgress(undefined).state });
      assert.equal(store.readOnlyReason('mail.contoso.com'), undefined);
      assert.equal(await store.save('mail.contoso.com', loaded.state), true);
      // Something stored still goes through the reader (an unreadable value stays read-only).
      values.set(ProgressStore.key('other'), 'garbage');
      assert.ok(store.load('other').readOnlyReason, 'unreadable progress is read-only');
    });
  });

  describe('context keys are read only where a start need not send them', () => {
    /** Every `when` (and completion event) in the manifest that names one of the session's context keys, by where it is. */
    function keyReaders(contributes: Record<string, unknown>): string[] {
      const keys = ['exchangeSetup.configured', ...Object.keys(new SetupModel(EMPTY_STATE, 'impersonation').contextKeys())];
      const found: string[] = [];
      const walk = (node: unknown, where: string): void => {
        if (typeof node === 'string') {
          if (keys.some((key) => new RegExp(`(^|[^\\w.])${key.replace(/\./g, '\\.')}(?![\\w.])`).test(node))) found.push(where);
        } else if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${where}[${i}]`));
        else if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) walk(v, `${where}.${k}`);
      };
      walk(contributes, 'contributes');
      return found;
    }
    // The welcome view is inside the checklist (the session sends the keys when it is shown); the
    // walkthrough's steps are also marked directly (WalkthroughSync). A menu, keybinding or view
    // that read them would be wrong until the checklist is first shown.
    const allowed = (where: string) => /^contributes\.viewsWelcome\[\d+\]\.when$/.test(where)
      || /^contributes\.walkthroughs\[\d+\]\.steps\[\d+\]\.completionEvents\[\d+\]$/.test(where);

    it('package.json reads them only in the checklist\'s welcome content and the walkthrough\'s completion events', () => {
      const readers = keyReaders(manifest.contributes);
      assert.ok(readers.length >= WALKTHROUGH_STEPS.length, `found ${readers.join(', ')}`);
      assert.deepEqual(readers.filter((where) => !allowed(where)), []);
      const views = manifest.contributes.viewsWelcome as { view: string }[];
      assert.ok(views.every((v) => v.view === 'exchangeSetup.checklist'), 'every welcome content belongs to the checklist');
    });

    it('the check finds a menu that reads one', () => {
      const copy = JSON.parse(JSON.stringify(manifest.contributes)) as Record<string, unknown>;
      const menus = copy.menus as Record<string, { command: string; when?: string }[]>;
      menus['commandPalette'] = [...(menus['commandPalette'] ?? []), { command: 'exchangeSetup.showLog', when: 'exchangeSetup.done.access' }];
      assert.ok(keyReaders(copy).some((where) => !allowed(where)));
    });
  });

  describe('WalkthroughSync sends only the marks the workbench lacks', () => {
    type Sync = typeof import('../../src/host/walkthroughSync');
    const load = (): Sync => withFakeVscode(createFakeVscode(), () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require('../../src/host/walkthroughSync') as Sync;
    });
    const log = { info: () => undefined, warn: () => undefined } as never;
    const memento = () => {
      const values = new Map<string, unknown>();
      return { values, get: <T>(key: string) => values.get(key) as T | undefined, update: async (key: string, value: unknown) => { values.set(key, value); } };
    };
    const none = { 'exchangeSetup.configured': false };

    it('a new profile with nothing done gets no mark; being configured gets one, remembered for the next start', () => {
      const { WalkthroughSync, WALKTHROUGH_MARKS_KEY } = load();
      const store = memento();
      const sent: string[] = [];
      const execute = async (command: string, arg: string) => { sent.push(`${command} ${arg}`); };
      new WalkthroughSync('pub.ext', log, store, execute).update(none);
      assert.deepEqual(sent, []);
      new WalkthroughSync('pub.ext', log, store, execute).update({ 'exchangeSetup.configured': true });
      assert.deepEqual(sent, [`welcome.markStepComplete pub.ext#${WALKTHROUGH_ID}#configure`]);
      assert.deepEqual(store.values.get(WALKTHROUGH_MARKS_KEY), { configure: true });
      // The next start, the same state: nothing to send. Then a change sends that step only.
      sent.length = 0;
      const next = new WalkthroughSync('pub.ext', log, store, execute);
      next.update({ 'exchangeSetup.configured': true });
      assert.deepEqual(sent, []);
      next.update(none);
      assert.deepEqual(sent, [`welcome.markStepIncomplete pub.ext#${WALKTHROUGH_ID}#configure`]);
    });

    it('sends and keeps what a mirror of the kept marks would, over a start and a change (500 random kept values and states)', () => {
      const { WalkthroughSync, WALKTHROUGH_MARKS_KEY } = load();
      const next = random(33);
      const ids = WALKTHROUGH_STEPS.map((step) => step.id);
      const contextKeys = [...new Set(WALKTHROUGH_STEPS.flatMap((step) => step.keys))];
      const randomKeys = () => Object.fromEntries(contextKeys.map((key) => [key, next() < 0.5]));
      const randomKept = (): unknown => {
        const roll = next();
        if (roll < 0.15) return undefined;
        if (roll < 0.25) return [['configure'], 'configure', { configure: 'yes' }, { configure: true, nonsense: true }, null][Math.floor(next() * 5)];
        return Object.fromEntries(ids.filter(() => next() < 0.6).map((id) => [id, next() < 0.5]));
      };
      // The marks the workbench holds: what was kept, when it is marks of these steps, else nothing.
      const heldFrom = (kept: unknown): Partial<Record<WalkthroughStepId, boolean>> =>
        typeof kept === 'object' && kept !== null && !Array.isArray(kept) && Object.entries(kept).every(([key, done]) => ids.includes(key as WalkthroughStepId) && typeof done === 'boolean')
          ? (kept as Partial<Record<WalkthroughStepId, boolean>>) : {};
      for (let n = 0; n < 500; n++) {
        const kept = randomKept();
        const first = randomKeys();
        const second = randomKeys();
        const store = memento();
        if (kept !== undefined) store.values.set(WALKTHROUGH_MARKS_KEY, kept);
        const sent: string[] = [];
        const sync = new WalkthroughSync('pub.ext', log, store, async (command, arg) => { sent.push(`${command} ${arg}`); });
        sync.update(first);
        sync.update(second);
        const mirror = new WorkbenchMirror<WalkthroughStepId>(false, heldFrom(kept));
        const expected = [...mirror.changes(walkthroughProgress(first)), ...mirror.changes(walkthroughProgress(second))]
          .map(([step, done]) => { const { command, stepId } = walkthroughCommand('pub.ext', step, done); return `${command} ${stepId}`; });
        assert.deepEqual(sent, expected, `case ${n}: kept ${JSON.stringify(kept)}`);
        assert.deepEqual(store.values.get(WALKTHROUGH_MARKS_KEY), expected.length > 0 ? mirror.snapshot() : kept, `case ${n}: what is kept`);
      }
    });

    it('ignores a stored value that is not marks of these steps (and sends as for a new profile)', () => {
      const { WalkthroughSync, WALKTHROUGH_MARKS_KEY } = load();
      for (const stored of ['configure', ['configure'], { configure: 'yes' }, { nonsense: true }]) {
        const store = memento();
        store.values.set(WALKTHROUGH_MARKS_KEY, stored);
        const sent: string[] = [];
        new WalkthroughSync('pub.ext', log, store, async (command) => { sent.push(command); }).update({ 'exchangeSetup.configured': true });
        assert.deepEqual(sent, ['welcome.markStepComplete'], JSON.stringify(stored));
      }
    });
  });
});
