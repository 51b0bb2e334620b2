/**
 * Amazon WorkMail availability configuration: the nearest live API that takes the same triple the
 * Alexa for Business console took (EWS URL, username, password). TestAvailabilityConfiguration
 * first (WorkMail signs in to EWS itself), then CreateAvailabilityConfiguration for the e-mail
 * domain. The SDK lives in ./workmailEntry and is loaded only when this target runs.
 */
import * as l10n from '../l10n';
import { cancelledLink, runLink } from './run';
import { loadWorkmailModule, type WorkmailModule } from './loadWorkmail';
import type { WorkmailCallResult, WorkmailLinkCall } from './workmailEntry';
import type { LinkContext, LinkOutcome, LinkRequest, LinkTarget, WorkmailLinkDetails } from './types';

export const WORKMAIL_END_OF_SUPPORT = '2027-03-31';
export const DEFAULT_WORKMAIL_TIMEOUT_MS = 30_000;

export interface WorkmailTargetOptions {
  organizationId: string;
  region: string;
  profile?: string;
  /** The domain the configuration is for. Default: the domain of the service account's UPN. */
  domainName?: string;
  /** Endpoint override: https, or http to this machine only (a local fake). */
  endpoint?: string;
  /** Static credentials (tests); otherwise the SDK's standard credential chain, honouring `profile`. */
  credentials?: WorkmailLinkCall['credentials'];
  timeoutMs?: number;
  /** Default: loadWorkmailModule. */
  loadModule?: () => WorkmailModule;
}

const ORGANIZATION_ID = /^m-[0-9a-f]{32}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Why the configuration cannot be used, or undefined. */
export function workmailConfigProblem(options: WorkmailTargetOptions): string | undefined {
  if (!ORGANIZATION_ID.test(options.organizationId)) {
    return l10n.t('The WorkMail organisation id {0} is not one: it looks like m-0123456789abcdef0123456789abcdef (WorkMail console, Organization settings).', JSON.stringify(options.organizationId));
  }
  if (!REGION.test(options.region)) return l10n.t('The AWS region {0} is not one, for example us-east-1 or eu-west-1.', JSON.stringify(options.region));
  if (options.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      return l10n.t('The WorkMail endpoint {0} is not a URL.', JSON.stringify(options.endpoint));
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      return 'The WorkMail endpoint must use https (plain http only to this machine, for a local test service): the request carries the EWS password.';
    }
  }
  return undefined;
}

function describeResult(result: Exclude<WorkmailCallResult, { kind: 'linked' } | { kind: 'cancelled' }>, timeoutMs: number): string {
  switch (result.kind) {
    case 'testFailed':
      return result.failureReason === undefined
        ? l10n.t('WorkMail could not use the account: TestAvailabilityConfiguration did not pass and gave no reason.')
        : l10n.t('WorkMail could not use the account: {0}.', result.failureReason);
    case 'awsError':
      return l10n.t('WorkMail {0} failed: {1}: {2}', result.operation, result.name, result.message);
    case 'timeout':
      return l10n.t('WorkMail {0} did not answer within {1} ms.', result.operation, timeoutMs);
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

export function createWorkmailTarget(options: WorkmailTargetOptions): LinkTarget {
  return {
    id: 'workmail',
    title: l10n.t('Amazon WorkMail availability configuration'),
    describe: () => {
      const notSet = l10n.t('(not set)');
      const organization = options.organizationId || notSet;
      const region = options.region || notSet;
      const tests = options.profile
        ? l10n.t("Tests the account with WorkMail's TestAvailabilityConfiguration, then creates the availability configuration (EWS provider) for the domain in organisation {0}, region {1}, with AWS credentials from the standard chain (profile {2}).", organization, region, options.profile)
        : l10n.t("Tests the account with WorkMail's TestAvailabilityConfiguration, then creates the availability configuration (EWS provider) for the domain in organisation {0}, region {1}, with AWS credentials from the standard chain.", organization, region);
      return `${tests} ${l10n.t('Amazon WorkMail ends support on {0}.', WORKMAIL_END_OF_SUPPORT)}`;
    },
    async link(request: LinkRequest, context: LinkContext): Promise<LinkOutcome> {
      const problem = workmailConfigProblem(options);
      if (problem) return { ok: false, stage: 'link', failureReason: problem };
      const domainName = options.domainName ?? request.upn.slice(request.upn.lastIndexOf('@') + 1).toLowerCase();
      const timeoutMs = options.timeoutMs ?? DEFAULT_WORKMAIL_TIMEOUT_MS;
      return runLink(context, [request.password, options.credentials?.secretAccessKey, options.credentials?.sessionToken], async () => {
        const workmail = (options.loadModule ?? loadWorkmailModule)();
        const result = await workmail.linkWorkmailAvailability({
          organizationId: options.organizationId,
          region: options.region,
          profile: options.profile,
          endpoint: options.endpoint,
          credentials: options.credentials,
          domainName,
          ewsEndpoint: request.ewsUrl,
          ewsUsername: request.upn,
          ewsPassword: request.password,
          timeoutMs,
          signal: context.signal,
        });
        if (result.kind === 'cancelled') return cancelledLink();
        const details: WorkmailLinkDetails = { target: 'workmail', organizationId: options.organizationId, region: options.region, domainName };
        if (result.kind === 'linked') return { ok: true, stage: 'link', details: { ...details, testPassed: true, configuration: result.configuration } };
        if (result.kind === 'testFailed') details.testPassed = false;
        if (result.kind === 'awsError') details.awsError = result.name;
        return { ok: false, stage: 'link', failureReason: describeResult(result, timeoutMs), details };
      });
    },
  };
}
