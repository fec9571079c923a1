import { type ArgumentMetadata, ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { notFound } from './errors.js';

/**
 * Ids are UUIDs: anything else cannot name a stored thing, so it is a 404 (not a 400 or a 500).
 * UUIDs are case-insensitive (RFC 9562) and Weft stores them in lower case, so an id written in
 * upper case names the same thing.
 */
export function uuidOr404(what: string): PipeTransform<string, Promise<string>> {
  const uuid = new ParseUUIDPipe({ exceptionFactory: () => notFound(`No ${what} with that id: ids are UUIDs`) });
  return {
    transform: async (value: string, metadata: ArgumentMetadata) => String(await uuid.transform(value, metadata)).toLowerCase(),
  };
}
