/**
 * What every feature of the Probe & Link panel is given: the extension's services and the one way to
 * post to the page. The panel class owns the page; the features own the work.
 */
import type * as vscode from 'vscode';
import type { SetupModel } from '../../core/model';
import type { HostMessage } from '../../core/protocol';
import type { Log } from '../log';
import type { SecretStore } from '../secrets';
import type { SettingsReading } from '../configuration';

export interface ProbePanelDeps {
  readonly model: SetupModel;
  readonly log: Log;
  readSettings(): SettingsReading;
}

export interface PanelServices extends ProbePanelDeps {
  readonly context: vscode.ExtensionContext;
  readonly secrets: SecretStore;
  /** Posts to the page once it is ready (queued until then). */
  post(message: HostMessage): void;
}

/** The host of a URL for messages; the URL itself when it does not parse. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** For a run object's listeners: a listener that throws is logged, and the run goes on. */
export function listenerFailed(panel: Pick<PanelServices, 'log'>): (error: unknown) => void {
  return (error) => panel.log.error('Probe panel: a run listener failed', error instanceof Error ? error : new Error(String(error)));
}
