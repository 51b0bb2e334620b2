// Issue 14, the seed's shortcut: "If you already set up a service account to access your room calendars,
// skip to step 3 and give the service account permissions to access your users' calendars." The snippets
// for an existing account, the read-back of what it already has, and a walk of the whole path against the
// fake Exchange: configure, read back, add user access, probe a user and a room, roll back only the addition.
import * as assert from 'node:assert/strict';
import { runProbes, type ProbeRun } from '../../src/core/ews/probes';
import { probeEvidence } from '../../src/core/probeEvidence';
import { renderRunbook } from '../../src/core/runbook';
import { DEFAULT_SETTINGS, type AccessMethod, type SetupSettings } from '../../src/core/settings';
import { impersonationScopeFilter, renderScript, snippetForStep, type StepSnippet } from '../../src/core/snippets';
import { stepTitle, type StepId } from '../../src/core/steps';
import { interpretVerification } from '../../src/core/verification';
import { FAKE_ROOM_ASSIGNMENT, FAKE_ROOM_SCOPE, delegateOutput, impersonationOutput, serviceAccountOutput } from '../fake-exchange/organization';
import {
  FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, FAKE_TEST_ROOM_MAILBOX, generatedMailboxName, startFakeExchange, type FakeExchange,
} from '../fake-exchange/server';

const NOW = new Date('2026-12-07T06:00:00Z');

function existingAccount(accessMethod: AccessMethod, overrides: Partial<SetupSettings['impersonation']> = {}): SetupSettings {
  return {
    ...DEFAULT_SETTINGS,
    exchangeServer: 'EXCH01',
    serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: FAKE_SERVICE_ACCOUNT, existing: true },
    accessMethod,
    impersonation: { ...DEFAULT_SETTINGS.impersonation, ...overrides },
    testMailbox: FAKE_TEST_MAILBOX,
    testRoomMailbox: FAKE_TEST_ROOM_MAILBOX,
  };
}

function snippet(id: StepId, settings: SetupSettings): StepSnippet {
  const result = snippetForStep(id, settings);
  if (!result.ok) assert.fail(result.issues.map((i) => i.message).join('; '));
  return result.snippet;
}

const text = (s: StepSnippet, part: 'action' | 'verify' | 'rollback' | 'dryRun'): string => (s[part] ? renderScript(s[part]) : '');
/** Statements only (comments dropped), so a command named in a comment does not count. */
const commands = (script: string): string[] => script.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

