/**
 * The two ways to give the service account calendar access.
 *
 * Method 1 creates ONLY a management scope over user mailboxes and an ApplicationImpersonation
 * assignment limited to it. The AWS page first ran an unscoped assignment, which already grants
 * impersonation of every mailbox and defeats the scope; here that is an explicit, warned opt-in.
 * Method 2 grants Full Access and Send As per user mailbox. Send As on premises is Add-ADPermission:
 * Add-RecipientPermission exists only in Exchange Online.
 *
 * Both methods can be limited to the members of one group (exchangeSetup.access.limitToGroup, a DN).
 * Microsoft's "Configure impersonation" (learn.microsoft.com/exchange/client-developer/exchange-web-services/
 * how-to-configure-impersonation, "Configure impersonation for specific users or groups of users") scopes
 * impersonation with New-ManagementScope -RecipientRestrictionFilter; MemberOfGroup is a filterable
 * property that takes the group's DN ("Filterable properties for the RecipientFilter parameter", section
 * MemberOfGroup) and works the same in Get-Mailbox -Filter ("Filterable properties for the Filter parameter",
 * section MemberOfGroup: Get-Mailbox is listed), so Method 2 selects exactly the mailboxes Method 1's scope
 * covers. The group must be one Exchange knows (a distribution or mail-enabled security group).
 */
import type { SetupSettings } from '../settings';
import { comment, markedJson, opathText, script, statement, type ScriptLine, type StepSnippet, type ValueRefs } from './script';

/** The OPATH filter of the scope without a group, as a string (the safest form across Exchange versions). */
export const USER_MAILBOX_FILTER = `"RecipientTypeDetails -eq 'UserMailbox'"`;

const USER_MAILBOX_CONDITION = "RecipientTypeDetails -eq 'UserMailbox'";
const MEMBER_OF_GROUP_PREFIX = "MemberOfGroup -eq '";

/**
 * The OPATH filter Method 1's scope is created with, as Exchange receives it (before Exchange adds its
 * own parentheses): user mailboxes, and with exchangeSetup.access.limitToGroup set, only the group's
 * members. The impersonation verification compares the scope Exchange stores with this text.
 */
export function impersonationScopeFilter(settings: SetupSettings): string {
  const group = settings.access.limitToGroup;
  if (settings.impersonation.scopeCoversRooms) {
    return group === '' ? `${USER_MAILBOX_CONDITION} ${ROOMS_TOO}` : `(${USER_MAILBOX_CONDITION} -and ${MEMBER_OF_GROUP_PREFIX}${opathText(group)}') ${ROOMS_TOO}`;
  }
  return group === '' ? USER_MAILBOX_CONDITION : `${USER_MAILBOX_CONDITION} -and ${MEMBER_OF_GROUP_PREFIX}${opathText(group)}'`;
}

/**
 * With exchangeSetup.impersonation.scopeCoversRooms (an account that also serves room calendars): the
 * scope selects room mailboxes as well. RoomMailbox is a RecipientTypeDetails value ("Filterable
 * properties for the RecipientFilter parameter", RecipientTypeDetails). A group limit applies to the
 * user mailboxes only: the rooms' devices were served before the group existed.
 */
const ROOMS_TOO = "-or RecipientTypeDetails -eq 'RoomMailbox'";

/** The scope filter as a PowerShell expression: a constant without a group, else built through `refs`. */
function scopeFilterExpression(settings: SetupSettings, refs: ValueRefs): string {
  const rooms = settings.impersonation.scopeCoversRooms;
  if (settings.access.limitToGroup === '') return rooms ? `"${USER_MAILBOX_CONDITION} ${ROOMS_TOO}"` : USER_MAILBOX_FILTER;
  if (rooms) return refs.opathValueBetween(`(${USER_MAILBOX_CONDITION} -and ${MEMBER_OF_GROUP_PREFIX}`, 'access.limitToGroup', `') ${ROOMS_TOO}`);
  return refs.opathValueBetween(`${USER_MAILBOX_CONDITION} -and ${MEMBER_OF_GROUP_PREFIX}`, 'access.limitToGroup', "'");
}

