// What the fake Exchange does on every request, whatever the scenario, each with a stable id. Every id
// has a `fake:<id>` row in docs/exchange-behaviour.md with its Microsoft source and the test that pins it
// (test/unit/exchange-behaviour-doc.test.ts fails otherwise). Add an id here when the fake learns a
// new wire behaviour; per-scenario answers are rows of their own (`scenario:<name>`).

export const FAKE_BEHAVIOURS = [
  /** 401 to a request without valid credentials, one WWW-Authenticate header per scheme; Basic only when on. */
  'challenge-per-scheme',
  /** Basic credentials accepted as UPN, DOMAIN\user or a bare user name, for the service account only. */
  'basic-logon-forms',
  /** t:ServerVersionInfo (numbers and Version) in the SOAP header of every answer, faults included. */
  'server-version-info',
  /** A RequestServerVersion newer than (or unknown to) the server: ErrorInvalidServerVersion, before schema checks. */
  'request-server-version',
  /** Per-item errors: HTTP 200, m:ResponseMessage ResponseClass="Error" with m:ResponseCode. */
  'error-shape-response-message',
  /** Request-level errors: HTTP 500 SOAP fault with detail/e:ResponseCode (and t:MessageXml when there are values). */
  'error-shape-soap-fault',
  /** Every request validated against Microsoft's EWS schemas; a violation is an ErrorSchemaValidation fault. */
  'schema-validation',
  /** DOCTYPE and entity declarations in a request are refused as schema violations. */
  'no-dtd',
  /** t:ExchangeImpersonation/t:ConnectingSID decides the acting mailbox; denied and missing targets fault. */
  'impersonation-header',
  /** A folder in another mailbox (t:Mailbox in DistinguishedFolderId) needs delegate rights, else a per-item error. */
  'delegate-folder-access',
  /** Room mailboxes (RoomMailbox) beside user mailboxes: a scope or per-mailbox rights reach one kind, the other, or both. */
  'room-mailboxes',
  /** A CalendarView over two years: ErrorCalendarViewRangeTooBig. */
  'calendar-view-range',
  /** CreateItem of a calendar item needs SendMeetingInvitations; DeleteItem needs SendMeetingCancellations. */
  'meeting-attributes',
  /** Past the configured number of requests in flight: ErrorExceededConnectionCount with Policy and MaxConcurrencyLimit. */
  'max-concurrency',
  /** A refused request gives its slot back at once. */
  'refusal-frees-slot',
  /** Another client of the same account holds some of its slots. */
  'other-client-slots',
  /** Every Nth request answered HTTP 503 (IIS queuing), Retry-After when configured. */
  'iis-queue-503',
  /** The TLS certificate per scenario: healthy, expired, expiring soon, wrong host, self-signed, missing intermediate. */
  'tls-certificate-variants',
  /** Exchange Online: a Bearer challenge and front-end headers naming outlook.com back ends. */
  'online-front-end',
  /** A request body larger than 4 MB: HTTP 413. */
  'request-size-limit',
  /** Several fakes behind one EWS name: one per 127/8 address, one port, one certificate for the name (./nodes). */
  'nodes-one-name',
] as const;

export type FakeBehaviour = typeof FAKE_BEHAVIOURS[number];
