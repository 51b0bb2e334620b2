/**
 * What the settings editor shows for each setting of ./configuration.ts: its place in the list and its
 * description. Only scripts/sync-manifest.mjs and the manifest test read this module; the extension
 * itself never does, so the activation bundle does not carry the text.
 */
import type { SettingKey } from './configuration';

export const CONFIGURATION_TITLE = 'Exchange Calendar Setup';

export interface SettingText {
  /** Position in the settings editor (`order` in the manifest). */
  readonly order: number;
  readonly markdownDescription: string;
  /** One entry per member of the setting's enum, in the same order. */
  readonly enumDescriptions?: readonly string[];
  /** Shown by the settings editor when the value does not match the setting's pattern. */
  readonly patternErrorMessage?: string;
}

export const SETTING_TEXT: { readonly [K in SettingKey]: SettingText } = {
  ewsUrl: {
    order: 1,
    markdownDescription:
      "The EWS endpoint the calendar service signs in to, usually `https://mail.<domain>/EWS/Exchange.asmx`. Must be `https`. Progress is kept per host, so two organisations never mix. Machine-scoped: a workspace cannot redirect the service account's password.",
  },
  exchangeServer: {
    order: 2,
    markdownDescription:
      "The Exchange server (NetBIOS name such as `EXCH01`, or better its FQDN, which Kerberos needs) that the remote Exchange Management Shell connects to. The Basic-auth and certificate steps do not use it: they read and change every Exchange server with an EWS virtual directory, as Exchange lists them.",
  },
  'serviceAccount.upn': {
    order: 3,
    markdownDescription:
      "The service account's user principal name, for example `alexaforbusiness@contoso.com`. Its password is never stored in settings: the panel keeps it in VS Code's secret storage and the shell prompts for it.",
  },
  'serviceAccount.alias': {
    order: 4,
    markdownDescription:
      "The mailbox alias: letters, digits and `! # $ % & ' * + - / = ? ^ _ ` { | } ~`, single dots not at the ends, no spaces, at most 64 characters.",
  },
  'serviceAccount.displayName': {
    order: 5,
    markdownDescription:
      "The mailbox name and display name (at most 64 characters).",
  },
  'serviceAccount.organizationalUnit': {
    order: 6,
    markdownDescription:
      "Optional organizational unit for the mailbox's user, for example `contoso.com/Service Accounts`. Empty: Exchange's default.",
  },
  'serviceAccount.existing': {
    order: 6,
    markdownDescription:
      "The service account already exists (for example it serves room calendars on meeting-room devices). The \"Create the service account\" step becomes \"Check the existing service account\": it reads the account back and never creates or removes it, and the access step adds only what is missing beside the rights the account already has.",
  },
  accessMethod: {
    order: 7,
    markdownDescription:
      "How the service account reaches users' calendars. The other method's step shows as not applicable.",
    enumDescriptions: [
      "Method 1: a management scope over user mailboxes and a scoped ApplicationImpersonation assignment. Covers mailboxes created later.",
      "Method 2: Full Access and Send As on each user mailbox. Mailboxes created later need it too.",
    ],
  },
  'access.limitToGroup': {
    order: 8,
    markdownDescription:
      "Optional: limit both access methods to the direct members of one mail-enabled group, as Microsoft recommends for impersonation. Its **distinguished name**, for example `CN=Calendar Service Users,OU=Groups,DC=contoso,DC=com` (find it with `Get-DistributionGroup <name> | Format-List DistinguishedName`). Method 1 adds `MemberOfGroup -eq '<DN>'` to the scope's filter; Method 2 grants only the group's user mailboxes. Machine-scoped: it decides whose mailboxes a privileged snippet reaches, so a workspace cannot change it.",
  },
  'impersonation.scopeName': {
    order: 8,
    markdownDescription:
      "Name of the management scope over user mailboxes (Method 1).",
  },
  'impersonation.assignmentName': {
    order: 9,
    markdownDescription:
      "Name of the scoped ApplicationImpersonation role assignment (Method 1).",
  },
  'impersonation.organizationWide': {
    order: 10,
    markdownDescription:
      "**Not recommended.** Generate an organisation-wide ApplicationImpersonation assignment instead of the scoped one. It lets the service account impersonate *every* mailbox, administrators included; the snippet carries a warning.",
  },
  'impersonation.scopeCoversRooms': {
    order: 10,
    markdownDescription:
      "For a service account that already serves room calendars: create **one** management scope whose filter covers room mailboxes (`RoomMailbox`) as well as user mailboxes, instead of a user-mailbox scope beside the existing room scope. The existing room scope and its assignment are left as they are either way.",
  },
  testMailbox: {
    order: 11,
    markdownDescription:
      "A user mailbox (SMTP address) the verifications and probes use to prove access, for example `alice@contoso.com`.",
  },
  testRoomMailbox: {
    order: 11,
    markdownDescription:
      "Optional: a room mailbox (SMTP address, for example `room101@contoso.com`) the probes also check for access and reading. Set it when the service account already serves room calendars (meeting-room devices), to see that the new user access did not break the room access.",
  },
  powershellPath: {
    order: 12,
    markdownDescription:
      "The shell the \"Exchange Management Shell\" terminal starts. Empty: `powershell.exe` on Windows, `pwsh` elsewhere. It is started with no arguments but `-NoLogo`, so that VS Code's shell integration can read command output back.",
  },
  'tls.extraCaFile': {
    order: 13,
    markdownDescription:
      "A PEM file of extra certificate authorities to trust for probes (for example a corporate root). Trust that holds only through it is reported: the calendar service itself needs a publicly trusted certificate. Certificate verification is never turned off.",
  },
  'probes.timeoutSeconds': {
    order: 14,
    markdownDescription:
      "The time limit, in seconds, for one probe run in the Probe & Link panel; a run that reaches it stops and reports which check ran out of time. The command line has `--timeout-ms` instead.",
  },
  'probes.nodes': {
    order: 15,
    markdownDescription:
      "The Exchange servers behind the EWS host name (load balancer) to probe one by one, as host names or addresses, e.g. `exch02.contoso.com` or `10.0.0.12`. Each is reached at its address with the EWS host name as TLS server name and Host header, and receives the service account's credentials only after it has proven the EWS host's certificate; for that reason this setting is machine-scoped (a workspace cannot add a node). Empty: only the EWS host name is probed. The command line has `--node` and `--all-nodes`.",
  },
  'link.target': {
    order: 20,
    markdownDescription:
      "Where the Probe & Link panel links the service account.",
    enumDescriptions: [
      "Alexa for Business console (retired, no API): validate, show the four values to enter, confirm by hand.",
      "POST the values as JSON to your own https endpoint (exchangeSetup.link.http.url).",
      "Amazon WorkMail availability configuration with an EWS provider (WorkMail ends support on 2027-03-31).",
    ],
  },
  'link.http.url': {
    order: 21,
    markdownDescription:
      "The `http` link target: an **https** URL that receives `{ewsUrl, upn, accessMethod, password}` as JSON. Machine-scoped: a workspace cannot redirect the password. An optional Authorization header is kept in secret storage (panel: *Set authorization header*).",
    patternErrorMessage: "Must be an https URL.",
  },
  'link.workmail.organizationId': {
    order: 22,
    markdownDescription:
      "The `workmail` link target: the Amazon WorkMail organization id, for example `m-0123456789abcdef0123456789abcdef`.",
  },
  'link.workmail.region': {
    order: 23,
    markdownDescription:
      "The `workmail` link target: the AWS region of the organization, for example `us-east-1`.",
  },
  'link.workmail.profile': {
    order: 24,
    markdownDescription:
      "The `workmail` link target: the AWS profile for credentials (empty: the standard AWS credential chain).",
  },
};