export function renderImpersonation(settings: SetupSettings, refs: ValueRefs): StepSnippet {
  if (settings.serviceAccount.existing) return renderImpersonationBesideExisting(settings, refs);
  const upn = refs.value('serviceAccount.upn');
  const scope = refs.value('impersonation.scopeName');
  const assignment = refs.value('impersonation.assignmentName');
  const orgWide: ScriptLine[] = settings.impersonation.organizationWide
    ? [
        comment('WARNING: ORGANIZATION-WIDE IMPERSONATION (exchangeSetup.impersonation.organizationWide is true).'),
        comment('WARNING: the next command lets the service account act as EVERY mailbox, including administrators and rooms.'),
        comment('WARNING: it makes the user-mailbox scope above pointless. Turn the setting off unless you really mean it.'),
        statement(`New-ManagementRoleAssignment -Name ${refs.valueWithSuffix('impersonation.assignmentName', ' (organization-wide)')} -Role ApplicationImpersonation -User ${upn}`),
      ]
    : [];
  const orgWideRollback: ScriptLine[] = settings.impersonation.organizationWide
    ? [statement(`Remove-ManagementRoleAssignment -Identity ${refs.valueWithSuffix('impersonation.assignmentName', ' (organization-wide)')}`)]
    : [];
  const groupLines: ScriptLine[] = settings.access.limitToGroup === ''
    ? [comment('To limit impersonation to the members of one group, as Microsoft recommends, set exchangeSetup.access.limitToGroup to its DN.')]
    : [
        comment('Limited to the direct members of the group in exchangeSetup.access.limitToGroup (MemberOfGroup needs its DN).'),
        comment('Members added to the group later are covered at once; members of nested groups are not.'),
      ];
  return {
    stepId: 'access.impersonation',
    title: 'Method 1: impersonation',
    action: script(
      comment(settings.impersonation.scopeCoversRooms
        ? 'A management scope over user mailboxes and room mailboxes (exchangeSetup.impersonation.scopeCoversRooms), not shared mailboxes.'
        : 'A management scope over user mailboxes (RecipientTypeDetails UserMailbox: people, not rooms or shared mailboxes).'),
      ...groupLines,
      statement(`New-ManagementScope -Name ${scope} -RecipientRestrictionFilter ${scopeFilterExpression(settings, refs)}`),
      comment('ApplicationImpersonation for the service account, limited to that scope.'),
      statement(`New-ManagementRoleAssignment -Name ${assignment} -Role ApplicationImpersonation -User ${upn} -CustomRecipientWriteScope ${scope}`),
      ...orgWide,
    ),
    verify: script(
      comment('The scope and its filter, and every ApplicationImpersonation assignment that reaches the service account.'),
      comment('-Delegating $false: a delegating assignment only lets someone assign the role; it grants no impersonation.'),
      comment('RecipientWriteScope says how far each assignment reaches: Organization (every mailbox), OU, or CustomRecipientScope.'),
      statement(`$ecsScope = Get-ManagementScope -Identity ${scope} -ErrorAction SilentlyContinue`),
      statement(`$ecsAccount = Get-Mailbox -Identity ${upn} -ErrorAction SilentlyContinue`),
      statement(`$ecsAssignments = @(Get-ManagementRoleAssignment -Role ApplicationImpersonation -GetEffectiveUsers -Delegating $false | Where-Object { $ecsAccount -and [string]$_.EffectiveUserName -eq [string]$ecsAccount.Name } | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; RoleAssigneeName = [string]$_.RoleAssigneeName; CustomRecipientWriteScope = [string]$_.CustomRecipientWriteScope; RecipientWriteScope = [string]$_.RecipientWriteScope; DelegationType = [string]$_.RoleAssignmentDelegationType; Enabled = [bool]$_.Enabled } })`),
      ...markedJson(
        'access.impersonation',
        '@([pscustomobject]@{ AccountFound = [bool]$ecsAccount; ScopeName = [string]$ecsScope.Name; ScopeFilter = [string]$ecsScope.RecipientFilter; Assignments = $ecsAssignments })',
      ),
    ),
    rollback: script(
      comment('In this order: a scope that an assignment still uses cannot be removed.'),
      ...orgWideRollback,
      statement(`Remove-ManagementRoleAssignment -Identity ${assignment}`),
      statement(`Remove-ManagementScope -Identity ${scope}`),
    ),
  };
}

