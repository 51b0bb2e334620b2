/**
 * ews-javascript-api over our transport. The library builds the requests and reads successful
 * responses; our adapter keeps what it loses. Three things it does badly are kept away from it:
 * - its own timeout is ignored, so our transport times out and cancels;
 * - it crashes (an exception inside its promise chain, i.e. an unhandled rejection and a call that
 *   never settles) on a 500 whose body is not a SOAP fault, and it turns HTTP errors into vague
 *   exceptions. So only HTTP 200 responses reach it; every other answer settles the call through a
 *   side channel, and the library's promise is left pending and dropped;
 * - it hides the ResponseCode, BackOffMilliseconds and ServerVersionInfo, so the raw response the
 *   transport saw is classified by our own parser and wins over the library's verdict.
 */
import * as ews from 'ews-javascript-api';
import type { AccessMethod } from '../settings';
import { classifyResponse, throttledWait, retryWhileBusy, type CallFailure, type CallOutcome, type EwsCredentials } from './client';
import type { ServerVersion } from './soap';
import { TransportError, type EwsTransport, type HttpResponse } from './transport';
import { oneLineErrorText } from '../errors';

export interface LibraryContext {
  transport: EwsTransport;
  url: string;
  credentials: EwsCredentials;
  method: AccessMethod;
  mailbox: string;
  /** The run's time left: a throttling wait longer than this is not waited out (the answer is the result). */
  timeLeft?: () => number;
}

export type LibraryOutcome<T> =
  | { ok: true; value: T; last?: CallOutcome }
  | { ok: false; failure: CallFailure; serverVersion?: ServerVersion };

/** What the library reads from an XMLHttpRequest: only these members are used. */
interface XhrLike {
  status: number;
  statusText: string;
  responseText: string;
  response: string;
  getResponseHeader(name: string): string | null;
  getAllResponseHeaders(): string;
}

function asXhr(http: HttpResponse): XhrLike {
  return {
    status: http.status,
    statusText: http.statusText,
    responseText: http.body,
    response: http.body,
    getResponseHeader: (name) => http.headers[name.toLowerCase()]?.join(', ') ?? null,
    getAllResponseHeaders: () => Object.entries(http.headers).map(([k, v]) => `${k}: ${v.join(', ')}`).join('\r\n'),
  };
}

class SideChannel {
  settle!: (outcome: CallOutcome | TransportError) => void;
  readonly settled = new Promise<CallOutcome | TransportError>((resolve) => { this.settle = resolve; });
}

function newService(ctx: LibraryContext, signal: AbortSignal, timeoutMs: number, side: SideChannel, seen: (o: CallOutcome) => void): ews.ExchangeService {
  const service = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013);
  const never = new Promise<never>(() => undefined);
  const adapter = {
    apiName: 'exchange-calendar-setup-transport',
    xhr: async (options: ews.IXHROptions): Promise<XhrLike> => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(options.headers as Record<string, unknown> ?? {})) {
        // The transport does not decompress; ask for identity encoding.
        if (name.toLowerCase() !== 'accept-encoding' && typeof value === 'string') headers[name] = value;
      }
      let http: HttpResponse;
      try {
        http = await ctx.transport.request({ url: options.url, method: 'POST', headers, body: String(options.data ?? ''), signal, timeoutMs });
      } catch (err) {
        side.settle(err instanceof TransportError ? err : new TransportError('network', String(err)));
        return never;
      }
      const outcome = classifyResponse(http);
      seen(outcome);
      if (http.status === 200 && (outcome.ok || outcome.failure.kind === 'ews')) return asXhr(http);
      side.settle(outcome);
      return never;
    },
    xhrStream: (): Promise<XhrLike> => Promise.reject(new Error('streaming is not used')),
    disconnect: (): void => undefined,
  };
  service.XHRApi = adapter as unknown as ews.IXHRApi;
  service.Credentials = new ews.WebCredentials(ctx.credentials.upn, ctx.credentials.password);
  service.Url = new ews.Uri(ctx.url);
  if (ctx.method === 'impersonation') {
    service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ctx.mailbox);
    service.HttpHeaders.Add('X-AnchorMailbox', ctx.mailbox);
  }
  return service;
}

