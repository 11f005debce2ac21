/**
 * What lives as long as the app and is shared by its doors (docs/architecture.md "Composition"):
 * the alert center, the live hub, the login guard, the group-name cache and the id allocator.
 * The composition builds them once (runtime.ts; a test builds its own) and hands them to the app
 * through AppDeps, instead of each route finding "its" instance in a module-level registry.
 */
import type { InStatement } from '@libsql/client';
import type { Db } from '../db/client.ts';
import { GroupNames } from '../db/group-names.ts';
import { IdAllocator } from '../db/ids.ts';
import type { EventBus } from '../lib/bus.ts';
import { AlertCenter } from '../services/alerts/center.ts';
import { LoginGuard } from '../services/accounts/login.ts';
import { LiveHub, type LiveHubOptions } from '../routes/pages/live-hub.ts';

export interface AppParts {
  /** Alert dedup + persistence (services/alerts/center.ts): toasts ask it for an alert's counter. */
  alerts: AlertCenter;
  /** The live hub (routes/pages/live-hub.ts): every dashboard stream and `/api/stream` subscribe here. */
  hub: LiveHub;
  /** Login throttling and per-address locks (services/accounts/login.ts), one for the API and the form. */
  loginGuard: LoginGuard;
  /** Group names for the dashboard, cached briefly (db/group-names.ts). */
  groups: GroupNames;
  /** The one id allocator of the database (db/ids.ts). */
  ids: IdAllocator;
}

export interface AppPartsDeps {
  db: Db;
  bus?: EventBus;
  /** Alerts are persisted fire-and-forget (the writer's enqueue). */
  persist: (...statements: InStatement[]) => void;
  now: () => number;
  hub?: LiveHubOptions;
}

/**
 * Builds the parts not `given`; `close()` ends the live streams and the alert center's bus
 * subscription (the given ones too: whoever passes them in hands over their end).
 */
export function appParts(d: AppPartsDeps, given: Partial<AppParts> = {}): { parts: AppParts; close(): void } {
  // The alert center subscribes first: it must have recorded an alert before the hub renders its toast.
  const alerts = given.alerts ?? new AlertCenter({ bus: d.bus, persist: d.persist });
  const hub = given.hub ?? new LiveHub(d.bus, d.hub);
  return {
    parts: {
      alerts,
      hub,
      loginGuard: given.loginGuard ?? new LoginGuard(),
      groups: given.groups ?? new GroupNames(d.db, d.now),
      ids: given.ids ?? new IdAllocator(d.db),
    },
    close() {
      hub.close(); // open streams would keep an HTTP server from closing
      alerts.close();
    },
  };
}
