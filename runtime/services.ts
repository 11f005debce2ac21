/**
 * The services step of runtime.ts, started once ingestion is wired (the loads await the database,
 * and no message may arrive unhandled): frozen event defaults, the academic period of today, the
 * media library, the scheduler (bound into the loop), notifications, retention and scheduled backups.
 */
import type { Config } from '../config.ts';
import { SchedulerService, type SchedulerDeps } from '../actors/scheduler.ts';
import { deletePowerIntentStatement, listPowerIntents, savePowerIntentStatement } from '../db/power-intents.ts';
import type { IdAllocator } from '../db/ids.ts';
import type { Clock } from '../lib/clock.ts';
import type { EventBus } from '../lib/bus.ts';
import { logger } from '../lib/logger.ts';
import { Retention } from '../services/retention.ts';
import { freezeOpenDefaults } from '../services/schedule/event-defaults.ts';
import { startNotifications, type NotificationService } from '../services/notifications/service.ts';
import { clientView } from '../services/notifications/client-view.ts';
import { periodService } from '../services/periods/service.ts';
import { setupMedia, type MediaSetup } from '../services/media/setup.ts';
import { BackupSchedule } from './backup-schedule.ts';
import { databaseFilePath } from '../db/backup.ts';
import type { Store } from './store.ts';
import type { Loop } from './loop.ts';

const log = logger('runtime');
const HOUR = 3_600_000;

export interface Services {
  scheduler: SchedulerService;
  media: MediaSetup;
  notifications: NotificationService;
  /** Scheduled backups (BACKUP_DIR); null when not configured. */
  backups: BackupSchedule | null;
  stop(): Promise<void>;
}

export interface ServiceEnv {
  config: Readonly<Config>;
  clock: Clock;
  bus: EventBus;
  store: Store;
  ids: IdAllocator;
  inspect: SchedulerDeps['inspect'];
  loop: Loop;
}

export async function startServices(e: ServiceEnv): Promise<Services> {
  const { config, clock, store } = e;
  const { db, writer } = store;
  const now = () => clock.now();
  // Defaults are starting values: events from before that rule keep the defaults of today.
  await writer.write(...(await freezeOpenDefaults(db)));
  await activatePeriod({ db, writer, ids: e.ids, now, config });
  // Media library (docs/media.md): its directory signs the URLs of library items in event lists.
  const media = await setupMedia({ config, db, writer, now, republish: (groups) => e.loop.scheduler.peek()?.changed({ groups }) ?? Promise.resolve() });
  const scheduler = e.loop.scheduler.bind(newScheduler(e, media));
  await scheduler.start();
  await media.start(); // conversions left pending or interrupted run now

  // Notifications: one subscription to the bus; delivery runs from the outbox, never on the ingest path.
  const supervisor = e.loop.supervisor.get();
  const notifications = await startNotifications({
    db,
    ids: e.ids,
    writer,
    clock,
    bus: e.bus,
    externalURL: config.PUBLIC_URL ?? '',
    smtp: { url: config.SMTP_URL, from: config.SMTP_FROM },
    schedule: (groupId, at) => scheduler.scheduleState(groupId, at),
    client: (uuid) => clientView(supervisor.get(uuid)),
    clients: () => supervisor.list().map((r) => [r.uuid, clientView(r)!] as [string, NonNullable<ReturnType<typeof clientView>>]),
  });
  const retention = new Retention({ db, writer, retentionDays: config.LOG_RETENTION_DAYS, auditRetentionDays: config.AUDIT_RETENTION_DAYS, now });
  retention.start();
  // Scheduled backups (docs/operations.md): config.ts admits BACKUP_DIR only with a file database.
  const backups = config.BACKUP_DIR
    ? new BackupSchedule({ dir: config.BACKUP_DIR, dbPath: databaseFilePath(config.DATABASE_URL ?? ''), intervalMs: config.BACKUP_INTERVAL_HOURS * HOUR, keep: config.BACKUP_KEEP, now })
    : null;
  await backups?.start();
  return {
    scheduler,
    media,
    notifications,
    backups,
    async stop() {
      await retention.stop();
      await backups?.stop();
      await notifications.stop();
      media.stop();
      scheduler.stop();
    },
  };
}

/** docs/periods.md "Start-up": with no active academic period, the one covering today becomes active. */
async function activatePeriod(d: Parameters<typeof periodService>[0]): Promise<void> {
  const periods = await periodService(d).activateForToday();
  if (periods.outcome === 'activated') log.info(`academic period "${periods.period!.name}" activated: it covers today (${periods.today})`);
  else if (periods.outcome === 'none_covers') log.warn(`no academic period is active and none covers today (${periods.today}): activate one on /periods`);
}

/** Scheduling (docs/scheduler.md): groups' retained event lists, TV power intents, expected events. */
function newScheduler(e: ServiceEnv, media: MediaSetup): SchedulerService {
  const { config, clock, store } = e;
  return new SchedulerService({
    clock,
    db: store.db,
    publisher: e.loop.connection.get(),
    pollSeconds: config.POLL_INTERVAL_SECONDS,
    refreshSeconds: config.REFRESH_SECONDS,
    windowDays: config.EVENTS_WINDOW_DAYS,
    powerIntent: {
      enabled: config.POWER_INTENT_PUBLISH_ENABLED,
      heartbeat: config.POWER_INTENT_HEARTBEAT_ENABLED,
      expiryMultiplier: config.POWER_INTENT_EXPIRY_MULTIPLIER,
      minExpirySeconds: config.POWER_INTENT_MIN_EXPIRY_SECONDS,
    },
    expected: e.loop.fleet.get(),
    inspect: e.inspect,
    media: media.directory,
    intents: {
      load: () => listPowerIntents(store.db),
      save: (groupId, state) => store.writer.enqueue(state ? savePowerIntentStatement(groupId, state, clock.now()) : deletePowerIntentStatement(groupId)),
    },
  });
}
