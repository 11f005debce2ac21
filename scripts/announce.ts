/** The start-up banner both entry points print: where the dashboard is, and the first admin login. */
import type { Runtime } from '../runtime.ts';

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

/** Where devices connect, and whether they must authenticate (issue 3: anonymous access announced loudly). */
function embeddedLine(runtime: Runtime): string {
  const e = runtime.brokerSide.embedded!;
  const tls = e.tlsPort !== null ? `, mqtts://${e.host}:${e.tlsPort}` : '';
  const access = runtime.config.MQTT_ALLOW_ANONYMOUS
    ? 'ANONYMOUS ACCESS ON (development only, loopback only)'
    : 'device accounts + ACL enforced; provision with `npm run provision -- <uuid>`';
  return `  MQTT: embedded broker on mqtt://${e.host}:${e.port}${tls} (${access})`;
}
