/**
 * The setup checklist's state: one record per step, each with the evidence behind it. Pure: the host
 * persists `snapshot()` and maps `view()` onto a tree; nothing here knows about VS Code.
 */
import * as l10n from './l10n';
import type { AccessMethod } from './settings';
import { STATUS_LABELS } from './pure/stepVerdict';
import { STEPS, childrenOf, isLeaf, isStepId, type RecordedStatus, type StepDefinition, type StepId, type StepStatus } from './steps';

/** `pasted`: verification output the admin pasted in (captured on the Exchange server, not in our terminal). */
export type EvidenceSource = 'manual' | 'terminal' | 'pasted' | 'probe';

export interface Evidence {
  readonly source: EvidenceSource;
  /** ISO 8601 time the evidence was taken. */
  readonly at: string;
  /** What was seen, in one line (never a secret). */
  readonly detail: string;
  /**
   * For the steps that read every Exchange server (Basic auth, the certificate): the servers not yet
   * right, each "NAME (what is wrong)", which the checklist's tooltip lists. Optional and additive: a
   * version that does not know it reads the rest of the evidence unchanged.
   */
  readonly servers?: readonly string[];
}

export type { RecordedStatus } from './steps';

export interface StepRecord {
  readonly status: RecordedStatus;
  readonly evidence?: Evidence;
}

export interface BasicAuthSetting {
  readonly identity: string;
  readonly basicAuthentication: boolean;
  /** The directory's server, when the record has it (the all-server snippet records it). */
  readonly server?: string;
}

/**
 * The version of the stored shape below. Changing what is stored (a status, an evidence field or
 * source, a step) means a new version: raise this and follow the recipe in src/core/progressMigration.ts.
 * 2: evidence source `pasted`. 3: status `warning`.
 */
export const CURRENT_PROGRESS_VERSION = 3;

/** The stored shape of the current version (see CURRENT_PROGRESS_VERSION). */
export interface PersistedSetupState {
  readonly version: typeof CURRENT_PROGRESS_VERSION;
  readonly steps: Partial<Record<StepId, StepRecord>>;
  /** Basic auth as it was before the extension's snippet changed it, so rollback can restore it. */
  readonly basicAuthPrior?: readonly BasicAuthSetting[];
}

export interface StepView {
  readonly id: StepId;
  readonly definition: StepDefinition;
  readonly status: StepStatus;
  /** Short text beside the title. */
  readonly description: string;
  readonly evidence?: Evidence;
  readonly children: readonly StepView[];
}

export const EMPTY_STATE: PersistedSetupState = { version: CURRENT_PROGRESS_VERSION, steps: {} };

const RECORDED_STATUSES: readonly RecordedStatus[] = ['notStarted', 'done', 'failed', 'warning', 'unknown'];
const EVIDENCE_SOURCES: readonly EvidenceSource[] = ['manual', 'terminal', 'pasted', 'probe'];

/**
 * Reads state of the current version defensively: state edited by hand must never break the checklist,
 * and anything unrecognised is dropped. State of another version goes through readStoredProgress
 * (progressMigration.ts) first; given here, it reads as empty.
 */
export function parsePersistedState(raw: unknown): PersistedSetupState {
  if (typeof raw !== 'object' || raw === null || (raw as { version?: unknown }).version !== CURRENT_PROGRESS_VERSION) return EMPTY_STATE;
  return readStateBody(raw);
}

/**
 * The steps and Basic-auth values of a stored state as this version understands them, whatever its
 * version says: what a newer version's state is shown as while it stays read-only.
 */
