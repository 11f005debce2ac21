/**
 * The address a request came from, for per-address limits (login attempts). Node: the socket's
 * address through Hono's conninfo helper; Deno: `Deno.serve`'s `remoteAddr` in the env. Behind a
 * reverse proxy (TRUST_PROXY=true) the LAST X-Forwarded-For entry: the one our proxy appended
 * (anything before it was written by the client and proves nothing). Unknown (in-process
 * requests): 'unknown'.
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  const deno = (c.env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr?.hostname;
  if (deno) return deno;
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
