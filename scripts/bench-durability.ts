/**
 * Durability figures (docs/reliability.md): acknowledged QoS 1 log rows lost
 *   1. to kill -9 of the server (embedded broker) the moment the last PUBACK arrives, and mid-stream;
 *   2. to an I/O fault: the store refuses writes (SQLITE_READONLY) for a while under load.
 *
 *   npm run bench:durability -- [--messages 5000] [--runs 3] [--fault-seconds 20]
 */
import { parseCli } from './cli.ts';
import { ioFaultRun, killNineRun } from './durability-kit.ts';

const USAGE = `usage: npm run bench:durability -- [--messages 5000] [--runs 3] [--fault-seconds 20]

Acknowledged QoS 1 log rows lost to kill -9 of the server and to a store refusing writes.
Prints, per run, published / PUBACKed / stored / lost; "lost" must be 0.

  --messages N        QoS 1 log messages per run (5000)
  --runs N            kill -9 runs of each kind (3)
  --fault-seconds S   how long the store refuses writes in the I/O fault run (20)
  -h, --help          this text`;

const { values } = parseCli(USAGE, {
  options: {
    messages: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    'fault-seconds': { type: 'string', default: '20' },
  },
});
const n = Number(values.messages);
const runs = Number(values.runs);
const faultMs = Number(values['fault-seconds']) * 1000;
if (!(n > 0) || !(runs > 0) || !(faultMs >= 0)) {
  console.error('--messages and --runs must be positive, --fault-seconds ≥ 0');
  process.exit(2);
}

const row = (label: string, f: { published: number; acked: number; stored: number; lost: number }, extra = '') =>
  console.log(`${label.padEnd(34)} published ${String(f.published).padStart(6)}  acked ${String(f.acked).padStart(6)}  stored ${String(f.stored).padStart(6)}  lost ${f.lost}${extra}`);

let lost = 0;
for (let r = 1; r <= runs; r++) {
  const f = await killNineRun({ n });
  lost += f.lost;
  row(`kill -9 at the last PUBACK #${r}`, f);
}
for (let r = 1; r <= runs; r++) {
  const f = await killNineRun({ n, killAt: Math.ceil(n / 2) });
  lost += f.lost;
  row(`kill -9 mid-stream #${r}`, f);
}
const io = await ioFaultRun({ n, faultMs });
lost += io.lost;
row(`I/O fault ${faultMs / 1000} s (SQLITE_READONLY)`, io, `  /health degraded seen: ${io.sawDegraded}  dropped at bound: ${io.droppedCounted}`);
console.log(lost === 0 ? 'no acknowledged row lost' : `LOST ${lost} acknowledged rows`);
process.exit(lost === 0 ? 0 : 1);
