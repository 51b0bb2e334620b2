/**
 * The panel's one workspace-trust guard. Probes, mailbox verification, Autodiscover and linking send
 * the service account's password, so a folder the admin has not trusted must not steer them
 * (its settings could name the server). Every message and command that does so passes here first.
 */
import * as vscode from 'vscode';
import { UserFacingError } from '../../core/errors';

export const untrustedMessage = (): string => vscode.l10n.t("Probing, Autodiscover and linking are disabled in an untrusted workspace: a folder you have not trusted could otherwise steer where the service account's password is sent. Trust the folder (Workspaces: Manage Workspace Trust) to use them; the checklist stays readable.");

/** Throws the error the admin reads when the workspace is not trusted. */
export function requireTrustedWorkspace(): void {
  if (!vscode.workspace.isTrusted) throw new UserFacingError(untrustedMessage());
}