/** Runs one library operation; the raw responses decide the verdict. Rethrows cancellation only. */
export async function viaLibrary<T>(ctx: LibraryContext, signal: AbortSignal, timeoutMs: number, operation: (service: ews.ExchangeService) => Promise<T>): Promise<LibraryOutcome<T>> {
  const side = new SideChannel();
  let last: CallOutcome | undefined;
  const service = newService(ctx, signal, timeoutMs, side, (o) => { last = o; });
  type Race = { kind: 'value'; value: T } | { kind: 'thrown'; error: unknown } | { kind: 'side'; result: CallOutcome | TransportError };
  const race: Race = await Promise.race([
    operation(service).then((value): Race => ({ kind: 'value', value }), (error: unknown): Race => ({ kind: 'thrown', error })),
    side.settled.then((result): Race => ({ kind: 'side', result })),
  ]);
  if (race.kind === 'side') {
    const result = race.result;
    if (result instanceof TransportError) {
      if (result.kind === 'aborted') throw result;
      return { ok: false, failure: { kind: 'transport', error: result } };
    }
    if (!result.ok) return { ok: false, failure: result.failure, serverVersion: result.serverVersion };
    return { ok: false, failure: { kind: 'format', status: result.http.status, detail: 'unexpected answer' } };
  }
  const lastOutcome = last as CallOutcome | undefined;
  if (lastOutcome && !lastOutcome.ok) return { ok: false, failure: lastOutcome.failure, serverVersion: lastOutcome.serverVersion };
  if (race.kind === 'thrown') {
    // The answer was classified as EWS by our parser, so the XML is fine: what failed is the library's reading of it.
    return { ok: false, failure: { kind: 'library', status: lastOutcome?.ok ? lastOutcome.http.status : 0, detail: oneLineErrorText(race.error) } };
  }
  return { ok: true, value: race.value, last: lastOutcome };
}

/** viaLibrary, retrying while the server throttles (waits all it asks for, within the run's time left). */
export async function viaLibraryWithBackOff<T>(ctx: LibraryContext, signal: AbortSignal, timeoutMs: number, operation: (service: ews.ExchangeService) => Promise<T>, onBusy?: (waitMs: number) => void): Promise<LibraryOutcome<T>> {
  return retryWhileBusy(
    () => viaLibrary(ctx, signal, timeoutMs, operation),
    (outcome) => (outcome.ok ? undefined : throttledWait({ ok: false, failure: outcome.failure })),
    signal,
    { onBusy, timeLeft: ctx.timeLeft },
  );
}

export type ItemId = ews.ItemId;

/** Ids of probe items with this exact subject around their start (used when a create was cut off). */
export function findProbeItems(ctx: LibraryContext, signal: AbortSignal, timeoutMs: number, subject: string, start: Date): Promise<LibraryOutcome<ews.ItemId[]>> {
  return viaLibraryWithBackOff(ctx, signal, timeoutMs, async (service) => {
    const view = new ews.CalendarView(new ews.DateTime(start.getTime() - 60_000), new ews.DateTime(start.getTime() + 3_600_000), 50);
    view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.AppointmentSchema.Subject]);
    const found = await service.FindAppointments(new ews.FolderId(ews.WellKnownFolderName.Calendar, new ews.Mailbox(ctx.mailbox)), view);
    return found.Items.filter((item) => item.Subject === subject).map((item) => item.Id);
  });
}

export interface CalendarEvent {
  subject: string;
  /** ISO 8601, or '' when the server did not send it. */
  start: string;
  end: string;
}

/** One page of a calendar view: the events read and what RootFolder said about the rest. */
export interface CalendarRead {
  events: CalendarEvent[];
  /** TotalItemsInView: every item in the range, read or not. */
  total: number;
  /** IncludesLastItemInRange: false when MaxEntriesReturned cut the view short. */
  complete: boolean;
}

/** Entries the calendar read asks for (CalendarView MaxEntriesReturned). */
export const CALENDAR_READ_MAX_ENTRIES = 50;

