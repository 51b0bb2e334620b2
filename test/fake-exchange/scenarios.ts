// What each scenario of the fake Exchange server is: its version, which authentication it offers,
// which rights the service account has, and which TLS certificate it presents.

export type ScenarioName = 'healthy' | 'healthy-delegate' | 'no-basic' | 'wrong-password' | 'locked'
  | 'account-disabled' | 'password-expired' | 'exchange-2010' | 'exchange-2013' | 'exchange-2016' | 'exchange-2019' | 'exchange-se'
  | 'exchange-online' | 'impersonation-denied' | 'nonexistent-mailbox' | 'delegate-denied' | 'busy-then-ok'
  | 'connection-count-then-ok' | 'iis-queue-then-ok' | 'inner-busy-then-ok'
  | 'slow' | 'reset' | 'malformed-xml' | 'oversize' | 'generic-error-redirect'
  | 'tls-expired' | 'tls-expiring-soon' | 'tls-wrong-host' | 'tls-self-signed' | 'tls-missing-intermediate'
  | 'no-mailbox' | 'calendar-times-withheld' | 'calendar-view-truncated' | 'folded-challenges'
  | 'rooms-only' | 'rooms-only-delegate' | 'rooms-and-users' | 'rooms-and-users-delegate';

export const SCENARIO_NAMES: readonly ScenarioName[] = [
  'healthy', 'healthy-delegate', 'no-basic', 'wrong-password', 'locked', 'account-disabled', 'password-expired',
  'exchange-2010', 'exchange-2013', 'exchange-2016', 'exchange-2019', 'exchange-se', 'exchange-online', 'impersonation-denied',
  'nonexistent-mailbox', 'delegate-denied', 'busy-then-ok', 'connection-count-then-ok', 'iis-queue-then-ok', 'inner-busy-then-ok', 'slow', 'reset', 'malformed-xml', 'oversize',
  'generic-error-redirect', 'tls-expired', 'tls-expiring-soon', 'tls-wrong-host', 'tls-self-signed', 'tls-missing-intermediate',
  'no-mailbox', 'calendar-times-withheld', 'calendar-view-truncated', 'folded-challenges',
  'rooms-only', 'rooms-only-delegate', 'rooms-and-users', 'rooms-and-users-delegate',
];

export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

/** RequestServerVersion values in the order Exchange introduced them. */
export const REQUEST_VERSIONS = ['Exchange2007', 'Exchange2007_SP1', 'Exchange2010', 'Exchange2010_SP1', 'Exchange2010_SP2',
  'Exchange2013', 'Exchange2013_SP1', 'Exchange2016'] as const;
export type RequestVersion = typeof REQUEST_VERSIONS[number];

export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly majorBuild: number;
  readonly minorBuild: number;
  /** The Version attribute the server reports (clients should not parse it). */
  readonly versionName: string;
  /** Newest RequestServerVersion the server accepts; newer or unknown ones get ErrorInvalidServerVersion. */
  readonly newestRequestVersion: RequestVersion;
  readonly label: string;
}

export const VERSIONS = {
  exchange2010: { major: 14, minor: 3, majorBuild: 123, minorBuild: 4, versionName: 'Exchange2010_SP2', newestRequestVersion: 'Exchange2010_SP2', label: 'Exchange 2010 SP3' },
  exchange2013: { major: 15, minor: 0, majorBuild: 1497, minorBuild: 48, versionName: 'V2_23', newestRequestVersion: 'Exchange2013_SP1', label: 'Exchange 2013 CU23' },
  exchange2016: { major: 15, minor: 1, majorBuild: 2507, minorBuild: 6, versionName: 'V2017_07_11', newestRequestVersion: 'Exchange2016', label: 'Exchange 2016 CU23' },
  exchange2019: { major: 15, minor: 2, majorBuild: 1544, minorBuild: 4, versionName: 'V2017_07_11', newestRequestVersion: 'Exchange2016', label: 'Exchange 2019 CU14' },
  exchangeSe: { major: 15, minor: 2, majorBuild: 2562, minorBuild: 17, versionName: 'V2017_07_11', newestRequestVersion: 'Exchange2016', label: 'Exchange Server SE RTM' },
  exchangeOnline: { major: 15, minor: 20, majorBuild: 8835, minorBuild: 23, versionName: 'V2018_01_08', newestRequestVersion: 'Exchange2016', label: 'Exchange Online' },
} as const satisfies Record<string, ServerVersion>;

/**
 * How the service account may reach other mailboxes in a scenario. A scope's filter selects by
 * RecipientTypeDetails, so user mailboxes and room mailboxes are reached separately: the procedure's
 * scope (UserMailbox) leaves rooms out, and the organisation that served room devices first has a
 * RoomMailbox scope that leaves users out.
 */