describe('an existing service account (issue 14): snippets', () => {
  it('"Check the existing service account" reads the account back, creates nothing and removes nothing', () => {
    const s = snippet('serviceAccount.create', existingAccount('impersonation'));
    assert.equal(s.title, 'Check the existing service account');
    const all = [text(s, 'action'), text(s, 'verify'), text(s, 'rollback')].join('\n');
    assert.ok(!commands(all).some((c) => /(New|Remove)-Mailbox\s|Read-Host/.test(c)), all);
    assert.match(text(s, 'verify'), /Get-Mailbox -Identity 'alexaforbusiness@contoso\.com' .*Get-ADUser .*msDS-UserPasswordExpiryTimeComputed.*AccountDisabled = \[bool\]\$_\.AccountDisabled/);
    assert.deepEqual(commands(text(s, 'rollback')), ["Write-Output 'Nothing to roll back: the existing service account is kept.'"], 'the rollback changes nothing');
    assert.match(text(s, 'rollback'), /not removed/);
    // The path that creates the account still does.
    const create = snippet('serviceAccount.create', { ...existingAccount('impersonation'), serviceAccount: { ...existingAccount('impersonation').serviceAccount, existing: false } });
    assert.match(text(create, 'action'), /New-Mailbox /);
    assert.match(text(create, 'rollback'), /Remove-Mailbox /);
  });

  it('Method 1 adds a user-mailbox scope and assignment beside the room scope, never organisation-wide, and rolls back only those', () => {
    const s = snippet('access.impersonation', existingAccount('impersonation', { organizationWide: true }));
    assert.deepEqual(commands(text(s, 'action')), [
      "New-ManagementScope -Name 'Alexa for Business user mailboxes' -RecipientRestrictionFilter \"RecipientTypeDetails -eq 'UserMailbox'\"",
      "New-ManagementRoleAssignment -Name 'Alexa for Business impersonation' -Role ApplicationImpersonation -User 'alexaforbusiness@contoso.com' -CustomRecipientWriteScope 'Alexa for Business user mailboxes'",
    ]);
    assert.match(text(s, 'action'), /organizationWide is ignored for an existing account/);
    assert.deepEqual(commands(text(s, 'rollback')), [
      "Remove-ManagementRoleAssignment -Identity 'Alexa for Business impersonation'",
      "Remove-ManagementScope -Identity 'Alexa for Business user mailboxes'",
    ]);
    assert.match(text(s, 'rollback'), /Removes only what this step added/);
    assert.match(text(s, 'verify'), /Get-ManagementRoleAssignment -Role ApplicationImpersonation -GetEffectiveUsers -Delegating \$false .*ScopeFilter = \[string\]\$ecsOwnScope\.RecipientFilter/);
  });

  it('Method 1 by the admin\'s choice: one scope whose filter covers RoomMailbox and UserMailbox (a group limits the users only)', () => {
    const s = snippet('access.impersonation', existingAccount('impersonation', { scopeCoversRooms: true }));
    assert.match(text(s, 'action'), /-RecipientRestrictionFilter "RecipientTypeDetails -eq 'UserMailbox' -or RecipientTypeDetails -eq 'RoomMailbox'"/);
    const grouped = { ...existingAccount('impersonation', { scopeCoversRooms: true }), access: { limitToGroup: "CN=O'Brien Users,DC=contoso,DC=com" } };
    assert.equal(impersonationScopeFilter(grouped), "(RecipientTypeDetails -eq 'UserMailbox' -and MemberOfGroup -eq 'CN=O''Brien Users,DC=contoso,DC=com') -or RecipientTypeDetails -eq 'RoomMailbox'");
    assert.match(text(snippet('access.impersonation', grouped), 'action'), /-RecipientRestrictionFilter '\(RecipientTypeDetails -eq ''UserMailbox'' -and MemberOfGroup -eq ''CN=O''''Brien Users,DC=contoso,DC=com''\) -or RecipientTypeDetails -eq ''RoomMailbox'''/);
    // A new account with the same choice gets the same filter, and its comment says rooms are included.
    const fresh = { ...existingAccount('impersonation', { scopeCoversRooms: true }), serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: FAKE_SERVICE_ACCOUNT } };
    assert.match(text(snippet('access.impersonation', fresh), 'action'), /over user mailboxes and room mailboxes[\s\S]*-RecipientRestrictionFilter "RecipientTypeDetails -eq 'UserMailbox' -or RecipientTypeDetails -eq 'RoomMailbox'"/);
  });

  it('Method 2 adds rights on user mailboxes only, where missing, records them, and the rollback removes exactly the record in reverse order', () => {
    const s = snippet('access.delegate', existingAccount('delegate'));
    const action = commands(text(s, 'action'));
    assert.ok(action.some((c) => c.startsWith('$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox ')));
    assert.ok(!action.some((c) => /RoomMailbox/.test(c)), 'no right is granted on a room');
    const record = action.findIndex((c) => c.includes('Set-Content -LiteralPath $ecsAddedFile'));
    const grant = action.findIndex((c) => c.includes('Add-MailboxPermission'));
    assert.ok(record >= 0 && record < grant, 'the record is written before anything is granted');
    assert.ok(action.some((c) => c.startsWith('$ecsNeedFullAccess | ForEach-Object { Add-MailboxPermission')), 'only where Full Access is missing');
    const rollback = commands(text(s, 'rollback'));
    const sendAs = rollback.findIndex((c) => c.startsWith('foreach ($ecsDn in @($ecsAdded.SendAs)) { Remove-ADPermission'));
    const fullAccess = rollback.findIndex((c) => c.startsWith('foreach ($ecsDn in @($ecsAdded.FullAccess)) { Remove-MailboxPermission'));
    assert.ok(sendAs >= 0 && fullAccess > sendAs, rollback.join('\n'));
    assert.ok(!rollback.some((c) => c.includes('$ecsMailboxes')), 'the rollback never removes from every user mailbox');
    assert.match(text(s, 'verify'), /Get-Mailbox -RecipientTypeDetails RoomMailbox -ResultSize Unlimited/);
    assert.match(text(s, 'dryRun'), /-WhatIf/);
  });

  it('the checklist titles follow the path and match the snippets\' titles', () => {
    for (const method of ['impersonation', 'delegate'] as const) {
      const settings = existingAccount(method);
      for (const id of ['serviceAccount.create', `access.${method}`] as const) assert.equal(stepTitle(id, settings), snippet(id, settings).title);
    }
    assert.equal(stepTitle('serviceAccount.create', DEFAULT_SETTINGS), 'Create the service account mailbox');
    assert.equal(stepTitle('access.impersonation', DEFAULT_SETTINGS), 'Method 1: impersonation');
  });

  it('the runbook follows the chosen path', () => {
    const runbook = renderRunbook(existingAccount('impersonation'));
    assert.ok(runbook.ok);
    assert.match(runbook.text, /Check the existing service account/);
    assert.ok(!commands(runbook.text).some((c) => /(New|Remove)-Mailbox\s/.test(c)), 'no account is created or removed');
    assert.match(runbook.text, /Method 1: impersonation beside the existing access/);
  });
});

