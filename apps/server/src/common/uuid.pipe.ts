import { ParseUUIDPipe } from '@nestjs/common';
import { notFound } from './errors.js';

/** Ids are UUIDs: anything else cannot name a stored thing, so it is a 404 (not a 400 or a 500). */
export function uuidOr404(what: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => notFound(`No ${what} with that id: ids are UUIDs`) });
}
