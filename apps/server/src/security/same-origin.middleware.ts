import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideRequest, type RequestPolicy } from './request-policy.js';

/** An Express-style middleware with Node's own request and response types. */
export type NodeMiddleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/** A request the policy refused, as it is reported (to the log). */
export interface RefusedRequest {
  readonly status: number;
  /** Why, as the client was told. */
  readonly error: string;
  readonly method: string;
  /** The request target, capped at 200 characters. */
  readonly path: string;
}

/**
 * Applies {@link decideRequest}: sets its headers, answers preflights and refusals itself, and
 * passes the rest on; each refusal is reported to `onRefused`. Install it before the body parsers
 * so a refused body is never read.
 */
export function sameOriginMiddleware(policy: RequestPolicy, onRefused?: (refused: RefusedRequest) => void): NodeMiddleware {
  return (request, response, next) => {
    const decision = decideRequest(request, policy);
    for (const [name, value] of Object.entries(decision.headers)) {
      if (name === 'Vary') appendVary(response, value);
      else response.setHeader(name, value);
    }
    if (decision.action === 'continue') return next();
    if (decision.action === 'preflight') {
      response.statusCode = 204;
      response.end();
      return;
    }
    const target = request.url ?? '';
    onRefused?.({ status: decision.status, error: decision.error, method: request.method ?? '', path: target.length > 200 ? `${target.slice(0, 200)}…` : target });
    const body = JSON.stringify({ statusCode: decision.status, error: decision.error });
    response.statusCode = decision.status;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', Buffer.byteLength(body));
    // The body of a refused request is never read: close the connection rather than drain it.
    const length = request.headers['content-length'];
    if (request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) response.setHeader('Connection', 'close');
    response.end(body);
  };
}

function appendVary(response: ServerResponse, field: string): void {
  const current = response.getHeader('Vary');
  const fields = String(current ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (!fields.some((part) => part.toLowerCase() === field.toLowerCase())) fields.push(field);
  response.setHeader('Vary', fields.join(', '));
}
