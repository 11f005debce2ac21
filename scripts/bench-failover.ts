/**
 * `npm run bench:failover`: faults injected into the holder of two HIGH_AVAILABILITY servers behind
 * a real Mosquitto (docs/high-availability.md "Measured"); one JSON line per fault with what was
 * lost, duplicated, how long recovery took, whether both servers were ever ready at once, and
 * how many commands ended other than their device's acks say. Prints figures; asserts nothing.
 */
import { parseCli } from './cli.ts';

const FAULTS = ['kill9', 'sigstop', 'sigterm', 'mosquitto-restart'] as const;
type Fault = (typeof FAULTS)[number];

const USAGE = `usage: npm run bench:failover -- [--faults kill9,sigstop,sigterm,mosquitto-restart] [--repeat 1] [--devices 3] [--every-ms 50]

Two servers (HIGH_AVAILABILITY, the same MQTT_CLIENT_ID) on one database (sqld when installed,
else a file) behind a real Mosquitto with persistence; a small fleet pipelines numbered QoS 1
logs, three devices answer restart_app with scripted ack delays. Per fault, injected into the
current holder, one JSON line:
  {fault, lost, duplicated, recoverySeconds, twoActive, commandsWrong, acked, commands}
lost = PUBACKed by the broker but not stored; duplicated = rows stored twice; twoActive = both
answered /health/ready 200 in one probe round; commandsWrong = final state not what the acks imply.

  --faults LIST    comma-separated, in order (kill9,sigstop,sigterm,mosquitto-restart)
  --repeat N       rounds over the list (1)
  --devices N      log-publishing devices (3)
  --every-ms MS    each device publishes one log this often (50)
  -h, --help       this text`;

const { values } = parseCli(USAGE, {
  options: {
    faults: { type: 'string', default: FAULTS.join(',') },
    repeat: { type: 'string', default: '1' },
    devices: { type: 'string', default: '3' },
    'every-ms': { type: 'string', default: '50' },
  },
});
const faults = values.faults.split(',').map((f) => f.trim()).filter(Boolean) as Fault[];
const bad = faults.filter((f) => !FAULTS.includes(f));
const repeat = Number(values.repeat);
const devices = Number(values.devices);
const everyMs = Number(values['every-ms']);
if (bad.length || !faults.length || !(repeat >= 1) || !(devices >= 1) || !(everyMs >= 1)) {
  console.error(`${bad.length ? `unknown fault: ${bad.join(', ')}` : '--faults must name one, --repeat, --devices and --every-ms must be positive'}\n\n${USAGE}`);
  process.exit(2);
}

const { runBench } = await import('./failover-run.ts');
process.exit(await runBench({ faults, repeat, devices, everyMs }));