export type ImpersonationRight =
  | 'granted'            // ApplicationImpersonation over a scope holding every user mailbox (not rooms)
  | 'not-assigned'       // no ApplicationImpersonation at all: ErrorImpersonationDenied
  | 'outside-scope'      // assigned, but the targets are outside its scope: ErrorImpersonateUserDenied
  | 'rooms-only'         // assigned over a RoomMailbox scope only: users get ErrorImpersonateUserDenied
  | 'rooms-and-users';   // the room scope plus a user-mailbox scope (or one scope over both)
/** Per-mailbox Full Access (and Send As): on every user mailbox, none, on the rooms only, or on both. */
export type DelegateRight = 'granted' | 'none' | 'rooms-only' | 'rooms-and-users';

/** Whether an impersonation right reaches a mailbox of this kind (ErrorImpersonateUserDenied otherwise). */
export function impersonationReaches(right: ImpersonationRight, kind: 'user' | 'room'): boolean {
  switch (right) {
    case 'granted': return kind === 'user';
    case 'rooms-only': return kind === 'room';
    case 'rooms-and-users': return true;
    case 'not-assigned':
    case 'outside-scope':
      return false;
    default: {
      const unknown: never = right;
      throw new Error(`unknown impersonation right ${String(unknown)}`);
    }
  }
}

/** Whether per-mailbox rights reach a mailbox of this kind. */
export function delegateReaches(right: DelegateRight, kind: 'user' | 'room'): boolean {
  switch (right) {
    case 'granted': return kind === 'user';
    case 'rooms-only': return kind === 'room';
    case 'rooms-and-users': return true;
    case 'none': return false;
    default: {
      const unknown: never = right;
      throw new Error(`unknown delegate right ${String(unknown)}`);
    }
  }
}

export type TlsVariant = 'healthy' | 'expired' | 'expiringSoon' | 'wrongHost' | 'selfSigned' | 'missingIntermediate';

/** Misbehaviour that replaces the normal answer, checked in this order by the server. */
export type Disruption = 'none' | 'slow' | 'reset' | 'malformed-xml' | 'oversize' | 'generic-error-redirect' | ThrottleDisruption;

/**
 * The first FAKE_BUSY_RESPONSES SOAP requests get one of Exchange's throttling answers ("EWS
 * throttling in Exchange", Tables 3 and 4), then the server behaves normally.
 */
export type ThrottleDisruption = 'busy-then-ok' | 'connection-count-then-ok' | 'iis-queue-then-ok' | 'inner-busy-then-ok';

/**
 * How FindItem with a CalendarView answers:
 * - normal: every item with its properties;
 * - times-withheld: items as in the example response of Microsoft's "FindItem operation" page, an
 *   ItemId and nothing else (no Start, no End); ASSUMPTION: that a delegate with limited (free/busy)
 *   rights gets items like these ("ReadItems (CalendarPermissionType)" documents TimeOnly, not the answer);
 * - crowded: 60 more items than the store holds, so that a client's MaxEntriesReturned cuts the view
 *   (RootFolder IncludesLastItemInRange="false", TotalItemsInView the full count).
 */
export type CalendarViewAnswer = 'normal' | 'times-withheld' | 'crowded';

/**
 * How the 401 carries its challenges: one WWW-Authenticate line per scheme (IIS), or folded into one.
 * ASSUMPTION: a proxy or load balancer in front of Exchange folds them, as RFC 7230 section 3.2.2 allows.
 */
export type ChallengeLines = 'per-scheme' | 'folded';

/** An error for every correctly authenticated request (the account itself is unusable). */
export type AccountFault = 'none' | 'ErrorAccountDisabled' | 'ErrorPasswordExpired';

export interface ScenarioSpec {
  readonly version: ServerVersion;
  readonly basicAuth: boolean;
  /** Every Basic attempt is refused, even with the right password (the configured password is stale). */
  readonly rejectAllPasswords: boolean;
  readonly lockedOut: boolean;
  readonly accountFault: AccountFault;
  readonly impersonation: ImpersonationRight;
  readonly delegate: DelegateRight;
  /** The test mailbox does not exist (ErrorNonExistentMailbox). */
  readonly testMailboxMissing: boolean;
  readonly tls: TlsVariant;
  readonly disruption: Disruption;
  readonly exchangeOnline: boolean;
  /** False: the service account is a user without a mailbox (its own folders answer ErrorMissingEmailAddress). */
  readonly serviceAccountMailbox: boolean;
  readonly calendarView: CalendarViewAnswer;
  readonly challengeLines: ChallengeLines;
}

