/**
 * Which settings a cloned repository's `.vscode/settings.json` could use to steer what the admin
 * runs with Exchange-admin rights, and how each is kept from doing so (issue 13, item 2).
 *
 * VS Code gives two tools ("Workspace Trust Extension Guide", code.visualstudio.com/api/extension-guides/workspace-trust,
 * sections "Static declarations" and "Restricted configurations"): a `machine`-scoped setting is
 * read from user (or remote machine) settings only, never from a workspace; a setting listed in
 * `capabilities.untrustedWorkspaces.restrictedConfigurations` ignores workspace values while the
 * folder is untrusted (Restricted Mode) and honours them once it is trusted.
 *
 * The choice per setting:
 * - `machine` where one value hands the attacker the account or the session: the host that the
 *   remote PowerShell session (and the new account's password typed into it) goes to, the OU whose
 *   administrators control the service account, and the settings that already were machine-scoped
 *   (where credentials go, what process starts, org-wide impersonation).
 * - `restricted` where a value is a name or a choice between safe shapes (alias, display name, scope
 *   and assignment names, access method, link target and WorkMail organisation): a team may want them
 *   per workspace, so they keep working in a trusted folder, and the checklist shows a warning naming
 *   every workspace value in effect, so that a trusted-but-hostile repository is seen before a
 *   snippet is run.
 */
import * as l10n from './l10n';
import type { SettingKey } from './contributions/configuration';

/** A key of the settings table (core/contributions/configuration.ts), after the `exchangeSetup.` prefix. */
export type GuardedSetting = SettingKey;

export type SettingGuard = 'machine' | 'restricted';

export interface SnippetShapingSetting {
  readonly key: GuardedSetting;
  readonly guard: SettingGuard;
  /** What a hostile value would do, for the warning and the docs. */
  readonly risk: string;
}

/** Every setting that shapes a snippet, the runbook or where the service account's password goes. */
export const SNIPPET_SHAPING_SETTINGS: readonly SnippetShapingSetting[] = [
  { key: 'ewsUrl', guard: 'machine', risk: l10n.t('probes and linking send the password to this URL') },
  { key: 'exchangeServer', guard: 'machine', risk: l10n.t("the remote Exchange shell, which carries the new account's password, connects to this host") },
  { key: 'serviceAccount.upn', guard: 'machine', risk: l10n.t('the account the password belongs to') },
  { key: 'serviceAccount.organizationalUnit', guard: 'machine', risk: l10n.t('the administrators of this OU control the impersonation account') },
  { key: 'impersonation.organizationWide', guard: 'machine', risk: l10n.t('impersonation over every mailbox') },
  { key: 'access.limitToGroup', guard: 'machine', risk: l10n.t('whose mailboxes the service account may reach (a group whose members the attacker controls)') },
  { key: 'testMailbox', guard: 'machine', risk: l10n.t('the mailbox probes read and write') },
  { key: 'testRoomMailbox', guard: 'machine', risk: l10n.t('the room mailbox the probes read') },
  { key: 'serviceAccount.alias', guard: 'restricted', risk: l10n.t("the new mailbox's alias") },
  { key: 'serviceAccount.displayName', guard: 'restricted', risk: l10n.t("the new mailbox's name") },
  { key: 'accessMethod', guard: 'restricted', risk: l10n.t('which rights the service account is given') },
  { key: 'impersonation.scopeName', guard: 'restricted', risk: l10n.t('the management scope the impersonation right is bound to, and the one the rollback removes') },
  { key: 'impersonation.assignmentName', guard: 'restricted', risk: l10n.t('the role assignment created, and the one the rollback removes') },
  { key: 'serviceAccount.existing', guard: 'restricted', risk: l10n.t('whether the account is created or only checked, and what the access step adds beside it') },
  { key: 'impersonation.scopeCoversRooms', guard: 'restricted', risk: l10n.t('whether the impersonation scope reaches room mailboxes too') },
  { key: 'link.target', guard: 'restricted', risk: l10n.t('where linking sends the password') },
  { key: 'link.workmail.organizationId', guard: 'restricted', risk: l10n.t('the WorkMail organisation that receives the password') },
  { key: 'link.workmail.region', guard: 'restricted', risk: l10n.t('the WorkMail region called') },
];

/** The part of VS Code's `WorkspaceConfiguration.inspect()` answer that matters here. */
export interface SettingInspection {
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

export interface WorkspaceOverride {
  readonly key: GuardedSetting;
  /** Where the value in effect comes from. */
  readonly from: 'workspace' | 'workspace folder';
  readonly risk: string;
}

/**
 * The snippet-shaping settings whose value in effect comes from the workspace. A machine-scoped
 * setting never takes a workspace value; a restricted one does only in a trusted workspace. The
 * folder value wins over the workspace value, as in VS Code.
 */
export function workspaceOverrides(inspect: (key: GuardedSetting) => SettingInspection | undefined, trusted: boolean): WorkspaceOverride[] {
  const found: WorkspaceOverride[] = [];
  for (const setting of SNIPPET_SHAPING_SETTINGS) {
    if (setting.guard === 'machine' || !trusted) continue;
    const seen = inspect(setting.key);
    const from = seen?.workspaceFolderValue !== undefined ? 'workspace folder' : seen?.workspaceValue !== undefined ? 'workspace' : undefined;
    if (from) found.push({ key: setting.key, from, risk: setting.risk });
  }
  return found;
}

/** The checklist's warning for the overrides in effect, or undefined when there are none. */
export function workspaceOverrideWarning(overrides: readonly WorkspaceOverride[]): string | undefined {
  if (overrides.length === 0) return undefined;
  const list = overrides.map((o) => `exchangeSetup.${o.key} (${o.from === 'workspace' ? l10n.t('workspace') : l10n.t('workspace folder')}: ${o.risk})`).join('; ');
  return l10n.t('Workspace settings shape your snippets: {0}. A cloned repository can set these; check each value (Preferences: Open Workspace Settings) before you run a snippet, or move it to your user settings.', list);
}
