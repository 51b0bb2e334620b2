import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_STATE, SetupModel } from '../../src/core/model';
import { applyVerificationReading, READ_BACK_STEPS, readBackOutcome, readBackReport, readPastedVerification } from '../../src/core/readBack';
import { DEFAULT_SETTINGS, type SetupSettings } from '../../src/core/settings';
import type { StepStatus } from '../../src/core/steps';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'terminal');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const NOW = new Date('2026-11-29T12:00:00Z');
const fixedNow = () => NOW;

const SETTINGS: SetupSettings = {
  ...DEFAULT_SETTINGS,
  exchangeServer: 'EXCH01',
  serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: 'alexaforbusiness@contoso.com' },
};

describe('read-back of verification output', () => {
  it('maps every status to done, not-done or unknown in one place', () => {
    const expected: Record<StepStatus, string> = { done: 'done', failed: 'not-done', warning: 'not-done', notStarted: 'not-done', unknown: 'unknown', notApplicable: 'unknown' };
    for (const [status, outcome] of Object.entries(expected)) assert.equal(readBackOutcome(status as StepStatus), outcome, status);
  });

  it('records pasted Basic-auth output like the terminal does, rollback values included', () => {
    const pasted = readPastedVerification('basicAuth.enable', fixture('ps51-basicauth-enable.txt'), SETTINGS, NOW);
    assert.ok(pasted.ok);
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    applyVerificationReading(model, pasted.step, pasted.reading, 'pasted');
    assert.deepEqual(model.getBasicAuthPrior(), [
      { identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false },
      { identity: 'EXCH02\\EWS (Default Web Site)', basicAuthentication: true },
    ]);
    for (const id of ['basicAuth.verify', 'basicAuth.enable', 'prerequisites.basicAuth'] as const) {
      assert.equal(model.statusOf(id), 'done', id);
      assert.equal(model.evidenceOf(id)?.source, 'pasted', id);
    }
    assert.match(model.view().find((v) => v.id === 'basicAuth.enable')?.description ?? '', /read from pasted output/);
  });

  it('all servers: the checklist keeps the servers not yet right for the tooltip, for Basic auth and the certificate, and drops them once right', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    const basic = readPastedVerification('basicAuth.verify', fixture('ps51-basicauth-verify-all-servers.txt'), SETTINGS, NOW);
    assert.ok(basic.ok);
    applyVerificationReading(model, basic.step, basic.reading, 'pasted');
    assert.equal(model.statusOf('prerequisites.basicAuth'), 'failed');
    assert.equal(model.statusOf('basicAuth.enable'), 'notStarted');
    for (const id of ['basicAuth.verify', 'prerequisites.basicAuth'] as const) {
      assert.deepEqual(model.evidenceOf(id)?.servers, ['EXCH02 (Basic off)', 'EXCH03 (could not be read)'], id);
      assert.equal(model.evidenceOf(id)?.detail, basic.reading.detail, id);
    }
    const certificate = readPastedVerification('prerequisites.certificate', fixture('ps51-certificate-all-servers.txt'), SETTINGS, NOW);
    assert.ok(certificate.ok);
    applyVerificationReading(model, certificate.step, certificate.reading, 'pasted');
    assert.equal(model.statusOf('prerequisites.certificate'), 'failed');
    assert.deepEqual(model.evidenceOf('prerequisites.certificate')?.servers, ['EXCH02 (expired certificate)']);
    // Kept across a reload of the stored progress.
    const reloaded = new SetupModel(model.snapshot(), 'impersonation', fixedNow);
    assert.deepEqual(reloaded.evidenceOf('basicAuth.verify')?.servers, ['EXCH02 (Basic off)', 'EXCH03 (could not be read)']);
    // Unread is not off: the prerequisite is unknown, not failed.
    applyVerificationReading(model, 'basicAuth.verify', { status: 'unknown', rule: 'basicAuth.verify.unreadable', detail: 'x', basicAuth: [{ server: 'EXCH01', identity: 'a', basicAuthentication: true }, { server: 'EXCH03', identity: '', basicAuthentication: null, error: 'e' }] }, 'pasted');
    assert.equal(model.statusOf('prerequisites.basicAuth'), 'unknown');
    const enabled = readPastedVerification('basicAuth.enable', fixture('ps51-basicauth-enable-all-servers.txt'), SETTINGS, NOW);
    assert.ok(enabled.ok);
    applyVerificationReading(model, enabled.step, enabled.reading, 'pasted');
    assert.equal(model.statusOf('basicAuth.enable'), 'done');
    assert.equal(model.evidenceOf('basicAuth.enable')?.servers, undefined);
    assert.equal(model.getBasicAuthPrior()?.length, 3);
    assert.equal(readBackReport(enabled.step, enabled.reading).details.serversNotRight?.length, 0);
  });

  it('a directory recorded later (a server added since) joins the record; one recorded already keeps its first value', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    model.recordBasicAuthPrior([{ identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false, server: 'EXCH01' }]);
    model.recordBasicAuthPrior([{ identity: 'exch01\\EWS (Default Web Site)', basicAuthentication: true }, { identity: 'EXCH04\\EWS (Default Web Site)', basicAuthentication: false, server: 'EXCH04' }]);
    assert.deepEqual(model.getBasicAuthPrior(), [
      { identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false, server: 'EXCH01' },
      { identity: 'EXCH04\\EWS (Default Web Site)', basicAuthentication: false, server: 'EXCH04' },
    ]);
    assert.deepEqual(new SetupModel(model.snapshot(), 'impersonation', fixedNow).getBasicAuthPrior(), model.getBasicAuthPrior());
  });

  it('records nothing for rollback from an empty list, and a verdict of not applicable as unknown', () => {
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    applyVerificationReading(model, 'basicAuth.enable', { status: 'failed', rule: 'basicAuth.verify.noVirtualDirectory', detail: 'No EWS virtual directory was found.', basicAuth: [], basicAuthPrior: [] }, 'pasted');
    assert.equal(model.getBasicAuthPrior(), undefined);
    assert.equal(model.statusOf('basicAuth.enable'), 'failed', 'an empty Basic-auth reading decides only the step itself');
    assert.equal(model.statusOf('basicAuth.verify'), 'notStarted');
    applyVerificationReading(model, 'link', { status: 'notApplicable', rule: 'manual.confirmByHand', detail: 'x' }, 'pasted');
    assert.equal(model.statusOf('link'), 'unknown');
  });

  it('records a step\'s own verdict with the reading\'s detail', () => {
    const pasted = readPastedVerification('prerequisites.exchangeVersion', fixture('ps51-exchange-version.txt'), SETTINGS, NOW);
    assert.ok(pasted.ok);
    const model = new SetupModel(EMPTY_STATE, 'impersonation', fixedNow);
    applyVerificationReading(model, pasted.step, pasted.reading, 'pasted');
    assert.equal(model.statusOf('prerequisites.exchangeVersion'), pasted.reading.status === 'notApplicable' ? 'unknown' : pasted.reading.status);
    assert.equal(model.evidenceOf('prerequisites.exchangeVersion')?.detail, pasted.reading.detail);
  });

  it('refuses output without the step\'s marker block, naming the line it expected', () => {
    const other = readPastedVerification('basicAuth.verify', fixture('ps51-exchange-version.txt'), SETTINGS, NOW);
    assert.deepEqual(other.ok, false);
    assert.match(other.ok ? '' : other.error, /No line "ECS-BEGIN basicAuth\.verify" was found/);
    assert.match(other.ok ? '' : other.error, /from "ECS-BEGIN basicAuth\.verify" to "ECS-END basicAuth\.verify"\.$/, 'no shell error to add');
    const cut = readPastedVerification('basicAuth.verify', 'ECS-BEGIN basicAuth.verify\n[{"Server":"EXCH01"', SETTINGS, NOW);
    assert.match(cut.ok ? '' : cut.error, /no line "ECS-END basicAuth\.verify" after it/);
    const failedRun = readPastedVerification('serviceAccount.create', 'Get-Mailbox: The term \'Get-Mailbox\' is not recognized as a name of a cmdlet.', SETTINGS, NOW);
    assert.match(failedRun.ok ? '' : failedRun.error, /shell error: .*Get-/);
  });

  it('refuses a step id that does not exist or has no verification output, listing those that have', () => {
    const unknown = readPastedVerification('basicAuth.check', 'x', SETTINGS, NOW);
    assert.match(unknown.ok ? '' : unknown.error, /"basicAuth\.check" is not a step id\. Steps with verification output: prerequisites\.adminRights, /);
    const manual = readPastedVerification('link', 'x', SETTINGS, NOW);
    assert.match(manual.ok ? '' : manual.error, /The step link has no verification output to read.*: prerequisites\.adminRights, prerequisites\.exchangeVersion, /);
    assert.ok(!READ_BACK_STEPS.includes('link'));
  });

  it('reports {step, status, message, details} with the checklist\'s own status in details', () => {
    const pasted = readPastedVerification('basicAuth.enable', fixture('ps51-basicauth-enable.txt'), SETTINGS, NOW);
    assert.ok(pasted.ok);
    const report = readBackReport(pasted.step, pasted.reading);
    assert.deepEqual(Object.keys(report), ['step', 'status', 'message', 'details']);
    assert.equal(report.status, 'done');
    assert.equal(report.details.stepStatus, 'done');
    assert.equal(report.details.basicAuthPrior?.length, 2);
    assert.equal(report.details.basicAuth?.length, 2);
  });

  it('impersonation: done only with the scope over user mailboxes and an assignment limited to it', () => {
    const output = (state: unknown) => `ECS-BEGIN access.impersonation\n${JSON.stringify([state])}\nECS-END access.impersonation\n`;
    const scoped = { Name: 'Alexa for Business impersonation', CustomRecipientWriteScope: 'Alexa for Business user mailboxes', RecipientWriteScope: 'CustomRecipientScope', Enabled: true };
    const state = { AccountFound: true, ScopeName: 'Alexa for Business user mailboxes', ScopeFilter: "RecipientTypeDetails -eq 'UserMailbox'", Assignments: [scoped] };
    const read = (value: unknown) => {
      const pasted = readPastedVerification('access.impersonation', output(value), SETTINGS, NOW);
      assert.ok(pasted.ok);
      return pasted.reading;
    };
    assert.equal(read(state).status, 'done');
    assert.equal(read({ ...state, ScopeFilter: "RecipientTypeDetails -eq 'RoomMailbox'" }).status, 'failed');
    assert.equal(read({ ...state, ScopeName: '' }).status, 'failed');
    assert.match(read({ ...state, Assignments: [] }).detail, /no ApplicationImpersonation assignment limited to "Alexa for Business user mailboxes"/);
  });

  it('delegate: no user mailboxes besides the service account is unknown', () => {
    const output = 'ECS-BEGIN access.delegate\n[{"UserMailboxes":0,"WithFullAccess":0,"WithSendAs":0,"TestMailbox":null}]\nECS-END access.delegate\n';
    const pasted = readPastedVerification('access.delegate', output, SETTINGS, NOW);
    assert.ok(pasted.ok);
    assert.equal(pasted.reading.status, 'unknown');
  });
});
