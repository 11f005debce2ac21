/**
 * `GET /health` (docs/http.md endpoint table, no auth): liveness for load balancers and operators.
 * 200 while the database answers (status `degraded` when the broker is down: the API still
 * serves; `degraded` too while the store refuses writes, with the writer's reason, pending and
 * dropped counts, docs/reliability.md "Storage faults"); 503 when the database does not answer at all.
 * `db.ok` is true only while the database both answers and takes writes (`readable`, `writable`).
 * `/health/live` and `/health/ready` for orchestrators: routes/health-ready.ts.
 */
import { Hono } from 'hono';
import type { StoreStatus } from '../db/writer.ts';
import { baseChecks, liveHandler, readyHandler, type ReadinessCheck } from './health-ready.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Health');

export interface HealthProbes {
  dbOk: () => Promise<boolean>;
  brokerConnected: () => boolean;
  drops?: () => unknown;
  store?: () => StoreStatus;
  clients: () => number;
  commands: () => number;
  uptimeSeconds: () => number;
  /** Named readiness checks beyond database and broker (the runtime's `restore`; later `standby`). */
  readiness?: ReadinessCheck[];
}

/** The one status rule of /health and /api/status: error (database down), degraded (broker down or store refusing writes), ok. */
export async function healthStatus(p: HealthProbes) {
  const dbOk = await p.dbOk().catch(() => false);
  const connected = p.brokerConnected();
  const store = p.store?.() ?? null;
  const status = !dbOk ? 'error' : connected && (store?.ok ?? true) ? 'ok' : 'degraded';
  return { status, dbOk, connected, store };
}

const NO_ANSWER = 'the database does not answer';

/**
 * The database part of /health and /api/status: `ok` only when it answers AND takes writes, so a
 * monitor reading `db.ok` alone sees a store that refuses writes (docs/reliability.md), with the reason.
 */
export function dbHealth(dbOk: boolean, store: StoreStatus | null, detail = true) {
  const ok = dbOk && (store?.ok ?? true);
  const reason = !dbOk ? NO_ANSWER : (store?.reason ?? (ok ? null : 'the store refuses writes'));
  if (!store) return ok ? { ok } : { ok, reason };
  const base = { ok, readable: dbOk, writable: store.ok, reason };
  return detail ? { ...store, ...base } : base;
}

export function healthRoutes(p: HealthProbes) {
  const app = new Hono();
  app.get('/health', doc('Liveness and readiness: database, broker, actors', 'Healthy (503 when not)', { public: true }), async (c) => {
    const { status, dbOk, connected, store } = await healthStatus(p);
    return c.json(
      {
        status,
        uptime: Math.round(p.uptimeSeconds()),
        broker: p.drops ? { connected, drops: p.drops() } : { connected },
        db: dbHealth(dbOk, store),
        actors: { clients: p.clients(), commands: p.commands() },
      },
      dbOk ? 200 : 503,
      { 'Cache-Control': 'no-store' },
    );
  });
  app.get('/health/live', liveHandler(p.uptimeSeconds));
  app.get('/health/ready', readyHandler([...baseChecks(p), ...(p.readiness ?? [])]));
  return app;
}
