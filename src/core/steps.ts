/**
 * The setup procedure as data: stable step ids, their order and nesting, and which ones only a
 * person can confirm. The tree, the walkthrough, the runbook and the remedies all refer to these ids.
 */
import * as l10n from './l10n';
import type { AccessMethod } from './settings';

export type StepId =
  | 'prerequisites'
  | 'prerequisites.adminRights'
  | 'prerequisites.exchangeVersion'
  | 'prerequisites.certificate'
  | 'prerequisites.basicAuth'
  | 'basicAuth.verify'
  | 'basicAuth.enable'
  | 'serviceAccount.create'
  | 'serviceAccount.protocols'
  | 'access'
  | 'access.impersonation'
  | 'access.delegate'
  | 'link'
  | 'test';

/**
 * `warning`: the evidence works today but needs the admin's attention (a probe check warned, with its
 * reason). It is not done: it counts as left to do until it is fixed or confirmed by hand.
 */
export type StepStatus = 'notStarted' | 'done' | 'failed' | 'warning' | 'notApplicable' | 'unknown';

/** Stored status: `notApplicable` is never stored, it follows from the access method. */
export type RecordedStatus = Exclude<StepStatus, 'notApplicable'>;

export interface StepDefinition {
  readonly id: StepId;
  readonly title: string;
  /** One line shown in tooltips and the runbook. */
  readonly summary: string;
  readonly parent?: StepId;
  /** Only a person can confirm it (a checkbox in the tree). */
  readonly manual: boolean;
  /** The access method this step belongs to; the other method's step is not applicable. */
  readonly method?: AccessMethod;
  /** True when the step has an Exchange Management Shell snippet. */
  readonly hasSnippet: boolean;
  /** True when its verification prints output the extension reads back to set the status. */
  readonly readBack?: boolean;
  /** Recommended but not required: it never counts as left to do (badge, "all done"). */
  readonly optional?: boolean;
  /** True when the snippet has a dry run (-WhatIf) to run before the action. */
  readonly hasDryRun?: boolean;
}

/**
 * Titles and summaries are in the display language: a host sets the bundle (src/host/l10nSetup.ts)
 * before this module loads; the CLI never does, so it reads English.
 */
