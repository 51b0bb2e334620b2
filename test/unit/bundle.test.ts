// The activation bundle's size budget and the test hooks' absence from a packaged build. Builds
// the extension and features bundles, production and development, into temp folders (never the
// repository's dist/, which other runs may be using) and loads them with a fake `vscode`.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ExtensionApi, TestHooks } from '../../src/host/api';
import { createFakeVscode, fakeContext, withFakeVscode } from '../support/fakeVscode';

const root = path.resolve(__dirname, '..', '..', '..');
const packageJSON = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };

/** Issue 12's budget for the production dist/extension.js (the README's bench table reports it too). */
const EXTENSION_BUNDLE_BUDGET_BYTES = 60_000;
/** Every hook of TestHooks; the type check fails here when one is added and not listed. */
const HOOKS = { session: 0, terminal: 0, checklist: 0, checklistMessage: 0, checklistShown: 0, probePanel: 0, verifyStepWithCommand: 0 } satisfies Record<keyof TestHooks, 0>;
const HOOK_NAMES = Object.keys(HOOKS);
/** Hook names distinctive enough to search for in minified code. */
const GREPPABLE_HOOK_NAMES = ['verifyStepWithCommand', 'checklistMessage'];
const MODE = { Production: 1, Development: 2, Test: 3 };

function build(dir: string, production: boolean): void {
  execFileSync(process.execPath, [
    path.join(root, 'scripts', 'build.mjs'), '--dist', dir, '--bundles', 'extension,features,settings-checks', ...(production ? ['--production'] : []),
  ], { cwd: root, stdio: 'pipe' });
}

interface Activated {
  api: ExtensionApi | undefined;
  fake: ReturnType<typeof createFakeVscode>;
  context: ReturnType<typeof fakeContext>;
  /** How long the call to activate() took, timed by the caller. */
  callMs: number;
}

function activateBundle(dir: string, mode: number, fake = createFakeVscode()): Activated {
  const context = fakeContext(mode, packageJSON);
  const file = path.join(dir, 'extension.js');
  // A fresh copy per activation: a cached one would still hold the previous fake.
  delete require.cache[file];
  let callMs = 0;
  const api = withFakeVscode(fake, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const extension = require(file) as { activate(context: unknown): ExtensionApi | undefined };
    const before = performance.now();
    const result = extension.activate(context);
    callMs = performance.now() - before;
    return result;
  });
  assert.ok(api, `activate() returned an API; the extension logged:\n${fake.logLines.join('\n')}`);
  return { api, fake, context, callMs };
}

