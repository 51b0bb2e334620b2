/**
 * Entry point for Exchange Management Shell snippets: one generator per step, each told which
 * settings it reads. Those fields are validated before the generator runs, so no snippet is ever
 * built from an invalid value.
 */
import type { SetupSettings, SettingField } from '../settings';
import type { StepId } from '../steps';
import { validateSettings, type FieldIssue } from '../validate';
import { renderBasicAuthEnable, renderBasicAuthVerify } from './basicAuth';
import { renderDelegate, renderImpersonation } from './access';
import { renderLink, renderTest } from './manual';
import { renderAdminRights, renderCertificate, renderExchangeVersion } from './prerequisites';
import { literalRefs, type SnippetContext, type StepSnippet, type ValueRefs } from './script';
import { renderServiceAccountCreate, renderServiceAccountProtocols } from './serviceAccount';

export * from './script';
export { BASIC_AUTH_PRIOR_BLOCK, BASIC_AUTH_PRIOR_FILE, EWS_APP_POOL, EWS_SERVERS_EXPRESSION, priorServer } from './basicAuth';
export { REQUIRED_MANAGEMENT_ROLES } from './prerequisites';
export { OTHER_PROTOCOLS, PROTOCOLS_PRIOR_FILE } from './serviceAccount';
export { DELEGATE_ADDED_FILE, DELEGATE_NAMES_SHOWN, USER_MAILBOX_FILTER, impersonationScopeFilter } from './access';

export interface SnippetGenerator {
  /** Every setting the snippet reads (validated before it runs). */
  readonly uses: readonly SettingField[];
  /** Of those, the ones that must not be empty for this step. */
  readonly requires: readonly SettingField[];
  readonly render: (settings: SetupSettings, context: SnippetContext, refs: ValueRefs) => StepSnippet;
}

const GENERATORS: { readonly [K in StepId]?: SnippetGenerator } = {
  'prerequisites.adminRights': { uses: ['exchangeServer'], requires: ['exchangeServer'], render: (_s, _c, refs) => renderAdminRights(refs) },
  'prerequisites.exchangeVersion': { uses: [], requires: [], render: () => renderExchangeVersion() },
  // Every server with an EWS virtual directory, listed by Exchange itself: no server setting is read.
  'prerequisites.certificate': { uses: [], requires: [], render: () => renderCertificate() },
  'basicAuth.verify': { uses: [], requires: [], render: () => renderBasicAuthVerify() },
  'basicAuth.enable': { uses: [], requires: [], render: (_s, c) => renderBasicAuthEnable(c) },
  'serviceAccount.create': {
    uses: ['serviceAccount.upn', 'serviceAccount.alias', 'serviceAccount.displayName', 'serviceAccount.organizationalUnit', 'serviceAccount.existing'],
    requires: [],
    render: (s, _c, refs) => renderServiceAccountCreate(s, refs),
  },
  'serviceAccount.protocols': { uses: ['serviceAccount.upn'], requires: [], render: (_s, _c, refs) => renderServiceAccountProtocols(refs) },
  'access.impersonation': {
    uses: ['serviceAccount.upn', 'serviceAccount.existing', 'access.limitToGroup', 'impersonation.scopeName', 'impersonation.assignmentName', 'impersonation.organizationWide', 'impersonation.scopeCoversRooms'],
    requires: [],
    render: (s, _c, refs) => renderImpersonation(s, refs),
  },
  'access.delegate': { uses: ['serviceAccount.upn', 'serviceAccount.existing', 'access.limitToGroup', 'testMailbox'], requires: [], render: (s, _c, refs) => renderDelegate(s, refs) },
  link: { uses: ['serviceAccount.upn', 'ewsUrl', 'accessMethod'], requires: [], render: (s) => renderLink(s) },
  test: { uses: ['testMailbox'], requires: [], render: (s) => renderTest(s) },
};

export function snippetGenerator(id: StepId): SnippetGenerator | undefined {
  return GENERATORS[id];
}

/** The fields a step's snippet reads; [] for steps without a snippet. */
export function fieldsUsedBy(id: StepId): readonly SettingField[] {
  return GENERATORS[id]?.uses ?? [];
}

export type SnippetResult = { ok: true; snippet: StepSnippet } | { ok: false; issues: FieldIssue[] };

/** Validates what the step reads with the given value references (literal by default). */
export function buildSnippet(id: StepId, settings: SetupSettings, context: SnippetContext, refs: ValueRefs): SnippetResult {
  const generator = GENERATORS[id];
  if (!generator) throw new Error(`Step ${id} has no snippet`);
  const issues = validateSettings(settings, generator.uses, generator.requires);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, snippet: generator.render(settings, context, refs) };
}

/** The snippet of one step with every value as a quoted literal, or the issues that prevent it. */
export function snippetForStep(id: StepId, settings: SetupSettings, context: SnippetContext = {}): SnippetResult {
  return buildSnippet(id, settings, context, literalRefs(settings));
}
