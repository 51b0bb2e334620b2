import type * as vscode from 'vscode';
import { EMPTY_STATE, type PersistedSetupState } from '../core/model';
import { readOnlyReason, readStoredProgress } from '../core/progressMigration';

export interface LoadedProgress {
  readonly state: PersistedSetupState;
  /** Set when the stored progress must not be saved over (written by a newer version, or unreadable). */
  readonly readOnlyReason?: string;
  /** The stored version this progress was carried forward from, when it was older. */
  readonly migratedFrom?: number;
}

/**
 * Checklist progress per Exchange organisation (keyed by the EWS host), in global state so that it
 * follows the admin rather than the folder. Nothing secret is ever stored here. Reading and migrating
 * is core's (progressMigration.ts); this class only refuses to write over what it could not read,
 * until the admin chooses to replace it.
 */
export class ProgressStore {
  private readonly readOnly = new Map<string, string>();

  constructor(private readonly memento: vscode.Memento) {}

  load(organization: string): LoadedProgress {
    const raw = this.memento.get<unknown>(ProgressStore.key(organization));
    if (raw === undefined) {
      // Nothing stored yet (the first start for this organisation): readStoredProgress would say 'empty'.
      this.readOnly.delete(organization);
      return { state: EMPTY_STATE };
    }
    const stored = readStoredProgress(raw);
    const reason = readOnlyReason(stored, organization);
    if (reason === undefined) this.readOnly.delete(organization);
    else this.readOnly.set(organization, reason);
    return {
      state: stored.state,
      ...(reason === undefined ? {} : { readOnlyReason: reason }),
      ...(stored.kind === 'loaded' && stored.migratedFrom !== undefined ? { migratedFrom: stored.migratedFrom } : {}),
    };
  }

  /** Why the organisation's progress is not being saved, or undefined when it is. */
  readOnlyReason(organization: string): string | undefined {
    return this.readOnly.get(organization);
  }

  /** Writes nothing and returns false while the organisation's stored progress is read-only. */
  async save(organization: string, state: PersistedSetupState): Promise<boolean> {
    if (this.readOnly.has(organization)) return false;
    await this.memento.update(ProgressStore.key(organization), state);
    return true;
  }

  /** The admin chose to replace stored progress that this version cannot read: later saves write. */
  allowOverwrite(organization: string): void {
    this.readOnly.delete(organization);
  }

  static key(organization: string): string {
    return `exchangeSetup.progress/${organization}`;
  }
}
