/**
 * `npm run bench:outage -- --clients 50000`: the outage heuristic's cost when
 * a whole fleet goes offline within one heartbeat window (docs/clients-screens.md "Outage alerts"): one
 * `wentOffline` verdict per client, as the supervisor asks it. Prints the total time and the
 * verdicts. (The supervisor with real actors is not measured here: XState's SimulatedClock sorts
 * every pending timer on each flush, which would dominate any figure at this scale.)
 */
import { parseCli } from './cli.ts';
import { HEARTBEAT_WINDOW_MS, OutageDetector } from '../actors/outage.ts';

const USAGE = `usage: npm run bench:outage -- [--clients 50000]

The outage heuristic's cost when a whole fleet goes offline within one heartbeat window.

  --clients N   clients going offline (50000)
  -h, --help    this text`;

const { values } = parseCli(USAGE, { options: { clients: { type: 'string', default: '50000' } } });
const N = Number(values.clients);
const GRACE = 170_000;

const d = new OutageDetector({ windowMs: GRACE });
const verdicts = { single: 0, outage: 0, suppressed: 0 };
const start = Date.parse('2026-04-01T08:00:00Z');
const t0 = performance.now();
for (let i = 0; i < N; i++) verdicts[d.wentOffline(`client-${i}`, start + Math.floor((i * HEARTBEAT_WINDOW_MS) / N), N - i - 1)]++;
const ms = performance.now() - t0;
console.log(`${N} clients offline within ${HEARTBEAT_WINDOW_MS / 1000} s: ${ms.toFixed(1)} ms for all verdicts (${((ms * 1000) / N).toFixed(2)} µs each)`);
console.log(`verdicts: single ${verdicts.single}, outage ${verdicts.outage}, suppressed ${verdicts.suppressed}`);
