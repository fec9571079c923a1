import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { badRequest, notFound } from './errors.js';
import { errorBody } from './weft-exception.filter.js';

/** What Nest's Express adapter makes of a body-parser error (`mapException`). */
const parserError = (status: number, message: string, cause: object) => new HttpException(message, status, { cause });

describe('errorBody', () => {
  it("keeps Weft's own error bodies as they are", () => {
    const invalid = badRequest('The workflow is invalid (1 error)', [{ path: 'steps[0].type', line: 3, column: 11, message: 'unknown type' }]);
    expect(errorBody(invalid)).toEqual(invalid.getResponse());
    expect(errorBody(notFound("No run 'x'"))).toEqual({ statusCode: 404, error: "No run 'x'" });
  });

  it("keeps the health check's 503 body (terminus) as it is", () => {
    const result = { status: 'error', info: {}, error: { database: { status: 'down' } }, details: { database: { status: 'down' } } };
    expect(errorBody(new ServiceUnavailableException(result))).toEqual(result);
  });

  it("reshapes Nest's own exceptions, its 404 for unknown routes included", () => {
    expect(errorBody(new NotFoundException('Cannot GET /api/nope'))).toEqual({ statusCode: 404, error: 'Cannot GET /api/nope' });
    expect(errorBody(new HttpException('Too many', 429))).toEqual({ statusCode: 429, error: 'Too many' });
    expect(errorBody(new BadRequestException(['a must be a string', 'b is missing']))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      details: [
        { path: '', message: 'a must be a string' },
        { path: '', message: 'b is missing' },
      ],
    });
  });

  it("maps the body parsers' errors: too large 413, malformed JSON 400 with its line, charset and encoding 415", () => {
    expect(errorBody(parserError(413, 'request entity too large', { type: 'entity.too.large', limit: 1024, length: 2048 }))).toEqual({
      statusCode: 413,
      error: 'The request body is too large: the limit is 1024 bytes, this one has 2048',
    });
    const json = errorBody(
      new BadRequestException('x', {
        cause: { type: 'entity.parse.failed', message: 'Expected double-quoted property name in JSON at position 11', body: '{"a": 1,\n  x}' },
      }),
    );
    expect(json).toEqual({
      statusCode: 400,
      error: 'The request body is not valid JSON: Expected double-quoted property name in JSON at position 11',
      details: [{ path: '', line: 2, column: 3, message: 'Expected double-quoted property name in JSON at position 11' }],
    });
    expect(errorBody(parserError(415, 'unsupported charset "LATIN1"', { type: 'charset.unsupported', charset: 'latin1' }))).toEqual({
      statusCode: 415,
      error: "Unsupported charset 'latin1': send the body as UTF-8",
    });
    expect(errorBody(parserError(415, 'unsupported content encoding "zz"', { type: 'encoding.unsupported', encoding: 'zz' }))).toEqual({
      statusCode: 415,
      error: "Unsupported content encoding 'zz'",
    });
    expect(errorBody(parserError(400, 'request aborted', { type: 'request.aborted', status: 400 }))).toEqual({ statusCode: 400, error: 'request aborted' });
  });
});
