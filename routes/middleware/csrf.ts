/**
 * Cross-site request refusal (docs/http.md "Cross-site requests"): every state-changing request
 * (any method but GET, HEAD, OPTIONS), whatever its body type, is refused with 403 when the browser
 * says it comes from another site.
 *
 * Why not Hono's `csrf()`: it only looks at form and text bodies, on the theory that a foreign page
 * cannot send `Content-Type: application/json` without a CORS preflight. That is not a guarantee
 * (a browser bug, a plugin, a future relaxation), and a cookie-authenticated JSON
 * `POST /api/users` from `http://evil.example` was accepted (issue 15 item 8).
 *
 * The evidence, each consulted when present, any foreign one refusing:
 * - `Origin` must name this host (directly, or as the proxy saw it); `null` is foreign unless
 *   `Sec-Fetch-Site: same-origin` comes with it;
 * - `Sec-Fetch-Site` must be `same-origin` or `none` (typed by the user);
 * - `Referer` must name this host.
 * A JSON request carrying none of the three is not from a browser page (every current browser
 * sends `Origin` on a cross-origin POST, and `Sec-Fetch-Site` besides): a script with a cookie jar
 * (curl, the e2e tests) keeps working.
 *
 * A body any page can send without a CORS preflight (a form, multipart, text, or none at all) needs
 * positive evidence besides: `Origin` of this host or `Sec-Fetch-Site: same-origin` (what Hono's
 * `csrf()` asked before), since an old browser may send such a post with neither header.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';

const SAFE_METHOD = /^(GET|HEAD|OPTIONS)$/;
/** Bodies a cross-site page can send without a preflight (no Content-Type counts as text/plain). */
const SIMPLE_BODY = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/** Same host as the request (directly, or as the proxy saw it): the only origin we trust. */
export function sameHost(url: string, c: Pick<Context, 'req'>): boolean {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return false; // `null`, garbage
  }
  const forwarded = c.req.header('x-forwarded-host')?.split(',')[0].trim();
  return host === new URL(c.req.url).host || host === c.req.header('host') || (!!forwarded && host === forwarded);
}

/** Which header says the request is cross-site, or null when none does. */
export function foreignEvidence(c: Pick<Context, 'req'>): 'origin' | 'sec-fetch-site' | 'referer' | null {
  const site = c.req.header('sec-fetch-site')?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'sec-fetch-site';
  const origin = c.req.header('origin');
  // `Origin: null` is what Chromium sends for our own login form under `Referrer-Policy:
  // no-referrer` (secureHeaders' default); the browser's `Sec-Fetch-Site: same-origin` vouches for it.
  const vouched = origin === 'null' && site === 'same-origin';
  if (origin !== undefined && !vouched && !sameHost(origin, c)) return 'origin';
  const referer = c.req.header('referer');
  if (referer && !sameHost(referer, c)) return 'referer';
  return null;
}

/** This host's own page said so: its `Origin`, or `Sec-Fetch-Site: same-origin`. */
function sameOriginEvidence(c: Pick<Context, 'req'>): boolean {
  const origin = c.req.header('origin');
  return (origin !== undefined && sameHost(origin, c)) || c.req.header('sec-fetch-site')?.toLowerCase() === 'same-origin';
}

export function crossSiteGuard(): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHOD.test(c.req.method)) {
      const simple = SIMPLE_BODY.test(c.req.header('content-type') ?? 'text/plain');
      if (foreignEvidence(c) || (simple && !sameOriginEvidence(c))) throw new HTTPException(403); // app.ts onError words it
    }
    await next();
  };
}
