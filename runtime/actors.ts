/**
 * The actors (steps of runtime.ts): first the client actors restored from the database (the
 * supervisor), then, once the broker connection exists to publish through, the command registry,
 * bulk runs, the Fleet and ingestion, each bound into the loop (runtime/loop.ts).
 */
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { Supervisor } from '../actors/supervisor.ts';
import { Fleet } from '../actors/fleet.ts';
import { CommandRegistry } from '../actors/commands.ts';
import { BulkRuns } from '../actors/bulk-runs.ts';
import { RecoveryRequests } from '../actors/recovery-requests.ts';
import { extendForDowntime } from '../actors/command-downtime.ts';
import { DEFAULT_TIMERS } from '../domain/command.types.ts';
import { REBOOT_LOCKOUT } from '../domain/policies.ts';
import type { CommandRecord } from '../domain/command.types.ts';
import { loadUnsettledCommands, recentRebootKinds, upsertCommandStatement } from '../db/commands.ts';
import { loadClients } from '../db/clients.ts';
import { recentLogLevels } from '../db/logs.ts';
import { connectivityChangeStatement } from '../db/connectivity.ts';
import { previousServerAliveUntil } from '../db/server-downtime.ts';
import { ScreenshotStore } from '../db/screenshots.ts';
import { createIngest } from '../broker/ingest.ts';
import { topics } from '../broker/topics.ts';
import type { BrokerSide } from '../broker/setup.ts';
import type { EventBus } from '../lib/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { logger } from '../lib/logger.ts';
import type { Store } from './store.ts';
import type { Inspection, Observers } from './observe.ts';
import type { Loop } from './loop.ts';
import { clientResolver } from '../actors/inspection/clients.ts';

const log = logger('runtime');
const HOUR = 3_600_000;
const TICK_MS = 15_000; // re-evaluate time-based status rules

export interface Restored {
  supervisor: Supervisor;
  recoveryRequests: RecoveryRequests;
  /** Commands the last run left unsettled, and recent reboots (the lockout window), for the registry. */
  unsettled: CommandRecord[];
  rebootKinds: Awaited<ReturnType<typeof recentRebootKinds>>;
  lockoutMs: number;
  restoreMs: number;
}

export interface Env {
  config: Readonly<Config>;
  clock: Clock;
  bus: EventBus;
  store: Store;
  inspection: Inspection;
  loop: Loop;
}

/** The client actors as the database left them; the writer starts once their changes are queued. */
export async function restoreActors(e: Env): Promise<Restored> {
  const { config, clock, store } = e;
  const lockoutMs = config.CRASH_RECOVERY_LOCKOUT_MINUTES * 60_000;
  // Crash recovery (docs/commands.md): the client actors' ladder issues through the registry (wireFleet).
  const recoveryRequests = new RecoveryRequests(config.CRASH_RECOVERY_COMMAND_EXPIRY_SECONDS);
  const supervisor = e.loop.supervisor.bind(
    new Supervisor({
      clock,
      bus: e.bus,
      graceMs: config.heartbeatGraceSeconds * 1000,
      persist: (uuid, urgent) => store.writer.markClient(uuid, urgent),
      connectivityChanged: (uuid, state, at) => store.writer.enqueue(connectivityChangeStatement(uuid, state, at)),
      inspect: e.inspection.inspect,
      recovery: {
        policy: {
          enabled: config.CRASH_RECOVERY_ENABLED,
          graceMs: config.CRASH_RECOVERY_GRACE_SECONDS * 1000,
          lockoutMs,
          expiryMs: config.CRASH_RECOVERY_COMMAND_EXPIRY_SECONDS * 1000,
        },
        request: recoveryRequests.request,
        cancel: recoveryRequests.cancel,
      },
    }),
  );
  // Restored clients get their actor on first use; opening one in the inspector is such a use.
  e.inspection.feed?.setResolver(clientResolver(supervisor));
  const restoreStarted = performance.now();
  const [records, recent, rebootKinds] = await Promise.all([
    loadClients(store.db),
    recentLogLevels(store.db, clock.now() - HOUR),
    recentRebootKinds(store.db, clock.now() - lockoutMs),
  ]);
  supervisor.restore(records, recent, rebootKinds);
  const restoreMs = performance.now() - restoreStarted;
  log.info(`restored ${records.length} client actors in ${restoreMs.toFixed(0)} ms`);
  // Stage deadlines do not run while no server held the database (actors/command-downtime.ts).
  const unsettled = extendForDowntime(await loadUnsettledCommands(store.db), await previousServerAliveUntil(store.db, store.runId), clock.now());
  store.start(); // the writer, and the lease renewal
  return { supervisor, recoveryRequests, unsettled, rebootKinds, lockoutMs, restoreMs };
}

