import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, HttpStatus, Inject, Injectable, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ErrorDetail } from './errors.js';

/** The one error body Weft sends (`ErrorDto` in the OpenAPI document). */
export interface WeftErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly details?: readonly ErrorDetail[];
}

/**
 * Gives every error the app answers one shape, `{ statusCode, error, details? }`: Nest's own
 * exceptions (`{ message, error, statusCode }`), its 404 for unknown routes, the body parsers'
 * errors (too large → 413, malformed JSON → 400, unsupported charset or encoding → 415) and
 * unexpected errors (500, logged, no internals in the body). Bodies that are already objects
 * without a `message` (Weft's own errors, the health check's 503) are sent as they are.
 */
@Catch()
@Injectable()
export class WeftExceptionFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    let status: number;
    let body: object;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = errorBody(exception);
      if ('statusCode' in body && typeof body.statusCode === 'number') status = body.statusCode;
    } else {
      logger.error(exception);
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      body = { statusCode: status, error: 'Internal server error' } satisfies WeftErrorBody;
    }
    if (adapter.isHeadersSent(response)) adapter.end(response);
    else adapter.reply(response, body, status);
  }
}

const logger = new Logger('ExceptionsHandler');

/** The body to send for `exception`. */
export function errorBody(exception: HttpException): object {
  const status = exception.getStatus();
  const parser = bodyParserError(exception.cause);
  if (parser) return parser;
  const response = exception.getResponse();
  if (typeof response === 'string') return { statusCode: status, error: response } satisfies WeftErrorBody;
  if (typeof response !== 'object' || response === null) return { statusCode: status, error: STATUS_CODES[status] ?? 'Error' };
  if (!('message' in response)) return response;
  const { message } = response;
  if (Array.isArray(message)) {
    const error = 'error' in response && typeof response.error === 'string' ? response.error : (STATUS_CODES[status] ?? 'Error');
    return { statusCode: status, error, details: message.map((item) => ({ path: '', message: String(item) })) } satisfies WeftErrorBody;
  }
  return { statusCode: status, error: typeof message === 'string' ? message : (STATUS_CODES[status] ?? 'Error') } satisfies WeftErrorBody;
}

/** What `body-parser` / `raw-body` attach to their errors (`http-errors` with a `type`). */
interface BodyParserError {
  readonly type: string;
  readonly message?: string;
  readonly limit?: number;
  readonly length?: number;
  readonly charset?: string;
  readonly encoding?: string;
  readonly body?: string;
}

function isBodyParserError(cause: unknown): cause is BodyParserError {
  return typeof cause === 'object' && cause !== null && 'type' in cause && typeof cause.type === 'string';
}

/** Weft's body for an error of the body parsers (`http-errors` with a `type`), or undefined for any other error. */
export function bodyParserError(cause: unknown): WeftErrorBody | undefined {
  const zlibCode = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  if (/^Z_(DATA|BUF)_ERROR$/.test(zlibCode)) {
    const message = (cause as Error).message;
    return {
      statusCode: HttpStatus.BAD_REQUEST,
      error: `The request body does not decode with its Content-Encoding: ${message}`,
      details: [{ path: '', message: `the body is not the compressed data its Content-Encoding header says (${message}); send it compressed, or without Content-Encoding` }],
    };
  }
  if (!isBodyParserError(cause)) return undefined;
  switch (cause.type) {
    case 'entity.too.large':
      return {
        statusCode: HttpStatus.PAYLOAD_TOO_LARGE,
        error: `The request body is too large: the limit is ${cause.limit ?? '?'} bytes${cause.length ? `, this one has ${cause.length}` : ''}`,
      };
    case 'entity.parse.failed': {
      const value = jsonValue(cause.body);
      if (value.parses) {
        // Valid JSON that is not an object or a list (the JSON parser takes only those).
        const got = value.value === null ? 'null' : `a ${typeof value.value}`;
        const error = `The request body must be a JSON object, got ${got}`;
        return { statusCode: HttpStatus.BAD_REQUEST, error, details: [{ path: '', message: `expected a JSON object, got ${got}` }] };
      }
      const message = `The request body is not valid JSON: ${cause.message ?? 'it does not parse'}`;
      const at = positionOf(cause.message, cause.body);
      return { statusCode: HttpStatus.BAD_REQUEST, error: message, details: [{ path: '', ...at, message: cause.message ?? 'invalid JSON' }] };
    }
    case 'charset.unsupported':
      return {
        statusCode: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        error: `Unsupported charset${cause.charset ? ` '${cause.charset}'` : ''}: send the body as UTF-8`,
      };
    case 'encoding.unsupported':
      return {
        statusCode: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        error: `Unsupported content encoding${cause.encoding ? ` '${cause.encoding}'` : ''}`,
      };
    default:
      // request.aborted, request.size.invalid, …: the exception's own status and message.
      return undefined;
  }
}

function jsonValue(text: string | undefined): { parses: true; value: unknown } | { parses: false } {
  if (typeof text !== 'string') return { parses: false };
  try {
    return { parses: true, value: JSON.parse(text) as unknown };
  } catch {
    return { parses: false };
  }
}

/** Line and column (1-based) of "position N" in a JSON.parse message, in `text`. */
function positionOf(message: string | undefined, text: string | undefined): { line?: number; column?: number } {
  const match = /position (\d+)/.exec(message ?? '');
  if (!match || typeof text !== 'string') return {};
  const before = text.slice(0, Number(match[1]));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}
