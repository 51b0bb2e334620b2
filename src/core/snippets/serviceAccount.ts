/**
 * The service account mailbox. Every value is quoted (the AWS page passed multi-word values bare),
 * the password is read as a SecureString inside the shell so it never appears in a command, and the
 * account must not be forced to change its password: EWS would answer ErrorPasswordChangeRequired.
 */
import type { SetupSettings } from '../settings';
import { comment, markedJson, script, statement, type StepSnippet, type ValueRefs } from './script';

export function renderServiceAccountCreate(settings: SetupSettings, refs: ValueRefs): StepSnippet {
  const ou = settings.serviceAccount.organizationalUnit === '' ? '' : ` -OrganizationalUnit ${refs.value('serviceAccount.organizationalUnit')}`;
  return {
    stepId: 'serviceAccount.create',
    title: 'Create the service account mailbox',
    action: script(
      comment('Creates the service account mailbox. The shell asks for the password; it never appears in the command or in VS Code.'),
      comment('-ResetPasswordOnNextLogon $false: otherwise EWS refuses the account with ErrorPasswordChangeRequired.'),
      statement(
        `New-Mailbox -Name ${refs.value('serviceAccount.displayName')} -Alias ${refs.value('serviceAccount.alias')} -UserPrincipalName ${refs.value('serviceAccount.upn')} -DisplayName ${refs.value('serviceAccount.displayName')}${ou} -Password (Read-Host 'Service account password' -AsSecureString) -ResetPasswordOnNextLogon $false`,
      ),
    ),
    verify: script(
      comment('Reads the service account mailbox back (an empty list means it does not exist).'),
      ...markedJson(
        'serviceAccount.create',
        `@(Get-Mailbox -Identity ${refs.value('serviceAccount.upn')} -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; Alias = [string]$_.Alias; UserPrincipalName = [string]$_.UserPrincipalName; PrimarySmtpAddress = [string]$_.PrimarySmtpAddress; RecipientTypeDetails = [string]$_.RecipientTypeDetails } })`,
      ),
    ),
    rollback: script(
      comment('Removes the mailbox and its Active Directory account. Exchange asks for confirmation: read it before answering.'),
      statement(`Remove-Mailbox -Identity ${refs.value('serviceAccount.upn')}`),
    ),
  };
}
