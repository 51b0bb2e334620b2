// The EWS operations the fake server answers, over its mailbox store. Each returns either the
// operation's response (HTTP 200, per-item response messages) or a SOAP fault (HTTP 500).
import { FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX, busyBlocks, mailboxKind, type FakeCalendarItem, type MailboxStore } from './mailboxes';
import { delegateReaches, type ScenarioSpec } from './scenarios';
import { operationResponse, type ResponseMessage, type SoapFault } from './soap';
import { NS, attr, child, childElements, descendants, escapeXml, path, text, type XmlNode } from './xml';

export interface OperationContext {
  readonly spec: ScenarioSpec;
  readonly store: MailboxStore;
  /** The impersonated mailbox, or the service account's own when not impersonating. */
  readonly actingMailbox: string;
  /** Mailboxes the request touched, for the request log. */
  readonly touchedMailboxes: Set<string>;
}

export type OperationResult = { readonly kind: 'response'; readonly body: string } | { readonly kind: 'fault'; readonly fault: SoapFault };

const MAX_CALENDAR_VIEW_MS = 2 * 366 * 24 * 60 * 60 * 1000;
/** Busy blocks the crowded calendar adds to a view (more than the probes' MaxEntriesReturned of 50). */
export const CROWDED_EXTRA_ITEMS = 60;

type FolderRef = { readonly mailbox: string; readonly folder: string };
type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: ResponseMessage };

function fail<T>(code: ResponseMessage['code']): Resolved<T> {
  return { ok: false, message: { code } };
}

/** Whether the acting account can open this mailbox; the error code a real server would give if not. */
function mailboxAccess(ctx: OperationContext, mailbox: string, missingRights: 'ErrorFolderNotFound' | 'ErrorAccessDenied'): ResponseMessage['code'] {
  const name = mailbox.toLowerCase();
  ctx.touchedMailboxes.add(name);
  if (!ctx.store.has(name) || (ctx.spec.testMailboxMissing && name === FAKE_TEST_MAILBOX)) return 'ErrorNonExistentMailbox';
  if (!ctx.spec.serviceAccountMailbox && name === FAKE_SERVICE_ACCOUNT) return 'ErrorNonExistentMailbox';
  if (name === ctx.actingMailbox) return 'NoError';
  return delegateReaches(ctx.spec.delegate, mailboxKind(name)) ? 'NoError' : missingRights;
}

/** A t:DistinguishedFolderId (optionally with t:Mailbox) or t:FolderId, checked for access. */
function resolveFolder(ctx: OperationContext, folderIdElement: XmlNode | undefined): Resolved<FolderRef> {
  if (!folderIdElement) return fail('ErrorInvalidRequest');
  let ref: FolderRef | undefined;
  if (folderIdElement.localName === 'DistinguishedFolderId') {
    const named = text(path(folderIdElement, [NS.t, 'Mailbox'], [NS.t, 'EmailAddress']));
    // An account without a mailbox must name the mailbox of every distinguished folder it asks for
    // (ServiceError enum, ErrorMissingEmailAddress; exchangelib issues 222 and 528 show it per message).
    if (named === undefined && ctx.actingMailbox === FAKE_SERVICE_ACCOUNT && !ctx.spec.serviceAccountMailbox) return fail('ErrorMissingEmailAddress');
    const mailbox = named ?? ctx.actingMailbox;
    ref = { mailbox: mailbox.toLowerCase(), folder: attr(folderIdElement, 'Id') ?? '' };
  } else if (folderIdElement.localName === 'FolderId') {
    ref = ctx.store.parseFolderId(attr(folderIdElement, 'Id') ?? '');
    if (!ref) return fail('ErrorInvalidIdMalformed');
  }
  if (!ref) return fail('ErrorInvalidRequest');
  return checkFolderAccess(ctx, ref);
}

function checkFolderAccess(ctx: OperationContext, ref: FolderRef): Resolved<FolderRef> {
  const access = mailboxAccess(ctx, ref.mailbox, 'ErrorFolderNotFound');
  return access === 'NoError' ? { ok: true, value: ref } : fail(access);
}

function folderIdsOf(container: XmlNode | undefined): XmlNode[] {
  return childElements(container).filter((c) => c.namespaceURI === NS.t && (c.localName === 'DistinguishedFolderId' || c.localName === 'FolderId'));
}

