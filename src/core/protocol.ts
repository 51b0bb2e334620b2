/**
 * The Probe & Link panel's message protocol, imported by both the extension host and the webview.
 * Every message the host receives comes from a page it does not control (a compromised or buggy
 * webview, or a hostile string rendered somewhere), so `parseWebviewMessage` checks each one
 * completely before anything acts on it: exact key sets, types, lengths and step ids. Messages the
 * other way are trusted (the host builds them) and carry only what the page shows: never a secret.
 *
 * Pure: no `vscode`, no DOM. The webview bundle includes this file, so it imports only other pure
 * modules (steps.ts for the step ids, linkTargets.ts for the link targets it re-exports; type-only
 * imports for the rest).
 */
import type { LinkTargetName } from './linkTargets';
import type { AccessMethod } from './settings';
import { isStepId, type StepId } from './steps';

/* ----------------------------------------------------------------------------------------------
 * Shared shapes
 * -------------------------------------------------------------------------------------------- */

/** The form the panel edits; the host saves it back to the settings. The password is never here. */
export interface ProbeForm {
  ewsUrl: string;
  upn: string;
  testMailbox: string;
  accessMethod: AccessMethod;
  /** Opt-in CreateItem/DeleteItem test on the test mailbox. */
  write: boolean;
}

/** Whether a password is kept for the form's EWS host and UPN (never the password itself). */
export type SecretState =
  | { kind: 'stored' }
  | { kind: 'missing' }
  /** The OS keyring refused: nothing can be stored, and nothing is stored elsewhere instead. */
  | { kind: 'unavailable'; message: string };

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface RemedyView {
  step: StepId;
  stepTitle: string;
  text: string;
  /** The step has a shell snippet (insert/copy buttons make sense). */
  hasSnippet: boolean;
}

export interface CheckView {
  id: string;
  /** A readable name for the check ("TLS certificate trusted"). */
  name: string;
  status: CheckStatus;
  message: string;
  ms: number;
  remedy?: RemedyView;
}

export interface EventView {
  subject: string;
  start: string;
  end: string;
  /** The event as a voice assistant would read it back. */
  spoken: string;
}

export interface ServerView {
  build: string;
  product: string;
  supported: boolean;
}

export type RunOutcome = 'passed' | 'failed' | 'cancelled' | 'error';

export { LINK_TARGETS, type LinkTargetName } from './linkTargets';

export interface LinkView {
  target: LinkTargetName;
  /** What the target does, in a sentence (including retirement and end-of-support notes). */
  description: string;
  /** When the link step was last recorded as done, ISO 8601. */
  linkedAt?: string;
}

/** What the admin types into the calendar service's console; the password only on an explicit copy. */
export interface LinkValues {
  upn: string;
  ewsUrl: string;
  accessMethod: AccessMethod;
}

/** A mailbox that was not verified: denied and not found are failures, not checked is not a verdict. */
export interface MailboxFailureView {
  mailbox: string;
  status: 'denied' | 'not-found' | 'not-checked';
  /** The EWS response code or "HTTP <status>" (denied and not found). */
  code?: string;
  reason: string;
  /** Per-node mode: the server behind the EWS name that answered (or was to answer) for this mailbox. */
  node?: string;
}

export interface MailboxCountsView {
  total: number;
  verified: number;
  denied: number;
  notFound: number;
  notChecked: number;
}

export const MAILBOX_STATUS_WORDS: Readonly<Record<MailboxFailureView['status'], string>> = { denied: 'denied', 'not-found': 'not found', 'not-checked': 'not checked' };

/** The four counts in words, the same in the panel, the CLI and the reports. */
export function mailboxCountsText(c: MailboxCountsView): string {
  return `${c.verified} verified, ${c.denied} denied, ${c.notFound} not found, ${c.notChecked} not checked (of ${c.total})`;
}

/** One server behind the EWS name, probed on its own (per-node mode, issue 16). */
export interface NodeView {
  /** As listed (host name or address), or the address found by resolving the EWS name. */
  node: string;
  /** The address it was reached at; missing when the node's name did not resolve. */
  address?: string;
  label: string;
  /** No check failed on it. */
  ok: boolean;
  server?: { build: string; product: string };
  checks: CheckView[];
}

/** The per-node stage's end: the counts, the sentence naming the odd nodes, and each odd node's fix. */
export interface NodesView {
  host: string;
  total: number;
  passing: number;
  summary: string;
  /** One per odd node that has a fix: the step, with "On <node>:" in its text. */
  remedies: RemedyView[];
}

