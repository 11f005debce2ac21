/**
 * `npm run bench:scheduler`: the scheduler's poll cycle at school scale.
 * 500 groups × 20 recurring events (a weekly timetable: four periods a day, Monday to Friday, each
 * its own `FREQ=WEEKLY;BYDAY=..` rule in Europe/Vienna; half of the groups back-to-back, half with
 * gaps), power intents on with heartbeats, a real libSQL database and the real SchedulerService
 * on a simulated clock; publishes go to an in-memory recorder (the broker is not what is measured).
 *
 *   A. start-up: load + the first cycle (every rule expanded, every group published)
 *   B. unchanged polls in the middle of a period: cycle time, publishes per cycle by kind
 *   C. a whole school day of 30 s polls: cycle time (p50 / p99 / max), publishes when things change
 *
 *   npm run bench:scheduler -- --groups 500 --events 20 --polls 20
 * Targets: one poll cycle < 50 ms; 0 publishes per unchanged cycle apart from intent heartbeats.
 */
import { parseCli } from './cli.ts';
import { SimulatedClock } from 'xstate';
import { SchedulerService } from '../actors/scheduler.ts';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { insertGroupStatement } from '../db/groups.ts';
import { insertEventStatement } from '../db/events.ts';
import { setQuiet } from '../lib/logger.ts';
import type { InStatement } from '@libsql/client';

const USAGE = `usage: npm run bench:scheduler -- [--groups 500] [--events 20] [--polls 20]

The scheduler's poll cycle at school scale: start-up, unchanged polls, a school day of polls.

  --groups N   groups (500)
  --events N   recurring events per group (20)
  --polls N    unchanged polls measured (20)
  -h, --help   this text`;

const { values } = parseCli(USAGE, { options: { groups: { type: 'string', default: '500' }, events: { type: 'string', default: '20' }, polls: { type: 'string', default: '20' } } });
const GROUPS = Number(values.groups);
const EVENTS = Number(values.events);
const POLLS = Number(values.polls);
setQuiet(true);

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR'];
const MONDAY = Date.parse('2026-03-02T00:00:00Z'); // a Monday; Vienna is UTC+1 in March
const MIN = 60_000;
const f = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

class CountingPublisher {
  connected = true;
  counts = { events: 0, intents: 0 };
  async publish(topic: string) {
    if (topic.startsWith('infoscreen/events/')) this.counts.events++;
    else this.counts.intents++;
  }
  take() {
    const c = { ...this.counts };
    this.counts = { events: 0, intents: 0 };
    return c;
  }
}

const db = await openDatabase('file::memory:');
await migrate(db);
const statements: InStatement[] = [];
let eventId = 0;
for (let g = 1; g <= GROUPS; g++) {
  statements.push(insertGroupStatement(g, { name: `Room ${g}`, description: null, displayOrder: g }, MONDAY));
  const gap = g % 2 === 0 ? 0 : 10; // minutes between periods
  for (let e = 0; e < EVENTS; e++) {
    const day = Math.floor(e / 4) % 5;
    const period = e % 4;
    // 08:00 local = 07:00Z in March; 50-minute periods.
    const start = MONDAY + day * 1440 * MIN + (7 * 60 + period * (50 + gap)) * MIN;
    statements.push(
      insertEventStatement(++eventId, {
        groupId: g, title: `Period ${period + 1}`, description: null, eventType: e % 3 === 0 ? 'video' : 'message', start, end: start + 50 * MIN,
        timezone: 'Europe/Vienna', recurrenceRule: `FREQ=WEEKLY;BYDAY=${DAYS[day]}`, skipHolidays: true, isActive: true,
        fields: e % 3 === 0 ? { video: { url: `https://cdn.example/${g}/${e}.mp4`, autoplay: null, loop: null, volume: null, muted: null } } : { message: { text: `Room ${g}, period ${period + 1}` } },
      }, MONDAY),
    );
  }
}
for (let i = 0; i < statements.length; i += 2000) await db.batch(statements.slice(i, i + 2000), 'write');

const clock = new SimulatedClock();
const publisher = new CountingPublisher();
const svc = new SchedulerService({
  clock, db, publisher, pollSeconds: 30, refreshSeconds: 0, windowDays: 7,
  powerIntent: { enabled: true, heartbeat: true, expiryMultiplier: 3, minExpirySeconds: 90 },
});
const poll = async () => {
  clock.increment(30_000);
  await svc.whenIdle();
  return { ms: svc.counters.lastCycleMs, ...publisher.take() };
};

console.log(`bench:scheduler: ${GROUPS} groups × ${EVENTS} weekly events = ${f(GROUPS * EVENTS, 0)} events, poll 30 s, power intents with heartbeats`);

// A. start-up, 08:10 local on a Wednesday (in the middle of the first period).
clock.set(MONDAY + 2 * 1440 * MIN + (7 * 60 + 10) * MIN);
let t0 = performance.now();
await svc.start();
await svc.whenIdle();
const startMs = performance.now() - t0;
const first = publisher.take();
console.log(`A. start-up (load ${f(GROUPS * EVENTS, 0)} events + first cycle): ${f(startMs)} ms, of which the cycle ${f(svc.counters.lastCycleMs)} ms; published ${first.events} event lists + ${first.intents} intents`);

// B. unchanged polls inside the period (08:10:30 … ): nothing starts or ends.
const steady: Array<{ ms: number; events: number; intents: number }> = [];
for (let i = 0; i < POLLS; i++) steady.push(await poll());
const ms = steady.map((s) => s.ms);
console.log(
  `B. ${POLLS} unchanged polls: cycle p50 ${f(pct(ms, 50))} ms, max ${f(Math.max(...ms))} ms (target < 50 ms); ` +
    `publishes per cycle: ${f(steady.reduce((a, s) => a + s.events, 0) / POLLS)} event lists (target 0), ${f(steady.reduce((a, s) => a + s.intents, 0) / POLLS)} intent heartbeats (one per group)`,
);

// C. the rest of the school day in 30 s polls, until 15:00 local.
const day: Array<{ ms: number; events: number; intents: number }> = [];
const end = MONDAY + 2 * 1440 * MIN + 14 * 60 * MIN;
t0 = performance.now();
while (clock.now() < end) day.push(await poll());
const wall = performance.now() - t0;
const dms = day.map((s) => s.ms);
const changed = day.filter((s) => s.events > 0);
console.log(
  `C. ${day.length} polls through the school day (${f(wall / 1000)} s): cycle p50 ${f(pct(dms, 50))} ms, p99 ${f(pct(dms, 99))} ms, max ${f(Math.max(...dms))} ms; ` +
    `${changed.length} polls changed something (${f(changed.reduce((a, s) => a + s.events, 0), 0)} event lists; those cycles p50 ${f(pct(changed.map((s) => s.ms), 50))} ms, max ${f(Math.max(...changed.map((s) => s.ms)))} ms), the other ${day.length - changed.length} published no event list`,
);
const c = svc.counters.snapshot();
console.log(`   counters: ${c.intentTransitions} intent transitions, ${c.intentHeartbeats} heartbeats, ${c.intentPublishes} intent publishes, ${c.eventPublishes} event-list publishes, ${c.publishFailures} failures`);
const heap = process.memoryUsage();
console.log(`   memory: heap ${f(heap.heapUsed / 2 ** 20)} MiB, RSS ${f(heap.rss / 2 ** 20)} MiB`);

svc.stop();
db.close();
