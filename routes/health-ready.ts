/**
 * Health for orchestrators (docs/operations.md "Health"): `GET /health/live` answers 200 while the
 * event loop runs (it awaits nothing); `GET /health/ready` is 200 only when every named check
 * passes, else 503 naming the failing ones. The checks are a list so a later one (e.g. `standby`
 * for a second instance) is one more entry: the database answers and takes writes, the broker is
 * connected, plus what the runtime adds (`restore`: the actors were restored from the database).
 */
import type { Context } from 'hono';
import type { StoreStatus } from '../db/writer.ts';

export interface CheckResult {
  ok: boolean;
  reason?: string;
}

export interface ReadinessCheck {
  name: string;
  check: () => CheckResult | Promise<CheckResult>;
}

const CHECK_TIMEOUT_MS = 2_000; // a database that hangs is as unready as one that refuses

/** The checks every instance has: database (answers and takes writes) and broker (connected). */
export function baseChecks(p: { dbOk: () => Promise<boolean>; store?: () => StoreStatus; brokerConnected: () => boolean }): ReadinessCheck[] {
  return [
    {
      name: 'database',
      check: async () => {
        if (!(await p.dbOk().catch(() => false))) return { ok: false, reason: 'the database does not answer' };
        const store = p.store?.();
        return store && !store.ok ? { ok: false, reason: store.reason ?? 'the store refuses writes' } : { ok: true };
      },
    },
    { name: 'broker', check: () => (p.brokerConnected() ? { ok: true } : { ok: false, reason: 'not connected to the MQTT broker' }) },
  ];
}

/** The runtime's check that the client actors were restored (supervisor `RESTORED`). */
export function restoreCheck(restoredAt: () => number | null): ReadinessCheck {
  return { name: 'restore', check: () => (restoredAt() !== null ? { ok: true } : { ok: false, reason: 'client actors are still being restored' }) };
}

async function run(c: ReadinessCheck): Promise<CheckResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<CheckResult>((r) => (timer = setTimeout(() => r({ ok: false, reason: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS)));
  try {
    return await Promise.race([Promise.resolve().then(c.check), timeout]);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(checks: ReadinessCheck[]) {
  const results = await Promise.all(checks.map(run));
  const byName = Object.fromEntries(checks.map((c, i) => [c.name, results[i]]));
  const failing = checks.filter((_, i) => !results[i].ok).map((c) => c.name);
  return { ready: failing.length === 0, failing, checks: byName };
}

const NO_STORE = { 'Cache-Control': 'no-store' };

export const liveHandler = (uptimeSeconds: () => number) => (c: Context) => c.json({ status: 'live', uptime: Math.round(uptimeSeconds()) }, 200, NO_STORE);

export const readyHandler = (checks: ReadinessCheck[]) => async (c: Context) => {
  const r = await readiness(checks);
  return c.json({ status: r.ready ? 'ready' : 'not ready', failing: r.failing, checks: r.checks }, r.ready ? 200 : 503, NO_STORE);
};
