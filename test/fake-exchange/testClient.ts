// A minimal HTTPS client and request builders for tests of the fake server (Node's https, the test
// CA only, a fresh connection per request so TLS scenario switches are seen).
import { request } from 'node:https';
import { FAKE_PASSWORD, FAKE_SERVICE_ACCOUNT, type FakeExchange } from './server';
import { NS } from './xml';

export interface RawResponse {
  readonly status: number;
  /** Header lines as sent, name/value pairs (repeated headers stay separate). */
  readonly headerLines: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

export interface PostOptions {
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
  readonly method?: string;
  readonly path?: string;
  /** Stop reading after this many bytes (the response body is then cut short). */
  readonly maxBytes?: number;
}

export const BASIC_AUTH = `Basic ${Buffer.from(`${FAKE_SERVICE_ACCOUNT}:${FAKE_PASSWORD}`).toString('base64')}`;

export function send(fake: Pick<FakeExchange, 'url' | 'caPem'>, body: string, opts: PostOptions = {}): Promise<RawResponse> {
  const url = new URL(fake.url);
  return new Promise((resolve, reject) => {
    const req = request({
      hostname: url.hostname, port: url.port, path: opts.path ?? url.pathname, method: opts.method ?? 'POST',
      ca: [fake.caPem], agent: false, timeout: opts.timeoutMs,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (opts.maxBytes !== undefined && size > opts.maxBytes) {
          resolve(finish()); // settle first: destroying emits 'aborted'
          res.destroy();
        }
      });
      const finish = (): RawResponse => {
        const lines: Array<[string, string]> = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
        return { status: res.statusCode ?? 0, headerLines: lines, body: Buffer.concat(chunks).toString('utf8') };
      };
      res.on('end', () => resolve(finish()));
      res.on('error', reject);
      res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

export function headerValues(res: RawResponse, name: string): string[] {
  return res.headerLines.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

/** A SOAP request as an EWS client writes it. */
export function soapRequest(body: string, opts: { version?: string; impersonate?: string } = {}): string {
  const impersonation = opts.impersonate
    ? `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${opts.impersonate}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
    : '';
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS.soap}" xmlns:t="${NS.t}" xmlns:m="${NS.m}">` +
    `<soap:Header><t:RequestServerVersion Version="${opts.version ?? 'Exchange2013'}"/>${impersonation}</soap:Header>` +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export function calendarFolderId(mailbox?: string): string {
  return mailbox
    ? `<t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>${mailbox}</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>`
    : '<t:DistinguishedFolderId Id="calendar"/>';
}

export function getCalendarFolder(mailbox?: string): string {
  return `<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds>${calendarFolderId(mailbox)}</m:FolderIds></m:GetFolder>`;
}

export function findCalendarItems(start: Date, end: Date, mailbox?: string): string {
  return `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>` +
    `<m:CalendarView MaxEntriesReturned="50" StartDate="${start.toISOString()}" EndDate="${end.toISOString()}"/>` +
    `<m:ParentFolderIds>${calendarFolderId(mailbox)}</m:ParentFolderIds></m:FindItem>`;
}

export function createCalendarItem(subject: string, start: Date, end: Date, sendInvitations = true): string {
  return `<m:CreateItem${sendInvitations ? ' SendMeetingInvitations="SendToNone"' : ''}><m:SavedItemFolderId>${calendarFolderId()}</m:SavedItemFolderId>` +
    `<m:Items><t:CalendarItem><t:Subject>${subject}</t:Subject><t:Start>${start.toISOString()}</t:Start><t:End>${end.toISOString()}</t:End></t:CalendarItem></m:Items></m:CreateItem>`;
}

export function deleteItem(itemId: string, sendCancellations = true): string {
  return `<m:DeleteItem DeleteType="HardDelete"${sendCancellations ? ' SendMeetingCancellations="SendToNone"' : ''}>` +
    `<m:ItemIds><t:ItemId Id="${itemId}"/></m:ItemIds></m:DeleteItem>`;
}

export function getItem(itemId: string): string {
  return `<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${itemId}"/></m:ItemIds></m:GetItem>`;
}
