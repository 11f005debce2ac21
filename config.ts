/**
 * Configuration: one zod schema for every environment variable, read once at start-up.
 * Everything else receives values from the frozen `Config` object, never from `process.env`.
 */
import { z } from 'zod';
import { isTimeZone } from './lib/schedule/zone.ts';
import { REBOOT_LOCKOUT } from './domain/policies.ts';
import { parseCidr, type Cidr } from './lib/cidr.ts';

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : v === 'true' || v === '1' || v === 'yes'));

const int = (def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer between ${min} and ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** Like `int`, but unset stays undefined (a feature that is off unless configured). */
const optInt = (min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer between ${min} and ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** Stage names of docs/commands.md "Timers" (domain/command.types.ts CommandTimers). */
const COMMAND_TIMER_KEYS = [
  'queued', 'publish', 'ack', 'executionStartRestartApp', 'executionStartHost', 'silence',
  'rebootShutdown', 'reconnect', 'recoveredComplete', 'executionComplete', 'escalation',
] as const;
const commandTimerMap = z.partialRecord(z.enum(COMMAND_TIMER_KEYS), z.int().min(50).max(3_600_000));

/** A JSON object `{stage: milliseconds}`; unset stages keep the defaults of docs/commands.md. */
const commandTimers = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return {};
    let raw: unknown;
    try {
      raw = JSON.parse(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of stage → milliseconds, e.g. {"ack":20000}' });
      return z.NEVER;
    }
    const parsed = commandTimerMap.safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
      ctx.addIssue({ code: 'custom', message: `${why} (stages: ${COMMAND_TIMER_KEYS.join(', ')}; 50–3600000 ms)` });
      return z.NEVER;
    }
    return parsed.data;
  });

const str = (def?: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : v));

/** Comma-separated addresses or CIDR ranges (`none`: an empty list); each bad entry named. */
const cidrList = (def: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx): Cidr[] => {
      const text = v === undefined || v.trim() === '' ? def : v.trim();
      if (text.toLowerCase() === 'none') return [];
      const out: Cidr[] = [];
      for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
        try {
          out.push(parseCidr(part));
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: `${(err as Error).message} (e.g. 127.0.0.1/8,::1/128,10.0.0.0/8, or none)` });
          return z.NEVER;
        }
      }
      return out;
    });

