import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activatedApi, EXTENSION_ID, shownChecklistMessage } from '../support';
import { CURRENT_PROGRESS_VERSION, type StepView } from '../../../src/core/model';
import { COMMAND_IDS } from '../../../src/core/contributions/commands';


function manifest(): { contributes: { commands: { command: string }[]; configuration: { properties: Record<string, { scope?: string }> } } } {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  return extension!.packageJSON;
}

describe('activation and contributions', () => {
  it('activates and reports its activation time and the bundle\'s load time', async () => {
    // Measured, not judged: the benchmark reports these figures; a test only checks they exist.
    const api = await activatedApi();
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, `activationMs ${api.activationMs}`);
    assert.ok(typeof api.bundleLoadMs === 'number' && Number.isFinite(api.bundleLoadMs) && api.bundleLoadMs >= 0, `bundleLoadMs ${api.bundleLoadMs}`);
  });

  it('registers every contributed command and contributes every registered command', async () => {
    await activatedApi();
    const contributed = new Set(manifest().contributes.commands.map((c) => c.command));
    const registered = new Set((await vscode.commands.getCommands(true)).filter((c) => c.startsWith('exchangeSetup.')));
    // VS Code adds focus/reset commands for views; those are the workbench's, not ours.
    for (const id of [...registered]) if (/^exchangeSetup\.checklist\./.test(id)) registered.delete(id);
    assert.deepEqual([...contributed].filter((c) => !registered.has(c)), [], 'contributed but not registered');
    assert.deepEqual([...registered].filter((c) => !contributed.has(c)), [], 'registered but not contributed');
    assert.deepEqual([...registered].sort(), [...COMMAND_IDS].sort(), 'registered at run time: exactly the commands table');
  });

  it('marks every setting that receives credentials or starts a process as machine-scoped', () => {
    const props = manifest().contributes.configuration.properties;
    for (const key of ['exchangeSetup.ewsUrl', 'exchangeSetup.serviceAccount.upn', 'exchangeSetup.testMailbox', 'exchangeSetup.powershellPath', 'exchangeSetup.tls.extraCaFile']) {
      assert.equal(props[key]?.scope, 'machine', `${key} is machine-scoped`);
    }
  });

  it('does not load the EWS library at activation', async () => {
    await activatedApi();
    const loaded = Object.keys(require.cache).filter((p) => /ews-javascript-api|probe-engine/.test(p));
    assert.deepEqual(loaded, []);
  });
});

