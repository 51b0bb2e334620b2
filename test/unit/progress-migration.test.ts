import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURRENT_PROGRESS_VERSION, SetupModel } from '../../src/core/model';
import { PROGRESS_MIGRATIONS, readOnlyReason, readStoredProgress } from '../../src/core/progressMigration';
import { renderScript, snippetForStep } from '../../src/core/snippets';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { ProgressStore } from '../../src/host/progressStore';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'progress');

interface Fixture {
  name: string;
  version: number;
  raw: { version: number; steps: Record<string, unknown>; basicAuthPrior?: unknown[] };
}

function fixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const match = /^v(\d+)-/.exec(name);
      assert.ok(match, `${name}: fixture names start with v<version>-`);
      const raw = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Fixture['raw'];
      assert.equal(raw.version, Number(match[1]), `${name}: the name and the stored version agree`);
      return { name, version: raw.version, raw };
    });
}

/** A Memento over a Map, as VS Code's globalState behaves for one extension. */
function memento(initial: Record<string, unknown> = {}) {
  const values = new Map<string, unknown>(Object.entries(initial));
  return {
    values,
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
    update: (key: string, value: unknown) => {
      values.set(key, JSON.parse(JSON.stringify(value)) as unknown);
      return Promise.resolve();
    },
  };
}

describe('stored progress across versions', () => {
  it('has a migration from every earlier version and a stored fixture of every version', () => {
    const versions = new Set(fixtures().map((f) => f.version));
    for (let v = 1; v <= CURRENT_PROGRESS_VERSION; v++) {
      assert.ok(versions.has(v), `test/fixtures/progress/v${v}-*.json: a fixture of what version ${v} stored`);
      if (v < CURRENT_PROGRESS_VERSION) assert.equal(typeof PROGRESS_MIGRATIONS[v], 'function', `PROGRESS_MIGRATIONS[${v}]: the migration from version ${v}`);
    }
    assert.ok([...versions].every((v) => v <= CURRENT_PROGRESS_VERSION), 'no fixture of a version that does not exist yet');
  });

  it('carries every stored fixture to the current version without losing a step, its evidence or the Basic-auth values', () => {
    for (const fixture of fixtures()) {
      const stored = readStoredProgress(fixture.raw);
      assert.equal(stored.kind, 'loaded', fixture.name);
      if (stored.kind !== 'loaded') continue;
      assert.equal(stored.state.version, CURRENT_PROGRESS_VERSION, fixture.name);
      assert.equal(stored.migratedFrom, fixture.version < CURRENT_PROGRESS_VERSION ? fixture.version : undefined, fixture.name);
      assert.deepEqual(stored.state.steps, fixture.raw.steps, `${fixture.name}: every step and its evidence`);
      assert.deepEqual(stored.state.basicAuthPrior, fixture.raw.basicAuthPrior, `${fixture.name}: the Basic-auth values for rollback`);
      assert.equal(readOnlyReason(stored, 'mail.contoso.com'), undefined, `${fixture.name}: may be saved`);
    }
  });

  it('restores the Basic-auth values recorded by version 1 in the rollback snippet after the upgrade', () => {
    const v1 = fixtures().find((f) => f.name === 'v1-full.json')!;
    const stored = readStoredProgress(v1.raw);
    const model = new SetupModel(stored.state, 'impersonation');
    const snippet = snippetForStep('basicAuth.enable', { ...DEFAULT_SETTINGS, exchangeServer: 'EXCH01', serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: 'alexaforbusiness@contoso.com' } }, { basicAuthPrior: model.getBasicAuthPrior() });
    assert.ok(snippet.ok);
    const rollback = renderScript(snippet.snippet.rollback);
    assert.match(rollback, /Set-WebServicesVirtualDirectory -Identity 'EXCH01\\EWS \(Default Web Site\)' -BasicAuthentication \$false/);
    assert.match(rollback, /Set-WebServicesVirtualDirectory -Identity 'EXCH02\\EWS \(Default Web Site\)' -BasicAuthentication \$true/);
    assert.equal(model.statusOf('prerequisites.certificate'), 'failed');
    assert.deepEqual(model.snapshot().basicAuthPrior, v1.raw.basicAuthPrior);
  });

  it('shows state from a newer version as far as it is understood, names its version and keeps it read-only', () => {
    const newer = {
      version: CURRENT_PROGRESS_VERSION + 1,
      steps: { link: { status: 'done', evidence: { source: 'manual', at: '2027-01-05T10:00:00.000Z', detail: 'Linked.' } }, 'access.groupScope': { status: 'done' } },
      basicAuthPrior: [{ identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false }],
      mailboxOutcomes: { 'a@contoso.com': 'verified' },
    };
    const stored = readStoredProgress(newer);
    assert.equal(stored.kind, 'newer');
    if (stored.kind !== 'newer') return;
    assert.equal(stored.version, CURRENT_PROGRESS_VERSION + 1);
    assert.equal(stored.state.steps.link?.status, 'done', 'never shown as empty');
    assert.deepEqual(stored.state.basicAuthPrior, newer.basicAuthPrior);
    const reason = readOnlyReason(stored, 'mail.contoso.com') ?? '';
    assert.match(reason, new RegExp(`mail\\.contoso\\.com.*newer version.*version ${CURRENT_PROGRESS_VERSION + 1}; this version reads up to ${CURRENT_PROGRESS_VERSION}`));
    assert.match(reason, /nothing is saved over it/);
  });

  it('keeps state that is not progress read-only, with the reason, and loads nothing stored as empty', () => {
    for (const [raw, reason] of [
      ['x', /a string, not an object/],
      [[1], /a list, not an object/],
      [{ steps: {} }, /version is missing/],
      [{ version: '2', steps: {} }, /version is "2"/],
      [{ version: 0, steps: {} }, /version is 0/],
      [{ version: 1.5, steps: {} }, /version is 1\.5/],
    ] as const) {
      const stored = readStoredProgress(raw);
      assert.equal(stored.kind, 'unreadable', JSON.stringify(raw));
      assert.match(readOnlyReason(stored, 'org') ?? '', reason);
      assert.match(readOnlyReason(stored, 'org') ?? '', /Start Over/);
    }
    for (const nothing of [undefined, null]) {
      const stored = readStoredProgress(nothing);
      assert.equal(stored.kind, 'empty');
      assert.equal(readOnlyReason(stored, 'org'), undefined);
    }
  });

  it('reports a missing or wrong migration instead of skipping it', () => {
    const v1 = { version: 1, steps: {} };
    assert.deepEqual(readStoredProgress(v1, {}), { kind: 'unreadable', reason: 'no migration from version 1 to 2', state: readStoredProgress(undefined).state });
    const stuck = readStoredProgress(v1, { 1: (s) => ({ ...s }) });
    assert.equal(stuck.kind, 'unreadable');
    assert.match(stuck.kind === 'unreadable' ? stuck.reason : '', /did not produce version 2/);
  });
});

