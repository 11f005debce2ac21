/**
 * `/api/tokens` (docs/http.md "API tokens"), every signed-in user for their own tokens:
 *   POST   /api/tokens        {name, scopes, expiresInDays} → 201 {id, token, scopes, expiresAt}: the one time the secret is shown
 *   GET    /api/tokens        {items: [...]}, never a secret; `?all=true` (admin): everyone's
 *   DELETE /api/tokens/{id}   revoke (own; an admin: anyone's)
 * The rules and the audit live in services/api-tokens.ts, shared with the settings page.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { apiTokens, tokenJson, type TokenResult } from '../services/api-tokens.ts';
import { auditEntry } from './audit-record.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { pathId } from './schedule-failure.ts';
import { validate } from './validate.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('API tokens');
import type { RouteDeps } from './deps.ts';

const createBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.string()).max(10),
  expiresInDays: z.number().int(),
});

const STATUS = { invalid: 400, forbidden: 403, not_found: 404 } as const;

function unwrap<T>(r: TokenResult<T>): T {
  if (r.ok) return r.value;
  throw new HTTPException(STATUS[r.reason], { message: r.message });
}

export function tokensRoutes(deps: RouteDeps) {
  const tokens = apiTokens({ ...deps, maxDays: deps.config.API_TOKEN_MAX_DAYS });
  const app = new Hono<AppEnv>();
  app.use('*', requireRole('user'));

  app.get('/', doc('Your API tokens (never their secrets); ?all=true: everyone\'s (admin)', 'The tokens'), async (c) => c.json({ items: (await tokens.list(c.var.user!, c.req.query('all') === 'true')).map(tokenJson) }));

  app.post('/', doc('Create an API token: the secret is in this answer only', 'The token with its secret', { status: 201 }), validate('json', createBody), async (c) => {
    const body = c.req.valid('json');
    const record = (a: string, t: string | number | null, ch?: Record<string, unknown>) => auditEntry(c, deps, a, t, ch);
    const { token, record: t } = unwrap(await tokens.create(c.var.user!, { ...body, scopes: body.scopes as never }, record));
    c.header('Cache-Control', 'no-store'); // the only time this secret exists outside its holder
    return c.json({ id: t.id, token, name: t.name, scopes: t.scopes, expiresAt: tokenJson(t).expiresAt }, 201);
  });

  app.delete('/:id', doc('Revoke an API token'), async (c) => {
    const record = (a: string, t: string | number | null, ch?: Record<string, unknown>) => auditEntry(c, deps, a, t, ch);
    const t = unwrap(await tokens.revoke(c.var.user!, pathId(c.req.param('id')) ?? -1, record));
    return c.json(tokenJson(t));
  });

  return app;
}
