import type { IncomingMessage } from 'node:http';

/** The parts of an Express request Weft reads (no @types/express needed). */
export interface WeftRequest extends IncomingMessage {
  body?: unknown;
  /** Set by Nest's body parser when the app was created with `rawBody: true`. */
  rawBody?: Buffer;
}
