// Proves the harness itself: the suite runs inside the expected VS Code host with the
// environment and workspace the runner prepared. Independent of the extension's own code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

function versionAtLeast(version: string, minimum: [number, number]): boolean {
  const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

describe('integration harness', () => {
  it('runs in VS Code 1.99 or newer', () => {
    assert.ok(versionAtLeast(vscode.version, [1, 99]), `VS Code ${vscode.version} is older than 1.99`);
  });

  it('runs in the extension host the runner announced', () => {
    const host = process.env.ECS_VSCODE_HOST;
    if (host === 'code-server') {
      // code-server's extension host is a remote one, driven from a web workbench.
      assert.equal(typeof vscode.env.remoteName, 'string');
      assert.notEqual(vscode.env.remoteName, '');
      assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    } else if (host === 'desktop') {
      assert.equal(vscode.env.remoteName, undefined);
      assert.equal(vscode.env.uiKind, vscode.UIKind.Desktop);
    } else {
      assert.fail(`ECS_VSCODE_HOST is ${JSON.stringify(host)}; run through scripts/run-vscode-tests.mjs or npm run test:desktop (.vscode-test.mjs)`);
    }
  });

  it('opened the workspace the runner prepared, in test mode', () => {
    assert.equal(process.env.ECS_TEST_MODE, '1');
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.equal(folders[0].uri.fsPath, process.env.ECS_TEST_WORKSPACE);
  });
});
