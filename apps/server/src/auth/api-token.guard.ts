import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Optional, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when `header` is `Bearer <token>` (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return !!match && timingSafeEqual(digest(match[1]), digest(token));
}

/** Injection token of the host's own guard for Weft's routes (`WeftModule.forRoot({ guard })`). */
export const WEFT_AUTH_GUARD = Symbol('WEFT_AUTH_GUARD');

/**
 * The guard of every Weft route (SSE, the OpenAPI document and the dashboard's files included):
 * the host's own guard when the module was given one, else, with `apiToken` set,
 * `Authorization: Bearer <token>`; else every request passes.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
    @Optional() @Inject(WEFT_AUTH_GUARD) private readonly hostGuard: CanActivate | null = null,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> | Observable<boolean> {
    if (this.hostGuard) return this.hostGuard.canActivate(context);
    const token = this.options.apiToken;
    if (!token) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (bearerMatches(request.headers.authorization, token)) return true;
    context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException({ statusCode: 401, error: 'Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>' });
  }
}
