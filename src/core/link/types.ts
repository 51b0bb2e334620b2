/**
 * The link step's pluggable targets: where the service account (UPN, password, EWS URL, access
 * method) is handed to the calendar service. Every target first runs the pre-link validation the
 * service itself ran at link time, and every outcome is `{ ok, failureReason? }` plus display data
 * for the panel. No outcome ever carries the password or an Authorization header value.
 */
import type { AccessMethod } from '../settings';

export type LinkTargetId = 'a4b-console' | 'http' | 'workmail';
export const LINK_TARGET_IDS: readonly LinkTargetId[] = ['a4b-console', 'http', 'workmail'];
export const DEFAULT_LINK_TARGET: LinkTargetId = 'a4b-console';

export interface LinkRequest {
  ewsUrl: string;
  upn: string;
  accessMethod: AccessMethod;
  password: string;
}

/** What the host's probe engine says about login and calendar access with the chosen method. */
export interface PreLinkValidation {
  ok: boolean;
  failureReason?: string;
}

export interface LinkContext {
  signal?: AbortSignal;
  /** The pre-link validation; supplied by the host from the probe engine. */
  validate: () => Promise<PreLinkValidation>;
}

/** One value the admin enters in a console. The password has no value: the host copies it only on an explicit click. */
export interface ConsoleField {
  field: 'upn' | 'password' | 'ewsUrl' | 'accessMethod';
  label: string;
  value?: string;
}

export interface A4bConsoleDetails {
  target: 'a4b-console';
  notice: string;
  fields: ConsoleField[];
}

export interface HttpLinkDetails {
  target: 'http';
  url: string;
  status: number;
  statusText: string;
  /** The answer as text, cut to a few KiB, with any secret it echoed replaced. */
  body: string;
  bodyTruncated: boolean;
}

export interface WorkmailLinkDetails {
  target: 'workmail';
  organizationId: string;
  region: string;
  domainName: string;
  /** TestAvailabilityConfiguration's verdict, when it answered. */
  testPassed?: boolean;
  /** What happened to the availability configuration, once the test passed. */
  configuration?: 'created' | 'updated';
  /** The AWS error name (e.g. OrganizationNotFoundException), when there was one. */
  awsError?: string;
}

export type LinkDetails = A4bConsoleDetails | HttpLinkDetails | WorkmailLinkDetails;

export interface LinkOutcome {
  ok: boolean;
  failureReason?: string;
  /** Where the run ended: the pre-link validation, or the target itself. */
  stage: 'validation' | 'link';
  /** Cancelled by the admin: the host shows nothing. */
  cancelled?: boolean;
  /** The target only prepared the values; the host marks the step linked when the admin confirms. */
  needsConfirmation?: boolean;
  details?: LinkDetails;
}

export interface LinkTarget {
  readonly id: LinkTargetId;
  readonly title: string;
  /** A paragraph for the panel: what this target does and anything the admin must know first. */
  describe(): string;
  link(request: LinkRequest, context: LinkContext): Promise<LinkOutcome>;
}