export interface MailboxListProblemView {
  line: number;
  text: string;
  reason: string;
}

/* ----------------------------------------------------------------------------------------------
 * Host -> webview
 * -------------------------------------------------------------------------------------------- */

export type HostMessage =
  | { type: 'init'; form: ProbeForm; secret: SecretState; link: LinkView; workspaceTrusted: boolean }
  | { type: 'form'; form: ProbeForm }
  /** `requestId`: present when this answers a changePassword or forgetPassword request. */
  | { type: 'secret'; secret: SecretState; requestId?: number }
  | { type: 'runStarted'; runId: number; purpose: 'probes' | 'link' }
  | { type: 'check'; runId: number; check: CheckView }
  /** Per-node mode: the run through the EWS name is done; these nodes are probed next. */
  | { type: 'nodesStarted'; runId: number; host: string; nodes: string[] }
  /** Per-node mode: one node's checks. */
  | { type: 'node'; runId: number; node: NodeView }
  /** The write test's step as it starts (`index` of `of`, 1-based). */
  | { type: 'writeStep'; runId: number; step: 'create' | 'confirm' | 'delete' | 'confirm gone'; index: number; of: number }
  /**
   * `nodes`: the per-node stage's end; `nodesError`: why the nodes could not be listed; `refused`: the
   * run stopped before it started (an untrusted folder, settings with problems, no password), and
   * `summary` says why.
   */
  | { type: 'runFinished'; runId: number; outcome: RunOutcome; summary: string; server?: ServerView; events?: EventView[]; roomEvents?: EventView[]; nodes?: NodesView; nodesError?: string; refused?: true }
  | { type: 'verifyStarted'; total: number; problems: MailboxListProblemView[] }
  /** Counts so far; timeLeftMs once the verification has an estimate (src/core/pure/progress.ts). */
  | { type: 'verifyProgress'; checked: number; total: number; verified?: number; denied?: number; notFound?: number; notChecked?: number; timeLeftMs?: number }
  /** `byNode`: per-node mode, each node's counts (the unverified mailboxes then name their node). */
  | { type: 'verifyFinished'; counts: MailboxCountsView; unverified: MailboxFailureView[]; outcome: RunOutcome; byNode?: ({ node: string } & MailboxCountsView)[] }
  /** Before each Autodiscover candidate endpoint of the findEwsUrl request `requestId`: `tried` of `total`. */
  | { type: 'autodiscoverProgress'; requestId: number; tried: number; total: number; url: string }
  /** The answer to the findEwsUrl request with the same `requestId`. */
  | { type: 'autodiscover'; requestId: number; ok: boolean; ewsUrl?: string; message: string }
  | { type: 'link'; link: LinkView }
  | { type: 'linkOutcome'; ok: boolean; message: string; values?: LinkValues }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; text: string }
  /** Bring one part of the panel into view (opened from the link or test step). */
  | { type: 'reveal'; section: PanelSection };

/** The panel's parts a caller can bring into view. */
export type PanelSection = 'connection' | 'probes' | 'users' | 'link';

export type HostMessageType = HostMessage['type'];

const HOST_MESSAGE_TYPES: readonly HostMessageType[] = [
  'init', 'form', 'secret', 'runStarted', 'check', 'nodesStarted', 'node', 'writeStep', 'runFinished', 'verifyStarted', 'verifyProgress',
  'verifyFinished', 'autodiscoverProgress', 'autodiscover', 'link', 'linkOutcome', 'notice', 'reveal',
];

/** The webview's light check: the host is trusted, but a message from elsewhere must not be acted on. */
export function isHostMessage(raw: unknown): raw is HostMessage {
  try {
    return isPlainObject(raw) && typeof raw.type === 'string' && (HOST_MESSAGE_TYPES as readonly string[]).includes(raw.type);
  } catch {
    return false;
  }
}

/* ----------------------------------------------------------------------------------------------
 * Webview -> host
 * -------------------------------------------------------------------------------------------- */

export type RemedyAction = 'insert' | 'copy' | 'reveal';
export const REMEDY_ACTIONS: readonly RemedyAction[] = ['insert', 'copy', 'reveal'];

/** What a Cancel or Stop button in the panel stops (protocol message `cancel`). */
export const CANCEL_TARGETS = ['run', 'verification', 'autodiscover'] as const;
export type CancelTarget = (typeof CANCEL_TARGETS)[number];

