/**
 * `GET /health` (http.md endpoint table, no auth): liveness for load balancers and operators.
 * 200 while the database answers (status `degraded` when the broker is down: the API still
 * serves); 503 when the database does not, since then nothing can be persisted.
 */
import { Hono } from 'hono';

export interface HealthProbes {
  dbOk: () => Promise<boolean>;
  brokerConnected: () => boolean;
  drops?: () => unknown;
  clients: () => number;
  commands: () => number;
  uptimeSeconds: () => number;
}

export function healthRoutes(p: HealthProbes) {
  const app = new Hono();
  app.get('/health', async (c) => {
    const dbOk = await p.dbOk().catch(() => false);
    const connected = p.brokerConnected();
    const status = !dbOk ? 'error' : connected ? 'ok' : 'degraded';
    return c.json(
      {
        status,
        uptime: Math.round(p.uptimeSeconds()),
        broker: p.drops ? { connected, drops: p.drops() } : { connected },
        db: { ok: dbOk },
        actors: { clients: p.clients(), commands: p.commands() },
      },
      dbOk ? 200 : 503,
      { 'Cache-Control': 'no-store' },
    );
  });
  return app;
}