describe('settings trust boundary', () => {
  it('ignores machine-scoped settings from a workspace .vscode/settings.json', async () => {
    const api = await activatedApi();
    const ws = vscode.workspace.workspaceFolders?.[0];
    assert.ok(ws, 'a workspace folder is open');
    const hostile = JSON.parse(fs.readFileSync(path.join(ws.uri.fsPath, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(hostile['exchangeSetup.ewsUrl'], 'https://attacker.example.net/EWS/Exchange.asmx', 'the fixture really tries');
    const { settings } = api.session.readSettings();
    assert.equal(settings.ewsUrl, 'https://mail.contoso.com/EWS/Exchange.asmx');
    assert.equal(settings.serviceAccount.upn, 'alexaforbusiness@contoso.com');
    assert.equal(settings.testMailbox, 'alice@contoso.com');
    assert.equal(settings.powershellPath, 'bash');
    assert.equal(settings.tls.extraCaFile, '');
    assert.equal(settings.impersonation.organizationWide, false);
    const inspected = vscode.workspace.getConfiguration('exchangeSetup').inspect<string>('link.http.url');
    assert.notEqual(vscode.workspace.getConfiguration('exchangeSetup').get('link.http.url'), 'https://attacker.example.net/collect');
    assert.ok(inspected, 'link.http.url is a contributed setting');
  });

  // Issue 13, item 2: the remote shell's host and the account's OU are machine-scoped; a restricted
  // setting applies in a trusted folder, and the checklist says so.
  it('ignores a workspace exchangeServer and OU, and warns above the checklist about a workspace scope name', async () => {
    const api = await activatedApi();
    const { settings } = api.session.readSettings();
    assert.equal(settings.exchangeServer, 'EXCH01');
    assert.equal(settings.serviceAccount.organizationalUnit, '');
    assert.equal(settings.impersonation.scopeName, 'Attacker chosen scope', 'a trusted folder\'s restricted value applies');
    const message = (await shownChecklistMessage(api)) ?? '';
    assert.match(message, /exchangeSetup\.impersonation\.scopeName \(workspace: /);
    assert.doesNotMatch(message, /exchangeServer|organizationalUnit/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ecs-runbook-')), 'runbook.ps1');
    await vscode.commands.executeCommand('exchangeSetup.exportRunbook', vscode.Uri.file(file));
    const runbook = fs.readFileSync(file, 'utf8');
    assert.match(runbook, /EXCH01/);
    assert.doesNotMatch(runbook, /attacker\.example\.net|Attacker Administered/);
  });
});

describe('setting problems above the checklist', () => {
  it('names a bad setting while the checklist is shown, and clears when it is fixed', async () => {
    const api = await activatedApi();
    const config = vscode.workspace.getConfiguration('exchangeSetup');
    const original = config.inspect<string>('testMailbox')?.globalValue;
    await shownChecklistMessage(api);
    try {
      await config.update('testMailbox', 'alice at contoso', vscode.ConfigurationTarget.Global);
      await waitFor(() => (api.checklistMessage() ?? '').includes('exchangeSetup.testMailbox'), 'the message names the bad setting');
      assert.match(api.checklistMessage() ?? '', /^A setting needs fixing .*"alice at contoso" is not an e-mail address/);
    } finally {
      await config.update('testMailbox', original, vscode.ConfigurationTarget.Global);
    }
    await waitFor(() => !(api.checklistMessage() ?? '').includes('needs fixing'), 'the message clears once the setting is fixed');
  });
});

describe('checklist tree', () => {
  it('shows every step with its status, evidence and menu words for a seeded state', async () => {
    const api = await activatedApi();
    const model = api.session.model;
    model.load({
      version: CURRENT_PROGRESS_VERSION,
      steps: {
        'prerequisites.exchangeVersion': { status: 'done', evidence: { source: 'terminal', at: '2026-11-29T09:00:00.000Z', detail: 'EXCH01 runs 15.2 build 2562.17' } },
        'prerequisites.certificate': { status: 'failed', evidence: { source: 'probe', at: '2026-11-29T09:05:00.000Z', detail: 'Self-signed certificate' } },
        'prerequisites.basicAuth': { status: 'warning', evidence: { source: 'probe', at: '2026-11-29T09:06:00.000Z', detail: 'EWS answered with HTTP 200 instead of asking for credentials' } },
        link: { status: 'done', evidence: { source: 'manual', at: '2026-11-29T09:10:00.000Z', detail: 'Confirmed by hand.' } },
      },
    }, 'impersonation');
    const roots = api.checklist.getChildren();
    assert.deepEqual(roots.map((r) => r.id), ['prerequisites', 'basicAuth.verify', 'basicAuth.enable', 'serviceAccount.create', 'serviceAccount.protocols', 'access', 'link', 'test']);
    const prereq = roots[0];
    assert.deepEqual(api.checklist.getChildren(prereq).map((c) => c.id), [
      'prerequisites.adminRights', 'prerequisites.exchangeVersion', 'prerequisites.certificate', 'prerequisites.basicAuth',
    ]);
    const item = (step: StepView) => api.checklist.getTreeItem(step);
    const prereqItem = item(prereq);
    assert.equal(prereqItem.description, 'failed · 1 of 4 done');
    assert.equal((prereqItem.iconPath as vscode.ThemeIcon).id, 'error');
    // A failure and a warning are announced with their reason, in the words the panel uses.
    const certificate = item(api.checklist.getChildren(prereq)[2]);
    assert.equal(certificate.accessibilityInformation?.label, 'Publicly trusted certificate on EWS: failed \u2014 Self-signed certificate (from a probe)');
    const basicAuth = item(api.checklist.getChildren(prereq)[3]);
    assert.equal((basicAuth.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.equal(basicAuth.description, 'warning · from a probe');
    assert.equal(basicAuth.accessibilityInformation?.label, 'Basic authentication on EWS: warning \u2014 EWS answered with HTTP 200 instead of asking for credentials (from a probe)');
    const version = item(api.checklist.getChildren(prereq)[1]);
    assert.equal((version.iconPath as vscode.ThemeIcon).id, 'pass-filled');
    assert.match((version.tooltip as vscode.MarkdownString).value, /Read from the terminal at .*EXCH01 runs 15\\\.2/);
    assert.match(String(version.contextValue), /\bsnippet\b/);
    const access = roots.find((r) => r.id === 'access')!;
    const delegate = item(api.checklist.getChildren(access).find((c) => c.id === 'access.delegate')!);
    assert.equal((delegate.iconPath as vscode.ThemeIcon).id, 'circle-slash');
    assert.doesNotMatch(String(delegate.contextValue), /\bsnippet\b/, 'no snippet actions on the method not chosen');
    const link = item(roots.find((r) => r.id === 'link')!);
    assert.equal(link.checkboxState && typeof link.checkboxState === 'object' ? link.checkboxState.state : link.checkboxState, vscode.TreeItemCheckboxState.Checked);
    assert.equal(model.remaining(), 8);
  });

  it('persists progress per organisation across a reload of the model', async () => {
    const api = await activatedApi();
    api.session.model.load({ version: CURRENT_PROGRESS_VERSION, steps: {} }, 'impersonation');
    api.session.model.record('serviceAccount.create', 'done', 'terminal', 'mailbox exists');
    await new Promise((r) => setTimeout(r, 200));
    const org = api.session.organization();
    // Switching the EWS host loads the other organisation's (empty) progress, switching back restores ours.
    const config = vscode.workspace.getConfiguration('exchangeSetup');
    const original = config.get<string>('ewsUrl');
    await config.update('ewsUrl', 'https://mail.fabrikam.com/EWS/Exchange.asmx', vscode.ConfigurationTarget.Global);
    await waitFor(() => api.session.organization() === 'mail.fabrikam.com', 'organisation switched');
    assert.equal(api.session.model.statusOf('serviceAccount.create'), 'notStarted');
    await config.update('ewsUrl', original, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.session.organization() === org, 'organisation switched back');
    assert.equal(api.session.model.statusOf('serviceAccount.create'), 'done');
  });
});

describe('Exchange Management Shell terminal (bash stands in for PowerShell)', function () {
  this.timeout(90_000);

  it('inserts a snippet on the prompt without running it', async () => {
    const api = await activatedApi();
    await vscode.commands.executeCommand('exchangeSetup.showTerminal');
    const terminal = api.terminal.get();
    assert.equal(terminal.name, 'Exchange Management Shell');
    const integration = await shellIntegration(terminal);
    // Readline can hand its pending line to a key binding without running it: bind Ctrl-X p to write
    // the line buffer to a file, then clear the line with Ctrl-U.
    const lineFile = path.join(os.tmpdir(), `ecs-pending-line-${process.pid}.txt`);
    fs.rmSync(lineFile, { force: true });
    await readAll(integration.executeCommand(`bind -x '"\\C-xp": printf "%s" "$READLINE_LINE" > ${lineFile}'`));
    const started: string[] = [];
    const listener = vscode.window.onDidStartTerminalShellExecution((e) => {
      if (e.terminal === terminal) started.push(e.execution.commandLine.value);
    });
    // Issue 13, item 5: text already typed at the prompt (cursor in its middle) is replaced, not prefixed.
    terminal.sendText('Remove-ManagementScope half-typed-rollback\x1b[D\x1b[D\x1b[D', false);
    await vscode.commands.executeCommand('exchangeSetup.insertSnippet', 'basicAuth.verify');
    assert.equal(api.terminal.get(), terminal, 'the terminal is reused while it lives');
    terminal.sendText('\x18p', false);
    await waitFor(() => fs.existsSync(lineFile) && fs.statSync(lineFile).size > 0, 'the pending line was written out', 15_000);
    terminal.sendText('\x15', false);
    const pending = fs.readFileSync(lineFile, 'utf8');
    fs.rmSync(lineFile, { force: true });
    listener.dispose();
    assert.match(pending, /^Write-Output \('ECS-BEGIN ' \+ 'basicAuth\.verify'\)/, `pending line: ${pending.slice(0, 120)}`);
    // Issue 16, item 2: the verification reads every server's EWS virtual directory, not one named server.
    assert.match(pending, /Get-WebServicesVirtualDirectory -ADPropertiesOnly/);
    assert.match(pending, /Get-WebServicesVirtualDirectory -Server \$ecsServer/);
    assert.doesNotMatch(pending, /[\r\n]/, 'one line, no Enter');
    assert.doesNotMatch(pending, /half-typed|Remove-ManagementScope/, 'what was typed before the insert is gone');
    assert.deepEqual(started.filter((c) => /WebServicesVirtualDirectory/.test(c)), [], 'the snippet itself was never executed');
    // The key binding ran a shell command outside a prompt, which leaves shell integration mid-command:
    // the next test gets a fresh terminal.
    terminal.dispose();
    await waitFor(() => api.terminal.get() !== terminal, 'a new terminal replaces the closed one');
  });

  it('reads a verification command\'s output back through shell integration and updates the step', async () => {
    const api = await activatedApi();
    api.session.model.load({ version: CURRENT_PROGRESS_VERSION, steps: {} }, 'impersonation');
    const fixture = path.join(workspaceRoot(), 'test', 'fixtures', 'integration', 'basic-auth-mixed.txt');
    assert.ok(fs.existsSync(fixture), `fixture ${fixture}`);
    const outcome = await api.verifyStepWithCommand('basicAuth.verify', `cat '${fixture}'`);
    assert.equal(outcome, 'read');
    assert.equal(api.session.model.statusOf('basicAuth.verify'), 'done');
    assert.equal(api.session.model.statusOf('prerequisites.basicAuth'), 'failed');
    assert.equal(api.session.model.evidenceOf('prerequisites.basicAuth')?.source, 'terminal');
    assert.match(api.session.model.evidenceOf('prerequisites.basicAuth')?.detail ?? '', /EXCH02/);
  });
});

describe('Read Verification Output (output captured on the Exchange server)', () => {
  const output = () => fs.readFileSync(path.join(workspaceRoot(), 'test', 'fixtures', 'terminal', 'ps51-basicauth-enable.txt'), 'utf8');

  it('reads pasted output into the step as a terminal read-back does, rollback values included', async () => {
    const api = await activatedApi();
    const model = api.session.model;
    model.load({ version: CURRENT_PROGRESS_VERSION, steps: {} }, 'impersonation');
    await vscode.commands.executeCommand('exchangeSetup.readVerificationOutput', 'basicAuth.enable', output());
    for (const id of ['basicAuth.verify', 'basicAuth.enable', 'prerequisites.basicAuth'] as const) {
      assert.equal(model.statusOf(id), 'done', id);
      assert.equal(model.evidenceOf(id)?.source, 'pasted', id);
    }
    assert.deepEqual(model.getBasicAuthPrior(), [
      { identity: 'EXCH01\\EWS (Default Web Site)', basicAuthentication: false },
      { identity: 'EXCH02\\EWS (Default Web Site)', basicAuthentication: true },
    ]);
  });

  it('opens an editor to paste into, reads it on Read Pasted Output and closes it', async () => {
    const api = await activatedApi();
    const model = api.session.model;
    model.load({ version: CURRENT_PROGRESS_VERSION, steps: {} }, 'impersonation');
    await vscode.commands.executeCommand('exchangeSetup.readVerificationOutput', 'basicAuth.verify');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.isUntitled, 'an untitled editor is open for the output');
    assert.match(editor.document.getText(), /Paste below the output of the verification of .*ECS-BEGIN basicAuth\.verify/);
    const pastedInto = editor.document;
    const fixture = path.join(workspaceRoot(), 'test', 'fixtures', 'integration', 'basic-auth-mixed.txt');
    await editor.edit((edit) => edit.insert(new vscode.Position(pastedInto.lineCount - 1, 0), fs.readFileSync(fixture, 'utf8')));
    await vscode.commands.executeCommand('exchangeSetup.readPastedOutput');
    assert.equal(model.statusOf('basicAuth.verify'), 'done');
    assert.equal(model.statusOf('prerequisites.basicAuth'), 'failed');
    assert.match(model.evidenceOf('prerequisites.basicAuth')?.detail ?? '', /EXCH02/);
    await waitFor(() => vscode.window.activeTextEditor?.document !== pastedInto, 'the paste editor closed');
  });

  it('changes nothing when the pasted text holds no output of that step', async () => {
    const api = await activatedApi();
    const model = api.session.model;
    model.load({ version: CURRENT_PROGRESS_VERSION, steps: {} }, 'impersonation');
    model.record('basicAuth.verify', 'done', 'manual', 'Confirmed by hand: checked in the admin center');
    await vscode.commands.executeCommand('exchangeSetup.readVerificationOutput', 'basicAuth.verify', 'PS C:\\> Get-Date\nMonday\n');
    assert.equal(model.statusOf('basicAuth.verify'), 'done');
    assert.equal(model.evidenceOf('basicAuth.verify')?.source, 'manual');
  });
});

function workspaceRoot(): string {
  return path.resolve(__dirname, '..', '..', '..', '..');
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function shellIntegration(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration> {
  await waitFor(() => terminal.shellIntegration !== undefined, 'shell integration in the terminal', 30_000);
  return terminal.shellIntegration!;
}

async function readAll(execution: vscode.TerminalShellExecution): Promise<string> {
  let out = '';
  for await (const chunk of execution.read()) out += chunk;
  return out;
}
