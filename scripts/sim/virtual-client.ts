/**
 * One simulated infoscreen device speaking the frozen MQTT contract (docs/mqtt.md) and the client side of
 * the command lifecycle (docs/commands.md): discovery at boot, heartbeat ~65 s, health ~5 s, logs,
 * dashboard screenshots, retained service_failed, and validated, de-duplicated, acked commands.
 * Used by scripts/simulate-fleet.ts, tests and benchmarks. Intervals divide by `speed`, except the
 * reboot silence, which the server measures in real seconds (docs/commands.md "States").
 */
import mqtt, { type MqttClient } from 'mqtt';
import { checkCommand, type Command } from './command-check.ts';
import * as P from './payloads.ts';
import { between, jitter, pick, rng as seeded } from './rng.ts';

export type Profile = 'healthy' | 'flaky' | 'crashing' | 'service_failed' | 'black_screen';
export const PROFILES: readonly Profile[] = ['healthy', 'flaky', 'crashing', 'service_failed', 'black_screen'];

/** Counters shared by a whole simulated fleet. */
export interface SimStats {
  published: Record<string, number>; // by kind: discovery, heartbeat, health, log, dashboard, service_failed, ack
  commands: number;
  duplicates: number; // second copies (alias topic) and replays, dropped without an ack
  rejected: number; // acked `failed` by validation or expiry
  reconnects: number;
  publishErrors: number;
}
export const newStats = (): SimStats => ({ published: {}, commands: 0, duplicates: 0, rejected: 0, reconnects: 0, publishErrors: 0 });

export interface VirtualClientOptions {
  uuid: string;
  profile?: Profile;
  /** Own mqtt.js connection to this broker URL (MQTT 3.1.1 unless `protocolVersion: 5`)… */
  url?: string;
  username?: string;
  password?: string;
  protocolVersion?: 4 | 5;
  /** …or publish through one connection shared by many clients; its owner routes their messages to `handleMessage`. */
  shared?: MqttClient;
  speed?: number; // 2 = every interval halved
  rng?: () => number;
  stats?: SimStats;
  rebootSilenceMs?: [number, number]; // default 10–20 s, real time
  startDelayMs?: number; // spreads a big fleet's boot
  onEvent?: (uuid: string, msg: string) => void; // command handling, for --verbose and tests
}

// Base intervals at speed 1, in ms (docs/mqtt.md: heartbeat about every 65 s, health about every 5 s).
const BASE = {
  heartbeat: 65_000, health: 5_000, screenshot: 60_000, info: 30_000, warn: 300_000, error: 1_800_000,
  eventChange: 600_000, flakyEvery: 120_000, flakyDown: [5_000, 20_000], crashEvery: 180_000, crashed: 20_000,
  starting: 5_000, serviceFailAfter: 45_000, serviceDown: 120_000, ackStep: 500, appRestart: 3_000,
} as const;

const INFO = ['Event started', 'Playlist advanced', 'Display refreshed', 'Schedule synchronised', 'Content cache hit'];
const WARN = ['Content download slow', 'Clock drift above 2 s', 'Retrying media fetch', 'High CPU temperature'];
const ERROR = ['Media file could not be decoded', 'Failed to fetch event content', 'Unexpected player exit'];
const PROCS = [['vlc', 'video'], ['chromium', 'website'], ['impressive', 'presentation']] as const;

export class VirtualClient {
  readonly uuid: string;
  readonly profile: Profile;
  readonly state: P.DeviceState;
  private readonly o: VirtualClientOptions;
  private readonly r: () => number;
  private readonly stats: SimStats;
  private readonly speed: number;
  private conn: MqttClient | null = null;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private seen = new Set<string>(); // command ids, newest last (bounded)
  private down = false; // host off / network gone: publish nothing, ignore commands
  private off = false; // shut down for good (shutdown_host)
  private stopped = false;
  private booted = false;
  private shot = 0;
  groupId: number | null = null;

