/**
 * Who may read GET /metrics (docs/operations.md "Metrics"): a scraper from an address in
 * METRICS_ALLOW_FROM (default loopback only), OR an admin: signed in, or by a Bearer token with
 * scope `metrics` of an admin. The token needs no check of its own here: routes/middleware/bearer.ts
 * runs for the whole app, refuses a token without scope `metrics` on this path (403) or an invalid
 * one (401), and sets its owner as `c.var.user` with the role the scope allows (admin at most).
 * Anything else: 401 without credentials, 403 with insufficient ones.
 */
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { inRanges, type Cidr } from '../../lib/cidr.ts';
import { roleRank } from '../../domain/users.ts';
import { clientAddress } from './client-address.ts';
import type { AppEnv } from './session.ts';

export interface MetricsAccess {
  allowFrom: readonly Cidr[];
  trustProxy: boolean;
}

export function metricsAccess(o: MetricsAccess): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (inRanges(clientAddress(c, o.trustProxy), o.allowFrom)) return next();
    const user = c.var.user;
    if (user && roleRank(user.role) >= roleRank('admin')) return next();
    if (!user) throw new HTTPException(401, { message: 'authentication required (an admin session, or a scrape from METRICS_ALLOW_FROM)' });
    throw new HTTPException(403, { message: 'requires role admin or a token with scope metrics' });
  };
}
