// SOAP response text in the shapes Exchange sends: the envelope with ServerVersionInfo in the
// header, per-item response messages (HTTP 200, ResponseClass Error or Success), and SOAP faults
// (HTTP 500) for request-level failures.
import type { ServerVersion } from './scenarios';
import { NS, escapeXml } from './xml';

/** Message text Exchange uses for each response code we produce. */
export const MESSAGE_TEXT = {
  NoError: '',
  ErrorAccessDenied: 'Access is denied. Check credentials and try again.',
  ErrorFolderNotFound: 'The specified folder could not be found in the store.',
  ErrorItemNotFound: 'The specified object was not found in the store., The process failed to get the correct properties.',
  ErrorNonExistentMailbox: 'The SMTP address has no mailbox associated with it.',
  ErrorImpersonateUserDenied: 'The account does not have permission to impersonate the requested user.',
  ErrorImpersonationDenied: 'The server to which the application is connected cannot impersonate the requested user due to insufficient permission.',
  ErrorCalendarViewRangeTooBig: 'The time window specified is larger than the maximum permitted.',
  ErrorSendMeetingInvitationsRequired: 'SendMeetingInvitations attribute is required for Calendar items.',
  ErrorSendMeetingCancellationsRequired: 'SendMeetingCancellations attribute is required for Calendar items.',
  ErrorServerBusy: 'The server cannot service this request right now. Try again later.',
  // As field reports quote it (OfficeDev/ews-managed-api#293, exchangelib#279), two spaces included.
  ErrorExceededConnectionCount: 'You have exceeded the available concurrent connections for your account.  Try again once your other requests have completed.',
  ErrorInternalServerError: 'An internal server error occurred. The operation failed.',
  ErrorInvalidServerVersion: 'The specified server version is invalid.',
  ErrorSchemaValidation: 'The request failed schema validation.',
  ErrorAccountDisabled: 'The account has been disabled.',
  ErrorPasswordExpired: 'The password has expired.',
  ErrorMissingEmailAddress: 'When making a request as an account that does not have a mailbox, you must specify the mailbox primary SMTP address for any distinguished folder Ids.',
  ErrorInvalidIdMalformed: 'Id is malformed.',
  ErrorNameResolutionNoResults: 'No results were found.',
  ErrorInvalidRequest: 'The request is invalid.',
  ErrorInvalidOperation: 'This operation is not supported by the fake Exchange server.',
} as const;
export type ResponseCode = keyof typeof MESSAGE_TEXT;

/** Exchange 2010 names the header element t:ServerVersionInfo; 2013 and later use an h: prefix on the same namespace. */
function serverVersionInfo(version: ServerVersion): string {
  const prefix = version.major === 14 ? 't' : 'h';
  return `<${prefix}:ServerVersionInfo MajorVersion="${version.major}" MinorVersion="${version.minor}" ` +
    `MajorBuildNumber="${version.majorBuild}" MinorBuildNumber="${version.minorBuild}" Version="${version.versionName}" ` +
    `xmlns:${prefix}="${NS.t}"/>`;
}

export function envelope(version: ServerVersion, body: string): string {
  return '<?xml version="1.0" encoding="utf-8"?>' +
    `<s:Envelope xmlns:s="${NS.soap}">` +
    `<s:Header>${serverVersionInfo(version)}</s:Header>` +
    `<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${body}</s:Body>` +
    '</s:Envelope>';
}

/** Name/value pairs for MessageXml, e.g. BackOffMilliseconds. */
export type MessageXmlValues = ReadonlyArray<readonly [string, string]>;

function messageXml(values: MessageXmlValues | undefined, prefix: 'm' | 't'): string {
  if (!values || values.length === 0) return '';
  const inner = values.map(([name, value]) => `<t:Value Name="${escapeXml(name)}">${escapeXml(value)}</t:Value>`).join('');
  return prefix === 'm' ? `<m:MessageXml>${inner}</m:MessageXml>` : `<t:MessageXml xmlns:t="${NS.t}">${inner}</t:MessageXml>`;
}

/** One m:<Op>ResponseMessage; `payload` is the operation's content (folders, items). */
export interface ResponseMessage {
  readonly code: ResponseCode;
  readonly payload?: string;
  readonly messageXml?: MessageXmlValues;
}

export function responseMessage(operation: string, message: ResponseMessage): string {
  const tag = `m:${operation}ResponseMessage`;
  if (message.code === 'NoError') {
    return `<${tag} ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${message.payload ?? ''}</${tag}>`;
  }
  return `<${tag} ResponseClass="Error"><m:MessageText>${escapeXml(MESSAGE_TEXT[message.code])}</m:MessageText>` +
    `<m:ResponseCode>${message.code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>` +
    `${messageXml(message.messageXml, 'm')}${message.payload ?? ''}</${tag}>`;
}

/** The whole m:<Op>Response body for a list of response messages. */
export function operationResponse(operation: string, messages: readonly ResponseMessage[]): string {
  return `<m:${operation}Response xmlns:m="${NS.m}" xmlns:t="${NS.t}"><m:ResponseMessages>` +
    messages.map((m) => responseMessage(operation, m)).join('') +
    `</m:ResponseMessages></m:${operation}Response>`;
}

export interface SoapFault {
  readonly code: ResponseCode;
  /** Replaces the standard message text (schema validation adds the violation). */
  readonly message?: string;
  readonly messageXml?: MessageXmlValues;
}

/** SOAP 1.1 fault as Exchange sends it (faultcode in the types namespace, details in the errors namespace). */
export function soapFaultBody(fault: SoapFault): string {
  const message = fault.message ?? MESSAGE_TEXT[fault.code];
  return `<s:Fault><faultcode xmlns:a="${NS.t}">a:${fault.code}</faultcode>` +
    `<faultstring xml:lang="en-US">${escapeXml(message)}</faultstring><detail>` +
    `<e:ResponseCode xmlns:e="${NS.e}">${fault.code}</e:ResponseCode>` +
    `<e:Message xmlns:e="${NS.e}">${escapeXml(message)}</e:Message>` +
    `${messageXml(fault.messageXml, 't')}</detail></s:Fault>`;
}