export interface FleetSide {
  commands: CommandRegistry;
  bulkRuns: BulkRuns;
  fleet: Fleet;
  screenshots: ScreenshotStore;
  /** First in a shutdown: no status tick, no expiry sweep any more. */
  stopTimers(): void;
  /** After the broker connection closed: the actors stop so no timer fires after the final flush. */
  stop(): void;
}

/**
 * Commands, bulk runs, the Fleet and ingestion, all bound into the loop. Synchronous on purpose:
 * runtime.ts calls it right after the broker connection is made, and no message can be handled
 * (the socket needs a turn of the event loop) before ingestion is bound.
 */
export function wireFleet(e: Env, restored: Restored, broker: { side: BrokerSide; observers: Observers }): FleetSide {
  const { config, clock, bus, store, loop } = e;
  const connection = loop.connection.get();
  const screenshots = new ScreenshotStore(join(config.DATA_DIR!, 'screenshots'), {
    history: config.SCREENSHOT_HISTORY,
    priorityTtlMs: config.PRIORITY_SCREENSHOT_TTL_SECONDS * 1000,
    now: () => clock.now(),
  });
  const commands = loop.commands.bind(
    new CommandRegistry({
      clock,
      bus,
      publisher: connection,
      topics,
      persist: (record) => store.writer.enqueue(upsertCommandStatement(record)),
      lockout: { max: REBOOT_LOCKOUT.max, windowMs: restored.lockoutMs },
      expirySeconds: config.COMMAND_EXPIRY_SECONDS,
      timers: { ...DEFAULT_TIMERS, ...config.COMMAND_TIMERS },
      inspect: e.inspection.inspect,
      // Every transition reaches the client's actor: its crash-recovery ladder moves on them.
      onTransition: (record, from) => restored.supervisor.commandChanged(record, from),
    }),
  );
  commands.restore(restored.unsettled, restored.rebootKinds);
  restored.recoveryRequests.attach(commands);
  if (restored.unsettled.length) log.info(`restored ${restored.unsettled.length} unsettled commands`);
  const bulkRuns = new BulkRuns({ commands, bus, now: () => clock.now(), inspect: e.inspection.inspect, persist: (s) => store.writer.enqueue(s) });
  const fleet = loop.fleet.bind(
    new Fleet({
      supervisor: restored.supervisor,
      commands,
      writer: store.writer,
      publisher: connection,
      screenshots,
      topics: { groupId: topics.groupId, serviceFailed: topics.serviceFailed },
      graceSeconds: config.heartbeatGraceSeconds,
      now: () => clock.now(),
      onClientDeleted: async (uuid) => void (await broker.side.provisioning.forget(uuid)),
      onGroupsChanged: (uuids) => broker.side.onGroupsChanged(uuids),
    }),
  );
  const drops = broker.observers.drops;
  loop.ingest.bind(createIngest({ port: fleet, publisher: connection, drops, maxPayloadBytes: config.MQTT_MAX_PAYLOAD_BYTES, now: () => clock.now() }));
  const tick = setInterval(() => restored.supervisor.tick(), TICK_MS);
  (tick as { unref?: () => void }).unref?.();
  // docs/commands.md "Expiry sweep": every poll interval, independently of the per-actor timers.
  const sweep = setInterval(() => commands.sweep(), config.POLL_INTERVAL_SECONDS * 1000);
  (sweep as { unref?: () => void }).unref?.();
  return {
    commands,
    bulkRuns,
    fleet,
    screenshots,
    stopTimers() {
      clearInterval(tick);
      clearInterval(sweep);
    },
    stop() {
      // Their state is already queued: the writer's final flush stores it.
      restored.supervisor.stop();
      bulkRuns.stop();
      commands.stop();
    },
  };
}
