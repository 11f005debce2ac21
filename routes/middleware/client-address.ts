/**
 * The address a request came from, for per-address limits (login attempts). Node's socket address
 * through Hono's conninfo helper; behind a reverse proxy (TRUST_PROXY=true) the first address of
 * X-Forwarded-For, which only a trusted proxy may set. Unknown (tests, other runtimes): 'unknown',
 * so those requests share one budget rather than escaping it.
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
