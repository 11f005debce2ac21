/** The start-up banner both entry points print: where the dashboard is, and the first admin login. */
import type { Runtime } from '../runtime.ts';

export function announce(runtime: Runtime, url: string): void {
  const { broker, initialAdmin, config } = runtime;
  const lines = [
    `infoscreen-server listening on ${url}`,
    `  dashboard: ${url}/   health: ${url}/health`,
    broker.embeddedPort !== null
      ? `  MQTT: embedded broker on mqtt://127.0.0.1:${broker.embeddedPort} (loopback only)`
      : `  MQTT: external broker ${broker.url}`,
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
