// Issue 7, the panel half: every broken or hostile server from test/hostile gets the right verdict
// through the Probe & Link panel in real VS Code, within the run's time limit plus one second, and
// nothing is left as an unhandled rejection in the extension host. The CLI half is
// test/unit/hostile-servers.test.ts; both read the same scenario table.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX } from '../../fake-exchange/server';
import { HOSTILE_SCENARIOS, type HostileScenario } from '../../hostile/scenario-table';
import { startHostileServer } from '../../hostile/server';
import { activatedApi } from '../support';
import { SETTINGS } from '../../../src/core/contributions/configuration';
import type { ProbeRunSummary } from '../../../src/host/probePanel';

/** The panel's smallest time limit (the settings table's minimum for exchangeSetup.probes.timeoutSeconds). */
const MIN_TIMEOUT_S = SETTINGS['probes.timeoutSeconds'].minimum;
/** The extension host also carries the command round trip and the webview posts. */
const HOST_SLACK_MS = 1_000;

/** Every setting this suite changes; restored to the user-settings fixture's values afterwards. */
const TOUCHED = ['ewsUrl', 'serviceAccount.upn', 'testMailbox', 'accessMethod', 'tls.extraCaFile', 'probes.timeoutSeconds'] as const;

function panelTimeoutSeconds(scenario: HostileScenario): number {
  return Math.max(MIN_TIMEOUT_S, Math.ceil(scenario.timeoutMs / 1000));
}

/**
 * A scenario whose own limit is under the panel's minimum runs with the minimum; a message that
 * quotes the limit then quotes the one the panel really used.
 */
function expectedMessage(scenario: HostileScenario, timeoutMs: number): RegExp {
  const { source, flags } = scenario.expect.message;
  return new RegExp(source.split(`${scenario.timeoutMs} ms`).join(`${timeoutMs} ms`), flags);
}

describe('hostile servers through the probe panel', function () {
  this.timeout(120_000);
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('exchangeSetup');
  const originals = new Map<string, unknown>();
  const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
  const realInputBox = window.showInputBox;
  let tempDir = '';

  before(async () => {
    await activatedApi();
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-panel-'));
    for (const key of TOUCHED) originals.set(key, config().inspect(key)?.globalValue);
    await config().update('serviceAccount.upn', FAKE_SERVICE_ACCOUNT, vscode.ConfigurationTarget.Global);
    await config().update('testMailbox', FAKE_TEST_MAILBOX, vscode.ConfigurationTarget.Global);
    await config().update('accessMethod', 'impersonation', vscode.ConfigurationTarget.Global);
    // Each hostile server listens on a new port, so the panel may ask for the password again.
    window.showInputBox = () => Promise.resolve(FAKE_PASSWORD);
  });

  after(async () => {
    window.showInputBox = realInputBox;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const key of TOUCHED) await config().update(key, originals.get(key), vscode.ConfigurationTarget.Global);
    if (tempDir !== '') fs.rmSync(tempDir, { recursive: true, force: true });
  });

  for (const scenario of HOSTILE_SCENARIOS) {
    it(`${scenario.name}: ${scenario.expect.check} ${scenario.expect.status}`, async function () {
      const server = await startHostileServer(scenario.behaviour);
      const rejections: unknown[] = [];
      const onRejection = (reason: unknown): void => { rejections.push(reason); };
      try {
        const caFile = path.join(tempDir, `${scenario.behaviour}.pem`);
        fs.writeFileSync(caFile, server.caPem);
        const seconds = panelTimeoutSeconds(scenario);
        await config().update('ewsUrl', server.url, vscode.ConfigurationTarget.Global);
        await config().update('tls.extraCaFile', caFile, vscode.ConfigurationTarget.Global);
        await config().update('probes.timeoutSeconds', seconds, vscode.ConfigurationTarget.Global);

        process.on('unhandledRejection', onRejection);
        const started = Date.now();
        const summary = await vscode.commands.executeCommand<ProbeRunSummary | undefined>('exchangeSetup.runProbes');
        const ms = Date.now() - started;
        // Late rejections (a socket torn down after the verdict) surface on the next turns.
        await new Promise((resolve) => setTimeout(resolve, 200));
        process.off('unhandledRejection', onRejection);

        assert.ok(summary, 'the run returned a summary');
        const deciding = summary.checks.find((c) => c.id === scenario.expect.check);
        // The run's own time goes into the reported title (mocha's duration also counts the set-up).
        if (this.test) this.test.title += ` [${deciding ? `${deciding.id} ${deciding.status}` : 'no verdict'}, run ${ms} ms]`;
        const all = JSON.stringify(summary.checks);
        assert.ok(deciding, `${scenario.expect.check} was reported: ${all}`);
        assert.equal(deciding.status, scenario.expect.status, all);
        const expected = expectedMessage(scenario, seconds * 1000);
        assert.ok(expected.test(deciding.message),
          `${scenario.expect.check} says "${deciding.message}", expected ${String(expected)}`);
        assert.notEqual(summary.outcome, 'passed', 'a hostile server never passes');
        const budgetMs = seconds * 1000 + 1_000 + HOST_SLACK_MS;
        assert.ok(ms <= budgetMs, `the verdict took ${ms} ms, over ${budgetMs} ms`);
        assert.deepEqual(rejections.map((r) => (r instanceof Error ? r.stack ?? r.message : String(r))), [], 'no unhandled rejection in the extension host');
      } finally {
        process.off('unhandledRejection', onRejection);
        await server.stop();
      }
    });
  }
});