export function readStateBody(raw: object): PersistedSetupState {
  const candidate = raw as { steps?: unknown; basicAuthPrior?: unknown };
  if (typeof candidate.steps !== 'object' || candidate.steps === null) return EMPTY_STATE;
  const steps: Partial<Record<StepId, StepRecord>> = {};
  for (const [id, value] of Object.entries(candidate.steps as Record<string, unknown>)) {
    if (!isStepId(id) || typeof value !== 'object' || value === null) continue;
    const rec = value as { status?: unknown; evidence?: unknown };
    if (!RECORDED_STATUSES.includes(rec.status as RecordedStatus)) continue;
    const evidence = parseEvidence(rec.evidence);
    steps[id] = evidence ? { status: rec.status as RecordedStatus, evidence } : { status: rec.status as RecordedStatus };
  }
  const prior = Array.isArray(candidate.basicAuthPrior)
    ? candidate.basicAuthPrior
        .filter(
          (p): p is BasicAuthSetting =>
            typeof p === 'object' && p !== null && typeof (p as BasicAuthSetting).identity === 'string'
            && typeof (p as BasicAuthSetting).basicAuthentication === 'boolean',
        )
        .map(copyPrior)
    : undefined;
  return prior && prior.length > 0 ? { version: CURRENT_PROGRESS_VERSION, steps, basicAuthPrior: prior } : { version: CURRENT_PROGRESS_VERSION, steps };
}

function parseEvidence(raw: unknown): Evidence | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const e = raw as { source?: unknown; at?: unknown; detail?: unknown; servers?: unknown };
  if (!EVIDENCE_SOURCES.includes(e.source as EvidenceSource)) return undefined;
  if (typeof e.at !== 'string' || Number.isNaN(Date.parse(e.at)) || typeof e.detail !== 'string') return undefined;
  const evidence: Evidence = { source: e.source as EvidenceSource, at: e.at, detail: e.detail.slice(0, 500) };
  const servers = Array.isArray(e.servers) ? serverList(e.servers.filter((v): v is string => typeof v === 'string')) : undefined;
  return servers ? { ...evidence, servers } : evidence;
}

/** At most 50 server entries of 200 characters each, every one on one line: state edited by hand stays small. */
function serverList(servers: readonly string[]): string[] {
  return servers.slice(0, 50).map((server) => oneLine(server).slice(0, 200));
}

type Listener = () => void;

