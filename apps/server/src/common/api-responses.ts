import { applyDecorators, UseFilters } from '@nestjs/common';
import { WeftExceptionFilter } from './weft-exception.filter.js';
import { ApiBearerAuth, ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorDto } from '../workflows/workflow.dto.js';

/** The error statuses Weft answers, each with what it means in the OpenAPI document. */
const ERRORS = {
  400: 'Invalid request: `details` lists each problem with its path (and line and column in a document)',
  401: 'Missing or wrong bearer token (only when the server has a token, WEFT_API_TOKEN)',
  403: 'Refused: a state-changing request from an origin that is not allowed (WEFT_CORS_ORIGINS)',
  404: 'No such thing (ids are UUIDs: anything else is a 404 too)',
  409: 'Conflict with the state of the run',
  413: 'The request body is larger than the limit (WEFT_BODY_LIMIT)',
  415: 'Unsupported content type, charset or encoding of the request body',
  421: 'Misdirected request: the Host is not one this server answers (WEFT_ALLOWED_HOSTS)',
} as const;

export type ErrorStatus = keyof typeof ERRORS;

/**
 * Documents `ErrorDto` responses for `statuses`; `descriptions` overrides the generic text. Errors
 * are JSON on every route, also on those that produce something else (the event stream, logs).
 */
export function ApiErrors(statuses: readonly ErrorStatus[], descriptions: Partial<Record<ErrorStatus, string>> = {}) {
  const content = { 'application/json': { schema: { $ref: getSchemaPath(ErrorDto) } } };
  return applyDecorators(
    ApiExtraModels(ErrorDto),
    ...statuses.map((status) => ApiResponse({ status, content, description: descriptions[status] ?? ERRORS[status] })),
  );
}

/**
 * On a controller: its routes take the bearer token and may answer 401 and 421 (any route, any
 * method), and answer every error as `{ statusCode, error, details? }` whatever the host's filters.
 */
export function ApiWeftRoutes() {
  return applyDecorators(ApiBearerAuth(), ApiErrors([401, 421]), UseFilters(WeftExceptionFilter));
}

/** On a POST: the answers every state-changing request may get before the handler runs. */
export function ApiStateChanging() {
  return ApiErrors([403, 413, 415]);
}

/** Response headers of a page of a list endpoint (`GET /api/workflows`, `GET /api/runs`). */
export const LIST_HEADERS = {
  'X-Next-Cursor': {
    description: 'Present when there is a next page: pass it back as `cursor` (an opaque string)',
    schema: { type: 'string' },
  },
  Link: {
    description: 'Present when there is a next page: `</api/…?limit=…&cursor=…>; rel="next"`',
    schema: { type: 'string' },
  },
} as const;
