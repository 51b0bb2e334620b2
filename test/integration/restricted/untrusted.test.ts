import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activatedApi as api, shownChecklistMessage } from '../support';


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

  // Issue 13, item 2: a copied snippet and an exported runbook are as runnable as an inserted one.
  it('refuses exchangeSetup.copySnippet: the clipboard keeps what it held', async () => {
    await api();
    await vscode.env.clipboard.writeText('clipboard before the copy');
    await vscode.commands.executeCommand('exchangeSetup.copySnippet', 'basicAuth.verify');
    assert.equal(await vscode.env.clipboard.readText(), 'clipboard before the copy');
  });

  it('refuses exchangeSetup.exportRunbook: no file is written', async () => {
    await api();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ecs-runbook-')), 'runbook.ps1');
    await vscode.commands.executeCommand('exchangeSetup.exportRunbook', vscode.Uri.file(file));
    assert.equal(fs.existsSync(file), false);
  });

  it('ignores the workspace\'s values for settings that shape snippets, so the checklist has nothing to warn about', async () => {
    const hooks = await api();
    const { session } = hooks;
    const { settings } = session.readSettings();
    assert.equal(settings.exchangeServer, 'EXCH01');
    assert.equal(settings.serviceAccount.organizationalUnit, '');
    assert.equal(settings.impersonation.scopeName, 'Alexa for Business user mailboxes', 'restrictedConfigurations: the workspace value is ignored');
    assert.equal(await shownChecklistMessage(hooks), undefined);
  });

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