describe('ProgressStore', () => {
  const key = ProgressStore.key('mail.contoso.com');

  it('never writes over progress from a newer version until the admin allows it', async () => {
    const newer = { version: CURRENT_PROGRESS_VERSION + 1, steps: { link: { status: 'done' } } };
    const state = memento({ [key]: newer });
    const store = new ProgressStore(state as never);
    const loaded = store.load('mail.contoso.com');
    assert.match(loaded.readOnlyReason ?? '', /newer version/);
    assert.equal(loaded.state.steps.link?.status, 'done');
    const empty = { version: CURRENT_PROGRESS_VERSION, steps: {} } as const;
    assert.equal(await store.save('mail.contoso.com', empty), false);
    assert.deepEqual(state.values.get(key), newer, 'left untouched');
    assert.equal(await store.save('mail.fabrikam.com', empty), true, 'another organisation is saved as usual');
    store.allowOverwrite('mail.contoso.com');
    assert.equal(store.readOnlyReason('mail.contoso.com'), undefined);
    assert.equal(await store.save('mail.contoso.com', empty), true);
    assert.deepEqual(state.values.get(key), empty);
  });

  it('loads version-1 progress carried forward and saves it as the current version', async () => {
    const v1 = fixtures().find((f) => f.name === 'v1-full.json')!;
    const state = memento({ [key]: v1.raw });
    const store = new ProgressStore(state as never);
    const loaded = store.load('mail.contoso.com');
    assert.equal(loaded.migratedFrom, 1);
    assert.equal(loaded.readOnlyReason, undefined);
    assert.deepEqual(state.values.get(key), v1.raw, 'loading alone writes nothing');
    const model = new SetupModel(loaded.state, 'impersonation');
    assert.equal(await store.save('mail.contoso.com', model.snapshot()), true);
    const saved = state.values.get(key) as { version: number; basicAuthPrior: unknown };
    assert.equal(saved.version, CURRENT_PROGRESS_VERSION);
    assert.deepEqual(saved.basicAuthPrior, v1.raw.basicAuthPrior);
  });
});
