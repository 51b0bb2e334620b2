import type * as vscode from 'vscode';
import { parsePersistedState, type PersistedSetupState } from '../core/model';

/**
 * Checklist progress per Exchange organisation (keyed by the EWS host), in global state so that it
 * follows the admin rather than the folder. Nothing secret is ever stored here.
 */
export class ProgressStore {
  constructor(private readonly memento: vscode.Memento) {}

  load(organization: string): PersistedSetupState {
    return parsePersistedState(this.memento.get<unknown>(ProgressStore.key(organization)));
  }

  async save(organization: string, state: PersistedSetupState): Promise<void> {
    await this.memento.update(ProgressStore.key(organization), state);
  }

  static key(organization: string): string {
    return `exchangeSetup.progress/${organization}`;
  }
}