/**
 * A property the server may have left out. ews-javascript-api throws ("This property was requested,
 * but it wasn't returned by the server") when a requested property is absent, as Start and End are in
 * the item of Microsoft's FindItem example response and for a delegate with limited rights.
 */
function optional<T>(read: () => T | null | undefined): T | undefined {
  try {
    return read() ?? undefined;
  } catch {
    return undefined;
  }
}

function isoOf(value: ews.DateTime | undefined): string {
  return value ? new Date(value.TotalMilliSeconds).toISOString() : '';
}

/** The next days of the mailbox's calendar: what the calendar service would read back. */
export function readCalendar(ctx: LibraryContext, signal: AbortSignal, timeoutMs: number, from: Date, days: number, onBusy?: (waitMs: number) => void): Promise<LibraryOutcome<CalendarRead>> {
  return viaLibraryWithBackOff(ctx, signal, timeoutMs, async (service) => {
    const view = new ews.CalendarView(new ews.DateTime(from.getTime()), new ews.DateTime(from.getTime() + days * 86_400_000), CALENDAR_READ_MAX_ENTRIES);
    view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.AppointmentSchema.Subject, ews.AppointmentSchema.Start, ews.AppointmentSchema.End]);
    const folder = new ews.FolderId(ews.WellKnownFolderName.Calendar, new ews.Mailbox(ctx.mailbox));
    const found = await service.FindAppointments(folder, view);
    const events = found.Items.map((item) => ({ subject: optional(() => item.Subject) ?? '', start: isoOf(optional(() => item.Start)), end: isoOf(optional(() => item.End)) }));
    // The library reads TotalItemsInView into TotalCount and IncludesLastItemInRange into !MoreAvailable.
    return { events, total: Math.max(found.TotalCount, events.length), complete: !found.MoreAvailable };
  }, onBusy);
}

/** Creates a calendar item without attendees (SendToNone); returns its id. */
export function createProbeItem(ctx: LibraryContext, signal: AbortSignal, timeoutMs: number, subject: string, start: Date, minutes: number): Promise<LibraryOutcome<ews.ItemId>> {
  return viaLibraryWithBackOff(ctx, signal, timeoutMs, async (service) => {
    const item = new ews.Appointment(service);
    item.Subject = subject;
    item.Start = new ews.DateTime(start.getTime());
    item.End = new ews.DateTime(start.getTime() + minutes * 60_000);
    await item.Save(new ews.FolderId(ews.WellKnownFolderName.Calendar, new ews.Mailbox(ctx.mailbox)), ews.SendInvitationsMode.SendToNone);
    return item.Id;
  });
}

export function deleteProbeItem(ctx: LibraryContext, signal: AbortSignal, timeoutMs: number, id: ews.ItemId): Promise<LibraryOutcome<void>> {
  return viaLibraryWithBackOff(ctx, signal, timeoutMs, async (service) => {
    await service.DeleteItems([id], ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone, ews.AffectedTaskOccurrence.AllOccurrences);
  });
}

/**
 * The outcome of GetItem for the item just created (ok when found): CreateItem's answer alone is the server's word, this
 * reads it back (Microsoft, "GetItem operation (calendar item)", section "Successful GetItem Response":
 * an IdOnly GetItem answers with the item's ItemId). Row `ews:write-test-read-back` in docs/exchange-behaviour.md.
 */
export async function confirmPresent(ctx: LibraryContext, signal: AbortSignal, timeoutMs: number, id: ews.ItemId): Promise<LibraryOutcome<unknown>> {
  return viaLibrary(ctx, signal, timeoutMs, (service) => service.BindToItems([id], ews.PropertySet.IdOnly));
}

/** True when GetItem answers ErrorItemNotFound for the id, i.e. the probe item is really gone. */
export async function confirmGone(ctx: LibraryContext, signal: AbortSignal, timeoutMs: number, id: ews.ItemId): Promise<boolean> {
  const outcome = await viaLibrary(ctx, signal, timeoutMs, (service) => service.BindToItems([id], ews.PropertySet.IdOnly));
  return !outcome.ok && outcome.failure.kind === 'ews' && outcome.failure.error.responseCode === 'ErrorItemNotFound';
}
