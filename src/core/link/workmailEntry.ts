/**
 * Entry of the link-workmail bundle (dist/link-workmail.js): the only code that touches
 * @aws-sdk/client-workmail. It is loaded through ./loadWorkmail when the WorkMail target runs, never
 * at activation, because the SDK is large. It takes and returns plain data so that no SDK type leaks
 * into the rest of the extension.
 */
import {
  CreateAvailabilityConfigurationCommand,
  TestAvailabilityConfigurationCommand,
  UpdateAvailabilityConfigurationCommand,
  WorkMailClient,
  type EwsAvailabilityProvider,
  type WorkMailClientConfig,
} from '@aws-sdk/client-workmail';
import { oneLineErrorText } from '../errors';

export interface WorkmailLinkCall {
  organizationId: string;
  region: string;
  /** A profile from the shared AWS config files; the standard credential chain is used either way. */
  profile?: string;
  /** Service endpoint override (tests, or a VPC endpoint). */
  endpoint?: string;
  /** Static credentials (tests). Without them the SDK's default Node credential chain is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  domainName: string;
  ewsEndpoint: string;
  ewsUsername: string;
  ewsPassword: string;
  /** For each request, and for the whole call. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export type WorkmailOperation = 'TestAvailabilityConfiguration' | 'CreateAvailabilityConfiguration' | 'UpdateAvailabilityConfiguration';

export type WorkmailCallResult =
  | { kind: 'testFailed'; failureReason?: string }
  | { kind: 'linked'; configuration: 'created' | 'updated' }
  | { kind: 'awsError'; operation: WorkmailOperation; name: string; message: string; httpStatus?: number }
  | { kind: 'timeout'; operation: WorkmailOperation }
  | { kind: 'cancelled' };

function errorFields(err: unknown): { name: string; message: string; httpStatus?: number } {
  const name = typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string' ? (err as { name: string }).name : 'Error';
  const message = oneLineErrorText(err);
  const metadata = typeof err === 'object' && err !== null ? (err as { $metadata?: { httpStatusCode?: number } }).$metadata : undefined;
  return { name, message, httpStatus: metadata?.httpStatusCode };
}

/** TestAvailabilityConfiguration, then (when it passed) CreateAvailabilityConfiguration, or Update when one exists. */
export async function linkWorkmailAvailability(call: WorkmailLinkCall): Promise<WorkmailCallResult> {
  const config: WorkMailClientConfig = {
    region: call.region,
    // One overall deadline below; retries within it are the SDK's own business.
    requestHandler: { requestTimeout: call.timeoutMs, connectionTimeout: call.timeoutMs },
  };
  if (call.profile) config.profile = call.profile;
  if (call.endpoint) config.endpoint = call.endpoint;
  if (call.credentials) config.credentials = call.credentials;
  const client = new WorkMailClient(config);
  const deadline = AbortSignal.timeout(call.timeoutMs);
  const abortSignal = call.signal ? AbortSignal.any([call.signal, deadline]) : deadline;
  const provider: EwsAvailabilityProvider = { EwsEndpoint: call.ewsEndpoint, EwsUsername: call.ewsUsername, EwsPassword: call.ewsPassword };
  let operation: WorkmailOperation = 'TestAvailabilityConfiguration';
  try {
    // The test takes the provider alone: given a DomainName instead, WorkMail tests the stored configuration.
    const test = await client.send(new TestAvailabilityConfigurationCommand({ OrganizationId: call.organizationId, EwsProvider: provider }), { abortSignal });
    if (test.TestPassed !== true) return { kind: 'testFailed', failureReason: test.FailureReason };
    operation = 'CreateAvailabilityConfiguration';
    try {
      await client.send(new CreateAvailabilityConfigurationCommand({ OrganizationId: call.organizationId, DomainName: call.domainName, EwsProvider: provider }), { abortSignal });
      return { kind: 'linked', configuration: 'created' };
    } catch (err) {
      // A configuration for this domain already exists (a re-link after a password change): replace its provider.
      if (errorFields(err).name !== 'NameAvailabilityException') throw err;
      operation = 'UpdateAvailabilityConfiguration';
      await client.send(new UpdateAvailabilityConfigurationCommand({ OrganizationId: call.organizationId, DomainName: call.domainName, EwsProvider: provider }), { abortSignal });
      return { kind: 'linked', configuration: 'updated' };
    }
  } catch (err) {
    if (call.signal?.aborted) return { kind: 'cancelled' };
    if (deadline.aborted || /timeout/i.test(errorFields(err).name)) return { kind: 'timeout', operation };
    return { kind: 'awsError', operation, ...errorFields(err) };
  } finally {
    client.destroy();
  }
}
