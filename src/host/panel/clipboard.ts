/**
 * The copied password's clipboard timer: a password copied for the calendar service's console is
 * taken off the clipboard after CLIPBOARD_CLEAR_MS, or when the panel or the window closes, if the
 * clipboard still holds it (src/core/clipboardSecret.ts decides "still holds it").
 */
import * as vscode from 'vscode';
import { ClipboardSecret } from '../../core/clipboardSecret';

/** How long a copied password may stay on the clipboard before it is cleared (if still there). */
export const CLIPBOARD_CLEAR_MS = 60_000;

export function createClipboardSecret(): ClipboardSecret {
  return new ClipboardSecret(vscode.env.clipboard, CLIPBOARD_CLEAR_MS);
}

/** What the admin reads after a copy. */
export function copiedPasswordText(upn: string): string {
  return vscode.l10n.t('Copied the password of {0}. The clipboard is cleared in {1} s, or when this panel or the window closes, if it still holds it.', upn, CLIPBOARD_CLEAR_MS / 1000);
}