describe('an existing service account (issue 14): reading what exists', () => {
  const added = { scopeName: 'Alexa for Business user mailboxes', assignmentName: 'Alexa for Business impersonation', storedFilter: "(RecipientTypeDetails -eq 'UserMailbox')" };

  it('lists the room assignment, its scope and filter beside the verdict, before and after the addition', () => {
    const settings = existingAccount('impersonation');
    const before = interpretVerification('access.impersonation', impersonationOutput('rooms-only', added), settings, NOW);
    assert.equal(before.rule, 'access.impersonation.scopeMissing');
    assert.match(before.detail, new RegExp(`It already has, and keeps: "${FAKE_ROOM_ASSIGNMENT}" \\(scope "${FAKE_ROOM_SCOPE}": \\(RecipientTypeDetails -eq 'RoomMailbox'\\)\\)\\.$`));
    const after = interpretVerification('access.impersonation', impersonationOutput('rooms-and-users', added), settings, NOW);
    assert.equal(after.status, 'done');
    assert.match(after.detail, /can impersonate user mailboxes through "Alexa for Business impersonation".*It already has, and keeps: "Meeting room devices impersonation"/);
  });

  it('one scope over rooms and users reads back as done against the filter Exchange stores with parentheses', () => {
    const settings = existingAccount('impersonation', { scopeCoversRooms: true });
    const stored = "((RecipientTypeDetails -eq 'UserMailbox') -or (RecipientTypeDetails -eq 'RoomMailbox'))";
    const reading = interpretVerification('access.impersonation', impersonationOutput('rooms-and-users', { ...added, storedFilter: stored }), settings, NOW);
    assert.equal(reading.rule, 'access.impersonation.scoped');
    assert.match(reading.detail, /can impersonate user and room mailboxes/);
    // A user-mailbox-only scope is not what this setting creates.
    assert.equal(interpretVerification('access.impersonation', impersonationOutput('rooms-and-users', added), settings, NOW).rule, 'access.impersonation.filterMismatch');
  });

  it('says which room mailboxes the account has Full Access and Send As on (Method 2)', () => {
    const users = [FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, generatedMailboxName(1)];
    const settings = existingAccount('delegate');
    const before = interpretVerification('access.delegate', delegateOutput('rooms-only-delegate', users), settings, NOW);
    assert.equal(before.status, 'failed');
    const after = interpretVerification('access.delegate', delegateOutput('rooms-and-users-delegate', users), settings, NOW);
    assert.equal(after.rule, 'access.delegate.allMailboxes');
    assert.match(after.detail, /Room mailboxes \(2\) it has Full Access on: 2 \(room101@contoso\.com and room204@contoso\.com\); Send As on: 2 .*leaves them as they are\.$/);
  });
});