/**
 * Every ApplicationImpersonation assignment that reaches the service account (-Delegating $false), with
 * the filter of the scope each is limited to: what an existing account already has, read before and
 * after the step adds its own.
 */
function assignmentsWithScopes(upn: string): ScriptLine[] {
  return [
    statement(`$ecsAccount = Get-Mailbox -Identity ${upn} -ErrorAction SilentlyContinue`),
    statement('$ecsAssignments = @(Get-ManagementRoleAssignment -Role ApplicationImpersonation -GetEffectiveUsers -Delegating $false | Where-Object { $ecsAccount -and [string]$_.EffectiveUserName -eq [string]$ecsAccount.Name } | ForEach-Object { $ecsOwnScope = $null; if ([string]$_.CustomRecipientWriteScope) { $ecsOwnScope = Get-ManagementScope -Identity ([string]$_.CustomRecipientWriteScope) -ErrorAction SilentlyContinue }; [pscustomobject]@{ Name = [string]$_.Name; RoleAssigneeName = [string]$_.RoleAssigneeName; CustomRecipientWriteScope = [string]$_.CustomRecipientWriteScope; RecipientWriteScope = [string]$_.RecipientWriteScope; DelegationType = [string]$_.RoleAssignmentDelegationType; Enabled = [bool]$_.Enabled; ScopeFilter = [string]$ecsOwnScope.RecipientFilter } })'),
  ];
}

/**
 * Method 1 for a service account that already exists (issue 14: it serves room calendars through a room
 * scope and its own assignment). The step adds a scope for user mailboxes and an assignment limited to
 * it beside what exists (or, with exchangeSetup.impersonation.scopeCoversRooms, one scope over rooms and
 * users), never an organisation-wide assignment, and its rollback removes exactly those two, assignment
 * first (Microsoft, "Remove-ManagementScope": a scope still used by an assignment cannot be removed).
 */
function renderImpersonationBesideExisting(settings: SetupSettings, refs: ValueRefs): StepSnippet {
  const upn = refs.value('serviceAccount.upn');
  const scope = refs.value('impersonation.scopeName');
  const assignment = refs.value('impersonation.assignmentName');
  const covers = settings.impersonation.scopeCoversRooms;
  return {
    stepId: 'access.impersonation',
    title: 'Method 1: impersonation beside the existing access',
    action: script(
      comment('The service account already exists and may already impersonate room mailboxes: run this step\'s verification first to list its'),
      comment('ApplicationImpersonation assignments, their scopes and filters. What exists is left as it is; this adds only what is missing.'),
      comment(covers
        ? 'One new scope whose filter covers user mailboxes and room mailboxes (exchangeSetup.impersonation.scopeCoversRooms), and an assignment limited to it.'
        : 'A new scope over user mailboxes, beside the existing room scope, and an assignment limited to it.'),
      ...(settings.impersonation.organizationWide ? [comment('exchangeSetup.impersonation.organizationWide is ignored for an existing account: nothing organisation-wide is added.')] : []),
      statement(`New-ManagementScope -Name ${scope} -RecipientRestrictionFilter ${scopeFilterExpression(settings, refs)}`),
      statement(`New-ManagementRoleAssignment -Name ${assignment} -Role ApplicationImpersonation -User ${upn} -CustomRecipientWriteScope ${scope}`),
    ),
    verify: script(
      comment('Every ApplicationImpersonation assignment of the service account (-Delegating $false), the scope each is limited to and its filter,'),
      comment('and the scope this step adds.'),
      statement(`$ecsScope = Get-ManagementScope -Identity ${scope} -ErrorAction SilentlyContinue`),
      ...assignmentsWithScopes(upn),
      ...markedJson(
        'access.impersonation',
        '@([pscustomobject]@{ AccountFound = [bool]$ecsAccount; ScopeName = [string]$ecsScope.Name; ScopeFilter = [string]$ecsScope.RecipientFilter; Assignments = $ecsAssignments })',
      ),
    ),
    rollback: script(
      comment('Removes only what this step added, in this order: its assignment, then its scope (a scope still in use cannot be removed).'),
      comment('The assignments and scopes the account had before (the room access its devices use) are not touched.'),
      statement(`Remove-ManagementRoleAssignment -Identity ${assignment}`),
      statement(`Remove-ManagementScope -Identity ${scope}`),
    ),
  };
}

