import * as vscode from 'vscode';
import { SETTING_EXAMPLES, settingKey, type AccessMethod, type SettingField, type SetupSettings } from '../core/settings';
import { validateSettings } from '../core/validate';
import { registerSafeCommand } from './commandRunner';
import type { Log } from './log';
import { readSettings, writeConfig } from './configuration';

interface TextQuestion {
  readonly field: SettingField;
  readonly prompt: string;
  readonly get: (s: SetupSettings) => string;
  readonly set: (s: SetupSettings, v: string) => SetupSettings;
}

const QUESTIONS: readonly TextQuestion[] = [
  {
    field: 'ewsUrl', prompt: vscode.l10n.t('The EWS URL the calendar service will use (https)'),
    get: (s) => s.ewsUrl, set: (s, v) => ({ ...s, ewsUrl: v }),
  },
  {
    field: 'exchangeServer', prompt: vscode.l10n.t('The Exchange server the remote Exchange shell connects to (FQDN, or NetBIOS name)'),
    get: (s) => s.exchangeServer, set: (s, v) => ({ ...s, exchangeServer: v }),
  },
  {
    field: 'serviceAccount.upn', prompt: vscode.l10n.t("The service account's user principal name"),
    get: (s) => s.serviceAccount.upn, set: (s, v) => ({ ...s, serviceAccount: { ...s.serviceAccount, upn: v } }),
  },
  {
    field: 'testMailbox', prompt: vscode.l10n.t('A user mailbox to test access with (SMTP address)'),
    get: (s) => s.testMailbox, set: (s, v) => ({ ...s, testMailbox: v }),
  },
];

/**
 * "Configure": a short guided form over the settings that matter most, each answer checked with the same
 * rules as everywhere else before it is saved to the user's settings.
 */
export function registerConfigureCommand(log: Log): vscode.Disposable[] {
  return [
    registerSafeCommand(log, 'exchangeSetup.configure', vscode.l10n.t('Configure'), async () => {
      let settings = readSettings().settings;
      const total = QUESTIONS.length + 2;
      for (const [index, q] of QUESTIONS.entries()) {
        const answer = await vscode.window.showInputBox({
          title: vscode.l10n.t('Exchange Setup ({0}/{1})', index + 1, total),
          prompt: vscode.l10n.t('{0}. Saved as {1}.', q.prompt, settingKey(q.field)),
          placeHolder: SETTING_EXAMPLES[q.field],
          value: q.get(settings),
          ignoreFocusOut: true,
          validateInput: (value) => {
            const issue = validateSettings(q.set(settings, value.trim()), [q.field])[0];
            return issue ? vscode.l10n.t('{0}. Example: {1}', issue.problem, issue.example) : undefined;
          },
        });
        if (answer === undefined) return;
        settings = q.set(settings, answer.trim());
        await writeConfig(q.field, answer.trim());
      }
      const methods: (vscode.QuickPickItem & { method: AccessMethod })[] = [
        { label: vscode.l10n.t('Impersonation'), description: vscode.l10n.t('recommended'), detail: vscode.l10n.t('A management scope over user mailboxes and a scoped ApplicationImpersonation assignment; covers mailboxes created later.'), method: 'impersonation' },
        { label: vscode.l10n.t('Per-mailbox rights'), detail: vscode.l10n.t('Full access and Send As on each user mailbox; mailboxes created later need it too.'), method: 'delegate' },
      ];
      const method = await vscode.window.showQuickPick(methods, {
        title: vscode.l10n.t('Exchange Setup ({0}/{1})', total - 1, total),
        placeHolder: vscode.l10n.t('How should the service account reach calendars?'),
        ignoreFocusOut: true,
      });
      if (!method) return;
      await writeConfig('accessMethod', method.method);
      // The seed's shortcut (issue 14): an account that already serves room calendars is checked, not created.
      const accounts: (vscode.QuickPickItem & { existing: boolean })[] = [
        { label: vscode.l10n.t('No, create it'), detail: vscode.l10n.t('The checklist creates the service account mailbox (New-Mailbox).'), existing: false },
        { label: vscode.l10n.t('Yes, it already exists'), detail: vscode.l10n.t('For example it serves room calendars on meeting-room devices: the checklist checks it and adds only the missing user access.'), existing: true },
      ];
      const account = await vscode.window.showQuickPick(accounts, {
        title: vscode.l10n.t('Exchange Setup ({0}/{1})', total, total),
        placeHolder: vscode.l10n.t('Does the service account already exist? Saved as {0}.', settingKey('serviceAccount.existing')),
        ignoreFocusOut: true,
      });
      if (!account) return;
      await writeConfig('serviceAccount.existing', account.existing);
      if (account.existing) {
        const room = await vscode.window.showInputBox({
          title: vscode.l10n.t('Exchange Setup (optional)'),
          prompt: vscode.l10n.t('A room mailbox the account already serves, probed beside the test mailbox so you see the room access still works (leave empty to skip). Saved as {0}.', settingKey('testRoomMailbox')),
          placeHolder: SETTING_EXAMPLES.testRoomMailbox,
          value: settings.testRoomMailbox,
          ignoreFocusOut: true,
          validateInput: (value) => {
            const issue = validateSettings({ ...settings, testRoomMailbox: value.trim() }, ['testRoomMailbox'])[0];
            return issue ? vscode.l10n.t('{0}. Example: {1}', issue.problem, issue.example) : undefined;
          },
        });
        if (room !== undefined) await writeConfig('testRoomMailbox', room.trim());
      }
      log.info('Configuration saved to user settings.');
      void vscode.window
        .showInformationMessage(vscode.l10n.t('Exchange Setup is configured. The checklist shows what to do next.'), vscode.l10n.t('Open All Settings'))
        .then((next) => (next ? vscode.commands.executeCommand('workbench.action.openSettings', 'exchangeSetup') : undefined));
    }),
  ];
}
