import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when `header` is `Bearer <token>` (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return !!match && timingSafeEqual(digest(match[1]), digest(token));
}

/** With `apiToken` set, every Weft route requires `Authorization: Bearer <token>` (SSE included). */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(@Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.options.apiToken;
    if (!token) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (bearerMatches(request.headers.authorization, token)) return true;
    context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException({ statusCode: 401, error: 'Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>' });
  }
}