/** A supported, correctly set-up server: Exchange Server Subscription Edition with impersonation granted. */
const HEALTHY: ScenarioSpec = {
  version: VERSIONS.exchangeSe, basicAuth: true, rejectAllPasswords: false, lockedOut: false, accountFault: 'none',
  impersonation: 'granted', delegate: 'none', testMailboxMissing: false, tls: 'healthy', disruption: 'none', exchangeOnline: false,
  serviceAccountMailbox: true, calendarView: 'normal', challengeLines: 'per-scheme',
};

export function scenarioSpec(name: ScenarioName): ScenarioSpec {
  switch (name) {
    case 'healthy': return HEALTHY;
    case 'healthy-delegate': return { ...HEALTHY, impersonation: 'not-assigned', delegate: 'granted' };
    case 'no-basic': return { ...HEALTHY, basicAuth: false };
    case 'wrong-password': return { ...HEALTHY, rejectAllPasswords: true };
    case 'locked': return { ...HEALTHY, lockedOut: true };
    case 'account-disabled': return { ...HEALTHY, accountFault: 'ErrorAccountDisabled' };
    case 'password-expired': return { ...HEALTHY, accountFault: 'ErrorPasswordExpired' };
    case 'exchange-2010': return { ...HEALTHY, version: VERSIONS.exchange2010 };
    case 'exchange-2013': return { ...HEALTHY, version: VERSIONS.exchange2013 };
    case 'exchange-2016': return { ...HEALTHY, version: VERSIONS.exchange2016 };
    case 'exchange-2019': return { ...HEALTHY, version: VERSIONS.exchange2019 };
    case 'exchange-se': return { ...HEALTHY, version: VERSIONS.exchangeSe };
    case 'exchange-online': return { ...HEALTHY, version: VERSIONS.exchangeOnline, exchangeOnline: true };
    case 'impersonation-denied': return { ...HEALTHY, impersonation: 'outside-scope' };
    case 'nonexistent-mailbox': return { ...HEALTHY, testMailboxMissing: true };
    case 'delegate-denied': return { ...HEALTHY, impersonation: 'not-assigned', delegate: 'none' };
    case 'busy-then-ok': return { ...HEALTHY, disruption: 'busy-then-ok' };
    case 'connection-count-then-ok': return { ...HEALTHY, disruption: 'connection-count-then-ok' };
    case 'iis-queue-then-ok': return { ...HEALTHY, disruption: 'iis-queue-then-ok' };
    case 'inner-busy-then-ok': return { ...HEALTHY, disruption: 'inner-busy-then-ok' };
    case 'slow': return { ...HEALTHY, disruption: 'slow' };
    case 'reset': return { ...HEALTHY, disruption: 'reset' };
    case 'malformed-xml': return { ...HEALTHY, disruption: 'malformed-xml' };
    case 'oversize': return { ...HEALTHY, disruption: 'oversize' };
    case 'generic-error-redirect': return { ...HEALTHY, disruption: 'generic-error-redirect' };
    case 'tls-expired': return { ...HEALTHY, tls: 'expired' };
    case 'tls-expiring-soon': return { ...HEALTHY, tls: 'expiringSoon' };
    case 'tls-wrong-host': return { ...HEALTHY, tls: 'wrongHost' };
    case 'tls-self-signed': return { ...HEALTHY, tls: 'selfSigned' };
    case 'tls-missing-intermediate': return { ...HEALTHY, tls: 'missingIntermediate' };
    case 'no-mailbox': return { ...HEALTHY, serviceAccountMailbox: false };
    case 'calendar-times-withheld': return { ...HEALTHY, impersonation: 'not-assigned', delegate: 'granted', calendarView: 'times-withheld' };
    case 'calendar-view-truncated': return { ...HEALTHY, calendarView: 'crowded' };
    case 'folded-challenges': return { ...HEALTHY, challengeLines: 'folded' };
    // The shortcut path (issue 14): an account that already serves room calendars, before and after
    // the admin adds user access. The walk switches from the first to the second and back on rollback.
    case 'rooms-only': return { ...HEALTHY, impersonation: 'rooms-only' };
    case 'rooms-only-delegate': return { ...HEALTHY, impersonation: 'not-assigned', delegate: 'rooms-only' };
    case 'rooms-and-users': return { ...HEALTHY, impersonation: 'rooms-and-users' };
    case 'rooms-and-users-delegate': return { ...HEALTHY, impersonation: 'not-assigned', delegate: 'rooms-and-users' };
    default: {
      const unknown: never = name;
      throw new Error(`unknown scenario ${String(unknown)}`);
    }
  }
}
