import * as assert from 'node:assert/strict';
import { SetupModel, EMPTY_STATE } from '../../src/core/model';
import { checklistLabel, preLinkValidation, probeEvidence, recordProbeEvidence, stepVerdictLine, type Finding } from '../../src/core/probeEvidence';

const f = (id: string, status: Finding['status'], message = `${id} ${status}`): Finding => ({ id, status, message });

const healthy: Finding[] = [
  f('net.dns', 'pass'), f('net.tcp', 'pass'), f('tls.handshake', 'pass'), f('tls.name', 'pass'), f('tls.trust', 'pass'),
  f('tls.expiry', 'pass', 'valid until 2027-06-01'), f('auth.schemes', 'pass', 'Basic authentication is offered'), f('auth.login', 'pass'),
  f('server.version', 'pass'), f('access.impersonation', 'pass'), f('calendar.read', 'pass', '3 event(s)'), f('calendar.write', 'skip'),
];

function statuses(checks: Finding[], method: 'impersonation' | 'delegate' = 'impersonation'): Record<string, string> {
  return Object.fromEntries(probeEvidence(checks, method).map((e) => [e.step, e.status]));
}

describe('probe results -> checklist evidence', () => {
  it('a check that warned makes its step a warning, never done and never failed, in every mapping', () => {
    const warnOn = (id: string): Finding[] => healthy.map((c) => (c.id === id ? f(id, 'warn', `${id} warned`) : c));
    const cases: [string, string][] = [
      ['server.version', 'prerequisites.exchangeVersion'], ['tls.trust', 'prerequisites.certificate'], ['tls.expiry', 'prerequisites.certificate'],
      ['auth.schemes', 'prerequisites.basicAuth'], ['auth.login', 'serviceAccount.create'], ['access.impersonation', 'access.impersonation'],
      ['calendar.read', 'access.impersonation'],
    ];
    for (const [check, step] of cases) {
      const evidence = probeEvidence(warnOn(check), 'impersonation').find((e) => e.step === step);
      assert.deepEqual([evidence?.status, evidence?.detail], ['warning', `${check} warned`], `${check} -> ${step}`);
    }
    // A failure outranks a warning on the same step.
    const both = healthy.map((c) => (c.id === 'tls.trust' ? f('tls.trust', 'warn', 'extra CA') : c.id === 'tls.name' ? f('tls.name', 'fail', 'wrong name') : c));
    assert.deepEqual(probeEvidence(both, 'impersonation').find((e) => e.step === 'prerequisites.certificate')?.status, 'failed');
  });

  it('words a step\'s verdict one way for the checklist and the panel', () => {
    assert.equal(
      stepVerdictLine('Publicly trusted certificate on EWS', 'warning', 'Trusted only through the extra CA file'),
      'Publicly trusted certificate on EWS: warning \u2014 Trusted only through the extra CA file',
    );
    assert.equal(stepVerdictLine('Exchange admin rights', 'done', ''), 'Exchange admin rights: done');
    const model = new SetupModel(EMPTY_STATE, 'impersonation', () => new Date('2026-12-07T10:00:00Z'));
    const checks = healthy.map((c) => (c.id === 'tls.trust' ? f('tls.trust', 'warn', 'Trusted only through the extra CA file') : c));
    const recorded = recordProbeEvidence(model, checks, 'impersonation').find((e) => e.step === 'prerequisites.certificate')!;
    const row = model.view().flatMap((v) => [v, ...v.children]).find((v) => v.id === 'prerequisites.certificate')!;
    assert.equal(row.status, 'warning');
    assert.equal(row.description, 'warning \u00b7 from a probe');
    // The row's accessible label starts with the very line the panel's summary shows.
    const panelLine = stepVerdictLine(row.definition.title, recorded.status, recorded.detail);
    assert.equal(checklistLabel(row, row.definition.title), `${panelLine} (from a probe)`);
    // A step without a warning or failure keeps its plain "Title: status · source" label.
    const login = model.view().find((v) => v.id === 'serviceAccount.create')!;
    assert.equal(checklistLabel(login, 'Create the service account mailbox'), 'Create the service account mailbox: done \u00b7 from a probe');
    // The parent says warning too, not failed: the same story one level up.
    assert.equal(model.statusOf('prerequisites'), 'warning');
  });

  it('a healthy run proves the prerequisites, the verification, the account and the access method', () => {
    assert.deepEqual(statuses(healthy), {
      'prerequisites.exchangeVersion': 'done',
      'prerequisites.certificate': 'done',
      'prerequisites.basicAuth': 'done',
      'basicAuth.verify': 'done',
      'serviceAccount.create': 'done',
      'access.impersonation': 'done',
    });
  });

  it('a test room mailbox that can no longer be reached or read fails the access step, though the user mailbox passes', () => {
    const withRoom = (access: Finding['status'], read: Finding['status']): Finding[] => [...healthy, f('room.access', access, `room access ${access}`), f('room.read', read, `room read ${read}`)];
    const done = probeEvidence(withRoom('pass', 'pass'), 'impersonation').find((e) => e.step === 'access.impersonation');
    assert.equal(done?.status, 'done');
    assert.match(done?.detail ?? '', /3 event\(s\); room read pass/);
    const denied = probeEvidence(withRoom('fail', 'skip'), 'impersonation').find((e) => e.step === 'access.impersonation');
    assert.deepEqual([denied?.status, denied?.detail], ['failed', 'room access fail']);
    assert.equal(statuses(withRoom('pass', 'fail'))['access.impersonation'], 'failed');
    // A user mailbox that fails is reported first, whatever the room says.
    const userDenied = [...healthy.map((c) => (c.id === 'access.impersonation' ? f('access.impersonation', 'fail', 'user denied') : c)), f('room.access', 'pass')];
    assert.equal(probeEvidence(userDenied, 'impersonation').find((e) => e.step === 'access.impersonation')?.detail, 'user denied');
  });

  it('never marks "Test the integration" or "Link": only a person can confirm those', () => {
    const steps = probeEvidence([...healthy.slice(0, -1), f('calendar.write', 'pass')], 'impersonation').map((e) => e.step);
    assert.ok(!steps.includes('test'));
    assert.ok(!steps.includes('link'));
  });

  it('Basic not offered fails the prerequisite and leaves enabling to do', () => {
    const checks = healthy.map((c) => (c.id === 'auth.schemes' ? f('auth.schemes', 'fail', 'Basic authentication is not offered') : c));
    const s = statuses(checks);
    assert.equal(s['prerequisites.basicAuth'], 'failed');
    assert.equal(s['basicAuth.verify'], 'done');
    assert.equal(s['basicAuth.enable'], 'notStarted');
  });

  it('a chain trusted only through the extra CA file is a warning on the certificate prerequisite, with the probe\'s reason', () => {
    const checks = healthy.map((c) => (c.id === 'tls.trust' ? f('tls.trust', 'warn', 'Trusted only through the extra CA file') : c));
    const certificate = probeEvidence(checks, 'impersonation').find((e) => e.step === 'prerequisites.certificate');
    assert.deepEqual(certificate, { step: 'prerequisites.certificate', status: 'warning', detail: 'Trusted only through the extra CA file' });
  });

  it('an expiry warning is a warning with the date; an expired certificate fails', () => {
    const soon = healthy.map((c) => (c.id === 'tls.expiry' ? f('tls.expiry', 'warn', 'expires in 10 days') : c));
    assert.deepEqual(probeEvidence(soon, 'impersonation').find((e) => e.step === 'prerequisites.certificate')?.detail, 'expires in 10 days');
    assert.equal(statuses(soon)['prerequisites.certificate'], 'warning');
    const expired = healthy.map((c) => (c.id === 'tls.expiry' ? f('tls.expiry', 'fail', 'expired') : c));
    assert.equal(statuses(expired)['prerequisites.certificate'], 'failed');
  });

  it('impersonation denied fails the access step, and skipped checks record nothing', () => {
    const checks = healthy.map((c) => (c.id === 'access.impersonation' ? f('access.impersonation', 'fail', 'ErrorImpersonateUserDenied') : c.id.startsWith('calendar.') ? f(c.id, 'skip') : c));
    const s = statuses(checks);
    assert.equal(s['access.impersonation'], 'failed');
    assert.equal(s['serviceAccount.create'], 'done');
    const onlyDns = statuses([f('net.dns', 'fail'), f('net.tcp', 'skip'), f('tls.handshake', 'skip'), f('auth.login', 'skip')]);
    assert.deepEqual(onlyDns, {});
  });

  it('uses the delegate step for method 2, and a failed read after a passed access check fails it', () => {
    const checks = [f('access.delegate', 'pass'), f('calendar.read', 'fail', 'ErrorFolderNotFound')];
    assert.deepEqual(probeEvidence(checks, 'delegate'), [{ step: 'access.delegate', status: 'failed', detail: 'ErrorFolderNotFound' }]);
  });

  it('an out-of-support but working Exchange is a warning for "2013 or newer"; 2010 fails it', () => {
    assert.equal(statuses([f('server.version', 'warn', 'Exchange 2016 works but its support ended')])['prerequisites.exchangeVersion'], 'warning');
    assert.equal(statuses([f('server.version', 'fail', 'Exchange 2010')])['prerequisites.exchangeVersion'], 'failed');
  });

  it('records on the model with source "probe" and the time, and the walkthrough keys follow', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', () => new Date('2026-11-29T12:00:00.000Z'));
    recordProbeEvidence(model, healthy, 'impersonation');
    const evidence = model.evidenceOf('access.impersonation');
    assert.equal(evidence?.source, 'probe');
    assert.equal(evidence?.at, '2026-11-29T12:00:00.000Z');
    assert.match(evidence?.detail ?? '', /3 event\(s\)/);
    assert.equal(model.contextKeys()['exchangeSetup.done.serviceAccount'], true);
    assert.equal(model.contextKeys()['exchangeSetup.done.access'], true);
  });
});

describe('pre-link validation', () => {
  it('passes when the account logs on and reads the calendar with the chosen method', () => {
    assert.deepEqual(preLinkValidation(healthy, 'impersonation'), { ok: true });
  });

  it('names the first check that would make the service refuse the account', () => {
    const denied = healthy.map((c) => (c.id === 'access.impersonation' ? f('access.impersonation', 'fail', 'ErrorImpersonateUserDenied') : c));
    const verdict = preLinkValidation(denied, 'impersonation');
    assert.equal(verdict.ok, false);
    assert.match(verdict.failureReason ?? '', /access\.impersonation: ErrorImpersonateUserDenied/);
    assert.match(preLinkValidation(healthy, 'delegate').failureReason ?? '', /access\.delegate did not run/);
  });
});
