/**
 * Who may read GET /metrics (docs/operations.md "Metrics"): a scraper from an address in
 * METRICS_ALLOW_FROM (default loopback only), OR a signed-in admin, OR a Bearer token with scope
 * `metrics`. A valid token already reaches here as its owner (routes/middleware/bearer.ts runs for
 * the whole app and caps the role by the scope), so `MetricsTokenCheck` (bearer.ts `tokenCheck`)
 * only re-checks the same token. Anything else: 401 without credentials, 403 with insufficient ones.
 */
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { inRanges, type Cidr } from '../../lib/cidr.ts';
import { roleRank } from '../../domain/users.ts';
import { clientAddress } from './client-address.ts';
import type { AppEnv } from './session.ts';

/** THE HOOK for API tokens: does this Bearer token (as sent) carry scope `metrics`? */
export type MetricsTokenCheck = (token: string) => boolean | Promise<boolean>;

export interface MetricsAccess {
  allowFrom: readonly Cidr[];
  trustProxy: boolean;
  tokenCheck?: MetricsTokenCheck;
}

export function metricsAccess(o: MetricsAccess): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (inRanges(clientAddress(c, o.trustProxy), o.allowFrom)) return next();
    const user = c.var.user;
    if (user && roleRank(user.role) >= roleRank('admin')) return next();
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (bearer && o.tokenCheck && (await o.tokenCheck(bearer))) return next();
    if (!user && !bearer) throw new HTTPException(401, { message: 'authentication required (an admin session, or a scrape from METRICS_ALLOW_FROM)' });
    throw new HTTPException(403, { message: 'requires role admin or a token with scope metrics' });
  };
}
