// The fake organisation's directory and RBAC state per scenario, as the Exchange Management Shell would
// print it through the product's verification snippets (the marker blocks they write). The fake does not
// run PowerShell: this is the same state the EWS side enforces (scenarios.ts: who may impersonate or open
// which mailbox), written out as Get-Mailbox, Get-ManagementRoleAssignment and Get-ManagementScope would
// report it, so a test can read it back with the product's own rules.
//
// The shortcut path (issue 14) starts from an organisation that served room devices first: the service
// account exists, with a management scope over room mailboxes and an ApplicationImpersonation assignment
// limited to it (rooms-only), or Full Access and Send As on each room mailbox (rooms-only-delegate).
// Exchange stores a scope's filter with added parentheses (docs/exchange-behaviour.md, the opath rows).
import { FAKE_ROOM_MAILBOXES, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX } from './mailboxes';
import { delegateReaches, impersonationReaches, scenarioSpec, type ScenarioName } from './scenarios';

/** The room scope and assignment the organisation made for its room devices, before this product. */
export const FAKE_ROOM_SCOPE = 'Meeting room mailboxes';
export const FAKE_ROOM_ASSIGNMENT = 'Meeting room devices impersonation';
const ROOM_SCOPE_FILTER = "(RecipientTypeDetails -eq 'RoomMailbox')";

/** What the impersonation step added (its names come from the settings the walk uses). */
export interface AddedImpersonation {
  readonly scopeName: string;
  readonly assignmentName: string;
  /** The filter as Exchange stores it. */
  readonly storedFilter: string;
}

function block(step: string, value: unknown): string {
  return `ECS-BEGIN ${step}\n${JSON.stringify(value)}\nECS-END ${step}\n`;
}

/** `Get-Mailbox` of the service account, as the serviceAccount.create verification prints it. */
export function serviceAccountOutput(options: { passwordExpires?: string; adModule?: boolean } = {}): string {
  const adModule = options.adModule ?? true;
  return block('serviceAccount.create', [{
    Name: 'Alexa for Business', Alias: 'alexaforbusiness', UserPrincipalName: FAKE_SERVICE_ACCOUNT, PrimarySmtpAddress: FAKE_SERVICE_ACCOUNT,
    RecipientTypeDetails: 'UserMailbox', AccountDisabled: false, PasswordNeverExpires: false, PasswordExpiryRead: adModule, PasswordExpires: adModule ? (options.passwordExpires ?? '') : '',
  }]);
}

/**
 * The access.impersonation verification's output in a scenario: the room assignment where the account
 * reaches rooms, and the step's own scope and assignment once it reaches users through them (`added`).
 */
export function impersonationOutput(scenario: ScenarioName, added: AddedImpersonation): string {
  const spec = scenarioSpec(scenario);
  const assignments: Record<string, unknown>[] = [];
  if (impersonationReaches(spec.impersonation, 'room')) {
    assignments.push({ Name: FAKE_ROOM_ASSIGNMENT, RoleAssigneeName: 'Alexa for Business', CustomRecipientWriteScope: FAKE_ROOM_SCOPE, RecipientWriteScope: 'CustomRecipientScope', DelegationType: 'Regular', Enabled: true, ScopeFilter: ROOM_SCOPE_FILTER });
  }
  const userScope = spec.impersonation === 'rooms-and-users';
  if (userScope) {
    assignments.push({ Name: added.assignmentName, RoleAssigneeName: 'Alexa for Business', CustomRecipientWriteScope: added.scopeName, RecipientWriteScope: 'CustomRecipientScope', DelegationType: 'Regular', Enabled: true, ScopeFilter: added.storedFilter });
  }
  return block('access.impersonation', [{
    AccountFound: true, ScopeName: userScope ? added.scopeName : '', ScopeFilter: userScope ? added.storedFilter : '', Assignments: assignments,
  }]);
}

/**
 * The access.delegate verification's output for an existing account: the fake's user mailboxes (all but
 * the service account's own) and its room mailboxes, with the rights the scenario gives.
 */
export function delegateOutput(scenario: ScenarioName, userMailboxes: readonly string[]): string {
  const spec = scenarioSpec(scenario);
  const users = userMailboxes.filter((m) => m !== FAKE_SERVICE_ACCOUNT);
  const usersHave = delegateReaches(spec.delegate, 'user');
  const rooms = delegateReaches(spec.delegate, 'room') ? [...FAKE_ROOM_MAILBOXES] : [];
  const lackingUsers = usersHave ? [] : users;
  return block('access.delegate', [{
    UserMailboxes: users.length,
    WithoutFullAccessCount: lackingUsers.length, WithoutFullAccess: lackingUsers.slice(0, 20),
    WithoutSendAsCount: lackingUsers.length, WithoutSendAs: lackingUsers.slice(0, 20),
    RoomMailboxes: FAKE_ROOM_MAILBOXES.length,
    RoomsWithFullAccessCount: rooms.length, RoomsWithFullAccess: rooms, RoomsWithSendAsCount: rooms.length, RoomsWithSendAs: rooms,
    TestMailbox: { Mailbox: FAKE_TEST_MAILBOX, FullAccess: usersHave, SendAs: usersHave },
  }]);
}