/** The environment, key by key. Defaults carry their unit in the comment. */
export const envSchema = z.object({
  ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: str('127.0.0.1'), // dashboard listen address; 0.0.0.0 to reach it from phones on the LAN
  PORT: int(8080, 0, 65535), // dashboard / API port
  DATA_DIR: str('data'), // screenshots, generated secrets
  DATABASE_URL: str(), // file:…, :memory:, libsql://…, http(s)://…, ws(s)://…; unset: file:<DATA_DIR>/infoscreen.db
  DATABASE_AUTH_TOKEN: str(),

  MQTT_BROKER_HOST: str(), // unset: start the embedded broker
  MQTT_BROKER_PORT: int(1883, 1, 65535),
  MQTT_USER: str(),
  MQTT_PASSWORD: str(),
  MQTT_CLIENT_ID: str(), // default: infoscreen-server-<random>
  MQTT_KEEPALIVE: int(60, 5, 3600), // seconds
  MQTT_PROTOCOL_VERSION: z.enum(['4', '5']).default('4').transform(Number),
  MQTT_TLS_ENABLED: bool(false),
  MQTT_TLS_CA_CERT: str(),
  MQTT_TLS_CERTFILE: str(),
  MQTT_TLS_KEYFILE: str(),
  MQTT_TLS_INSECURE: bool(false),
  MQTT_EMBEDDED_PORT: int(1883, 0, 65535), // 0 = any free port (tests)
  MQTT_MAX_PAYLOAD_BYTES: int(1_048_576, 1024, 16_777_216), // bytes; larger payloads are dropped and counted
  // Broker security (docs/mqtt.md "Who may publish and subscribe").
  MQTT_ALLOW_ANONYMOUS: bool(false), // development only; refused with ENV=production
  MQTT_EMBEDDED_HOST: str('127.0.0.1'), // beyond loopback only while anonymous access is off
  MQTT_EMBEDDED_TLS_PORT: optInt(0, 65535), // unset: no TLS listener; 0 = any free port
  MQTT_EMBEDDED_TLS_CERT: str(), // PEM certificate (chain) for the TLS listener
  MQTT_EMBEDDED_TLS_KEY: str(), // PEM private key for the TLS listener
  MQTT_PUBLISH_RATE: int(20, 1, 100_000), // messages per second per device account (all its connections together), sustained; excess dropped
  MQTT_PUBLISH_BURST: int(1000, 1, 1_000_000), // messages a device account may send at once (a reconnect flushes its backlog)
  MQTT_MAX_CONNECTIONS_PER_DEVICE: int(2, 1, 100), // concurrent connections of one device account; more are refused (CONNACK 5)
  MOSQUITTO_CONFIG_DIR: str(), // set: regenerate Mosquitto's password and ACL files here on every change
  MOSQUITTO_PID_FILE: str(), // set: SIGHUP this Mosquitto after regenerating (reloads the files)

  HEARTBEAT_GRACE_PERIOD_DEV: int(180, 5, 86_400), // seconds
  HEARTBEAT_GRACE_PERIOD_PROD: int(170, 5, 86_400), // seconds
  LOG_RETENTION_DAYS: int(90, 1, 3650), // days
  PRIORITY_SCREENSHOT_TTL_SECONDS: int(120, 1, 86_400), // seconds
  SCREENSHOT_HISTORY: int(20, 1, 1000), // timestamped screenshots kept per client

  DEFAULT_SUPERADMIN_USERNAME: str('superadmin'),
  DEFAULT_SUPERADMIN_PASSWORD: str(), // unset: a random one is generated and printed once
  SESSION_TTL_HOURS: int(12, 1, 24 * 90), // hours
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'), // auto: Secure when the request came over https
  API_TOKEN_MAX_DAYS: int(365, 1, 3650), // days: the longest expiry an API token may get (docs/http.md "API tokens")
  API_TOKEN_RATE: int(10, 1, 10_000), // requests per second per API token, sustained; past it 429 + Retry-After
  API_TOKEN_BURST: int(60, 1, 100_000), // requests one API token may send at once
  AUDIT_RETENTION_DAYS: int(365, 1, 36_500), // days the audit log keeps an entry
  TRUST_PROXY: bool(false), // true: behind a reverse proxy, the client address is X-Forwarded-For's last entry, the proxy's own (login limits)

  // Server-sent-event streams (docs/reliability.md "Live streams under load"); past a bound: 429.
  STREAM_MAX_PER_SESSION: int(8, 1, 10_000), // open streams of one session (browser)
  STREAM_MAX_PER_USER: int(24, 1, 100_000), // open streams of one user, all sessions together
  STREAM_MAX_TOTAL: int(1000, 1, 1_000_000), // open streams of this server
  STREAM_STALL_SECONDS: int(30, 1, 3600), // seconds: a reader whose write stays unfinished this long is dropped

  POLL_INTERVAL_SECONDS: int(30, 1, 3600), // seconds: command expiry sweep (and scheduler poll)
  COMMAND_EXPIRY_SECONDS: int(240, 180, 360), // seconds from issued_at to expires_at (docs/commands.md)
  COMMAND_TIMERS: commandTimers, // JSON {stage: ms} overriding docs/commands.md "Timers", e.g. {"ack":20000}
  CRASH_RECOVERY_ENABLED: bool(false),
  CRASH_RECOVERY_GRACE_SECONDS: int(180, 10, 86_400), // seconds: heartbeat older than this = candidate
  CRASH_RECOVERY_LOCKOUT_MINUTES: int(REBOOT_LOCKOUT.windowMinutes, 1, 1440), // minutes (15): reboot-kind lockout window
  CRASH_RECOVERY_COMMAND_EXPIRY_SECONDS: int(240, 180, 360), // seconds: expiry of recovery commands

  PUBLIC_URL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(v.trim())) {
        ctx.addIssue({ code: 'custom', message: `must be an http(s) URL like https://screens.example.org, got "${v}"` });
        return z.NEVER;
      }
      return v.trim().replace(/\/+$/, '');
    }), // absolute dashboard URL for links that leave the browser (label QR codes); unset: the request's origin

  // Notifications (docs/notifications.md): the mail server of e-mail channels (smtp://user:pass@host:587, smtps://…).
  SMTP_URL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      if (!/^smtps?:\/\/[^/\s]+/.test(v.trim())) {
        ctx.addIssue({ code: 'custom', message: 'must be smtp://user:password@host:port or smtps://…' }); // (never echo the value: it holds a password)
        return z.NEVER;
      }
      return v.trim();
    }),
  SMTP_FROM: str('infoscreen-server@localhost'), // sender address of notification mails

  // Scheduling (docs/scheduler.md). POLL_INTERVAL_SECONDS above is also the scheduler's poll.
  SCHEDULE_TIMEZONE: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const tz = v === undefined || v.trim() === '' ? 'Europe/Vienna' : v.trim();
      if (!isTimeZone(tz)) {
        ctx.addIssue({ code: 'custom', message: `must be an IANA time zone like Europe/Vienna or UTC, got "${v}"` });
        return z.NEVER;
      }
      return tz;
    }), // default zone of new events; recurrences expand in their event's zone
  EVENTS_WINDOW_DAYS: int(7, 2, 366), // days of occurrences the scheduler keeps expanded ahead
  REFRESH_SECONDS: int(0, 0, 86_400), // seconds: also republish unchanged event lists this often; 0 = only on change
  POWER_INTENT_PUBLISH_ENABLED: bool(false), // publish the retained TV power intent per group
  POWER_INTENT_HEARTBEAT_ENABLED: bool(true), // republish an unchanged intent every poll (same intent_id)
  POWER_INTENT_EXPIRY_MULTIPLIER: int(3, 1, 100), // expires_at = issued_at + max(this × poll interval, …
  POWER_INTENT_MIN_EXPIRY_SECONDS: int(90, 1, 86_400), // … this) seconds

  // Media library and presentation conversion (docs/media.md).
  MEDIA_MAX_UPLOAD_MB: int(1024, 1, 102_400), // MiB: larger uploads are refused (413)
  MEDIA_ALLOWED_TYPES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined; // every type the library knows
      const list = v.split(',').map((x) => x.trim().toLowerCase().replace(/^\./, '')).filter(Boolean);
      if (!list.length || list.some((x) => !/^[a-z0-9]{1,10}$/.test(x))) {
        ctx.addIssue({ code: 'custom', message: `must be file extensions separated by commas, e.g. mp4,pdf,pptx, got "${v}"` });
        return z.NEVER;
      }
      return list;
    }), // extensions accepted by uploads (others: 415)
  MEDIA_URL_RENEW_SECONDS: int(21_600, 60, 2_592_000), // seconds: signed stream URLs change this often and stay valid twice as long
  MEDIA_URL_SECRET: str(), // HMAC key of signed URLs; unset: generated once into DATA_DIR/media-url-secret
  CONVERSION_TIMEOUT_SECONDS: int(180, 5, 3600), // seconds: a conversion running longer is killed and failed
  CONVERSION_CONCURRENCY: int(1, 1, 8), // conversions at the same time
  SOFFICE_PATH: str('soffice'), // LibreOffice (Debian libreoffice-impress)
  FFPROBE_PATH: str('ffprobe'), // ffprobe (Debian ffmpeg)

  // Actor inspector (docs/inspector.md): `stately` also forwards every inspection event to
  // Stately's inspector through the optional @statelyai/inspect (relay on port 8091; development only).
  INSPECT: z
    .enum(['off', 'stately', ''])
    .optional()
    .transform((v) => (v === 'stately' ? 'stately' : 'off')),
  // Scheduled backups of a file database (docs/operations.md "Scheduled backups"); unset BACKUP_DIR: none.
  BACKUP_DIR: str(), // folder of infoscreen-<UTC time>.db copies; must exist (or lie inside DATA_DIR)
  BACKUP_INTERVAL_HOURS: int(24, 1, 8760), // hours between backups
  BACKUP_KEEP: int(7, 1, 1000), // newest backups kept; older ones in BACKUP_DIR are deleted
  WRITE_FLUSH_MS: int(200, 10, 10_000), // ms between batched database writes
  WRITE_THREAD: bool(true), // a file database's writes run on a thread of their own (docs/architecture.md "One writer")

  // Operations (docs/operations.md): log lines, and who may read GET /metrics without a session.
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? 'info' : v)),
  METRICS_ALLOW_FROM: cidrList('127.0.0.1/8,::1/128'), // comma-separated addresses / CIDR ranges; `none` = no address (admin session only)
  // High availability (docs/high-availability.md): a second server waits as a standby and takes over.
  HIGH_AVAILABILITY: bool(false), // false: a second server on the same database is refused
  LEASE_SECONDS: optInt(1, 300), // seconds: instance lease; unset: 10 with HIGH_AVAILABILITY, else 30
  FRESHNESS_WRITE_SECONDS: int(30, 1, 3600), // seconds: last_alive alone is persisted at most this often
});

