import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { EMPTY_STATE, SetupModel } from '../../src/core/model';
import { readSettingsObject } from '../../src/core/validate';
import { createFakeVscode, withFakeVscode } from '../support/fakeVscode';

type ChecklistModule = typeof import('../../src/host/checklistView');

/** The checklist view module loaded against a fake whose tree view is shown from the start. */
function loadShownChecklist(): { module: ChecklistModule } {
  const fake = createFakeVscode();
  const window = fake.module.window as Record<string, unknown>;
  const createTreeView = window.createTreeView as () => Record<string, unknown>;
  window.createTreeView = () => ({ ...createTreeView(), visible: true });
  const host = join(__dirname, '..', '..', 'src', 'host');
  for (const file of Object.keys(require.cache)) if (file.startsWith(host)) delete require.cache[file];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = withFakeVscode(fake, () => require('../../src/host/checklistView') as ChecklistModule);
  return { module };
}

const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;

describe('the checklist shows setting problems', () => {
  // Real problems, from the validation the commands use, not made-up messages.
  const twoProblems = readSettingsObject({
    ewsUrl: 'http://mail.contoso.com/EWS/Exchange.asmx',
    serviceAccount: { upn: 'alexaforbusiness@contoso.com' },
    testMailbox: 'not an address',
  }, 'VS Code settings').issues;

  it('above the tree while it is shown, each problem in its own words, once configured', () => {
    assert.equal(twoProblems.length, 2, 'the validation finds both problems');
    const { module } = loadShownChecklist();
    const model = new SetupModel(EMPTY_STATE, 'impersonation');
    const { view } = module.registerChecklistView(model, { configured: () => true, problems: () => twoProblems, onDidRefresh: () => ({ dispose: () => undefined }) }, log);
    const message = view.message ?? '';
    assert.match(message, /^2 settings need fixing/);
    for (const issue of twoProblems) assert.ok(message.includes(issue.message), `the message names: ${issue.message}`);
  });

  it('says nothing when there is no problem, and nothing before Configure (the welcome view must show)', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation');
    const clean = loadShownChecklist().module.registerChecklistView(model, { configured: () => true, problems: () => [], onDidRefresh: () => ({ dispose: () => undefined }) }, log);
    assert.equal(clean.view.message, undefined);
    const unconfigured = loadShownChecklist().module.registerChecklistView(model, { configured: () => false, problems: () => twoProblems, onDidRefresh: () => ({ dispose: () => undefined }) }, log);
    assert.equal(unconfigured.view.message, undefined);
  });

  it('follows a change of the settings while shown: a fixed setting clears the message', () => {
    const { module } = loadShownChecklist();
    const model = new SetupModel(EMPTY_STATE, 'impersonation');
    let problems: readonly { message: string }[] = twoProblems.slice(0, 1);
    const listeners: (() => void)[] = [];
    const { view } = module.registerChecklistView(model, {
      configured: () => true,
      problems: () => problems,
      onDidRefresh: (listener) => {
        listeners.push(listener);
        return { dispose: () => undefined };
      },
    }, log);
    assert.match(view.message ?? '', /^A setting needs fixing/);
    problems = [];
    for (const listener of listeners) listener();
    assert.equal(view.message, undefined);
  });
});
