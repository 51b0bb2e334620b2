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
  return group === '' ? USER_MAILBOX_CONDITION : `${USER_MAILBOX_CONDITION} -and ${MEMBER_OF_GROUP_PREFIX}${opathText(group)}'`;
}

/** The scope filter as a PowerShell expression: the constant without a group, else built through `refs`. */
function scopeFilterExpression(settings: SetupSettings, refs: ValueRefs): string {
  if (settings.access.limitToGroup === '') return USER_MAILBOX_FILTER;
  return refs.opathValueBetween(`${USER_MAILBOX_CONDITION} -and ${MEMBER_OF_GROUP_PREFIX}`, 'access.limitToGroup', "'");
}

export function renderImpersonation(settings: SetupSettings, refs: ValueRefs): StepSnippet {
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
      comment('A management scope over user mailboxes (RecipientTypeDetails UserMailbox: people, not rooms or shared mailboxes).'),
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