export type Env = z.input<typeof envSchema>;
type Parsed = z.output<typeof envSchema>;

export interface Config extends Parsed {
  /** Grace period for the environment in force, in seconds. */
  heartbeatGraceSeconds: number;
  isProduction: boolean;
  embeddedBroker: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse an environment map into a frozen Config; throws one ConfigError naming every bad key. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const known: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) known[key] = env[key];
  const result = envSchema.safeParse(known);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(problems);
  }
  const c = result.data;
  const problems: string[] = [];
  if (c.MQTT_TLS_ENABLED && !c.MQTT_BROKER_HOST) problems.push('MQTT_TLS_ENABLED: needs MQTT_BROKER_HOST (TLS applies to an external broker)');
  if ((c.MQTT_USER === undefined) !== (c.MQTT_PASSWORD === undefined)) problems.push('MQTT_USER/MQTT_PASSWORD: set both or neither');
  if (c.MQTT_USER?.startsWith('infoscreen-client-')) problems.push('MQTT_USER: "infoscreen-client-…" names are device accounts (docs/mqtt.md)');
  if (c.MQTT_ALLOW_ANONYMOUS && c.ENV === 'production')
    problems.push('MQTT_ALLOW_ANONYMOUS: refused with ENV=production (anonymous broker access is for local development only)');
  if (c.MQTT_ALLOW_ANONYMOUS && !isLoopback(c.MQTT_EMBEDDED_HOST!))
    problems.push('MQTT_EMBEDDED_HOST: with MQTT_ALLOW_ANONYMOUS the embedded broker stays on loopback (127.0.0.1)');
  if (c.MQTT_EMBEDDED_TLS_PORT !== undefined && (!c.MQTT_EMBEDDED_TLS_CERT || !c.MQTT_EMBEDDED_TLS_KEY))
    problems.push('MQTT_EMBEDDED_TLS_PORT: needs MQTT_EMBEDDED_TLS_CERT and MQTT_EMBEDDED_TLS_KEY');
  // The database lives in the data folder unless it is put elsewhere explicitly.
  c.DATABASE_URL ??= `file:${c.DATA_DIR!.replace(/\/+$/, '')}/infoscreen.db`;
  const url = c.DATABASE_URL;
  if (url !== ':memory:' && !/^(file|libsql|https?|wss?):/i.test(url))
    problems.push(`DATABASE_URL: "${url}" is not a libSQL URL (file:…, libsql://…, http(s)://…, ws(s)://…)`);
  if (c.BACKUP_DIR !== undefined && !/^file:/i.test(url))
    problems.push('BACKUP_DIR: scheduled backups copy a file database (DATABASE_URL=file:…); back up a libSQL server with its own tools (docs/operations.md)');
  for (const key of ['HOST', 'MQTT_EMBEDDED_HOST'] as const) {
    const host = c[key]!;
    if (!isHostname(host)) problems.push(`${key}: "${host}" is not an IP address or host name`);
  }
  if (c.DEFAULT_SUPERADMIN_PASSWORD !== undefined && c.DEFAULT_SUPERADMIN_PASSWORD.length < MIN_ADMIN_PASSWORD)
    problems.push(`DEFAULT_SUPERADMIN_PASSWORD: at least ${MIN_ADMIN_PASSWORD} characters (or leave it unset: one is generated)`);
  if (c.MEDIA_URL_RENEW_SECONDS < 2 * c.POLL_INTERVAL_SECONDS)
    problems.push('MEDIA_URL_RENEW_SECONDS: at least twice POLL_INTERVAL_SECONDS (the scheduler renews signed URLs at a poll)');
  if (problems.length) throw new ConfigError(problems);
  const isProduction = c.ENV === 'production';
  return Object.freeze({
    ...c,
    heartbeatGraceSeconds: isProduction ? c.HEARTBEAT_GRACE_PERIOD_PROD : c.HEARTBEAT_GRACE_PERIOD_DEV,
    isProduction,
    embeddedBroker: !c.MQTT_BROKER_HOST,
  });
}

/** The dashboard's own minimum password length (lib/password.ts MIN_PASSWORD). */
const MIN_ADMIN_PASSWORD = 8;

/** An IPv4/IPv6 address or a DNS name (whether it is one of this machine's is checked at start). */
function isHostname(host: string): boolean {
  if (/^[0-9.]+$/.test(host)) return /^(\d{1,3})(\.\d{1,3}){3}$/.test(host) && host.split('.').every((p) => Number(p) <= 255);
  if (host.includes(':')) return /^[0-9a-f:.]+$/i.test(host.replace(/^\[|\]$/g, ''));
  return /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