export const STEPS: readonly StepDefinition[] = [
  { id: 'prerequisites', title: l10n.t('Prerequisites'), summary: l10n.t('What must be true before you start.'), manual: false, hasSnippet: false },
  {
    id: 'prerequisites.adminRights', parent: 'prerequisites', title: l10n.t('Exchange admin rights'),
    summary: l10n.t('Connect an Exchange Management Shell with an account in Organization Management.'), manual: true, hasSnippet: true, readBack: true,
  },
  {
    id: 'prerequisites.exchangeVersion', parent: 'prerequisites', title: l10n.t('Exchange 2013 or newer'),
    summary: l10n.t('Every Exchange server is 2013 (15.0) or newer; only Subscription Edition is supported today (2016 and 2019 left support on 2025-10-14).'), manual: false, hasSnippet: true, readBack: true,
  },
  {
    id: 'prerequisites.certificate', parent: 'prerequisites', title: l10n.t('Publicly trusted certificate on EWS'),
    summary: l10n.t('On every server with EWS, the certificate bound to IIS comes from a public CA, covers the EWS host and has not expired.'), manual: false, hasSnippet: true, readBack: true,
  },
  {
    id: 'prerequisites.basicAuth', parent: 'prerequisites', title: l10n.t('Basic authentication on EWS'),
    summary: l10n.t('EWS offers Basic authentication on every server behind the load balancer.'), manual: false, hasSnippet: false,
  },
  {
    id: 'basicAuth.verify', title: l10n.t('Verify Basic authentication'),
    summary: l10n.t('Read BasicAuthentication on the EWS virtual directory of every Exchange server.'), manual: false, hasSnippet: true, readBack: true,
  },
  {
    id: 'basicAuth.enable', title: l10n.t('Enable Basic authentication'),
    summary: l10n.t('Record the current values, then turn Basic authentication on for EWS on every server that has it off.'), manual: false, hasSnippet: true, readBack: true,
  },
  {
    id: 'serviceAccount.create', title: l10n.t('Create the service account mailbox'),
    summary: l10n.t('A mailbox for the service account; the shell prompts for its password twice.'), manual: false, hasSnippet: true, readBack: true,
  },
  {
    id: 'serviceAccount.protocols', title: l10n.t("Turn off the service account's other protocols (optional)"),
    summary: l10n.t('Outlook on the web, ActiveSync, POP3, IMAP4 and MAPI off for the service account; EWS stays on.'), manual: false, hasSnippet: true, readBack: true, optional: true,
  },
  { id: 'access', title: l10n.t('Grant calendar access'), summary: l10n.t('One of two methods, chosen in exchangeSetup.accessMethod.'), manual: false, hasSnippet: false },
  {
    id: 'access.impersonation', parent: 'access', method: 'impersonation', title: l10n.t('Method 1: impersonation'),
    summary: l10n.t('A management scope over user mailboxes and an ApplicationImpersonation assignment limited to it.'), manual: false, hasSnippet: true, readBack: true,
  },
  {
    id: 'access.delegate', parent: 'access', method: 'delegate', title: l10n.t('Method 2: per-mailbox rights'),
    summary: l10n.t('Full access and Send As on each user mailbox (mailboxes created later need it too).'), manual: false, hasSnippet: true, readBack: true, hasDryRun: true,
  },
  {
    id: 'link', title: l10n.t('Link the service account'),
    summary: l10n.t('Give the calendar service the account, its password, the EWS URL and the access method.'), manual: true, hasSnippet: true,
  },
  {
    id: 'test', title: l10n.t('Test the integration'),
    summary: l10n.t('An enrolled user links Exchange and hears upcoming events read back.'), manual: true, hasSnippet: true,
  },
];

const BY_ID = new Map<StepId, StepDefinition>(STEPS.map((s) => [s.id, s]));

/** Each step's sub-steps in procedure order, under its id (top-level steps under undefined); leaves have no entry. */
const CHILDREN = new Map<StepId | undefined, StepDefinition[]>();
for (const step of STEPS) {
  const siblings = CHILDREN.get(step.parent);
  if (siblings) siblings.push(step);
  else CHILDREN.set(step.parent, [step]);
}

export const STEP_IDS: readonly StepId[] = STEPS.map((s) => s.id);

/**
 * The title a step shows for these settings: with an existing service account (issue 14) the create
 * step only checks it, and the access steps add beside what it has. The same words as the snippets' titles.
 */
export function stepTitle(id: StepId, settings: { serviceAccount: { existing: boolean } }): string {
  const title = stepDefinition(id).title;
  if (!settings.serviceAccount.existing) return title;
  switch (id) {
    case 'serviceAccount.create': return l10n.t('Check the existing service account');
    case 'access.impersonation': return l10n.t('{0} beside the existing access', title);
    case 'access.delegate': return l10n.t('{0} beside the existing access', title);
    default: return title;
  }
}

export function stepDefinition(id: StepId): StepDefinition {
  const def = BY_ID.get(id);
  if (!def) throw new Error(`Unknown step id: ${id}`);
  return def;
}

export function isStepId(value: unknown): value is StepId {
  return typeof value === 'string' && BY_ID.has(value as StepId);
}

export function childrenOf(id: StepId | undefined): StepDefinition[] {
  return [...(CHILDREN.get(id) ?? [])];
}

export function isLeaf(id: StepId): boolean {
  return !CHILDREN.has(id);
}

/** Steps that carry a snippet, in procedure order (the runbook's order). */
export const SNIPPET_STEPS: readonly StepId[] = STEPS.filter((s) => s.hasSnippet).map((s) => s.id);
