import { badRequest } from '../common/errors.js';

/**
 * The sequence number of the last event a client has: the `Last-Event-ID` header (an EventSource
 * sends it when it reconnects), else the `lastEventId` query parameter (for clients that cannot set
 * headers), else 0. Anything but a whole number is a 400.
 */
export function lastEventIdOf(header: string | string[] | undefined, query: unknown): number {
  const fromHeader = typeof header === 'string' && header.trim() !== '';
  const raw = fromHeader ? header.trim() : query;
  if (raw === undefined || raw === '') return 0;
  if (typeof raw === 'string' && /^\d{1,15}$/.test(raw)) return Number(raw);
  const name = fromHeader ? 'Last-Event-ID' : 'lastEventId';
  const message = `${name} must be the id of an event of this stream (a whole number such as 12), got ${JSON.stringify(raw)}`;
  throw badRequest(message, [{ path: name, message }]);
}
