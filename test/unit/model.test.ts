import * as assert from 'node:assert/strict';
import { aggregate, parsePersistedState, SetupModel, EMPTY_STATE } from '../../src/core/model';
import { STEPS, isLeaf } from '../../src/core/steps';

const fixedNow = () => new Date('2026-11-29T10:00:00.000Z');

describe('SetupModel', () => {
  it('starts with every applicable leaf not started and the other method not applicable', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    assert.equal(model.statusOf('access.impersonation'), 'notStarted');
    assert.equal(model.statusOf('access.delegate'), 'notApplicable');
    const applicableLeaves = STEPS.filter((s) => isLeaf(s.id) && !s.optional && s.id !== 'access.delegate').length;
    assert.equal(model.remaining(), applicableLeaves);
  });

  it('switches which access step is applicable when the method changes', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    let changes = 0;
    model.onDidChange(() => changes++);
    model.setAccessMethod('delegate');
    assert.equal(model.statusOf('access.impersonation'), 'notApplicable');
    assert.equal(model.statusOf('access.delegate'), 'notStarted');
    model.setAccessMethod('delegate');
    assert.equal(changes, 1, 'setting the same method again is not a change');
  });

  it('records evidence with its source and time, and keeps the detail on one line', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    model.record('serviceAccount.create', 'done', 'terminal', 'Mailbox found:\n alexaforbusiness');
    assert.equal(model.statusOf('serviceAccount.create'), 'done');
    assert.deepEqual(model.evidenceOf('serviceAccount.create'), {
      source: 'terminal', at: '2026-11-29T10:00:00.000Z', detail: 'Mailbox found: alexaforbusiness',
    });
  });

  it('refuses to record onto a step that only aggregates its sub-steps', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    assert.throws(() => model.record('prerequisites', 'done', 'manual', 'x'), /sub-steps/);
  });

  it('derives a parent from its children: failed wins, then all done, then unknown', () => {
    assert.equal(aggregate(['done', 'failed', 'notStarted']), 'failed');
    assert.equal(aggregate(['done', 'done', 'notApplicable']), 'done');
    assert.equal(aggregate(['done', 'unknown']), 'unknown');
    assert.equal(aggregate(['done', 'warning', 'unknown']), 'warning');
    assert.equal(aggregate(['warning', 'failed']), 'failed');
    assert.equal(aggregate(['done', 'notStarted']), 'notStarted');
    assert.equal(aggregate(['notApplicable']), 'notApplicable');
  });

  it('lets a person confirm and unconfirm a manual step', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    model.setConfirmed('link', true);
    assert.equal(model.statusOf('link'), 'done');
    assert.equal(model.evidenceOf('link')?.source, 'manual');
    model.setConfirmed('link', false);
    assert.equal(model.statusOf('link'), 'notStarted');
  });

  it('reads one Basic-auth reading into three steps', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    model.recordBasicAuthReading([{ server: 'EXCH01', basicAuthentication: true }, { server: 'EXCH02', basicAuthentication: false }], 'terminal');
    assert.equal(model.statusOf('basicAuth.verify'), 'done');
    assert.equal(model.statusOf('prerequisites.basicAuth'), 'failed');
    assert.equal(model.statusOf('basicAuth.enable'), 'notStarted');
    assert.match(model.evidenceOf('prerequisites.basicAuth')?.detail ?? '', /off .* EXCH02/);
    model.recordBasicAuthReading([{ server: 'EXCH01', basicAuthentication: true }, { server: 'EXCH02', basicAuthentication: true }], 'terminal');
    assert.equal(model.statusOf('prerequisites.basicAuth'), 'done');
    assert.equal(model.statusOf('basicAuth.enable'), 'done');
    model.recordBasicAuthReading([{ server: 'EXCH01', basicAuthentication: false }], 'probe');
    assert.equal(model.statusOf('basicAuth.enable'), 'notStarted', 'a later reading that finds it off again reopens the step');
  });

  it('keeps the first recorded Basic-auth value so rollback restores the original', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    model.recordBasicAuthPrior([{ identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false }]);
    model.recordBasicAuthPrior([{ identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: true }]);
    assert.deepEqual(model.getBasicAuthPrior(), [{ identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false }]);
  });

  it('counts the steps left for the badge and reaches zero when all are done', () => {
    const model = new SetupModel(EMPTY_STATE, 'delegate', fixedNow);
    for (const s of STEPS) {
      if (isLeaf(s.id) && model.isApplicable(s.id)) model.record(s.id, 'done', 'manual', 'ok');
    }
    assert.equal(model.remaining(), 0);
    assert.equal(model.statusOf('prerequisites'), 'done');
    assert.equal(model.contextKeys()['exchangeSetup.done.all'], true);
    model.reset('prerequisites');
    assert.equal(model.remaining(), 4);
  });

  it('round-trips through its snapshot and survives corrupt stored state', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    model.record('basicAuth.verify', 'failed', 'probe', 'Basic not offered');
    model.recordBasicAuthPrior([{ identity: 'X\\EWS (Default Web Site)', basicAuthentication: false }]);
    const restored = new SetupModel(parsePersistedState(JSON.parse(JSON.stringify(model.snapshot()))), 'impersonation', fixedNow);
    assert.equal(restored.statusOf('basicAuth.verify'), 'failed');
    assert.deepEqual(restored.getBasicAuthPrior(), model.getBasicAuthPrior());
    for (const junk of [null, 42, 'x', { version: 3, steps: {} }, { version: 2, steps: { nope: { status: 'done' }, link: { status: 'weird' } } },
      { version: 2, steps: { link: { status: 'done', evidence: { source: 'hacker', at: 'x', detail: 1 } } } }]) {
      const state = parsePersistedState(junk);
      const m = new SetupModel(state, 'impersonation', fixedNow);
      assert.notEqual(m.statusOf('link'), 'failed');
      assert.equal(m.evidenceOf('link'), undefined);
    }
  });

  it('describes parents by how many sub-steps are done', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    model.record('prerequisites.exchangeVersion', 'done', 'terminal', '15.1');
    const prereq = model.view().find((v) => v.id === 'prerequisites');
    assert.equal(prereq?.description, 'not started · 1 of 4 done');
    const access = model.view().find((v) => v.id === 'access');
    assert.equal(access?.children.find((c) => c.id === 'access.delegate')?.description, 'not applicable: access method is impersonation');
  });
});