/** How many addresses of mailboxes lacking a right the delegate verification prints (it always prints the count). */
export const DELEGATE_NAMES_SHOWN = 20;

/**
 * User mailboxes other than the service account's own, kept in $ecsMailboxes; with a group set, only
 * its members (the same MemberOfGroup condition as Method 1's scope).
 */
function selectUserMailboxes(settings: SetupSettings, refs: ValueRefs): ScriptLine {
  const group = settings.access.limitToGroup === '' ? '' : ` -Filter ${refs.opathValueBetween(MEMBER_OF_GROUP_PREFIX, 'access.limitToGroup', "'")}`;
  return statement(`$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited${group} | Where-Object { [string]$_.UserPrincipalName -ne ${refs.value('serviceAccount.upn')} })`);
}

/** The two grants of Method 2 over $ecsMailboxes, with `-WhatIf` for the dry run. */
function grantLines(upn: string, whatIf: boolean): ScriptLine[] {
  const suffix = whatIf ? ' -WhatIf' : '';
  return [
    statement(`$ecsMailboxes | ForEach-Object { Add-MailboxPermission -Identity $_.DistinguishedName -User ${upn} -AccessRights FullAccess -InheritanceType All -AutoMapping $false${suffix} }`),
    comment('Send As on premises is an Active Directory permission (Add-RecipientPermission is Exchange Online only).'),
    statement(`$ecsMailboxes | ForEach-Object { Add-ADPermission -Identity $_.DistinguishedName -User ${upn} -ExtendedRights 'Send As'${suffix} }`),
  ];
}

const COUNT_LINE = statement("Write-Output ('User mailboxes this step changes: ' + $ecsMailboxes.Count)");

