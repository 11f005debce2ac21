/**
 * Route-test fixture with the real fleet (not a test file itself): `fixture()` of route-fixture.ts,
 * with its Map-backed stand-in replaced by the real Supervisor + Fleet (actors/), the real
 * ScreenshotStore on a temp dir, and client rows written by the real BatchedWriter, pulled from
 * the actors at flush time as in runtime.ts. Clients are seeded the way start-up loads them: rows
 * in the database, then `loadClients` + `recentLogLevels` + `supervisor.restore`, so their
 * derived status comes from the machine, not from the test.
 *
 * The one stand-in left is the publisher (route-fixture.ts RecordingPublisher): the routes only
 * need "published with PUBACK", and recording what the Fleet publishes (retained group_id, the
 * empty service_failed clear) is exactly what these tests check. The wire is covered in tests/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor } from '../actors/supervisor.ts';
import { Fleet } from '../actors/fleet.ts';
import { emptyRecord, type ClientRecord } from '../domain/client.types.ts';
import { loadClients, upsertClientStatement } from '../db/clients.ts';
import { recentLogLevels } from '../db/logs.ts';
import { ScreenshotStore } from '../db/screenshots.ts';
import { topics } from '../broker/topics.ts';
import { createApp } from '../app.ts';
import { fixture, type Fixture } from './route-fixture.ts';

const HOUR = 3_600_000;

export interface RealFleetFixture extends Omit<Fixture, 'app' | 'fleet' | 'screenshots'> {
  app: ReturnType<typeof createApp>;
  fleet: Fleet;
  supervisor: Supervisor;
  screenshots: ScreenshotStore;
  /**
   * Adds clients as start-up finds them: each record (defaults from `emptyRecord`) is written to the
   * database, then restored into a real actor with the ERROR/WARN logs of the last hour. Answers the
   * live records (status derived by the machine at `commandClock.now()`).
   */
  seed(...partials: Array<Partial<ClientRecord> & { uuid: string }>): Promise<ClientRecord[]>;
}

export async function realFleetFixture(env: Record<string, string> = {}): Promise<RealFleetFixture> {
  const base = await fixture(env);
  const { config, db, writer, bus, commands, bulkRuns, publisher, commandClock } = base;
  const shotsDir = mkdtempSync(join(tmpdir(), 'infoscreen-routes-shots-'));
  // One clock for every actor, as in runtime.ts: the command registry's simulated one.
  const supervisor = new Supervisor({
    clock: commandClock,
    bus,
    graceMs: config.heartbeatGraceSeconds * 1000,
    persist: (uuid, urgent) => writer.markClient(uuid, urgent),
  });
  base.clientRows.upsert = (uuid) => {
    const r = supervisor.get(uuid);
    return r ? upsertClientStatement(r, commandClock.now()) : null;
  };
  const screenshots = new ScreenshotStore(shotsDir, {
    history: config.SCREENSHOT_HISTORY,
    priorityTtlMs: config.PRIORITY_SCREENSHOT_TTL_SECONDS * 1000,
    now: () => commandClock.now(),
  });
  const fleet = new Fleet({
    supervisor,
    commands,
    writer,
    publisher,
    screenshots,
    topics: { groupId: topics.groupId, serviceFailed: topics.serviceFailed },
    graceSeconds: config.heartbeatGraceSeconds,
    now: () => commandClock.now(),
  });
  // Sessions live in the database, so base.login (made on the Map-backed app) signs in here too.
  const app = createApp({
    config, db, writer, fleet, screenshots, bus, commands, bulkRuns, brokerStatus: () => ({ connected: true }), now: () => base.clock.t, ...base.parts,
  });

  const seed = async (...partials: Array<Partial<ClientRecord> & { uuid: string }>) => {
    const now = commandClock.now();
    await writer.write(...partials.map((p) => upsertClientStatement({ ...emptyRecord(p.uuid, now), ...p }, now)));
    const [records, recent] = await Promise.all([loadClients(db), recentLogLevels(db, now - HOUR)]);
    supervisor.restore(records, recent);
    return partials.map((p) => supervisor.get(p.uuid)!);
  };

  return {
    ...base,
    app,
    fleet,
    supervisor,
    screenshots,
    seed,
    close: async () => {
      await base.close(); // the final flush still pulls rows from the (stopped) actors
      supervisor.stop();
      rmSync(shotsDir, { recursive: true, force: true });
    },
  };
}