export class SetupModel {
  private steps: Partial<Record<StepId, StepRecord>>;
  private basicAuthPrior: readonly BasicAuthSetting[] | undefined;
  /** Every step's status, worked out in one pass when first asked for after a change (see fire). */
  private statuses: Map<StepId, StepStatus> | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(
    state: PersistedSetupState,
    private accessMethod: AccessMethod,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.steps = { ...state.steps };
    this.basicAuthPrior = state.basicAuthPrior;
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Replaces everything (another organisation was selected). */
  load(state: PersistedSetupState, accessMethod: AccessMethod): void {
    this.steps = { ...state.steps };
    this.basicAuthPrior = state.basicAuthPrior;
    this.accessMethod = accessMethod;
    this.fire();
  }

  setAccessMethod(method: AccessMethod): void {
    if (method === this.accessMethod) return;
    this.accessMethod = method;
    this.fire();
  }

  getAccessMethod(): AccessMethod {
    return this.accessMethod;
  }

  isApplicable(id: StepId): boolean {
    return this.statusOf(id) !== 'notApplicable';
  }

  statusOf(id: StepId): StepStatus {
    this.statuses ??= this.workOutStatuses();
    return this.statuses.get(id) ?? 'notStarted';
  }

  /**
   * One pass over the step tree, children before parents. A step is not applicable when it belongs to the
   * other access method, or when none of its sub-steps is applicable; a leaf's status is what was recorded;
   * a parent's is its applicable sub-steps' together (aggregate). A recorded status is never
   * 'notApplicable' (RecordedStatus), so "applicable" and "status is not notApplicable" are one thing.
   */
  private workOutStatuses(): Map<StepId, StepStatus> {
    const statuses = new Map<StepId, StepStatus>();
    const visit = (def: StepDefinition): StepStatus => {
      const children = childrenOf(def.id).map(visit);
      let status: StepStatus;
      if (def.method && def.method !== this.accessMethod) status = 'notApplicable';
      else if (children.length === 0) status = this.steps[def.id]?.status ?? 'notStarted';
      else status = aggregate(children);
      statuses.set(def.id, status);
      return status;
    };
    for (const top of childrenOf(undefined)) visit(top);
    return statuses;
  }

  evidenceOf(id: StepId): Evidence | undefined {
    return this.steps[id]?.evidence;
  }

  getBasicAuthPrior(): readonly BasicAuthSetting[] | undefined {
    return this.basicAuthPrior;
  }

  /**
   * Records the result of a check or a person's confirmation for one leaf step; `servers` lists the
   * Exchange servers not yet right, for a step that reads every server.
   */
  record(id: StepId, status: RecordedStatus, source: EvidenceSource, detail: string, servers?: readonly string[]): void {
    if (!isLeaf(id)) throw new Error(`Step ${id} has sub-steps; record its sub-steps instead.`);
    this.steps[id] = { status, evidence: evidenceOf(source, this.now().toISOString(), detail, servers) };
    this.fire();
  }

  /** A person ticked or unticked a step's checkbox. */
  setConfirmed(id: StepId, confirmed: boolean): void {
    this.record(id, confirmed ? 'done' : 'notStarted', 'manual', confirmed ? l10n.t('Confirmed by hand.') : l10n.t('Unticked by hand.'));
  }

  /**
   * Basic auth as read from the EWS virtual directories of every server. The same reading decides three
   * steps: the verification itself (it ran), the prerequisite (on everywhere, off somewhere, or not
   * known for a server that could not be read), and whether enabling is still needed. `detail` is the
   * reading's own sentence when there is one, so the checklist says what the CLI says.
   */
  recordBasicAuthReading(
    servers: readonly { server: string; basicAuthentication: boolean | null; error?: string }[],
    source: EvidenceSource,
    detail?: string,
  ): void {
    const at = this.now().toISOString();
    if (servers.length === 0) {
      this.steps['basicAuth.verify'] = { status: 'unknown', evidence: { source, at, detail: l10n.t('No EWS virtual directory was returned.') } };
      this.fire();
      return;
    }
    const off = servers.filter((s) => s.basicAuthentication === false && s.error === undefined).map((s) => s.server);
    const unread = servers.filter((s) => s.basicAuthentication === null || s.error !== undefined).map((s) => s.server);
    const notRight = [...off.map((name) => l10n.t('{0} (Basic off)', name)), ...unread.map((name) => l10n.t('{0} (could not be read)', name))];
    const names = servers.map((s) => s.server).join(', ');
    const fallback = off.length > 0 ? l10n.t('Basic auth is off for EWS on {0}.', off.join(', '))
      : unread.length > 0 ? l10n.t('Basic auth could not be read on {0}.', unread.join(', '))
        : l10n.t('Basic auth is on for EWS on {0}.', names);
    const evidence = evidenceOf(source, at, detail ?? fallback, notRight);
    const allOn = off.length === 0 && unread.length === 0;
    this.steps['basicAuth.verify'] = { status: 'done', evidence };
    this.steps['prerequisites.basicAuth'] = { status: allOn ? 'done' : off.length > 0 ? 'failed' : 'unknown', evidence };
    if (allOn) this.steps['basicAuth.enable'] = { status: 'done', evidence };
    else if (this.steps['basicAuth.enable']?.status === 'done') this.steps['basicAuth.enable'] = { status: 'notStarted', evidence };
    this.fire();
  }

  /**
   * Keeps the first recording of each directory: rollback must restore the value from before any change
   * we made. A directory recorded later (a server added since) is added beside the others.
   */
  recordBasicAuthPrior(prior: readonly BasicAuthSetting[]): void {
    const known = new Set((this.basicAuthPrior ?? []).map((p) => p.identity.toLowerCase()));
    const added = prior.filter((p) => !known.has(p.identity.toLowerCase()));
    if (added.length === 0) return;
    this.basicAuthPrior = [...(this.basicAuthPrior ?? []), ...added.map(copyPrior)];
    this.fire();
  }

  reset(id?: StepId): void {
    if (id === undefined) {
      this.steps = {};
      this.basicAuthPrior = undefined;
    } else {
      for (const s of [id, ...descendants(id)]) delete this.steps[s];
    }
    this.fire();
  }

  /** Leaf steps that still need doing (the badge); optional steps never count. */
  remaining(): number {
    let left = 0;
    for (const step of STEPS) {
      if (step.optional || !isLeaf(step.id)) continue;
      const status = this.statusOf(step.id);
      if (status !== 'notApplicable' && status !== 'done') left++;
    }
    return left;
  }

  view(): StepView[] {
    return childrenOf(undefined).map((d) => this.viewOf(d));
  }

  viewOf(def: StepDefinition): StepView {
    const status = this.statusOf(def.id);
    const children = childrenOf(def.id).map((c) => this.viewOf(c));
    const evidence = this.steps[def.id]?.evidence;
    return { id: def.id, definition: def, status, description: this.describe(def, status, children, evidence), evidence, children };
  }

  snapshot(): PersistedSetupState {
    const steps = JSON.parse(JSON.stringify(this.steps)) as Partial<Record<StepId, StepRecord>>;
    return this.basicAuthPrior
      ? { version: CURRENT_PROGRESS_VERSION, steps, basicAuthPrior: [...this.basicAuthPrior] }
      : { version: CURRENT_PROGRESS_VERSION, steps };
  }

  /**
   * Context keys the walkthrough's completion events listen to. Kept here so the tree and the walkthrough
   * can never disagree about what "done" means.
   */
  contextKeys(): Record<string, boolean> {
    const done = (id: StepId) => this.statusOf(id) === 'done';
    return {
      'exchangeSetup.done.prerequisites': done('prerequisites'),
      'exchangeSetup.done.basicAuth': done('basicAuth.verify') && done('basicAuth.enable'),
      'exchangeSetup.done.serviceAccount': done('serviceAccount.create'),
      'exchangeSetup.done.access': done('access'),
      'exchangeSetup.done.link': done('link'),
      'exchangeSetup.done.test': done('test'),
      'exchangeSetup.done.all': this.remaining() === 0,
    };
  }

  private describe(def: StepDefinition, status: StepStatus, children: readonly StepView[], evidence?: Evidence): string {
    if (status === 'notApplicable') return def.method ? l10n.t('not applicable: access method is {0}', this.accessMethod) : l10n.t('not applicable');
    if (children.length > 0) {
      const applicable = children.filter((c) => c.status !== 'notApplicable');
      const doneCount = applicable.filter((c) => c.status === 'done').length;
      return l10n.t('{0} · {1} of {2} done', STATUS_LABELS[status], doneCount, applicable.length);
    }
    const label = def.optional ? l10n.t('optional · {0}', STATUS_LABELS[status]) : STATUS_LABELS[status];
    if (!evidence) return label;
    return l10n.t('{0} · {1}', label, SOURCE_LABELS[evidence.source]);
  }

  private fire(): void {
    this.statuses = undefined;
    for (const l of [...this.listeners]) l();
  }
}

export { STATUS_LABELS };

export const SOURCE_LABELS: Record<EvidenceSource, string> = {
  manual: l10n.t('ticked by hand'),
  terminal: l10n.t('read from the terminal'),
  pasted: l10n.t('read from pasted output'),
  probe: l10n.t('from a probe'),
};

/** A parent's status from its children's. */
export function aggregate(children: readonly StepStatus[]): StepStatus {
  const applicable = children.filter((s) => s !== 'notApplicable');
  if (applicable.length === 0) return 'notApplicable';
  if (applicable.some((s) => s === 'failed')) return 'failed';
  if (applicable.every((s) => s === 'done')) return 'done';
  if (applicable.some((s) => s === 'warning')) return 'warning';
  if (applicable.some((s) => s === 'unknown')) return 'unknown';
  return 'notStarted';
}

function descendants(id: StepId): StepId[] {
  return childrenOf(id).flatMap((c) => [c.id, ...descendants(c.id)]);
}

function copyPrior(p: BasicAuthSetting): BasicAuthSetting {
  return typeof p.server === 'string' && p.server !== ''
    ? { identity: p.identity, basicAuthentication: p.basicAuthentication, server: p.server }
    : { identity: p.identity, basicAuthentication: p.basicAuthentication };
}

function evidenceOf(source: EvidenceSource, at: string, detail: string, servers?: readonly string[]): Evidence {
  const evidence: Evidence = { source, at, detail: oneLine(detail) };
  return servers && servers.length > 0 ? { ...evidence, servers: serverList(servers) } : evidence;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