export function renderDelegate(settings: SetupSettings, refs: ValueRefs): StepSnippet {
  if (settings.serviceAccount.existing) return renderDelegateBesideExisting(settings, refs);
  const upn = refs.value('serviceAccount.upn');
  const testMailbox: ScriptLine[] = settings.testMailbox === ''
    ? [statement('$ecsTest = $null')]
    : [
        statement(`$ecsTestMailbox = Get-Mailbox -Identity ${refs.value('testMailbox')}`),
        statement(`$ecsTest = [pscustomobject]@{ Mailbox = [string]$ecsTestMailbox.PrimarySmtpAddress; FullAccess = [bool](Get-MailboxPermission -Identity $ecsTestMailbox.DistinguishedName -User ${upn} | Where-Object { $_.AccessRights -match 'FullAccess' -and -not $_.Deny }); SendAs = [bool](Get-ADPermission -Identity $ecsTestMailbox.DistinguishedName -User ${upn} | Where-Object { $_.ExtendedRights -match 'Send.As' -and -not $_.Deny }) }`),
      ];
  return {
    stepId: 'access.delegate',
    title: 'Method 2: per-mailbox rights',
    action: script(
      comment(settings.access.limitToGroup === ''
        ? 'Full Access (without Outlook auto-mapping) and Send As on every user mailbox except the service account\'s own.'
        : 'Full Access (without Outlook auto-mapping) and Send As on the user mailboxes of the group in exchangeSetup.access.limitToGroup.'),
      comment('Mailboxes created later do not get these rights: run this again after adding users (Method 1 does not have this gap).'),
      comment('Run the dry run first (Insert Dry Run): it counts the mailboxes and shows each change with -WhatIf.'),
      selectUserMailboxes(settings, refs),
      COUNT_LINE,
      comment('Nothing changes unless you type the number of mailboxes shown above.'),
      statement("if ((Read-Host 'Type the number of mailboxes to change them') -ne [string]$ecsMailboxes.Count) { throw 'Nothing was changed: the number typed did not match.' }"),
      ...grantLines(upn, false),
    ),
    dryRun: script(
      comment('Dry run: counts the mailboxes the grant would change and shows each change with -WhatIf; nothing is changed.'),
      comment('-WhatIf is listed in the syntax of Add-MailboxPermission and Add-ADPermission (Microsoft Learn, both pages).'),
      selectUserMailboxes(settings, refs),
      COUNT_LINE,
      ...grantLines(upn, true),
    ),
    verify: script(
      comment('The rights on the test mailbox, and which user mailboxes lack each right: the count and the first'),
      comment(`${DELEGATE_NAMES_SHOWN} addresses of each (reads every mailbox: slow in large organisations).`),
      selectUserMailboxes(settings, refs),
      ...testMailbox,
      statement(`$ecsNoFullAccess = @($ecsMailboxes | Where-Object { -not (Get-MailboxPermission -Identity $_.DistinguishedName -User ${upn} | Where-Object { $_.AccessRights -match 'FullAccess' -and -not $_.Deny }) } | ForEach-Object { [string]$_.PrimarySmtpAddress })`),
      statement(`$ecsNoSendAs = @($ecsMailboxes | Where-Object { -not (Get-ADPermission -Identity $_.DistinguishedName -User ${upn} | Where-Object { $_.ExtendedRights -match 'Send.As' -and -not $_.Deny }) } | ForEach-Object { [string]$_.PrimarySmtpAddress })`),
      ...markedJson(
        'access.delegate',
        `@([pscustomobject]@{ UserMailboxes = $ecsMailboxes.Count; WithoutFullAccessCount = $ecsNoFullAccess.Count; WithoutFullAccess = @($ecsNoFullAccess | Select-Object -First ${DELEGATE_NAMES_SHOWN}); WithoutSendAsCount = $ecsNoSendAs.Count; WithoutSendAs = @($ecsNoSendAs | Select-Object -First ${DELEGATE_NAMES_SHOWN}); TestMailbox = $ecsTest })`,
      ),
    ),
    rollback: script(
      comment('Removes both rights from the same set of mailboxes. Exchange asks for confirmation; add -Confirm:$false only once you have read one.'),
      selectUserMailboxes(settings, refs),
      statement(`$ecsMailboxes | ForEach-Object { Remove-MailboxPermission -Identity $_.DistinguishedName -User ${upn} -AccessRights FullAccess -InheritanceType All }`),
      statement(`$ecsMailboxes | ForEach-Object { Remove-ADPermission -Identity $_.DistinguishedName -User ${upn} -ExtendedRights 'Send As' }`),
    ),
  };
}

/** Where Method 2 for an existing account records the rights it adds, under the admin's profile, so the rollback removes exactly those. */
export const DELEGATE_ADDED_FILE = 'exchange-calendar-setup-delegate-added.json';

const DELEGATE_ADDED_PATH = `$ecsAddedFile = Join-Path $env:USERPROFILE '${DELEGATE_ADDED_FILE}'`;

