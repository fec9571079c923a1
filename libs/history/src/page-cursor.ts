/** One page of a list, newest first. */
export interface Page<T> {
  readonly items: T[];
  /** Pass it as `cursor` to get the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** A `cursor` that this store did not make (or that was damaged on the way). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('not a cursor from this list: pass the X-Next-Cursor value of the previous page as it is');
  }
}

/** Where a page ends: the sort key (an ISO timestamp) and the id of its last row. */
export interface PagePosition {
  readonly at: string;
  readonly id: string;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** The lists a cursor can belong to: a cursor of one is refused by the other. */
export type PagedList = 'runs' | 'workflows';

/** An opaque cursor for the page of `list` after `position`. */
export function encodeCursor(list: PagedList, position: PagePosition): string {
  return Buffer.from(JSON.stringify([list, position.at, position.id]), 'utf8').toString('base64url');
}

/** The position in `list` a cursor stands for; throws {@link InvalidCursorError} for anything else. */
export function decodeCursor(list: PagedList, cursor: string): PagePosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(value) || value.length !== 3 || value[0] !== list) throw new InvalidCursorError();
  const [, at, id] = value as unknown[];
  if (typeof at !== 'string' || !ISO.test(at) || typeof id !== 'string' || id.length === 0 || id.length > 36) {
    throw new InvalidCursorError();
  }
  return { at, id };
}
