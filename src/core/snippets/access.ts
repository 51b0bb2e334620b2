/**
 * The two ways to give the service account calendar access.
 *
 * Method 1 creates ONLY a management scope over user mailboxes and an ApplicationImpersonation
 * assignment limited to it. The AWS page first ran an unscoped assignment, which already grants
 * impersonation of every mailbox and defeats the scope; here that is an explicit, warned opt-in.
 * Method 2 grants Full Access and Send As per user mailbox. Send As on premises is Add-ADPermission:
 * Add-RecipientPermission exists only in Exchange Online.
 */
import type { SetupSettings } from '../settings';
import { comment, markedJson, script, statement, type ScriptLine, type StepSnippet, type ValueRefs } from './script';

/** The OPATH filter that selects user mailboxes (people, not rooms, equipment or shared mailboxes). */
const USER_MAILBOX_OPATH = "RecipientTypeDetails -eq 'UserMailbox'";

/**
 * The OPATH filter the impersonation scope is created with. The verification compares the filter
 * Exchange stores with this one, so both come from here.
 */
export function impersonationScopeFilter(_settings: SetupSettings): string {
  return USER_MAILBOX_OPATH;
}

/**
 * The scope filter as a PowerShell string (the safest form across Exchange versions). Double quotes
 * are safe here: the filter contains no `$`, backtick or double quote for PowerShell to expand.
 */
export const USER_MAILBOX_FILTER = `"${USER_MAILBOX_OPATH}"`;

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
  return {
    stepId: 'access.impersonation',
    title: 'Method 1: impersonation',
    action: script(
      comment('A management scope over user mailboxes (RecipientTypeDetails UserMailbox: people, not rooms or shared mailboxes).'),
      statement(`New-ManagementScope -Name ${scope} -RecipientRestrictionFilter "${impersonationScopeFilter(settings)}"`),
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

/** User mailboxes other than the service account's own, kept in $ecsMailboxes. */
function selectUserMailboxes(upn: string): ScriptLine {
  return statement(`$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited | Where-Object { [string]$_.UserPrincipalName -ne ${upn} })`);
}

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
      comment('Full Access (without Outlook auto-mapping) and Send As on every user mailbox except the service account\'s own.'),
      comment('Mailboxes created later do not get these rights: run this again after adding users (Method 1 does not have this gap).'),
      selectUserMailboxes(upn),
      statement(`$ecsMailboxes | ForEach-Object { Add-MailboxPermission -Identity $_.DistinguishedName -User ${upn} -AccessRights FullAccess -InheritanceType All -AutoMapping $false }`),
      comment('Send As on premises is an Active Directory permission (Add-RecipientPermission is Exchange Online only).'),
      statement(`$ecsMailboxes | ForEach-Object { Add-ADPermission -Identity $_.DistinguishedName -User ${upn} -ExtendedRights 'Send As' }`),
    ),
    verify: script(
      comment('The rights on the test mailbox, and which user mailboxes lack each right: the count and the first'),
      comment(`${DELEGATE_NAMES_SHOWN} addresses of each (reads every mailbox: slow in large organisations).`),
      selectUserMailboxes(upn),
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
      selectUserMailboxes(upn),
      statement(`$ecsMailboxes | ForEach-Object { Remove-MailboxPermission -Identity $_.DistinguishedName -User ${upn} -AccessRights FullAccess -InheritanceType All }`),
      statement(`$ecsMailboxes | ForEach-Object { Remove-ADPermission -Identity $_.DistinguishedName -User ${upn} -ExtendedRights 'Send As' }`),
    ),
  };
}