  constructor(opts: VirtualClientOptions) {
    this.o = opts;
    this.uuid = opts.uuid;
    this.profile = opts.profile ?? 'healthy';
    this.r = opts.rng ?? seeded(parseInt(opts.uuid.slice(0, 8), 16));
    this.stats = opts.stats ?? newStats();
    this.speed = opts.speed ?? 1;
    const [process] = pick(this.r, PROCS);
    this.state = {
      uuid: opts.uuid,
      hostname: `infoscreen-${opts.uuid.slice(0, 8)}`,
      ip: `10.${Math.floor(this.r() * 250)}.${Math.floor(this.r() * 250)}.${2 + Math.floor(this.r() * 250)}`,
      softwareVersion: pick(this.r, ['2.4.1', '2.4.2', '2.5.0']),
      process,
      pid: 1000 + Math.floor(this.r() * 30000),
      status: 'running',
      eventId: this.r() < 0.2 ? null : 1 + Math.floor(this.r() * 40),
      screen: this.profile === 'black_screen' ? 'BLACK' : 'OK',
      lastFrameAt: Date.now(),
      reconnectCount: 0,
      lastDisconnectAt: null,
      style: pick(this.r, ['python', 'python', 'z', 'naive'] as const),
    };
    if (!opts.url && !opts.shared) throw new Error('VirtualClient needs `url` or `shared`');
  }

  /** Connect (own mode), announce, and start the periodic publishing of this profile. */
  async start(): Promise<void> {
    if (this.o.startDelayMs) await new Promise((r) => this.after(this.o.startDelayMs!, () => r(undefined)));
    if (this.stopped) return;
    if (this.o.url) await this.connect();
    this.booted = true;
    this.boot();
    this.schedule();
  }

  /** Stop every timer and close the own connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.disconnect(false);
  }

  get online(): boolean {
    return this.booted && !this.down && !this.off && !this.stopped;
  }

  /** Messages for this client: commands (both topics), discovery_ack, group_id. */
  handleMessage(topic: string, payload: Uint8Array): void {
    if (!this.online) return;
    if (topic.endsWith('/commands') || topic.endsWith('/command')) this.onCommand(payload);
    else if (topic.endsWith('/group_id')) {
      const text = new TextDecoder().decode(payload);
      this.groupId = text === '' ? null : Number(JSON.parse(text));
    }
  }

  // ---- publishing -------------------------------------------------------------------------

