// The fake server's mailboxes and their calendar items. Events are generated relative to the time
// the store is created, so "upcoming events in the next 7 days" holds whenever the tests run.
import { createHash } from 'node:crypto';

export const FAKE_DOMAIN = 'contoso.com';
export const FAKE_SERVICE_ACCOUNT = 'alexaforbusiness@contoso.com';
export const FAKE_TEST_MAILBOX = 'alice@contoso.com';
/**
 * Room mailboxes (RecipientTypeDetails RoomMailbox) of every store: the meeting rooms a calendar
 * service on room devices reads. Outside a user-mailbox scope, inside a room scope.
 */
export const FAKE_ROOM_MAILBOXES = ['room101@contoso.com', 'room204@contoso.com'] as const;
export const FAKE_TEST_ROOM_MAILBOX = FAKE_ROOM_MAILBOXES[0];

/** The recipient type that decides whether a scope reaches a mailbox. */
export type MailboxKind = 'user' | 'room';

export function mailboxKind(mailbox: string): MailboxKind {
  return (FAKE_ROOM_MAILBOXES as readonly string[]).includes(mailbox.toLowerCase()) ? 'room' : 'user';
}

export interface FakeCalendarItem {
  readonly id: string;
  readonly changeKey: string;
  readonly mailbox: string;
  readonly subject: string;
  /** ISO 8601 UTC. */
  readonly start: string;
  readonly end: string;
  readonly location: string;
  readonly organizer: string;
  readonly createdByRequest: boolean;
}

const HOUR_MS = 60 * 60 * 1000;
const SUBJECTS = ['Weekly planning', 'Customer call', 'Design review', '1:1', 'Budget sync', 'Lunch and learn'];
const ROOMS = ['Room 101', 'Room 204', 'Teams', 'Board room'];

export function generatedMailboxName(index: number): string {
  return `user${String(index).padStart(4, '0')}@${FAKE_DOMAIN}`;
}

/** An opaque, base64 id in the spirit of EWS ids, unique per store. */
function makeId(kind: string, value: string): string {
  return Buffer.from(`${kind}:${value}`).toString('base64');
}

function changeKeyFor(id: string): string {
  return createHash('sha256').update(id).digest('base64').slice(0, 20);
}

export class MailboxStore {
  private readonly mailboxes = new Map<string, FakeCalendarItem[]>();
  private readonly generationTime = Date.now();
  private itemCounter = 0;

  constructor(mailboxCount: number) {
    const names = [FAKE_SERVICE_ACCOUNT, FAKE_TEST_MAILBOX];
    for (let i = 1; i <= mailboxCount; i++) names.push(generatedMailboxName(i));
    names.push(...FAKE_ROOM_MAILBOXES);
    names.forEach((name, index) => this.mailboxes.set(name, this.upcomingEvents(name, index)));
  }

  has(mailbox: string): boolean {
    return this.mailboxes.has(mailbox.toLowerCase());
  }

  names(): string[] {
    return [...this.mailboxes.keys()];
  }

  items(mailbox: string): readonly FakeCalendarItem[] {
    return this.mailboxes.get(mailbox.toLowerCase()) ?? [];
  }

  /** Items whose time overlaps [start, end), sorted by start. */
  view(mailbox: string, start: Date, end: Date): FakeCalendarItem[] {
    return this.items(mailbox)
      .filter((item) => Date.parse(item.start) < end.getTime() && Date.parse(item.end) > start.getTime())
      .sort((a, b) => a.start.localeCompare(b.start));
  }

  find(itemId: string): FakeCalendarItem | undefined {
    for (const list of this.mailboxes.values()) {
      const found = list.find((item) => item.id === itemId);
      if (found) return found;
    }
    return undefined;
  }

  create(mailbox: string, fields: { subject: string; start: string; end: string; location: string }): FakeCalendarItem {
    const item = this.newItem(mailbox, { ...fields, organizer: mailbox, createdByRequest: true });
    this.mailboxes.get(mailbox.toLowerCase())?.push(item);
    return item;
  }

  delete(itemId: string): boolean {
    for (const list of this.mailboxes.values()) {
      const index = list.findIndex((item) => item.id === itemId);
      if (index >= 0) {
        list.splice(index, 1);
        return true;
      }
    }
    return false;
  }

  folderId(mailbox: string, folder: string): string {
    return makeId('folder', `${mailbox.toLowerCase()}/${folder}`);
  }

  /** Inverse of folderId, for requests that name a folder by id. */
  parseFolderId(id: string): { mailbox: string; folder: string } | undefined {
    const decoded = Buffer.from(id, 'base64').toString('utf8');
    const match = /^folder:([^/]+)\/(.+)$/.exec(decoded);
    if (!match || makeId('folder', `${match[1]}/${match[2]}`) !== id) return undefined;
    return { mailbox: match[1], folder: match[2] };
  }

  private upcomingEvents(mailbox: string, mailboxIndex: number): FakeCalendarItem[] {
    const firstHour = Math.ceil(this.generationTime / HOUR_MS) * HOUR_MS;
    const events: FakeCalendarItem[] = [];
    for (let k = 0; k < 3; k++) {
      // Spread over the next 7 days, different per mailbox, always in the future.
      const startMs = firstHour + ((mailboxIndex * 7 + k * 53) % (6 * 24) + 2) * HOUR_MS;
      events.push(this.newItem(mailbox, {
        subject: SUBJECTS[(mailboxIndex + k) % SUBJECTS.length],
        start: new Date(startMs).toISOString().replace('.000Z', 'Z'),
        end: new Date(startMs + HOUR_MS).toISOString().replace('.000Z', 'Z'),
        location: ROOMS[(mailboxIndex + k) % ROOMS.length],
        organizer: mailbox,
        createdByRequest: false,
      }));
    }
    return events;
  }

  private newItem(mailbox: string, fields: Omit<FakeCalendarItem, 'id' | 'changeKey' | 'mailbox'>): FakeCalendarItem {
    const id = makeId('item', `${mailbox.toLowerCase()}/${++this.itemCounter}`);
    return { id, changeKey: changeKeyFor(id), mailbox: mailbox.toLowerCase(), ...fields };
  }
}

/**
 * Half-hour busy blocks every hour from `from`, for the calendar-view-truncated scenario: a calendar
 * fuller than the MaxEntriesReturned a client asks for. They live only in that scenario's answers.
 */
export function busyBlocks(mailbox: string, from: Date, count: number): FakeCalendarItem[] {
  const firstHour = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  return Array.from({ length: count }, (_, k) => {
    const startMs = firstHour + k * HOUR_MS;
    const id = makeId('busy', `${mailbox.toLowerCase()}/${k}`);
    return {
      id, changeKey: changeKeyFor(id), mailbox: mailbox.toLowerCase(), subject: `Busy block ${k + 1}`,
      start: new Date(startMs).toISOString().replace('.000Z', 'Z'), end: new Date(startMs + HOUR_MS / 2).toISOString().replace('.000Z', 'Z'),
      location: '', organizer: mailbox.toLowerCase(), createdByRequest: false,
    };
  });
}
