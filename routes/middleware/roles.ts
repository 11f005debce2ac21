/**
 * Role guard (docs/http.md "Roles and sessions", endpoint table): 401 for anonymous callers, 403 for
 * signed-in users below the required role. Errors are thrown and rendered as JSON by app.onError.
 * The guard names its role for the OpenAPI document (`x-min-role`, routes/openapi/document.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { uniqueSymbol } from 'hono-openapi';
import { roleRank, type Role } from '../../domain/users.ts';
import type { AppEnv } from './session.ts';

export function requireRole(min: Role): MiddlewareHandler<AppEnv> {
  const need = roleRank(min);
  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    const user = c.var.user;
    if (!user) throw new HTTPException(401, { message: 'authentication required' });
    if (roleRank(user.role) < need) throw new HTTPException(403, { message: `requires role ${min}` });
    await next();
  };
  return Object.assign(guard, { [uniqueSymbol]: { spec: { 'x-min-role': min } } });
}
