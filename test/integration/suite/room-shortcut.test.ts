// Issue 14 in real VS Code: an admin whose service account already serves room calendars. The settings
// say the account exists and name a test room mailbox; the probes run against the fake organisation's
// room setup, then after the user access is added, then after its rollback. The checklist, the exported
// runbook and the report follow the path.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, FAKE_TEST_ROOM_MAILBOX, startFakeExchange, type FakeExchange } from '../../fake-exchange/server';
import { activatedApi } from '../support';
import type { ProbeRunSummary } from '../../../src/host/probePanel';

const SETTINGS: [string, (fake: FakeExchange) => unknown][] = [
  ['ewsUrl', (fake) => fake.url],
  ['exchangeServer', () => 'EXCH01'],
  ['serviceAccount.upn', () => FAKE_SERVICE_ACCOUNT],
  ['serviceAccount.existing', () => true],
  ['testMailbox', () => FAKE_TEST_MAILBOX],
  ['testRoomMailbox', () => FAKE_TEST_ROOM_MAILBOX],
  ['accessMethod', () => 'impersonation'],
  ['tls.extraCaFile', (fake) => fake.caFile],
];

describe('a service account that already serves room calendars (issue 14)', function () {
  this.timeout(90_000);
  let fake: FakeExchange;
  const originals = new Map<string, unknown>();
  const config = () => vscode.workspace.getConfiguration('exchangeSetup');

  async function probe(): Promise<Record<string, string>> {
    const summary = await vscode.commands.executeCommand<ProbeRunSummary | undefined>('exchangeSetup.runProbes');
    assert.ok(summary, 'the run returned a summary');
    return Object.fromEntries(summary.checks.map((c) => [c.id, c.status]));
  }

  before(async () => {
    await activatedApi();
    fake = await startFakeExchange({ scenario: 'rooms-only', validateSchemas: false });
    for (const [key, value] of SETTINGS) {
      originals.set(key, config().inspect(key)?.globalValue);
      await config().update(key, value(fake), vscode.ConfigurationTarget.Global);
    }
    const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
    const realInputBox = window.showInputBox;
    window.showInputBox = async () => FAKE_PASSWORD;
    try {
      await vscode.commands.executeCommand('exchangeSetup.setPassword');
    } finally {
      window.showInputBox = realInputBox;
    }
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const [key] of SETTINGS) await config().update(key, originals.get(key), vscode.ConfigurationTarget.Global);
    await fake?.stop();
  });

  it('probes the room beside the user: the rooms work before, with and after the user access', async () => {
    const api = await activatedApi();
    let status = await probe();
    assert.deepEqual([status['auth.login'], status['access.impersonation'], status['room.access'], status['room.read']], ['pass', 'fail', 'pass', 'pass']);
    assert.equal(api.session.model.statusOf('serviceAccount.create'), 'done', 'auth.login proves the existing account');
    assert.equal(api.session.model.statusOf('access.impersonation'), 'failed');

    fake.setScenario('rooms-and-users');
    status = await probe();
    assert.deepEqual([status['access.impersonation'], status['calendar.read'], status['room.access'], status['room.read']], ['pass', 'pass', 'pass', 'pass']);
    assert.equal(api.session.model.statusOf('access.impersonation'), 'done');

    fake.setScenario('rooms-only');
    status = await probe();
    assert.deepEqual([status['access.impersonation'], status['room.access']], ['fail', 'pass'], 'the rollback left the rooms reachable');
  });

  it('exports a runbook that checks the account instead of creating it, and a report naming the room', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecs-rooms-'));
    try {
      const runbook = vscode.Uri.file(path.join(dir, 'runbook.ps1'));
      await vscode.commands.executeCommand('exchangeSetup.exportRunbook', runbook);
      const text = fs.readFileSync(runbook.fsPath, 'utf8');
      assert.match(text, /Check the existing service account/);
      assert.ok(!/^\s*New-Mailbox\s/m.test(text), 'no New-Mailbox');
      const report = vscode.Uri.file(path.join(dir, 'report.md'));
      await vscode.commands.executeCommand('exchangeSetup.exportProbeReport', report);
      const md = fs.readFileSync(report.fsPath, 'utf8');
      assert.match(md, /\| Test room mailbox \| room101@contoso\.com \|/);
      assert.match(md, /room\.access/);
      assert.ok(!md.includes(FAKE_PASSWORD));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
