import type * as vscode from 'vscode';
import { organizationKey } from '../core/settings';
import type { SecretState } from '../core/protocol';
import { errorText } from '../core/errors';
// Not vscode.l10n: this module runs in plain Node in the unit tests; src/host/l10nSetup.ts gives core the same bundle.
import * as l10n from '../core/l10n';

/**
 * The service account's password (and the http link target's authorization header) live only in
 * VS Code's SecretStorage, which is the OS keyring on the desktop. When the keyring cannot be used,
 * SecretStorage throws: that is reported as it is, and nothing is ever written anywhere else instead.
 */
export class KeyringUnavailableError extends Error {
  constructor(cause: unknown) {
    super(l10n.t("VS Code's secret storage (the operating system keyring) is not available, so no password can be kept: {0}. Unlock or install a keyring (for example gnome-keyring or KWallet on Linux), then reload VS Code. The password is never stored anywhere else.", errorText(cause)));
    this.name = 'KeyringUnavailableError';
  }
}

/** One password per EWS host and service account: two organisations, or two accounts, never share one. */
export function passwordKey(ewsUrl: string, upn: string): string {
  return `exchangeSetup.password:${organizationKey(ewsUrl)}:${upn.trim().toLowerCase()}`;
}

export function linkAuthorizationKey(url: string): string {
  let origin = url;
  try {
    origin = new URL(url).origin.toLowerCase();
  } catch {
    // An unparsable URL is refused elsewhere; the key just has to be stable.
  }
  return `exchangeSetup.link.http.authorization:${origin}`;
}

export class SecretStore {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async getPassword(ewsUrl: string, upn: string): Promise<string | undefined> {
    return this.guard(() => this.storage.get(passwordKey(ewsUrl, upn)));
  }

  async storePassword(ewsUrl: string, upn: string, password: string): Promise<void> {
    await this.guard(() => this.storage.store(passwordKey(ewsUrl, upn), password));
  }

  async forgetPassword(ewsUrl: string, upn: string): Promise<void> {
    await this.guard(() => this.storage.delete(passwordKey(ewsUrl, upn)));
  }

  async getLinkAuthorization(url: string): Promise<string | undefined> {
    return this.guard(() => this.storage.get(linkAuthorizationKey(url)));
  }

  async storeLinkAuthorization(url: string, value: string): Promise<void> {
    await this.guard(() => this.storage.store(linkAuthorizationKey(url), value));
  }

  /** Whether a password is kept for this host and account, as the panel shows it. */
  async passwordState(ewsUrl: string, upn: string): Promise<SecretState> {
    if (upn.trim() === '') return { kind: 'missing' };
    try {
      return (await this.getPassword(ewsUrl, upn)) === undefined ? { kind: 'missing' } : { kind: 'stored' };
    } catch (error) {
      if (error instanceof KeyringUnavailableError) return { kind: 'unavailable', message: error.message };
      throw error;
    }
  }

  private async guard<T>(operation: () => Thenable<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new KeyringUnavailableError(error);
    }
  }
}
