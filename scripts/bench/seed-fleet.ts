/**
 * A benchmark fleet in a fresh database file: `clients` client rows in `groups` groups plus a
 * "Probe" group holding client 0, with a realistic mix of offline, crashed, failed and black
 * screens (bench:dashboard, bench:streams). UUIDs as scripts/bench/load-worker.ts makes them.
 */
import { openDatabase } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { insertGroupStatement } from '../../db/groups.ts';
import { upsertClientStatement } from '../../db/clients.ts';
import { emptyRecord, type ClientRecord } from '../../domain/client.types.ts';

export const benchUuid = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

export async function seedFleet(file: string, clients: number, groups = 20): Promise<void> {
  const db = await openDatabase(`file:${file}`);
  await migrate(db);
  const now = Date.now();
  await db.batch(
    Array.from({ length: groups + 1 }, (_, g) =>
      insertGroupStatement(g + 1, { name: g === groups ? 'Probe' : `Building ${String.fromCharCode(65 + (g % 26))} floor ${g}`, description: null, displayOrder: g }, now),
    ),
    'write',
  );
  for (let i = 0; i < clients; i += 5000) {
    const batch = [];
    for (let k = i; k < Math.min(clients, i + 5000); k++) batch.push(upsertClientStatement(benchClient(k, groups, now), now));
    await db.batch(batch, 'write');
  }
  db.close();
}

function benchClient(k: number, groups: number, now: number): ClientRecord {
  return {
    ...emptyRecord(benchUuid(k), now - 86_400_000),
    discovered: true,
    hostname: `pi-${k}`,
    description: `Room ${Math.floor(k / 40)}.${k % 40}`,
    ip: `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`,
    groupId: k === 0 ? groups + 1 : (k % groups) + 1,
    lastAlive: k % 50 === 7 ? now - 86_400_000 : now - (k % 60) * 1000, // 2 % long offline
    connectivity: k % 50 === 7 ? 'offline' : 'online',
    processStatus: k % 97 === 3 ? 'crashed' : 'running',
    // What the load thread's health messages say (scripts/bench/load-worker.ts): steady state is freshness only.
    currentProcess: 'display_manager',
    processPid: 1000 + (k % 50),
    currentEventId: '42',
    expectedEventId: '42',
    lastFrameUpdate: now - (k % 60) * 1000,
    screenHealthStatus: k % 31 === 5 ? 'BLACK' : 'OK',
    serviceStatus: k % 199 === 11 ? 'failed' : 'ok',
    serviceFailedAt: k % 199 === 11 ? now - 3_600_000 : null,
    serviceFailedUnit: k % 199 === 11 ? 'infoscreen-client.service' : null,
  };
}