/** $ecsNeedFullAccess and $ecsNeedSendAs: the selected user mailboxes that lack each right. */
function lackingRights(upn: string): ScriptLine[] {
  return [
    statement(`$ecsNeedFullAccess = @($ecsMailboxes | Where-Object { -not (Get-MailboxPermission -Identity $_.DistinguishedName -User ${upn} | Where-Object { $_.AccessRights -match 'FullAccess' -and -not $_.Deny }) })`),
    statement(`$ecsNeedSendAs = @($ecsMailboxes | Where-Object { -not (Get-ADPermission -Identity $_.DistinguishedName -User ${upn} | Where-Object { $_.ExtendedRights -match 'Send.As' -and -not $_.Deny }) })`),
    statement("Write-Output ('User mailboxes lacking Full Access: ' + $ecsNeedFullAccess.Count + '; lacking Send As: ' + $ecsNeedSendAs.Count)"),
  ];
}

function grantMissing(upn: string, whatIf: boolean): ScriptLine[] {
  const suffix = whatIf ? ' -WhatIf' : '';
  return [
    statement(`$ecsNeedFullAccess | ForEach-Object { Add-MailboxPermission -Identity $_.DistinguishedName -User ${upn} -AccessRights FullAccess -InheritanceType All -AutoMapping $false${suffix} }`),
    statement(`$ecsNeedSendAs | ForEach-Object { Add-ADPermission -Identity $_.DistinguishedName -User ${upn} -ExtendedRights 'Send As'${suffix} }`),
  ];
}

/**
 * Method 2 for a service account that already exists (issue 14: it has Full Access and Send As on room
 * mailboxes). Rights are added on user mailboxes only, and only where missing; the mailboxes changed are
 * recorded first (added to any earlier record), so the rollback removes exactly what this step added, in
 * the reverse order (Send As, then Full Access), and leaves the rooms' rights and any right the account
 * had before on a user mailbox.
 */
