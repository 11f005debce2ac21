/**
 * Child process of bench:ingest: starts the full runtime on a prepared database (fresh heap, so
 * the RSS is that of a server holding N client actors) and reports restore time and memory.
 */
import { loadConfig } from '../../config.ts';
import { startRuntime } from '../../runtime.ts';
import { setQuiet } from '../../lib/logger.ts';

setQuiet(true);
const [dbUrl, dataDir] = process.argv.slice(2);
const t0 = performance.now();
const rt = await startRuntime(
  loadConfig({ ENV: 'test', DATABASE_URL: dbUrl, DATA_DIR: dataDir, MQTT_EMBEDDED_PORT: '0', MQTT_ALLOW_ANONYMOUS: 'true', DEFAULT_SUPERADMIN_PASSWORD: 'bench-password' }),
);
const startMs = performance.now() - t0;
(globalThis as { gc?: () => void }).gc?.();
const mem = process.memoryUsage();
const out = { clients: rt.supervisor.size, restoreMs: rt.restoreMs, startMs, rssMb: mem.rss / 2 ** 20, heapMb: mem.heapUsed / 2 ** 20 };
await rt.close();
console.log(JSON.stringify(out));
process.exit(0);
