/**
 * What both entry points (start.node.ts, start.deno.ts) share: reading the configuration, and the
 * start-up banner (where the dashboard is, and the first admin login).
 */
import { ConfigError, loadConfig, type Config } from '../config.ts';
import type { Runtime } from '../runtime.ts';
import { configureLogging } from '../lib/logger.ts';

/** The configuration from the environment (LOG_LEVEL applied); a bad one prints every bad key and exits with 2. */
export function configOrExit(env: Record<string, string | undefined>, exit: (code: number) => never): Readonly<Config> {
  try {
    const config = loadConfig(env);
    configureLogging({ level: config.LOG_LEVEL });
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      // One line per bad key, each naming it.
      for (const problem of err.problems) console.error(`config error: ${problem}`);
      return exit(2);
    }
    throw err;
  }
}

/** A listening address as a browser should open it (a wildcard bind is reached as localhost). */
export function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
}

export function announce(runtime: Runtime, url: string): void {
  const { broker, initialAdmin, config } = runtime;
  const lines = [
    `infoscreen-server listening on ${url}`,
    `  dashboard: ${url}/   health: ${url}/health`,
    broker.embeddedPort !== null ? embeddedLine(runtime) : `  MQTT: external broker ${broker.url}`,
    `  database: ${config.DATABASE_URL}   clients restored: ${runtime.supervisor.size} in ${runtime.restoreMs.toFixed(0)} ms`,
  ];
  if (initialAdmin) {
    lines.push(
      '',
      '  First start: a superadmin account was created.',
      `    username: ${initialAdmin.username}`,
      `    password: ${initialAdmin.password}`,
      '  This password is shown only once. Log in and change it.',
    );
  }
  console.log(lines.join('\n'));
}

/** Where devices connect, and whether they must authenticate (anonymous access announced loudly). */
function embeddedLine(runtime: Runtime): string {
  const e = runtime.brokerSide.embedded!;
  const tls = e.tlsPort !== null ? `, mqtts://${e.host}:${e.tlsPort}` : '';
  const access = runtime.config.MQTT_ALLOW_ANONYMOUS
    ? 'ANONYMOUS ACCESS ON (development only, loopback only)'
    : 'device accounts + ACL enforced; provision with `npm run provision -- <uuid>`';
  return `  MQTT: embedded broker on mqtt://${e.host}:${e.port}${tls} (${access})`;
}