const FOLDER_NAMES: Record<string, string> = {
  calendar: 'Calendar', root: 'Root', msgfolderroot: 'Top of Information Store', inbox: 'Inbox',
};

function folderXml(ctx: OperationContext, ref: FolderRef): string {
  const id = `<t:FolderId Id="${escapeXml(ctx.store.folderId(ref.mailbox, ref.folder))}" ChangeKey="AQAAABYAAAA="/>`;
  const name = `<t:DisplayName>${escapeXml(FOLDER_NAMES[ref.folder] ?? ref.folder)}</t:DisplayName>`;
  if (ref.folder === 'calendar') {
    return `<t:CalendarFolder>${id}<t:FolderClass>IPF.Appointment</t:FolderClass>${name}` +
      `<t:TotalCount>${ctx.store.items(ref.mailbox).length}</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount></t:CalendarFolder>`;
  }
  return `<t:Folder>${id}<t:FolderClass>IPF.Note</t:FolderClass>${name}<t:TotalCount>0</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount></t:Folder>`;
}

/**
 * What a request's ItemShape asks for. "Property sets and response shapes in EWS in Exchange"
 * (learn.microsoft.com/en-us/exchange/client-developer/exchange-web-services/property-sets-and-response-shapes-in-ews-in-exchange),
 * Table 1: IdOnly returns only the item's identifier, Default the item type's default set, AllProperties
 * the most used properties; AdditionalProperties (its FieldURIs) adds properties to any of them
 * ("DefaultShapeNamesType", Remarks). Row `fake:item-response-shape` in docs/exchange-behaviour.md.
 */
interface ItemShape {
  readonly idOnly: boolean;
  readonly additional: ReadonlySet<string>;
}

function itemShapeOf(op: XmlNode): ItemShape {
  const shape = child(op, NS.m, 'ItemShape');
  const additional = new Set(descendants(child(shape, NS.t, 'AdditionalProperties'), NS.t, 'FieldURI').map((f) => attr(f, 'FieldURI') ?? ''));
  return { idOnly: text(child(shape, NS.t, 'BaseShape')) === 'IdOnly', additional };
}

/**
 * A calendar item in the shape asked for: after the ItemId, each property the fake keeps, in the order of
 * the schema's CalendarItemType sequence, when the shape is Default or AllProperties (ASSUMPTION: the fake
 * keeps fewer properties than Table 3 of the page lists for a calendar item, e.g. no Body or
 * CalendarItemType, and answers both shapes with what it keeps) or when AdditionalProperties names it.
 */
function itemXml(ctx: OperationContext, item: FakeCalendarItem, shape: ItemShape): string {
  const parent = escapeXml(ctx.store.folderId(item.mailbox, 'calendar'));
  const properties: [string, string][] = [
    ['item:ParentFolderId', `<t:ParentFolderId Id="${parent}" ChangeKey="AQAAAA=="/>`],
    ['item:ItemClass', '<t:ItemClass>IPM.Appointment</t:ItemClass>'],
    ['item:Subject', `<t:Subject>${escapeXml(item.subject)}</t:Subject>`],
    ['calendar:Start', `<t:Start>${item.start}</t:Start>`],
    ['calendar:End', `<t:End>${item.end}</t:End>`],
    ['calendar:IsAllDayEvent', '<t:IsAllDayEvent>false</t:IsAllDayEvent>'],
    ['calendar:LegacyFreeBusyStatus', '<t:LegacyFreeBusyStatus>Busy</t:LegacyFreeBusyStatus>'],
    ['calendar:Location', `<t:Location>${escapeXml(item.location)}</t:Location>`],
    ['calendar:Organizer', `<t:Organizer><t:Mailbox><t:Name>${escapeXml(item.organizer)}</t:Name><t:EmailAddress>${escapeXml(item.organizer)}</t:EmailAddress>` +
      '<t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:Organizer>'],
  ];
  const shown = properties.filter(([uri]) => !shape.idOnly || shape.additional.has(uri)).map(([, xml]) => xml).join('');
  return `<t:CalendarItem><t:ItemId Id="${escapeXml(item.id)}" ChangeKey="${escapeXml(item.changeKey)}"/>${shown}</t:CalendarItem>`;
}

