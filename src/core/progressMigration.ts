/**
 * Stored progress across versions of the extension. Pure: the host reads the stored value, passes it
 * here, and writes back only what comes out as `loaded`.
 *
 * Progress is evidence an admin gathered on their servers (and the Basic-auth values rollback needs),
 * so it is never dropped on an upgrade, and never replaced by a version that cannot read it:
 * - state of an earlier version is carried forward one version at a time through PROGRESS_MIGRATIONS;
 * - state of a newer version (the admin went back to an older release, or shares global state through
 *   Settings Sync with a newer install) is shown as far as this version understands it and kept
 *   read-only until the admin decides;
 * - state that is not progress at all (edited by hand into something else) is kept read-only too.
 *
 * Adding version N+1 (a new status, evidence field or step):
 *   1. in model.ts, change PersistedSetupState and its parser and set CURRENT_PROGRESS_VERSION to N+1;
 *   2. add `N: (stored) => ...` below: takes version N's stored object, returns version N+1's, keeps
 *      every field it does not change (above all `basicAuthPrior`);
 *   3. save what version N stored, with every field it could hold, as test/fixtures/progress/vN-*.json.
 * test/unit/progress-migration.test.ts fails until 2 and 3 exist, and walks every fixture to the current
 * version.
 */
import * as l10n from './l10n';
import { CURRENT_PROGRESS_VERSION, EMPTY_STATE, parsePersistedState, readStateBody, type PersistedSetupState } from './model';

/** One step of the chain: version N's stored object in, version N+1's out. */
export type ProgressMigration = (stored: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** Keyed by the version migrated FROM. */
export const PROGRESS_MIGRATIONS: Readonly<Record<number, ProgressMigration>> = {
  // 1 -> 2: version 2 adds the evidence source `pasted`; every version-1 record is a valid version-2 record.
  1: (stored) => ({ ...stored, version: 2 }),
  // 2 -> 3: version 3 adds the status `warning`; every version-2 record is a valid version-3 record.
  2: (stored) => ({ ...stored, version: 3 }),
};

export type StoredProgress =
  /** Nothing stored yet for this organisation. */
  | { readonly kind: 'empty'; readonly state: PersistedSetupState }
  /** Current-version state, or earlier state carried forward (`migratedFrom` says from which version). */
  | { readonly kind: 'loaded'; readonly state: PersistedSetupState; readonly migratedFrom?: number }
  /** Written by a newer version: `state` is what this version understands of it; never save over it. */
  | { readonly kind: 'newer'; readonly version: number; readonly state: PersistedSetupState }
  /** Not progress this extension ever wrote: never save over it either. */
  | { readonly kind: 'unreadable'; readonly reason: string; readonly state: PersistedSetupState };

export function readStoredProgress(
  raw: unknown,
  migrations: Readonly<Record<number, ProgressMigration>> = PROGRESS_MIGRATIONS,
): StoredProgress {
  const current = CURRENT_PROGRESS_VERSION;
  if (raw === undefined || raw === null) return { kind: 'empty', state: EMPTY_STATE };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { kind: 'unreadable', reason: Array.isArray(raw) ? l10n.t('it is a list, not an object') : l10n.t('it is a {0}, not an object', typeof raw), state: EMPTY_STATE };
  const version = (raw as { version?: unknown }).version;
  if (!Number.isInteger(version) || (version as number) < 1) {
    return { kind: 'unreadable', reason: l10n.t('its version is {0}, not a whole number from 1', JSON.stringify(version) ?? l10n.t('missing')), state: EMPTY_STATE };
  }
  const storedVersion = version as number;
  if (storedVersion > current) return { kind: 'newer', version: storedVersion, state: readStateBody(raw) };
  let stored = raw as Record<string, unknown>;
  for (let from = storedVersion; from < current; from++) {
    const migrate = Object.prototype.hasOwnProperty.call(migrations, from) ? migrations[from] : undefined;
    if (!migrate) return { kind: 'unreadable', reason: l10n.t('no migration from version {0} to {1}', from, from + 1), state: EMPTY_STATE };
    stored = migrate(stored);
    if (stored.version !== from + 1) return { kind: 'unreadable', reason: l10n.t('the migration from version {0} did not produce version {1}', from, from + 1), state: EMPTY_STATE };
  }
  const state = parsePersistedState(stored);
  return storedVersion === current ? { kind: 'loaded', state } : { kind: 'loaded', state, migratedFrom: storedVersion };
}

/** What to tell the admin about stored progress that will not be saved over; undefined when it can be. */
export function readOnlyReason(stored: StoredProgress, organization: string): string | undefined {
  switch (stored.kind) {
    case 'empty':
    case 'loaded':
      return undefined;
    case 'newer':
      return l10n.t('The progress stored for {0} was written by a newer version of Exchange Calendar Setup (stored progress version {1}; this version reads up to {2}). It is shown as far as this version understands it and nothing is saved over it: update the extension to keep working with it, or choose Start Over to replace it.', organization, stored.version, CURRENT_PROGRESS_VERSION);
    case 'unreadable':
      return l10n.t('The progress stored for {0} cannot be read ({1}). It is kept as it is and nothing is saved over it: choose Start Over to replace it with empty progress.', organization, stored.reason);
    default: {
      const unreachable: never = stored;
      return unreachable;
    }
  }
}
