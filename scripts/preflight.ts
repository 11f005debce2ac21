/**
 * Start-up checks that need the platform (files, sockets), run by both entry points before the
 * runtime starts, so a wrong setting is refused with one line naming it (StartupError → exit 2)
 * instead of a stack trace, a hang, or folders created where nobody asked for them.
 */
import { access, constants, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';
import { databaseAnswers, openDatabase, type Db } from '../db/client.ts';
import type { Config } from '../config.ts';
import type { Runtime, RuntimeOptions } from '../runtime.ts';
import { StartupError } from '../lib/startup-error.ts';

const SYSTEM_TREES = ['/proc', '/sys', '/dev'];
const REMOTE_DB_TIMEOUT_MS = 8000;
const WRITE_PROBE_TIMEOUT_MS = 5000;

export interface Preflight {
  /** The database file did not exist: this start creates a new, empty database. */
  newDatabaseFile: string | null;
}

const inside = (path: string, folder: string) => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s (${what})`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function isDir(path: string): Promise<boolean | null> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return null; // missing
  }
}

/** DATA_DIR: a writable folder outside the kernel's trees; created when missing. */
async function checkDataDir(dataDir: string): Promise<void> {
  const dir = resolve(dataDir);
  if (SYSTEM_TREES.some((t) => inside(dir, t))) throw new StartupError('DATA_DIR', `${dir} is a system folder, not a place for data`);
  const kind = await isDir(dir);
  if (kind === false) throw new StartupError('DATA_DIR', `${dir} exists but is not a folder`);
  try {
    if (kind === null) await mkdir(dir, { recursive: true });
    const probe = join(dir, `.write-test-${process.pid}`);
    await withTimeout(writeFile(probe, 'ok').then(() => rm(probe)), WRITE_PROBE_TIMEOUT_MS, 'writing a test file');
  } catch (err) {
    throw new StartupError('DATA_DIR', `cannot write to ${dir}: ${(err as Error).message}`);
  }
}

/** A file database: its folder must exist (or be DATA_DIR's, created above); note a new file. */
async function checkDatabaseFile(url: string, dataDir: string): Promise<string | null> {
  const path = url.slice('file:'.length).split('?')[0];
  if (!path || path === ':memory:' || url.includes(':memory:')) return null;
  const file = resolve(path);
  const folder = dirname(file);
  if (SYSTEM_TREES.some((t) => inside(file, t))) throw new StartupError('DATABASE_URL', `${file} is in a system folder`);
  const kind = await isDir(folder);
  if (kind === false) throw new StartupError('DATABASE_URL', `${folder} is not a folder`);
  if (kind === null) {
    if (!inside(folder, resolve(dataDir))) {
      throw new StartupError('DATABASE_URL', `folder ${folder} does not exist (create it first, or point DATABASE_URL at an existing folder)`);
    }
    await mkdir(folder, { recursive: true });
  }
  const existing = await isDir(file);
  if (existing === true) throw new StartupError('DATABASE_URL', `${file} is a folder, not a database file`);
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw new StartupError('DATABASE_URL', `cannot write to ${folder}`);
  }
  return existing === null ? file : null;
}

/** BACKUP_DIR: an existing writable folder (created only inside DATA_DIR: a backup disk that is not mounted must not become a folder on the root disk). */
async function checkBackupDir(backupDir: string, dataDir: string): Promise<void> {
  const dir = resolve(backupDir);
  if (SYSTEM_TREES.some((t) => inside(dir, t))) throw new StartupError('BACKUP_DIR', `${dir} is a system folder, not a place for backups`);
  const kind = await isDir(dir);
  if (kind === false) throw new StartupError('BACKUP_DIR', `${dir} exists but is not a folder`);
  if (kind === null && !inside(dir, resolve(dataDir))) throw new StartupError('BACKUP_DIR', `folder ${dir} does not exist (create it first, or mount the backup disk)`);
  try {
    if (kind === null) await mkdir(dir, { recursive: true });
    const probe = join(dir, `.write-test-${process.pid}`);
    await withTimeout(writeFile(probe, 'ok').then(() => rm(probe)), WRITE_PROBE_TIMEOUT_MS, 'writing a test file');
  } catch (err) {
    throw new StartupError('BACKUP_DIR', `cannot write to ${dir}: ${(err as Error).message}`);
  }
}

/** A libSQL server: it must answer within a few seconds (not a silent hang). */
async function checkRemoteDatabase(url: string, authToken: string | undefined): Promise<void> {
  let db: Db | null = null;
  try {
    await withTimeout(
      openDatabase(url, authToken).then((opened) => databaseAnswers((db = opened))),
      REMOTE_DB_TIMEOUT_MS,
      url,
    );
  } catch (err) {
    throw new StartupError('DATABASE_URL', `cannot reach ${url}: ${(err as Error).message}`);
  } finally {
    (db as Db | null)?.close();
  }
}

/**
 * The usual holder of the MQTT port on a fresh machine: installing Debian's `mosquitto` package
 * (for mosquitto_pub, or by habit) starts its service on 1883 at once and on every boot.
 */
const MQTT_PORT_HINT =
  'usually by another MQTT broker (installing Debian\'s mosquitto package starts one on 1883): stop it for good (systemctl disable --now mosquitto), set MQTT_EMBEDDED_PORT to a free port, or use that broker with MQTT_BROKER_HOST';

/** The address must be one this machine can listen on, and the port free. */
function checkListen(host: string, port: number, hostKey: string, portKey: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint = portKey === 'MQTT_EMBEDDED_PORT' ? ` — ${MQTT_PORT_HINT}` : '';
      if (err.code === 'EADDRINUSE') reject(new StartupError(portKey, `port ${port} on ${host} is already in use${hint}`));
      else if (err.code === 'EACCES') reject(new StartupError(portKey, `no permission to listen on port ${port}`));
      else reject(new StartupError(hostKey, `cannot listen on ${host} (${err.code ?? err.message})`));
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolvePromise()));
  });
}

/** Why a configured file cannot be used, or null when it can be read. */
async function fileProblem(path: string): Promise<string | null> {
  try {
    if (!(await stat(path)).isFile()) return `${path} is not a file`;
    await access(path, constants.R_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? `file ${path} does not exist` : `file ${path} cannot be read (${code ?? (err as Error).message})`;
  }
}

/**
 * Every configured file must be readable. One refusal names each one that is not (a missing
 * certificate and key are one fix, not two failed starts); the line's key is the first of them.
 */
async function checkFiles(files: ReadonlyArray<readonly [key: string, path: string | undefined]>): Promise<void> {
  const problems: [string, string][] = [];
  for (const [key, path] of files) {
    const problem = path ? await fileProblem(path) : null;
    if (problem) problems.push([key, problem]);
  }
  if (!problems.length) return;
  const [[firstKey, firstProblem], ...rest] = problems;
  throw new StartupError(firstKey, [firstProblem, ...rest.map(([k, p]) => `${k}: ${p}`)].join('; '));
}

export async function preflight(c: Readonly<Config>): Promise<Preflight> {
  await checkDataDir(c.DATA_DIR!);
  const url = c.DATABASE_URL!;
  const newDatabaseFile = url.startsWith('file:') ? await checkDatabaseFile(url, c.DATA_DIR!) : null;
  if (!url.startsWith('file:') && url !== ':memory:') await checkRemoteDatabase(url, c.DATABASE_AUTH_TOKEN);
  if (c.BACKUP_DIR !== undefined) await checkBackupDir(c.BACKUP_DIR, c.DATA_DIR!);
  await checkListen(c.HOST!, c.PORT, 'HOST', 'PORT');
  if (c.embeddedBroker) {
    await checkListen(c.MQTT_EMBEDDED_HOST!, c.MQTT_EMBEDDED_PORT, 'MQTT_EMBEDDED_HOST', 'MQTT_EMBEDDED_PORT');
    if (c.MQTT_EMBEDDED_TLS_PORT !== undefined) await checkListen(c.MQTT_EMBEDDED_HOST!, c.MQTT_EMBEDDED_TLS_PORT, 'MQTT_EMBEDDED_HOST', 'MQTT_EMBEDDED_TLS_PORT');
  }
  await checkFiles([
    ['MQTT_EMBEDDED_TLS_CERT', c.MQTT_EMBEDDED_TLS_CERT],
    ['MQTT_EMBEDDED_TLS_KEY', c.MQTT_EMBEDDED_TLS_KEY],
    ['MQTT_TLS_CA_CERT', c.MQTT_TLS_CA_CERT],
    ['MQTT_TLS_CERTFILE', c.MQTT_TLS_CERTFILE],
    ['MQTT_TLS_KEYFILE', c.MQTT_TLS_KEYFILE],
  ]);
  return { newDatabaseFile };
}

/**
 * Both entry points' start: the checks, then the runtime; any failure is one line and exit 2.
 * The runtime is imported lazily so `--help` and a bad configuration never load it.
 */
export async function startChecked(
  c: Readonly<Config>,
  exit: (code: number) => never,
  opts: Pick<RuntimeOptions, 'onStandby'> = {},
): Promise<{ runtime: Runtime; checked: Preflight }> {
  try {
    const checked = await preflight(c);
    const { startRuntime } = await import('../runtime.ts');
    return { runtime: await startRuntime(c, opts), checked };
  } catch (err) {
    console.error(startupLine(err));
    return exit(2);
  }
}

/** One line for any error that stops the start (a StartupError names its key). */
export function startupLine(err: unknown): string {
  if (err instanceof StartupError) return err.line;
  const e = err as NodeJS.ErrnoException;
  return `start-up failed: ${e?.message ?? String(err)}${e?.code ? ` (${e.code})` : ''}`;
}

/** Printed when this start created the database file: loud, because a moved data folder looks the same. */
export function newDatabaseWarning(file: string): string {
  return [
    '',
    '  ┌─ NOTE ─────────────────────────────────────────────────────────────────────────────',
    `  │ A new, empty database was created: ${file}`,
    '  │ On a first start that is expected. If this server has run before, its data is not',
    '  │ where DATA_DIR / DATABASE_URL point now (working folder: ' + process.cwd() + ').',
    '  │ Stop the server and fix the setting before screens and users are added again.',
    '  └────────────────────────────────────────────────────────────────────────────────────',
  ].join('\n');
}
