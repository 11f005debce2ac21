/**
 * Route-test fixture for the scheduling routes (not a test file itself): testing/route-fixture.ts'
 * fixture (real libSQL, real writer, users per role) plus an app wired with a real
 * SchedulerService on a SimulatedClock publishing into a RecordingPublisher.
 */
import { SimulatedClock } from 'xstate';
import { SchedulerService } from '../actors/scheduler.ts';
import { createApp } from '../app.ts';
import type { Role } from '../domain/users.ts';
import { fixture, json, RecordingPublisher, type Fixture } from './route-fixture.ts';

export interface ScheduleFixture extends Fixture {
  scheduleApp: ReturnType<typeof createApp>;
  scheduler: SchedulerService;
  schedulePublisher: RecordingPublisher;
  cookies: Record<Role, string>;
  /** JSON request as `role` (or anonymous with null); answers status and parsed body. */
  call(role: Role | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export async function scheduleFixture(env: Record<string, string> = {}): Promise<ScheduleFixture> {
  const f = await fixture({ POWER_INTENT_PUBLISH_ENABLED: 'true', ...env });
  const clock = new SimulatedClock();
  clock.set(f.clock.t);
  const schedulePublisher = new RecordingPublisher();
  const scheduler = new SchedulerService({
    clock, db: f.db, publisher: schedulePublisher, pollSeconds: 30, refreshSeconds: 0, windowDays: 7,
    powerIntent: { enabled: true, heartbeat: true, expiryMultiplier: 3, minExpirySeconds: 90 },
  });
  await scheduler.start();
  await scheduler.whenIdle();
  const scheduleApp = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus,
    brokerStatus: () => ({ connected: true }), scheduler, now: () => f.clock.t, ...f.parts,
  });
  const cookies = {} as Record<Role, string>;
  for (const role of ['user', 'editor', 'admin', 'superadmin'] as Role[]) cookies[role] = await f.login(role);
  const call = async (role: Role | null, method: string, path: string, body?: unknown) => {
    const res = await scheduleApp.request(path, json(method, body, role ? cookies[role] : undefined));
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    ...f, scheduleApp, scheduler, schedulePublisher, cookies, call,
    close: async () => {
      scheduler.stop();
      await f.close();
    },
  };
}