describe('the activation bundle', function () {
  this.timeout(120_000);
  let production: string;
  let development: string;

  before(() => {
    production = mkdtempSync(path.join(tmpdir(), 'ecs-bundle-prod-'));
    development = mkdtempSync(path.join(tmpdir(), 'ecs-bundle-dev-'));
    build(production, true);
    build(development, false);
  });

  after(() => {
    for (const dir of [production, development]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`production dist/extension.js is at most ${EXTENSION_BUNDLE_BUDGET_BYTES} bytes`, () => {
    const bytes = statSync(path.join(production, 'extension.js')).size;
    assert.ok(bytes <= EXTENSION_BUNDLE_BUDGET_BYTES, `dist/extension.js is ${bytes} bytes, over the ${EXTENSION_BUNDLE_BUDGET_BYTES}-byte budget: move what activation does not need behind src/host/lazyFeatures.ts (into dist/features.js)`);
  });

  it('the production bundles hold no test hook; the development bundles do', () => {
    for (const name of ['extension.js', 'features.js']) {
      const text = readFileSync(path.join(production, name), 'utf8');
      for (const hook of GREPPABLE_HOOK_NAMES) assert.ok(!text.includes(hook), `production ${name} mentions ${hook}`);
      assert.ok(!text.includes('__ECS_TEST_HOOKS__'), `production ${name} left the build flag unreplaced`);
    }
    // The same search finds them where they are meant to be, so it can fail.
    const dev = readFileSync(path.join(development, 'extension.js'), 'utf8');
    for (const hook of GREPPABLE_HOOK_NAMES) assert.ok(dev.includes(hook), `development extension.js mentions ${hook}`);
  });

  it('activate() of the production build returns only the figures, even in ExtensionMode.Test', () => {
    const { api } = activateBundle(production, MODE.Test);
    assert.deepEqual(Object.keys(api ?? {}).sort(), ['activationCpuMs', 'activationMs', 'activationPhases', 'bundleLoadMs']);
    assert.ok(Object.isFrozen(api), 'the API object is frozen');
    assert.equal(typeof api?.activationMs, 'number');
    assert.equal(typeof api?.bundleLoadMs, 'number', 'the bundle measured its own evaluation');
  });

  it('activate() of the development build adds the hooks in ExtensionMode.Test only', () => {
    for (const mode of [MODE.Production, MODE.Development]) {
      const { api } = activateBundle(development, mode);
      assert.deepEqual(Object.keys(api ?? {}).sort(), ['activationCpuMs', 'activationMs', 'activationPhases', 'bundleLoadMs'], `mode ${mode}`);
    }
    const { api } = activateBundle(development, MODE.Test);
    assert.deepEqual(Object.keys(api ?? {}).sort(), ['activationCpuMs', 'activationMs', 'activationPhases', 'bundleLoadMs', ...HOOK_NAMES].sort());
  });

  it("activate()'s figure counts the whole call, from the log channel to the last registration", () => {
    // VS Code's own activation time (activateCallTime) is the whole call. Made slow here: the first
    // thing activate() does (the log channel) and one of the last (the panel's serializer). A clock
    // that started after the first, or stopped before the last, would miss one of the two waits.
    const fake = createFakeVscode();
    const busy = (ms: number): void => {
      const until = performance.now() + ms;
      while (performance.now() < until) { /* wait */ }
    };
    const window = fake.module.window as Record<string, (...args: unknown[]) => unknown>;
    for (const name of ['createOutputChannel', 'registerWebviewPanelSerializer']) {
      const original = window[name];
      window[name] = (...args: unknown[]) => { busy(15); return original(...args); };
    }
    const { api, callMs } = activateBundle(production, MODE.Production, fake);
    assert.ok(api);
    assert.ok(api.activationMs >= 30, `activationMs ${api.activationMs.toFixed(1)} ms left out a 15 ms wait at the start or at the end of activate()`);
    assert.ok(api.activationMs <= callMs, `activationMs ${api.activationMs.toFixed(1)} ms is more than the whole call took (${callMs.toFixed(1)} ms)`);
  });

  it('a start sends no context key, and no walkthrough mark in a new profile with nothing done', () => {
    // The keys wait until the checklist is shown or the state changes (src/host/session.ts); the
    // fake's settings are all defaults (not configured), so no walkthrough step is done either.
    const { fake } = activateBundle(production, MODE.Production);
    assert.deepEqual(fake.executed, []);
  });

  it('activation registers a stand-in for every contributed command and loads neither dist/features.js nor dist/settings-checks.js', () => {
    const { fake } = activateBundle(production, MODE.Production);
    const contributed = packageJSON.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual([...fake.commands.keys()].sort(), contributed);
    const loaded = Object.keys(require.cache).filter((file) => file.startsWith(production));
    assert.deepEqual(loaded.map((file) => path.basename(file)), ['extension.js']);
  });

  it('a checklist shown at start loads dist/settings-checks.js and names the setting with a problem, in the display language', () => {
    // Configured, with an http: EWS URL (a problem the validation reports), and the view already
    // visible when the extension activates (a window restored with the checklist open). The bundle
    // has its own copy of core/l10n: the problem's words must still come from the display language.
    const { fake, views } = configuredWithChecklistShown();
    (fake.module.l10n as { bundle: unknown }).bundle = { 'is not an https URL (it uses {0}); EWS credentials must only travel over TLS': 'ist keine https-Adresse ({0})' };
    activateBundle(production, MODE.Production, fake);
    const loaded = Object.keys(require.cache).filter((file) => file.startsWith(production)).map((file) => path.basename(file));
    assert.deepEqual(loaded.sort(), ['extension.js', 'settings-checks.js']);
    assert.equal(views.length, 1);
    assert.match(String(views[0].message), /ewsUrl/, `the checklist's message names the EWS URL setting: ${String(views[0].message)}`);
    assert.match(String(views[0].message), /ist keine https-Adresse \(http\)/, `the problem in the display language: ${String(views[0].message)}`);
  });

  it('without dist/settings-checks.js the extension still starts, the checklist says what to do, and a change of settings still applies', () => {
    // A damaged installation: the settings' checks are missing. Until 2026-12-08 the checklist, shown at
    // start, threw from its constructor and activation failed as a whole.
    const damaged = mkdtempSync(path.join(tmpdir(), 'ecs-bundle-damaged-'));
    try {
      for (const name of ['extension.js', 'features.js']) cpSync(path.join(production, name), path.join(damaged, name));
      const { fake, views, settings } = configuredWithChecklistShown();
      const { context } = activateBundle(damaged, MODE.Production, fake);
      assert.equal(views.length, 1);
      const message = String(views[0].message);
      assert.match(message, /dist\/settings-checks\.js is missing/, `the checklist names the missing file: ${message}`);
      assert.match(message, /reinstall Exchange Calendar Setup/, `and says what to do: ${message}`);
      assert.doesNotMatch(message, /settingsChecks\.js|Require stack/, `names the bundle, not the unbundled module, in one line: ${message}`);
      const failures = () => fake.logLines.filter((line) => line.includes('could not check the settings')).length;
      assert.equal(failures(), 1, `the failure is logged once:\n${fake.logLines.join('\n')}`);
      // Shown again: the same failure is not logged twice.
      fake.fireVisibility(views[0], true);
      assert.equal(failures(), 1, `logged once while it repeats:\n${fake.logLines.join('\n')}`);
      // A change of organisation still loads that organisation's progress, although the change cannot be checked.
      settings.ewsUrl = 'https://mail.fabrikam.test/EWS/Exchange.asmx';
      fake.fireConfigurationChange('exchangeSetup');
      assert.ok(fake.logLines.some((line) => line.includes('organisation changed from') && line.includes('mail.fabrikam.test')), `the change applied:\n${fake.logLines.join('\n')}`);
      assert.ok(fake.logLines.some((line) => line.includes('The changed settings could not be checked')), `and its check's failure is logged:\n${fake.logLines.join('\n')}`);
      assert.ok(context.subscriptions.length > 0);
      // A file that is there but fails as it loads is named too, with its error, and logged with its stack.
      writeFileSync(path.join(damaged, 'settings-checks.js'), 'throw new Error("damaged on disk");');
      withFakeVscode(fake, () => fake.fireVisibility(views[0], true));
      assert.match(String(views[0].message), /dist\/settings-checks\.js did not load \(damaged on disk\): reinstall Exchange Calendar Setup/, String(views[0].message));
      assert.ok(fake.logLines.some((line) => line.startsWith('error The checklist could not check the settings') && line.includes('damaged on disk') && !line.includes('UserFacingError')), `the log has the bundle's own error:\n${fake.logLines.join('\n')}`);
      assert.equal(failures(), 2, `the new failure is logged:\n${fake.logLines.join('\n')}`);
    } finally {
      for (const file of Object.keys(require.cache)) if (file.startsWith(damaged)) delete require.cache[file];
      rmSync(damaged, { recursive: true, force: true });
    }
  });

  it('without dist/features.js a command says which file is missing and what to do, and the next try loads it once it is back', async () => {
    const damaged = mkdtempSync(path.join(tmpdir(), 'ecs-bundle-damaged-'));
    try {
      cpSync(path.join(production, 'extension.js'), path.join(damaged, 'extension.js'));
      const { fake } = activateBundle(damaged, MODE.Production);
      const run = () => fake.commands.get('exchangeSetup.refresh')?.();
      assert.equal(await withFakeVscode(fake, run), undefined);
      const shown = fake.logLines.filter((line) => line.startsWith('shown error'));
      assert.equal(shown.length, 1, `one error shown:\n${fake.logLines.join('\n')}`);
      assert.match(shown[0], /dist\/features\.js is missing/);
      assert.match(shown[0], /reinstall Exchange Calendar Setup/);
      assert.doesNotMatch(shown[0], /Require stack|failed unexpectedly/, `one line, written for the admin: ${shown[0]}`);
      // The stand-ins stay: with the file back, the same command loads the features and runs.
      cpSync(path.join(production, 'features.js'), path.join(damaged, 'features.js'));
      // The stand-in loads the bundle before its first await, so inside the fake's require hook.
      await withFakeVscode(fake, run);
      // (The fake has too little of the API for the features to start; the load itself is what is held here.)
      assert.ok(Object.keys(require.cache).includes(path.join(damaged, 'features.js')), `loaded on the next try:\n${fake.logLines.join('\n')}`);
      assert.equal(fake.logLines.filter((line) => line.startsWith('shown error') && line.includes('is missing')).length, 1, `the missing file is not reported again:\n${fake.logLines.join('\n')}`);
    } finally {
      for (const file of Object.keys(require.cache)) if (file.startsWith(damaged)) delete require.cache[file];
      rmSync(damaged, { recursive: true, force: true });
    }
  });
});

/** A fake VS Code whose settings are configured (with an http: EWS URL) and whose checklist is visible when created. */
function configuredWithChecklistShown(): { fake: ReturnType<typeof createFakeVscode>; views: Record<string, unknown>[]; settings: Record<string, unknown> } {
  const fake = createFakeVscode();
  const settings: Record<string, unknown> = { ewsUrl: 'http://mail.contoso.test/EWS/Exchange.asmx', serviceAccount: { upn: 'svc-calendar@contoso.test' } };
  const workspace = fake.module.workspace as Record<string, unknown>;
  workspace.getConfiguration = () => ({ ...settings, get: (key: string, fallback?: unknown) => settings[key] ?? fallback, inspect: (key: string) => ({ key }) });
  const window = fake.module.window as Record<string, unknown>;
  const views: Record<string, unknown>[] = [];
  const createTreeView = window.createTreeView as () => Record<string, unknown>;
  window.createTreeView = () => {
    const view = Object.assign(createTreeView(), { visible: true });
    views.push(view);
    return view;
  };
  return { fake, views, settings };
}
