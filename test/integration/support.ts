// Shared by the integration suites: the extension under test, activated, with the API it returns.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/host/api';

export const EXTENSION_ID = 'exchange-calendar-setup.exchange-calendar-setup';

export async function activatedApi(): Promise<ExtensionApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is loaded`);
  const api = await extension.activate();
  assert.ok(api, 'activate() returned the API (activation did not fail)');
  return api;
}
