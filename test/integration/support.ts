// Shared by the integration suites: the extension under test, activated, with its test hooks.
import * as assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import * as vscode from 'vscode';
import type { ExtensionApi, TestApi } from '../../src/host/api';

export const EXTENSION_ID = 'exchange-calendar-setup.exchange-calendar-setup';

/**
 * The API activate() returned, with the hooks that exist only in a development build run in
 * ExtensionMode.Test (src/extension.ts); a production build or another mode fails here, saying so.
 */
export async function activatedApi(): Promise<TestApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi | TestApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is loaded`);
  const api = await extension.activate();
  assert.ok(api, 'activate() returned the API (activation did not fail)');
  assert.ok('session' in api, 'the API has the test hooks: build with `node scripts/build.mjs` (not --production) and run the suite through extensionTestsPath (ExtensionMode.Test)');
  return api;
}

/**
 * The API activate() returned, as any other extension gets it: only what ExtensionApi declares is
 * relied on, so this works against the production build (the installed .vsix), where the test hooks
 * are compiled out. Fails when activation failed or the figures are missing.
 */
export async function activatedPublicApi(): Promise<ExtensionApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is loaded`);
  const api = await extension.activate();
  assert.ok(api, 'activate() returned the API (activation did not fail)');
  assert.equal(typeof api.activationMs, 'number', 'the API has activationMs');
  return api;
}

/**
 * Shows the checklist view and returns the message above it: the extension works the message out
 * while the view is shown (src/host/checklistView.ts), so it is read only once the view is.
 */
export async function shownChecklistMessage(api: TestApi): Promise<string | undefined> {
  await vscode.commands.executeCommand('exchangeSetup.checklist.focus');
  for (const deadline = Date.now() + 10_000; !api.checklistShown() && Date.now() < deadline;) await delay(50);
  assert.ok(api.checklistShown(), 'the checklist view is shown after exchangeSetup.checklist.focus');
  return api.checklistMessage();
}