/**
 * Requests that expect an answer carry a `requestId` (a whole number the page chooses, increasing);
 * the host's answer carries the same id, so the page can tell the answer to its latest request from
 * a late answer to an earlier one (as vscode-pull-request-github's webview requests do).
 */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'saveForm'; form: ProbeForm }
  | { type: 'changePassword'; form: ProbeForm; requestId: number }
  | { type: 'forgetPassword'; form: ProbeForm; requestId: number }
  | { type: 'findEwsUrl'; email: string; requestId: number }
  /** `allNodes`: also probe every address the EWS host name resolves to, each on its own (per-node mode). */
  | { type: 'runProbes'; form: ProbeForm; allNodes?: boolean }
  /**
   * Stops a run: `run` names which (the probe run or the link flow, the mailbox verification, or the
   * Autodiscover lookup), so that stopping one leaves the others going; without it, every run stops.
   */
  | { type: 'cancel'; run?: CancelTarget }
  | { type: 'remedy'; action: RemedyAction; step: StepId }
  | { type: 'verifyMailboxes'; source: 'pasted'; text: string }
  | { type: 'verifyMailboxes'; source: 'file' }
  /** Verify again only the mailboxes the last verification left not checked. */
  | { type: 'verifyMailboxes'; source: 'notChecked' }
  | { type: 'exportReport' }
  | { type: 'copyDiagnostics' }
  | { type: 'runLink'; form: ProbeForm }
  | { type: 'copyLinkPassword' }
  | { type: 'markLinked' }
  | { type: 'setLinkAuthorization' };

export type WebviewMessageType = WebviewMessage['type'];

/** Longest text accepted in one field; URLs and addresses are far shorter in practice. */
export const MAX_FIELD_LENGTH = 2048;
/** A pasted list of mailboxes: 100,000 addresses of typical length fit. */
export const MAX_MAILBOX_TEXT_LENGTH = 4_000_000;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; reason: string };

const ACCESS: readonly AccessMethod[] = ['impersonation', 'delegate'];

type Fields = Record<string, unknown>;

function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Exactly these own keys, no more, no fewer: an unexpected key means a sender we do not know. */
function hasExactKeys(value: Fields, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(value, k));
}

function isText(value: unknown, max = MAX_FIELD_LENGTH): value is string {
  return typeof value === 'string' && value.length <= max;
}

/** A request id: a whole number from 0 to 2^53 - 1. */
function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseForm(raw: unknown): ProbeForm | undefined {
  if (!isPlainObject(raw) || !hasExactKeys(raw, ['ewsUrl', 'upn', 'testMailbox', 'accessMethod', 'write'])) return undefined;
  const { ewsUrl, upn, testMailbox, accessMethod, write } = raw;
  if (!isText(ewsUrl) || !isText(upn) || !isText(testMailbox) || typeof write !== 'boolean') return undefined;
  if (typeof accessMethod !== 'string' || !(ACCESS as readonly string[]).includes(accessMethod)) return undefined;
  return { ewsUrl, upn, testMailbox, accessMethod: accessMethod as AccessMethod, write };
}

const reject = (reason: string): ParseResult<WebviewMessage> => ({ ok: false, reason });
const accept = (message: WebviewMessage): ParseResult<WebviewMessage> => ({ ok: true, message });

