import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_STATE, SetupModel } from '../../src/core/model';
import { WALKTHROUGH_ID, WALKTHROUGH_STEPS, completionEvent, walkthroughCommand, walkthroughProgress } from '../../src/core/walkthrough';

const ROOT = join(__dirname, '..', '..', '..');

interface Manifest {
  publisher: string;
  name: string;
  activationEvents: string[];
  contributes: { walkthroughs: { id: string; steps: { id: string; title: string; completionEvents: string[] }[] }[] };
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

describe('walkthrough progress', () => {
  it('package.json declares the table\'s steps, in order, each completed by one expression over its keys', () => {
    const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === WALKTHROUGH_ID);
    assert.ok(walkthrough, `contributes.walkthroughs has ${WALKTHROUGH_ID}`);
    assert.deepEqual(walkthrough.steps.map((s) => s.id), WALKTHROUGH_STEPS.map((s) => s.id));
    for (const step of WALKTHROUGH_STEPS) {
      assert.deepEqual(walkthrough.steps.find((s) => s.id === step.id)?.completionEvents, [completionEvent(step)], step.id);
    }
  });

  it('listens only to keys the extension publishes, and is activated on startup so they are set every session', () => {
    const published = new Set(['exchangeSetup.configured', ...Object.keys(new SetupModel(EMPTY_STATE, 'impersonation').contextKeys())]);
    for (const step of WALKTHROUGH_STEPS) for (const key of step.keys) assert.ok(published.has(key), `${step.id}: ${key} is published`);
    assert.ok(manifest.activationEvents.includes('onStartupFinished'));
  });

  it('derives each step from the checklist\'s keys: configured completes "Describe your organisation"; link and test complete the last', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation');
    const none = walkthroughProgress({ 'exchangeSetup.configured': false, ...model.contextKeys() });
    assert.deepEqual(Object.values(none), [false, false, false, false, false, false]);
    assert.equal(walkthroughProgress({ 'exchangeSetup.configured': true }).configure, true);
    model.setConfirmed('link', true);
    assert.equal(walkthroughProgress(model.contextKeys()).link, false, 'linked but not yet tested');
    model.setConfirmed('test', true);
    assert.equal(walkthroughProgress(model.contextKeys()).link, true);
    model.reset('link');
    assert.equal(walkthroughProgress(model.contextKeys()).link, false, 'a reset step is not done in the walkthrough either');
  });

  it('marks a step through the workbench command with the step\'s full id', () => {
    const id = `${manifest.publisher}.${manifest.name}`;
    assert.deepEqual(walkthroughCommand(id, 'configure', true), { command: 'welcome.markStepComplete', stepId: `${id}#${WALKTHROUGH_ID}#configure` });
    assert.deepEqual(walkthroughCommand(id, 'access', false), { command: 'welcome.markStepIncomplete', stepId: `${id}#${WALKTHROUGH_ID}#access` });
  });
});