/** An item as the example response of Microsoft's "FindItem operation" page shows one: its ItemId only. */
function idOnlyItemXml(item: FakeCalendarItem): string {
  return `<t:CalendarItem><t:ItemId Id="${escapeXml(item.id)}" ChangeKey="${escapeXml(item.changeKey)}"/></t:CalendarItem>`;
}

function getFolder(ctx: OperationContext, op: XmlNode): OperationResult {
  const messages = folderIdsOf(child(op, NS.m, 'FolderIds')).map((element): ResponseMessage => {
    const ref = resolveFolder(ctx, element);
    // An error message ends with an empty m:Folders, as in the error example of Microsoft's "GetFolder operation" page.
    return ref.ok ? { code: 'NoError', payload: `<m:Folders>${folderXml(ctx, ref.value)}</m:Folders>` } : { ...ref.message, payload: '<m:Folders/>' };
  });
  return { kind: 'response', body: operationResponse('GetFolder', messages) };
}

function findItem(ctx: OperationContext, op: XmlNode): OperationResult {
  const view = child(op, NS.m, 'CalendarView');
  const messages = folderIdsOf(child(op, NS.m, 'ParentFolderIds')).map((element): ResponseMessage => {
    const ref = resolveFolder(ctx, element);
    if (!ref.ok) return ref.message;
    let items = ctx.store.items(ref.value.mailbox).slice();
    if (view) {
      const start = new Date(attr(view, 'StartDate') ?? '');
      const end = new Date(attr(view, 'EndDate') ?? '');
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end < start) return { code: 'ErrorInvalidRequest' };
      if (end.getTime() - start.getTime() > MAX_CALENDAR_VIEW_MS) return { code: 'ErrorCalendarViewRangeTooBig' };
      items = ctx.store.view(ref.value.mailbox, start, end);
      if (ctx.spec.calendarView === 'crowded') {
        items = [...items, ...busyBlocks(ref.value.mailbox, start, CROWDED_EXTRA_ITEMS).filter((b) => Date.parse(b.start) < end.getTime())]
          .sort((a, b) => a.start.localeCompare(b.start));
      }
    }
    const max = Number(attr(view, 'MaxEntriesReturned') ?? attr(child(op, NS.m, 'IndexedPageItemView'), 'MaxEntriesReturned') ?? Infinity);
    const shown = items.slice(0, max);
    // RootFolder (FindItemResponseMessage): TotalItemsInView counts every item that passes, IncludesLastItemInRange
    // says whether this answer holds the last of them.
    const shape = itemShapeOf(op);
    const itemText = view && ctx.spec.calendarView === 'times-withheld' ? idOnlyItemXml : (item: FakeCalendarItem) => itemXml(ctx, item, shape);
    const rootFolder = `<m:RootFolder TotalItemsInView="${items.length}" IncludesLastItemInRange="${shown.length === items.length}">` +
      `<t:Items>${shown.map(itemText).join('')}</t:Items></m:RootFolder>`;
    return { code: 'NoError', payload: rootFolder };
  });
  return { kind: 'response', body: operationResponse('FindItem', messages) };
}

function createItem(ctx: OperationContext, op: XmlNode): OperationResult {
  const calendarItems = childElements(child(op, NS.m, 'Items')).filter((c) => c.localName === 'CalendarItem');
  if (calendarItems.length > 0 && attr(op, 'SendMeetingInvitations') === undefined) {
    return { kind: 'response', body: operationResponse('CreateItem', calendarItems.map(() => ({ code: 'ErrorSendMeetingInvitationsRequired' }))) };
  }
  const savedIn = folderIdsOf(child(op, NS.m, 'SavedItemFolderId'))[0];
  const folder = savedIn ? resolveFolder(ctx, savedIn) : checkFolderAccess(ctx, { mailbox: ctx.actingMailbox, folder: 'calendar' });
  const messages = calendarItems.map((element): ResponseMessage => {
    if (!folder.ok) return folder.message;
    const start = text(child(element, NS.t, 'Start'));
    const end = text(child(element, NS.t, 'End'));
    if (!start || !end || Number.isNaN(Date.parse(start)) || Number.isNaN(Date.parse(end))) return { code: 'ErrorInvalidRequest' };
    const item = ctx.store.create(folder.value.mailbox, {
      subject: text(child(element, NS.t, 'Subject')) ?? '',
      start: new Date(start).toISOString().replace('.000Z', 'Z'),
      end: new Date(end).toISOString().replace('.000Z', 'Z'),
      location: text(child(element, NS.t, 'Location')) ?? '',
    });
    return { code: 'NoError', payload: `<m:Items><t:CalendarItem><t:ItemId Id="${escapeXml(item.id)}" ChangeKey="${escapeXml(item.changeKey)}"/></t:CalendarItem></m:Items>` };
  });
  return { kind: 'response', body: operationResponse('CreateItem', messages) };
}

