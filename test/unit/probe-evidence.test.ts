import * as assert from 'node:assert/strict';
import { SetupModel, EMPTY_STATE } from '../../src/core/model';
import { preLinkValidation, probeEvidence, recordProbeEvidence, type Finding } from '../../src/core/probeEvidence';

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

  it('a chain trusted only through the extra CA file fails the certificate prerequisite', () => {
    const checks = healthy.map((c) => (c.id === 'tls.trust' ? f('tls.trust', 'warn', 'Trusted only through the extra CA file') : c));
    assert.equal(statuses(checks)['prerequisites.certificate'], 'failed');
  });

  it('an expiry warning still counts as a valid certificate; an expired one does not', () => {
    const soon = healthy.map((c) => (c.id === 'tls.expiry' ? f('tls.expiry', 'warn', 'expires in 10 days') : c));
    assert.equal(statuses(soon)['prerequisites.certificate'], 'done');
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

  it('an out-of-support but working Exchange is done for "2013 or newer"; 2010 fails it', () => {
    assert.equal(statuses([f('server.version', 'warn', 'Exchange 2016 works but its support ended')])['prerequisites.exchangeVersion'], 'done');
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
