/**
 * Acknowledging a service failure (docs/clients.md "Fleet view", docs/http.md clear_service_failed):
 * one fact, one acknowledgement, whether it comes from the API or the monitoring page. The flag and
 * the retained notice are cleared (Fleet), and the client's open `service-failed` alerts are
 * acknowledged with their dedup group closed, so a new failure raises a new alert.
 */
import { ackAlertsStatement, openAlertIdsOf } from '../db/alerts.ts';
import type { RouteDeps } from './deps.ts';

export type ServiceFailedDeps = Pick<RouteDeps, 'fleet' | 'writer' | 'db' | 'alerts' | 'now'>;

/** Clears the flag when set, then acknowledges the open alerts; answers whether the flag was set. */
export async function acknowledgeServiceFailed(deps: ServiceFailedDeps, uuid: string, by: number): Promise<boolean> {
  const r = deps.fleet.get(uuid);
  const wasSet = r !== undefined && (r.serviceFailedAt !== null || r.serviceStatus !== 'ok');
  if (wasSet) await deps.fleet.clearServiceFailed(uuid);
  await deps.writer.settled(); // the alert row may still sit in the writer's queue (raised fire-and-forget)
  const ids = await openAlertIdsOf(deps.db, 'service-failed', uuid);
  if (!ids.length) return wasSet;
  await deps.writer.write(ackAlertsStatement(ids, by, deps.now()));
  deps.alerts.acknowledged(ids);
  return wasSet;
}