/** An item id from the request, checked for existence and access. */
function resolveItem(ctx: OperationContext, idElement: XmlNode): Resolved<FakeCalendarItem> {
  const item = ctx.store.find(attr(idElement, 'Id') ?? '');
  if (!item) return fail('ErrorItemNotFound');
  const access = mailboxAccess(ctx, item.mailbox, 'ErrorAccessDenied');
  return access === 'NoError' ? { ok: true, value: item } : fail(access);
}

function itemIdsOf(op: XmlNode): XmlNode[] {
  return childElements(child(op, NS.m, 'ItemIds')).filter((c) => c.localName === 'ItemId');
}

function deleteItem(ctx: OperationContext, op: XmlNode): OperationResult {
  const messages = itemIdsOf(op).map((idElement): ResponseMessage => {
    const item = resolveItem(ctx, idElement);
    if (!item.ok) return item.message;
    // Every item in this store is a calendar item, for which Exchange insists on the attribute.
    if (attr(op, 'SendMeetingCancellations') === undefined) return { code: 'ErrorSendMeetingCancellationsRequired' };
    ctx.store.delete(item.value.id);
    return { code: 'NoError' };
  });
  return { kind: 'response', body: operationResponse('DeleteItem', messages) };
}

function getItem(ctx: OperationContext, op: XmlNode): OperationResult {
  const shape = itemShapeOf(op);
  const messages = itemIdsOf(op).map((idElement): ResponseMessage => {
    const item = resolveItem(ctx, idElement);
    return item.ok ? { code: 'NoError', payload: `<m:Items>${itemXml(ctx, item.value, shape)}</m:Items>` } : item.message;
  });
  return { kind: 'response', body: operationResponse('GetItem', messages) };
}

function resolveNames(ctx: OperationContext, op: XmlNode): OperationResult {
  const entry = (text(child(op, NS.m, 'UnresolvedEntry')) ?? '').toLowerCase().replace(/^smtp:/, '');
  const matches = ctx.store.names().filter((name) => name === entry || name.split('@')[0] === entry);
  if (matches.length === 0) return { kind: 'response', body: operationResponse('ResolveNames', [{ code: 'ErrorNameResolutionNoResults' }]) };
  const resolutions = matches.map((name) => `<t:Resolution><t:Mailbox><t:Name>${escapeXml(name.split('@')[0])}</t:Name>` +
    `<t:EmailAddress>${escapeXml(name)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:Resolution>`).join('');
  const payload = `<m:ResolutionSet TotalItemsInView="${matches.length}" IncludesLastItemInRange="true">${resolutions}</m:ResolutionSet>`;
  return { kind: 'response', body: operationResponse('ResolveNames', [{ code: 'NoError', payload }]) };
}

/** exchangelib probes the version with ConvertId of a dummy id; Exchange answers per id that it is malformed. */
function convertId(_ctx: OperationContext, op: XmlNode): OperationResult {
  const ids = descendants(child(op, NS.m, 'SourceIds'), NS.t, 'AlternateId');
  return { kind: 'response', body: operationResponse('ConvertId', ids.map(() => ({ code: 'ErrorInvalidIdMalformed' }))) };
}

const OPERATIONS: Record<string, (ctx: OperationContext, op: XmlNode) => OperationResult> = {
  GetFolder: getFolder, FindItem: findItem, CreateItem: createItem, DeleteItem: deleteItem, GetItem: getItem,
  ResolveNames: resolveNames, ConvertId: convertId,
};

export function supportedOperations(): string[] {
  return Object.keys(OPERATIONS);
}

export function runOperation(ctx: OperationContext, op: XmlNode): OperationResult {
  const handler = op.namespaceURI === NS.m && op.localName ? OPERATIONS[op.localName] : undefined;
  if (!handler) return { kind: 'fault', fault: { code: 'ErrorInvalidOperation' } };
  return handler(ctx, op);
}
