/**
 * The demo fleet (`npm run demo`): which screens exist, in which group and room,
 * and how each one misbehaves. Deterministic (same seed, same uuids: a restarted demo finds its
 * screens again). Per group, most screens are healthy; the others rotate through the simulator's
 * profiles (flaky network, crashing player, failed service, black screen), so every group shows
 * something to look at and the fleet as a whole shows every kind of trouble.
 */
import { rng, seededUuid } from './sim/rng.ts';
import type { Profile } from './sim/virtual-client.ts';

export interface DemoGroup {
  name: string;
  description: string;
  /** Room of the k-th screen in this group (1-based). */
  room: (k: number) => string;
}

export const DEMO_GROUPS: DemoGroup[] = [
  { name: 'Eingang & Aula', description: 'Foyer, Aula und Sekretariat', room: (k) => (k === 1 ? 'Eingang links' : k === 2 ? 'Eingang rechts' : `Aula ${k - 2}`) },
  { name: 'Erdgeschoss', description: 'Klassen 0.01–0.20', room: (k) => `Raum 0.${String(k).padStart(2, '0')}` },
  { name: '1. Stock', description: 'Klassen 1.01–1.20', room: (k) => `Raum 1.${String(k).padStart(2, '0')}` },
  { name: '2. Stock', description: 'Klassen und Labore', room: (k) => (k % 3 === 0 ? `Labor 2.${k}` : `Raum 2.${String(k).padStart(2, '0')}`) },
  { name: 'Turnsaal & Bibliothek', description: 'Sport und Lesesaal', room: (k) => (k % 2 ? `Turnsaal ${Math.ceil(k / 2)}` : `Bibliothek ${k / 2}`) },
];

/** The trouble makers, rotated per group (the rest of each group is healthy). */
const TROUBLE: Profile[] = ['flaky', 'crashing', 'service_failed', 'black_screen'];
/** Share of each group that misbehaves (3 of 10). */
const TROUBLE_SHARE = 0.3;

export interface DemoClient {
  uuid: string;
  group: number; // index into DEMO_GROUPS
  room: string;
  profile: Profile;
}

export function demoPlan(clients: number, seed: number): DemoClient[] {
  const ids = rng(seed);
  const perGroup = Math.ceil(clients / DEMO_GROUPS.length);
  const out: DemoClient[] = [];
  for (let i = 0; i < clients; i++) {
    const g = Math.min(DEMO_GROUPS.length - 1, Math.floor(i / perGroup));
    const k = i - g * perGroup; // 0-based within the group
    const troubled = Math.max(1, Math.round(perGroup * TROUBLE_SHARE));
    const profile: Profile = k < troubled ? TROUBLE[(g + k) % TROUBLE.length]! : 'healthy';
    out.push({ uuid: seededUuid(ids), group: g, room: DEMO_GROUPS[g]!.room(k + 1), profile });
  }
  return out;
}

/** `{healthy: 35, flaky: 4, …}` for the start-up line. */
export function profileCounts(plan: DemoClient[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of plan) counts[c.profile] = (counts[c.profile] ?? 0) + 1;
  return counts;
}