describe('the shortcut path end to end against the fake Exchange (issue 14)', function () {
  this.timeout(60_000);
  let fake: FakeExchange;
  before(async () => { fake = await startFakeExchange({ scenario: 'rooms-only', mailboxCount: 3 }); });
  after(async () => { await fake.stop(); });

  async function probe(settings: SetupSettings): Promise<ProbeRun> {
    return runProbes({
      ewsUrl: fake.url, upn: settings.serviceAccount.upn, password: FAKE_PASSWORD, accessMethod: settings.accessMethod,
      testMailbox: settings.testMailbox, testRoomMailbox: settings.testRoomMailbox, extraCaPem: fake.caPem, timeoutMs: 20_000,
    });
  }
  const status = (run: ProbeRun, id: string): string | undefined => run.checks.find((c) => c.id === id)?.status;
  const evidenceOf = (run: ProbeRun, method: AccessMethod, step: StepId): string | undefined => probeEvidence(run.checks, method).find((e) => e.step === step)?.status;

  for (const method of ['impersonation', 'delegate'] as const) {
    it(`${method}: configure, read back, add user access, probe a user and a room, roll back only the addition`, async () => {
      const settings = existingAccount(method);
      const [before, afterAdd] = method === 'impersonation' ? ['rooms-only', 'rooms-and-users'] as const : ['rooms-only-delegate', 'rooms-and-users-delegate'] as const;
      const accessStep: StepId = method === 'impersonation' ? 'access.impersonation' : 'access.delegate';
      fake.setScenario(before);

      // 1. The account exists: it is checked, not created; the read-back and auth.login prove it.
      assert.ok(!commands(text(snippet('serviceAccount.create', settings), 'action')).some((c) => c.includes('New-Mailbox')));
      const account = interpretVerification('serviceAccount.create', serviceAccountOutput({ passwordExpires: '2027-03-01T00:00:00Z' }), settings, NOW);
      assert.equal(account.status, 'done', account.detail);
      let run = await probe(settings);
      assert.equal(evidenceOf(run, method, 'serviceAccount.create'), 'done');

      // 2. Read what exists: the rooms are served, the users are not.
      assert.equal(status(run, 'room.access'), 'pass');
      assert.equal(status(run, 'room.read'), 'pass');
      assert.equal(status(run, accessStep), 'fail');
      assert.equal(evidenceOf(run, method, accessStep), 'failed');
      const users = [FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, generatedMailboxName(1), generatedMailboxName(2), generatedMailboxName(3)];
      const added = { scopeName: settings.impersonation.scopeName, assignmentName: settings.impersonation.assignmentName, storedFilter: `(${impersonationScopeFilter(settings)})` };
      const readOutput = (scenario: typeof before | typeof afterAdd): string => (method === 'impersonation' ? impersonationOutput(scenario, added) : delegateOutput(scenario, users));
      assert.equal(interpretVerification(accessStep, readOutput(before), settings, NOW).status, 'failed');

      // 3. Add user access: the step's action is what the admin runs; the fake now has what it creates.
      const grant = snippet(accessStep, settings);
      assert.ok(!commands(text(grant, 'action')).some((c) => /Organization|-Role ApplicationImpersonation -User '[^']+'$/.test(c)), 'never organisation-wide');
      fake.setScenario(afterAdd);
      assert.equal(interpretVerification(accessStep, readOutput(afterAdd), settings, NOW).status, 'done');

      // 4. Probe a user and a room: both work, and the access step is done.
      run = await probe(settings);
      for (const id of [accessStep, 'calendar.read', 'room.access', 'room.read']) assert.equal(status(run, id), 'pass', `${id}: ${run.checks.find((c) => c.id === id)?.message}`);
      assert.equal(evidenceOf(run, method, accessStep), 'done');
      assert.ok(run.roomEvents && run.roomEvents.length > 0, 'the room calendar was read');

      // 5. Roll back only the addition: the rollback names only what the step added; the rooms keep working.
      const rollback = commands(text(grant, 'rollback'));
      assert.ok(!rollback.some((c) => c.includes(FAKE_ROOM_SCOPE) || c.includes(FAKE_ROOM_ASSIGNMENT) || /Remove-Mailbox\s/.test(c)), rollback.join('\n'));
      fake.setScenario(before);
      run = await probe(settings);
      assert.equal(status(run, 'room.access'), 'pass');
      assert.equal(status(run, 'room.read'), 'pass');
      assert.equal(status(run, accessStep), 'fail');
      assert.deepEqual(fake.schemaErrors, []);
    });
  }
});