function parseUnchecked(raw: unknown): ParseResult<WebviewMessage> {
  if (!isPlainObject(raw)) return reject('not a plain object');
  const type = raw.type;
  if (typeof type !== 'string') return reject('no type');
  const only = (keys: readonly string[]): boolean => hasExactKeys(raw, ['type', ...keys]);
  switch (type) {
    case 'cancel': {
      if (only([])) return accept({ type });
      if (!only(['run'])) return reject('cancel: unexpected fields');
      const run = raw.run;
      return typeof run === 'string' && (CANCEL_TARGETS as readonly string[]).includes(run) ? accept({ type, run: run as CancelTarget }) : reject(`cancel: run must be one of ${CANCEL_TARGETS.join(', ')}`);
    }
    case 'ready':
    case 'exportReport':
    case 'copyDiagnostics':
    case 'copyLinkPassword':
    case 'markLinked':
    case 'setLinkAuthorization':
      return only([]) ? accept({ type }) : reject(`${type}: unexpected fields`);
    case 'runProbes': {
      // {type, form} or {type, form, allNodes: boolean}: nothing else.
      const withNodes = only(['form', 'allNodes']);
      if (!only(['form']) && !withNodes) return reject('runProbes: expected exactly {type, form} or {type, form, allNodes}');
      if (withNodes && typeof raw.allNodes !== 'boolean') return reject('runProbes: allNodes must be true or false');
      const form = parseForm(raw.form);
      if (!form) return reject('runProbes: malformed form');
      return accept(withNodes ? { type, form, allNodes: raw.allNodes as boolean } : { type, form });
    }
    case 'saveForm':
    case 'runLink': {
      if (!only(['form'])) return reject(`${type}: expected exactly {type, form}`);
      const form = parseForm(raw.form);
      return form ? accept({ type, form }) : reject(`${type}: malformed form`);
    }
    case 'changePassword':
    case 'forgetPassword': {
      if (!only(['form', 'requestId']) || !isRequestId(raw.requestId)) return reject(`${type}: expected exactly {type, form, requestId}`);
      const form = parseForm(raw.form);
      return form ? accept({ type, form, requestId: raw.requestId }) : reject(`${type}: malformed form`);
    }
    case 'findEwsUrl':
      if (!only(['email', 'requestId']) || !isText(raw.email, 320) || !isRequestId(raw.requestId)) return reject('findEwsUrl: expected {type, email, requestId}');
      return accept({ type, email: raw.email, requestId: raw.requestId });
    case 'remedy': {
      if (!only(['action', 'step'])) return reject('remedy: expected {type, action, step}');
      const { action, step } = raw;
      if (typeof action !== 'string' || !(REMEDY_ACTIONS as readonly string[]).includes(action)) return reject('remedy: unknown action');
      if (!isStepId(step)) return reject('remedy: unknown step');
      return accept({ type, action: action as RemedyAction, step });
    }
    case 'verifyMailboxes':
      if (raw.source === 'file') return only(['source']) ? accept({ type, source: 'file' }) : reject('verifyMailboxes: unexpected fields');
      if (raw.source === 'notChecked') return only(['source']) ? accept({ type, source: 'notChecked' }) : reject('verifyMailboxes: unexpected fields');
      if (raw.source === 'pasted' && only(['source', 'text']) && isText(raw.text, MAX_MAILBOX_TEXT_LENGTH)) {
        return accept({ type, source: 'pasted', text: raw.text });
      }
      return reject('verifyMailboxes: expected {source: "file"}, {source: "notChecked"} or {source: "pasted", text}');
    default:
      return reject('unknown type');
  }
}

/**
 * Checks a message from the webview. Never throws, whatever it is given (a Proxy whose traps throw,
 * a getter, a cyclic object): the answer is then simply "not a message".
 */
export function parseWebviewMessage(raw: unknown): ParseResult<WebviewMessage> {
  try {
    return parseUnchecked(raw);
  } catch {
    return reject('unreadable');
  }
}

/** Short description of a rejected message for the log: its type if it has a readable one, never its content. */
export function describeRejected(raw: unknown): string {
  try {
    if (isPlainObject(raw) && typeof raw.type === 'string') return `type ${JSON.stringify(raw.type.slice(0, 40))}`;
    return Array.isArray(raw) ? 'an array' : raw === null ? 'null' : `a ${typeof raw}`;
  } catch {
    return 'an unreadable value';
  }
}

/**
 * The host's entry point for webview messages: valid ones go to `onMessage`, the rest to `onRejected`
 * (which logs them). Errors thrown by either are caught and reported to `onError`, so a message can
 * never take the panel down.
 */
export async function receiveWebviewMessage(
  raw: unknown,
  onMessage: (message: WebviewMessage) => void | Promise<void>,
  onRejected: (reason: string, what: string) => void,
  onError: (error: unknown) => void,
): Promise<void> {
  const parsed = parseWebviewMessage(raw);
  try {
    if (parsed.ok) await onMessage(parsed.message);
    else onRejected(parsed.reason, describeRejected(raw));
  } catch (error) {
    onError(error);
  }
}

/**
 * Holds the host's messages until the page says it is ready (its listener exists), then sends them in
 * order. A page that reloads (hidden then shown with retainContextWhenHidden off) starts over: `reset`.
 */
export class ReadyGate<T> {
  private ready = false;
  private queue: T[] = [];

  constructor(private readonly send: (message: T) => void) {}

  post(message: T): void {
    if (this.ready) this.send(message);
    else this.queue.push(message);
  }

  markReady(): void {
    this.ready = true;
    const pending = this.queue;
    this.queue = [];
    for (const message of pending) this.send(message);
  }

  reset(): void {
    this.ready = false;
    this.queue = [];
  }

  isReady(): boolean {
    return this.ready;
  }
}

/** For exhaustive switches: a new message type that is not handled fails to compile here. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