function renderDelegateBesideExisting(settings: SetupSettings, refs: ValueRefs): StepSnippet {
  const upn = refs.value('serviceAccount.upn');
  const dns = (list: string): string => `@(@($ecsAdded.${list}) + @($ecsNeed${list} | ForEach-Object { [string]$_.DistinguishedName }) | Where-Object { $_ } | Select-Object -Unique)`;
  return {
    stepId: 'access.delegate',
    title: 'Method 2: per-mailbox rights beside the existing access',
    action: script(
      comment('The service account already exists and may already have rights on room mailboxes: those stay as they are.'),
      comment('This adds Full Access (without auto-mapping) and Send As on user mailboxes only, and only where each is missing.'),
      comment(`It first records the mailboxes it changes in ${DELEGATE_ADDED_FILE} under your profile: the rollback removes exactly those.`),
      selectUserMailboxes(settings, refs),
      ...lackingRights(upn),
      comment('Nothing changes unless you type the number of changes shown above (Full Access plus Send As).'),
      statement("if ((Read-Host 'Type the number of changes to make them') -ne [string]($ecsNeedFullAccess.Count + $ecsNeedSendAs.Count)) { throw 'Nothing was changed: the number typed did not match.' }"),
      statement(DELEGATE_ADDED_PATH),
      statement('$ecsAdded = if (Test-Path -LiteralPath $ecsAddedFile) { ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsAddedFile -Raw) } else { [pscustomobject]@{ FullAccess = @(); SendAs = @() } }'),
      statement(`ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ FullAccess = ${dns('FullAccess')}; SendAs = ${dns('SendAs')} }) | Set-Content -LiteralPath $ecsAddedFile -Encoding UTF8`),
      ...grantMissing(upn, false),
    ),
    dryRun: script(
      comment('Dry run: counts the user mailboxes lacking each right and shows each change with -WhatIf; nothing is changed or recorded.'),
      selectUserMailboxes(settings, refs),
      ...lackingRights(upn),
      ...grantMissing(upn, true),
    ),
    verify: script(
      comment('Which room and user mailboxes the service account has Full Access and Send As on: counts, and the first'),
      comment(`${DELEGATE_NAMES_SHOWN} addresses of each list (reads every mailbox: slow in large organisations).`),
      selectUserMailboxes(settings, refs),
      ...lackingRights(upn),
      statement('$ecsRooms = @(Get-Mailbox -RecipientTypeDetails RoomMailbox -ResultSize Unlimited)'),
      statement(`$ecsRoomsFullAccess = @($ecsRooms | Where-Object { Get-MailboxPermission -Identity $_.DistinguishedName -User ${upn} | Where-Object { $_.AccessRights -match 'FullAccess' -and -not $_.Deny } } | ForEach-Object { [string]$_.PrimarySmtpAddress })`),
      statement(`$ecsRoomsSendAs = @($ecsRooms | Where-Object { Get-ADPermission -Identity $_.DistinguishedName -User ${upn} | Where-Object { $_.ExtendedRights -match 'Send.As' -and -not $_.Deny } } | ForEach-Object { [string]$_.PrimarySmtpAddress })`),
      ...(settings.testMailbox === ''
        ? [statement('$ecsTest = $null')]
        : [
            statement(`$ecsTestMailbox = Get-Mailbox -Identity ${refs.value('testMailbox')}`),
            statement(`$ecsTest = [pscustomobject]@{ Mailbox = [string]$ecsTestMailbox.PrimarySmtpAddress; FullAccess = [bool](Get-MailboxPermission -Identity $ecsTestMailbox.DistinguishedName -User ${upn} | Where-Object { $_.AccessRights -match 'FullAccess' -and -not $_.Deny }); SendAs = [bool](Get-ADPermission -Identity $ecsTestMailbox.DistinguishedName -User ${upn} | Where-Object { $_.ExtendedRights -match 'Send.As' -and -not $_.Deny }) }`),
          ]),
      ...markedJson(
        'access.delegate',
        `@([pscustomobject]@{ UserMailboxes = $ecsMailboxes.Count; WithoutFullAccessCount = $ecsNeedFullAccess.Count; WithoutFullAccess = @($ecsNeedFullAccess | ForEach-Object { [string]$_.PrimarySmtpAddress } | Select-Object -First ${DELEGATE_NAMES_SHOWN}); WithoutSendAsCount = $ecsNeedSendAs.Count; WithoutSendAs = @($ecsNeedSendAs | ForEach-Object { [string]$_.PrimarySmtpAddress } | Select-Object -First ${DELEGATE_NAMES_SHOWN}); RoomMailboxes = $ecsRooms.Count; RoomsWithFullAccessCount = $ecsRoomsFullAccess.Count; RoomsWithFullAccess = @($ecsRoomsFullAccess | Select-Object -First ${DELEGATE_NAMES_SHOWN}); RoomsWithSendAsCount = $ecsRoomsSendAs.Count; RoomsWithSendAs = @($ecsRoomsSendAs | Select-Object -First ${DELEGATE_NAMES_SHOWN}); TestMailbox = $ecsTest })`,
      ),
    ),
    rollback: script(
      comment(`Removes only the rights this step added, as recorded in ${DELEGATE_ADDED_FILE} under your profile, in the reverse order:`),
      comment('Send As, then Full Access. The rights on room mailboxes, and those the account had before on user mailboxes, stay.'),
      comment('Exchange asks for confirmation of each removal; add -Confirm:$false only once you have read one.'),
      statement(DELEGATE_ADDED_PATH),
      statement("if (-not (Test-Path -LiteralPath $ecsAddedFile)) { throw ('No record of added rights in ' + $ecsAddedFile + ': nothing was removed. Remove by hand only the rights this setup added.') }"),
      statement('$ecsAdded = ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsAddedFile -Raw)'),
      comment('foreach, not a pipeline: Windows PowerShell 5.1 passes a JSON array down a pipeline as one object.'),
      statement(`foreach ($ecsDn in @($ecsAdded.SendAs)) { Remove-ADPermission -Identity $ecsDn -User ${upn} -ExtendedRights 'Send As' }`),
      statement(`foreach ($ecsDn in @($ecsAdded.FullAccess)) { Remove-MailboxPermission -Identity $ecsDn -User ${upn} -AccessRights FullAccess -InheritanceType All }`),
      statement('Remove-Item -LiteralPath $ecsAddedFile'),
    ),
  };
}
