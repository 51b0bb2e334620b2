/**
 * The panel's commands. Each opens the panel first, so the admin sees what the command does.
 */
import * as vscode from 'vscode';
import type { Log } from '../log';
import { registerSafeCommand } from '../commandRunner';
import type { PanelSection } from '../../core/protocol';
import type { Connection } from './connection';
import type { Link } from './link';
import type { Probes } from './probes';

export interface PanelCommandTargets {
  show(): void;
  reveal(section: PanelSection): void;
  cancel(): void;
  readonly connection: Connection;
  readonly probes: Probes;
  readonly link: Link;
}

export function registerPanelCommands(log: Log, panel: PanelCommandTargets): vscode.Disposable[] {
  return [
    registerSafeCommand(log, 'exchangeSetup.openProbePanel', vscode.l10n.t('Open Probe & Link panel'), (arg: unknown) => {
      panel.show();
      // From the checklist's link or test step: bring the part of the panel for that step into view.
      const stepId = typeof arg === 'string' ? arg : (arg as { id?: unknown } | undefined)?.id;
      if (stepId === 'link') panel.reveal('link');
      else if (stepId === 'test') panel.reveal('probes');
    }),
    registerSafeCommand(log, 'exchangeSetup.runProbes', vscode.l10n.t('Run probes'), async () => {
      panel.show();
      return panel.probes.run(panel.connection.form());
    }),
    registerSafeCommand(log, 'exchangeSetup.linkAccount', vscode.l10n.t('Link the service account'), async () => {
      panel.show();
      return panel.link.run(panel.connection.form());
    }),
    registerSafeCommand(log, 'exchangeSetup.cancelProbes', vscode.l10n.t('Cancel probes'), () => panel.cancel()),
    registerSafeCommand(log, 'exchangeSetup.setPassword', vscode.l10n.t('Store the service account password'), async () => {
      await panel.connection.askAndStorePassword(panel.connection.form());
    }),
    registerSafeCommand(log, 'exchangeSetup.exportProbeReport', vscode.l10n.t('Export probe report'), (arg: unknown) => panel.probes.exportReport(arg instanceof vscode.Uri ? arg : undefined)),
    registerSafeCommand(log, 'exchangeSetup.copyDiagnostics', vscode.l10n.t('Copy diagnostics'), () => panel.probes.copyDiagnostics()),
  ];
}
