/**
 * How one EWS call failed, as the client classifies it (client.ts classifyResponse) and the throttling
 * rules read it (throttling.ts). A module of its own so that neither of those two imports the other's
 * types back: the client uses the throttling rules, and both use this.
 */
import type { EwsError } from './soap';
import type { TransportError } from './transport';

export type CallFailure =
  | { kind: 'transport'; error: TransportError }
  | { kind: 'http'; status: number; location?: string; lockedOut: boolean; retryAfter?: string }
  | { kind: 'ews'; error: EwsError }
  /** The body is not well-formed XML, not UTF-8, or not a SOAP answer EWS would send. */
  | { kind: 'format'; status: number; detail: string }
  /** A well-formed EWS answer that ews-javascript-api could not read; `detail` is already one safe line. */
  | { kind: 'library'; status: number; detail: string };
