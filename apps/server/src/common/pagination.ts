import type { ServerResponse } from 'node:http';
import { z } from '@weft/core';
import { InvalidCursorError, type Page } from '@weft/history';
import { badRequest } from './errors.js';
import type { WeftRequest } from './http.types.js';

/** The query fields of a paged list: `limit` (1..500) and the `cursor` of the previous page. */
export const pageQueryFields = {
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().min(1).max(512).optional(),
};

/**
 * Sends one page: its items as the body, and when there is a next page the headers
 * `X-Next-Cursor: <cursor>` and `Link: <same path and query, with that cursor>; rel="next"`.
 * A cursor the store refuses is a 400 at `cursor`.
 */
export async function sendPage<T>(
  request: WeftRequest,
  response: ServerResponse,
  query: Record<string, string | number | undefined>,
  load: () => Promise<Page<T>>,
): Promise<T[]> {
  let page: Page<T>;
  try {
    page = await load();
  } catch (error) {
    if (error instanceof InvalidCursorError) throw badRequest('Invalid query', [{ path: 'cursor', message: error.message }]);
    throw error;
  }
  if (page.nextCursor !== null) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...query, cursor: page.nextCursor })) if (value !== undefined) params.set(key, String(value));
    const path = (request.url ?? '').split('?')[0];
    response.setHeader('X-Next-Cursor', page.nextCursor);
    response.setHeader('Link', `<${path}?${params}>; rel="next"`);
  }
  return page.items;
}