  private pub(kind: string, topic: string, body: unknown, qos: 0 | 1, retain = false) {
    const c = this.conn ?? this.o.shared;
    if (!c || !this.online) return;
    c.publish(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos, retain }, (err) => {
      if (err) this.stats.publishErrors++;
    });
    this.stats.published[kind] = (this.stats.published[kind] ?? 0) + 1;
  }

  private t = (leaf: string) => `infoscreen/${this.uuid}/${leaf}`;
  publishDiscovery = () => this.pub('discovery', 'infoscreen/discovery', P.discoveryPayload(this.state), 1);
  publishHeartbeat = () => this.pub('heartbeat', this.t('heartbeat'), P.heartbeatPayload(this.state, Date.now()), 1);
  publishHealth = () => {
    if (this.state.screen === 'OK' && this.state.status === 'running') this.state.lastFrameAt = Date.now();
    this.pub('health', this.t('health'), P.healthPayload(this.state, Date.now()), 0);
  };
  publishLog = (level: 'info' | 'warn' | 'error', message: string, context: Record<string, unknown> = {}) =>
    this.pub('log', this.t(`logs/${level}`), P.logPayload(this.state, Date.now(), message, context), level === 'info' ? 0 : 1);
  publishServiceFailed = () => this.pub('service_failed', this.t('service_failed'), P.serviceFailedPayload(this.state, Date.now()), 1, true);
  publishScreenshot = (type: P.CaptureType = 'periodic') => {
    const black = this.state.screen === 'BLACK';
    const jpeg = black ? P.BLACK_JPEG : P.jpegWithComment(P.FRAME_JPEG, `${this.uuid} #${++this.shot}`);
    this.pub('dashboard', this.t('dashboard'), P.dashboardPayload(this.state, Date.now(), jpeg, type), 0);
  };
  private ack(id: string, status: P.AckStatus, code: string | null = null, msg: string | null = null) {
    const body = JSON.stringify(P.ackPayload(id, status, code, msg));
    // docs/mqtt.md: acks go on the canonical topic and the compat alias.
    this.pub('ack', this.t('commands/ack'), body, 1);
    this.pub('ack', this.t('command/ack'), body, 1);
    this.o.onEvent?.(this.uuid, `ack ${status}${code ? ` ${code}` : ''} ${id}`);
  }

  // ---- lifecycle --------------------------------------------------------------------------

  private boot() {
    this.publishDiscovery();
    this.publishHeartbeat();
    this.publishHealth();
    this.publishScreenshot('event_start');
    this.publishLog('info', 'Client started', { version: this.state.softwareVersion });
  }

  private schedule() {
    const s = (ms: number) => this.scaled(ms);
    this.every(s(BASE.heartbeat), this.publishHeartbeat, 0.05);
    this.every(s(BASE.health), this.publishHealth, 0.1);
    this.every(s(BASE.screenshot), () => this.publishScreenshot(), 0.1);
    this.every(s(BASE.info), () => this.publishLog('info', pick(this.r, INFO), { event_id: this.state.eventId }), 0.8);
    this.every(s(BASE.warn), () => this.publishLog('warn', pick(this.r, WARN)), 0.8);
    this.every(s(BASE.error), () => this.publishLog('error', pick(this.r, ERROR), { process: this.state.process }), 0.8);
    this.every(s(BASE.eventChange), () => this.changeEvent(), 0.5);
    if (this.profile === 'flaky') this.every(s(BASE.flakyEvery), () => this.dropNetwork(), 0.5);
    if (this.profile === 'crashing') this.every(s(BASE.crashEvery), () => this.crash(), 0.5);
    if (this.profile === 'service_failed') this.after(jitter(this.r, s(BASE.serviceFailAfter), 0.5), () => this.serviceFail());
    if (this.profile === 'black_screen') this.every(s(BASE.warn) / 2, () => this.publishLog('warn', 'Screen appears black', { screen: 'BLACK' }), 0.5);
  }

  private changeEvent() {
    this.publishScreenshot('event_stop');
    const [process] = pick(this.r, PROCS);
    Object.assign(this.state, { process, pid: this.state.pid + 7, eventId: 1 + Math.floor(this.r() * 40) });
    this.publishScreenshot('event_start');
  }

  /** crashing profile: the player dies, the watchdog reports it, then restarts it (docs/mqtt.md health). */
  private crash() {
    if (this.state.status !== 'running') return;
    this.state.status = 'crashed';
    this.publishLog('error', `Process ${this.state.process} crashed or stopped`, { event_id: this.state.eventId, process: this.state.process });
    this.publishHealth();
    this.after(this.scaled(BASE.crashed), () => {
      this.state.status = 'starting';
      this.publishLog('warn', 'Attempting restart (1/3)');
      this.publishHealth();
      this.after(this.scaled(BASE.starting), () => {
        Object.assign(this.state, { status: 'running', pid: this.state.pid + 13 });
        this.publishHealth();
      });
    });
  }

  /** flaky profile: the network drops without a DISCONNECT; the client counts the reconnect. */
  private dropNetwork() {
    if (!this.online) return;
    const downMs = between(this.r, BASE.flakyDown[0], BASE.flakyDown[1]) / this.speed;
    void this.goDown(downMs, true, () => {
      this.state.reconnectCount++;
      this.state.lastDisconnectAt = Date.now() - downMs;
      this.stats.reconnects++;
      this.publishHeartbeat();
      this.publishHealth();
    });
  }

  /** service_failed profile: systemd gave up; the OnFailure unit publishes the retained notice, the app is gone for a while. */
  private serviceFail() {
    this.publishServiceFailed();
    void this.goDown(this.scaled(BASE.serviceDown), false, () => this.boot());
  }

  /** Go silent for `ms`, then come back and run `back` (own mode: really close and reopen the connection). */
  private async goDown(ms: number, unclean: boolean, back: () => void) {
    this.down = true;
    await this.disconnect(unclean);
    this.after(ms, async () => {
      if (this.off || this.stopped) return;
      try {
        if (this.o.url) await this.connect();
      } catch {
        this.after(2000, () => void this.goDown(0, false, back)); // broker unreachable: keep trying
        return;
      }
      this.down = false;
      back();
    });
  }

  // ---- commands (docs/commands.md, client side) ------------------------------------------------

  private onCommand(payload: Uint8Array) {
    const res = checkCommand(payload, this.uuid, Date.now());
    const id = res.ok ? res.command.command_id : res.commandId;
    if (id !== null) {
      // The server sends identical bytes on `commands` and `command`: never act on an id twice.
      if (this.seen.has(id)) {
        this.stats.duplicates++;
        return;
      }
      this.seen.add(id);
      if (this.seen.size > 500) this.seen.delete(this.seen.values().next().value!);
    }
    this.stats.commands++;
    if (!res.ok) {
      this.stats.rejected++;
      this.o.onEvent?.(this.uuid, `rejected command: ${res.code} ${res.message}`);
      if (res.commandId) this.ack(res.commandId, 'failed', res.code, res.message);
      return;
    }
    this.o.onEvent?.(this.uuid, `command ${res.command.action} ${res.command.command_id}`);
    this.ack(res.command.command_id, 'accepted');
    this.after(this.scaled(BASE.ackStep), () => {
      this.ack(res.command.command_id, 'execution_started');
      this.execute(res.command);
    });
  }

  private execute(cmd: Command) {
    const id = cmd.command_id;
    if (cmd.action === 'restart_app') {
      this.state.status = 'starting';
      this.publishHealth();
      this.after(this.scaled(BASE.appRestart), () => {
        Object.assign(this.state, { status: 'running', pid: this.state.pid + 1 });
        this.publishHealth();
        this.ack(id, 'completed');
      });
    } else if (cmd.action === 'reboot_host') {
      const [lo, hi] = this.o.rebootSilenceMs ?? [10_000, 20_000];
      void this.goDown(between(this.r, lo, hi), false, () => {
        Object.assign(this.state, { status: 'running', pid: 1000 + Math.floor(this.r() * 30000), reconnectCount: 0 });
        this.boot();
        this.ack(id, 'completed');
      });
    } else {
      // shutdown_host: confirm, then power off for the rest of the run.
      this.ack(id, 'completed');
      this.off = true;
      void this.disconnect(false);
    }
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private async connect(): Promise<void> {
    const conn = await mqtt.connectAsync(this.o.url!, {
      clientId: `sim-${this.uuid}`,
      username: this.o.username,
      password: this.o.password,
      protocolVersion: this.o.protocolVersion ?? 4,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
    });
    // Never two connections per device, and none after stop() (an open socket would hang a test run).
    await this.disconnect(false);
    if (this.stopped || this.off) {
      await conn.endAsync(true);
      throw new Error('client stopped while connecting');
    }
    this.conn = conn;
    conn.on('message', (topic, payload) => this.handleMessage(topic, payload));
    conn.on('connect', () => {
      // Any later CONNACK is mqtt.js reconnecting after the broker went away (health broker_connection).
      this.stats.reconnects++;
      this.state.reconnectCount++;
    });
    conn.on('offline', () => (this.state.lastDisconnectAt = Date.now()));
    conn.on('error', () => {}); // reconnects on its own; a listener keeps mqtt.js from throwing
    // ACL (docs/mqtt.md): a device may subscribe to exactly its own topics.
    await conn.subscribeAsync([this.t('commands'), this.t('command'), this.t('discovery_ack'), this.t('group_id')], { qos: 1 });
  }

  private async disconnect(unclean: boolean) {
    const c = this.conn;
    this.conn = null;
    if (!c) return;
    if (unclean) (c as unknown as { stream?: { destroy(): void } }).stream?.destroy();
    await c.endAsync(unclean).catch(() => {});
  }

  private scaled(ms: number): number {
    return ms / this.speed;
  }

  private after(ms: number, fn: () => void) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  private every(ms: number, fn: () => void, spread: number) {
    const loop = () => this.after(jitter(this.r, ms, spread), () => (fn(), loop()));
    loop();
  }
}
