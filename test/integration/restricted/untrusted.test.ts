import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatedApi as api } from '../support';


function shellTerminals(): readonly vscode.Terminal[] {
  return vscode.window.terminals.filter((t) => t.name === 'Exchange Management Shell');
}

describe('untrusted workspace (restricted mode)', function () {
  this.timeout(30_000);

  it('runs in a folder that is not trusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still shows the checklist', async () => {
    const { checklist } = await api();
    const roots = checklist.getChildren();
    assert.equal(roots.length, 8);
    assert.equal(checklist.getTreeItem(roots[0]).label, 'Prerequisites');
  });

  for (const command of ['exchangeSetup.insertSnippet', 'exchangeSetup.insertVerification', 'exchangeSetup.insertRollback', 'exchangeSetup.insertDryRun', 'exchangeSetup.runVerification', 'exchangeSetup.showTerminal']) {
    it(`refuses ${command}: no terminal is opened and nothing is typed`, async () => {
      await api();
      await vscode.commands.executeCommand(command, 'basicAuth.verify');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(shellTerminals().map((t) => t.name), []);
    });
  }

  it('refuses to run probes', async () => {
    const { session } = await api();
    const before = JSON.stringify(session.model.snapshot());
    const contributed = (await vscode.commands.getCommands(true)).includes('exchangeSetup.runProbes');
    assert.ok(contributed, 'the probe command exists');
    await vscode.commands.executeCommand('exchangeSetup.runProbes');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(JSON.stringify(session.model.snapshot()), before, 'no probe evidence was recorded');
  });
});
