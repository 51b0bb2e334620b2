/**
 * Reads what an EWS response says, from the raw body our transport saw: the server version numbers,
 * and errors in both shapes Exchange uses (HTTP 200 with ResponseClass="Error", and HTTP 500 SOAP
 * faults with detail/e:ResponseCode). ews-javascript-api drops some of this (the fault's
 * ResponseCode, BackOffMilliseconds, ServerVersionInfo on errors), so the engine reads it here.
 */
import { NS, child, parseXml, type XmlElement } from './xml';

export interface ServerVersion {
  major: number;
  minor: number;
  majorBuild: number;
  minorBuild: number;
  /** Dotted build, e.g. 15.1.2507.6. */
  build: string;
}

export type ResponseClass = 'Success' | 'Warning' | 'Error';

export interface EwsResponseMessage {
  /** Element local name without the ResponseMessage suffix, e.g. FindItem. */
  operation: string;
  responseClass: ResponseClass;
  responseCode: string;
  messageText: string;
  backOffMs?: number;
  /** Every MessageXml t:Value by name (Policy, MaxConcurrencyLimit, InnerErrorResponseCode...). */
  details?: Record<string, string>;
  element: XmlElement;
}

export interface EwsFault {
  faultCode: string;
  faultString: string;
  /** From detail/ResponseCode; absent when the fault carries none (e.g. a schema fault from IIS). */
  responseCode?: string;
  message: string;
  backOffMs?: number;
  details?: Record<string, string>;
}

export interface EwsResponse {
  serverVersion?: ServerVersion;
  /** Set when a ServerVersionInfo was sent but its numbers are not a version, e.g. `MajorVersion="-1"`. */
  serverVersionProblem?: string;
  fault?: EwsFault;
  /** Every m:*ResponseMessage in the body, in order. */
  messages: EwsResponseMessage[];
  body?: XmlElement;
}

/** An EWS-level error, whichever shape it came in. */
export interface EwsError {
  responseCode: string;
  message: string;
  backOffMs?: number;
  /**
   * MessageXml's t:Value entries by name, as the EWS Managed API exposes them (ErrorDetails): the
   * throttling answers carry Policy and MaxConcurrencyLimit (ErrorExceededConnectionCount) or
   * InnerErrorResponseCode (ErrorInternalServerError wrapping ErrorServerBusy).
   */
  details?: Record<string, string>;
  shape: 'responseMessage' | 'soapFault';
}

function byLocal(parent: XmlElement | undefined, local: string): XmlElement | undefined {
  return parent?.children.find((c) => c.local === local);
}

function deepByLocal(root: XmlElement, local: string): XmlElement | undefined {
  for (const c of root.children) {
    if (c.local === local) return c;
    const found = deepByLocal(c, local);
    if (found) return found;
  }
  return undefined;
}

/** A non-negative whole number no larger than `max`; undefined for anything else (a digit string of any length passes /\d+/). */
function integer(value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || !/^\s*\d{1,15}\s*$/.test(value)) return undefined;
  const n = Number(value);
  return n <= max ? n : undefined;
}

/**
 * Each part of an Exchange build is a 16-bit field of the file version (15.2.2562.17), so larger
 * numbers are garbage; without the bound, MajorVersion="99999999999999999999" would read as a
 * version newer than Exchange Online.
 */
const MAX_VERSION_PART = 0xffff;

/** Numbers from t:ServerVersionInfo. The Version string (V2_4, V2017_07_11...) is deliberately ignored. */
export function readServerVersion(info: XmlElement | undefined): ServerVersion | undefined {
  if (!info) return undefined;
  const major = integer(info.attrs.MajorVersion, MAX_VERSION_PART);
  const minor = integer(info.attrs.MinorVersion, MAX_VERSION_PART);
  if (major === undefined || minor === undefined) return undefined;
  const majorBuild = integer(info.attrs.MajorBuildNumber, MAX_VERSION_PART) ?? 0;
  const minorBuild = integer(info.attrs.MinorBuildNumber, MAX_VERSION_PART) ?? 0;
  return { major, minor, majorBuild, minorBuild, build: `${major}.${minor}.${majorBuild}.${minorBuild}` };
}

/** Why a ServerVersionInfo that is present gives no version: its numbers as sent, shortened. */
function serverVersionProblem(info: XmlElement | undefined): string | undefined {
  if (!info || readServerVersion(info)) return undefined;
  const shown = ['MajorVersion', 'MinorVersion', 'MajorBuildNumber', 'MinorBuildNumber']
    .map((name) => `${name}=${JSON.stringify((info.attrs[name] ?? '(none)').slice(0, 24))}`);
  return shown.join(' ');
}

