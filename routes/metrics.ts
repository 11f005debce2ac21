/**
 * `GET /api/metrics` (role user): messages, commands and errors per
 * minute over the last hour, oldest minute first, the last one still growing. The same numbers
 * the dashboard's activity chart draws (lib/metrics.ts says what each counter counts).
 * Without a metrics source (a bare app in tests) the route answers 404 like any unknown path.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { iso } from '../lib/time.ts';
import type { ActivityMetrics, MetricsSnapshot } from '../lib/metrics.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import type { RouteDeps } from './deps.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Metrics');

/** The JSON shape (timestamps as UTC ISO strings, docs/http.md). */
export function metricsJson(s: MetricsSnapshot, now: number) {
  const current = s.minutes.at(-1)!;
  return {
    generatedAt: iso(now),
    windowMinutes: s.minutes.length,
    totals: s.totals,
    currentMinute: { messages: current.messages, commands: current.commands, errors: current.errors },
    peakPerMinute: s.peak,
    minutes: s.minutes.map((m) => ({ at: iso(m.at), messages: m.messages, commands: m.commands, errors: m.errors })),
  };
}

export function metricsRoutes(deps: Pick<RouteDeps, 'now'> & { metrics?: ActivityMetrics }) {
  const app = new Hono<AppEnv>();
  app.get('/', doc('Activity per minute: messages, commands, errors', 'The last hour by minute'), requireRole('user'), (c) => {
    if (!deps.metrics) throw new HTTPException(404, { message: 'not found' });
    c.header('Cache-Control', 'no-store');
    return c.json(metricsJson(deps.metrics.snapshot(), deps.now()));
  });
  return app;
}