/** BackOffMilliseconds from a MessageXml element (any namespace prefix). */
export function readBackOff(messageXml: XmlElement | undefined): number | undefined {
  if (!messageXml) return undefined;
  const stack = [...messageXml.children];
  while (stack.length > 0) {
    const el = stack.shift() as XmlElement;
    if (el.local === 'Value' && el.attrs.Name === 'BackOffMilliseconds') return integer(el.text);
    stack.push(...el.children);
  }
  return undefined;
}

/** Every t:Value of a MessageXml element by its Name (the first of a repeated name wins); undefined when there are none. */
export function readMessageValues(messageXml: XmlElement | undefined): Record<string, string> | undefined {
  if (!messageXml) return undefined;
  const values: Record<string, string> = {};
  let found = false;
  const stack = [...messageXml.children];
  while (stack.length > 0) {
    const el = stack.shift() as XmlElement;
    const name = el.attrs.Name;
    // __proto__ would not become a key of a plain object; no throttling detail is called that.
    if (el.local === 'Value' && name !== undefined && name !== '__proto__' && !Object.hasOwn(values, name)) {
      values[name] = el.text.trim();
      found = true;
    }
    stack.push(...el.children);
  }
  return found ? values : undefined;
}

function readFault(fault: XmlElement): EwsFault {
  const detail = byLocal(fault, 'detail');
  const responseCode = detail ? byLocal(detail, 'ResponseCode')?.text.trim() : undefined;
  const faultString = byLocal(fault, 'faultstring')?.text.trim() ?? '';
  return {
    faultCode: byLocal(fault, 'faultcode')?.text.trim() ?? '',
    faultString,
    responseCode: responseCode || undefined,
    message: (detail ? byLocal(detail, 'Message')?.text.trim() : undefined) || faultString,
    backOffMs: detail ? readBackOff(byLocal(detail, 'MessageXml')) : undefined,
    details: detail ? readMessageValues(byLocal(detail, 'MessageXml')) : undefined,
  };
}

function readMessages(body: XmlElement): EwsResponseMessage[] {
  const found: EwsResponseMessage[] = [];
  const visit = (el: XmlElement): void => {
    if (el.ns === NS.messages && el.local.endsWith('ResponseMessage') && el.attrs.ResponseClass !== undefined) {
      const cls = el.attrs.ResponseClass;
      found.push({
        operation: el.local.slice(0, -'ResponseMessage'.length),
        responseClass: cls === 'Error' || cls === 'Warning' ? cls : 'Success',
        responseCode: byLocal(el, 'ResponseCode')?.text.trim() ?? (cls === 'Success' ? 'NoError' : ''),
        messageText: byLocal(el, 'MessageText')?.text.trim() ?? '',
        backOffMs: readBackOff(byLocal(el, 'MessageXml')),
        details: readMessageValues(byLocal(el, 'MessageXml')),
        element: el,
      });
      return;
    }
    for (const c of el.children) visit(c);
  };
  visit(body);
  return found;
}

/** Parses a SOAP envelope; throws XmlError when the body is not well-formed XML or not SOAP. */
export function parseEwsResponse(text: string): EwsResponse {
  const envelope = parseXml(text);
  if (envelope.local !== 'Envelope') throw new EwsFormatError(`Expected a SOAP Envelope, found <${envelope.local}>`);
  const header = byLocal(envelope, 'Header');
  const body = byLocal(envelope, 'Body');
  const faultEl = body ? child(body, NS.soap, 'Fault') ?? byLocal(body, 'Fault') : undefined;
  const versionInfo = header ? deepByLocal(header, 'ServerVersionInfo') : undefined;
  return {
    serverVersion: readServerVersion(versionInfo),
    serverVersionProblem: serverVersionProblem(versionInfo),
    fault: faultEl ? readFault(faultEl) : undefined,
    messages: body && !faultEl ? readMessages(body) : [],
    body,
  };
}

export class EwsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EwsFormatError';
  }
}

/** The first error a response carries, whichever shape, or undefined when it succeeded. */
export function firstError(response: EwsResponse): EwsError | undefined {
  if (response.fault) {
    return {
      responseCode: response.fault.responseCode ?? response.fault.faultCode.replace(/^.*:/, ''),
      message: response.fault.message,
      backOffMs: response.fault.backOffMs,
      ...(response.fault.details ? { details: response.fault.details } : {}),
      shape: 'soapFault',
    };
  }
  const failed = response.messages.find((m) => m.responseClass === 'Error');
  if (!failed) return undefined;
  return { responseCode: failed.responseCode, message: failed.messageText, backOffMs: failed.backOffMs, ...(failed.details ? { details: failed.details } : {}), shape: 'responseMessage' };
}
