/**
 * Notifications as one service (docs/notifications.md): owns the rule engine, the alert sources
 * and the outbox worker, and offers what the API and the settings page do with them (channels,
 * rules, mutes, test sends, the outbox). The runtime starts it with one call (`startNotifications`).
 */
import type { Db } from '../../db/client.ts';
import type { Writes } from '../../db/logs.ts';
import { logSummary } from '../../db/logs.ts';
import { auditStatement } from '../../db/audit.ts';
import type { IdAllocator } from '../../db/ids.ts';
import { listDeferred } from '../../db/notification-deferred.ts';
import {
  activeMutes,
  deleteChannelStatement,
  deleteRuleStatement,
  endMuteStatement,
  getChannel,
  insertChannelStatement,
  insertMuteStatement,
  insertRuleStatement,
  listChannels,
  listOpen,
  listOutbox,
  listRules,
  type Mute,
  type OutboxItem,
} from '../../db/notifications.ts';
import type { EventBus } from '../../lib/bus.ts';
import type { Clock } from '../../lib/clock.ts';
import { logger } from '../../lib/logger.ts';
import { Delivery } from './delivery.ts';
import { NotificationEngine, TICK_MS, type ScheduleState } from './engine.ts';
import { maskedTarget, type ChannelInput, type MuteInput, type RuleInput } from './inputs.ts';
import type { MailSender, SendResult } from './send.ts';
import { AlertSources, type ClientView } from './sources.ts';
import { auditWho, type AuditBy } from '../../domain/audit.ts';
import type { Channel, Rule } from '../../domain/notifications.ts';

const log = logger('notifications');
const LOG_CHECK_MS = 5 * 60_000; // ERROR/WARN threshold: a database read this often

export interface NotificationDeps {
  db: Db;
  /** The process's one id allocator (db/ids.ts): channels, rules and mutes take their ids here. */
  ids: Pick<IdAllocator, 'next'>;
  writer: Writes;
  clock: Clock;
  bus: EventBus;
  externalURL?: string;
  smtp?: { url?: string; from?: string };
  mail?: MailSender;
  schedule?: (groupId: number, at: number) => ScheduleState;
  client: (uuid: string) => ClientView | undefined;
  clients: () => Iterable<[string, ClientView]>;
  /** One delivery attempt's bound (ms). */
  timeoutMs?: number;
  /** Off in tests that drive `tick()` themselves. */
  timers?: boolean;
}

export class NotificationService {
  readonly engine: NotificationEngine;
  readonly delivery: Delivery;
  readonly sources: AlertSources;
  #d: NotificationDeps;
  #mutes: Mute[] = [];
  #logTimer: unknown = null;

  constructor(deps: NotificationDeps) {
    this.#d = deps;
    this.delivery = new Delivery({ db: deps.db, writer: deps.writer, clock: deps.clock, externalURL: deps.externalURL ?? '', smtp: { url: deps.smtp?.url, from: deps.smtp?.from ?? 'infoscreen-server@localhost' }, mail: deps.mail, timeoutMs: deps.timeoutMs });
    this.engine = new NotificationEngine({
      clock: deps.clock,
      send: (channelId, ruleId, notice, also) => this.delivery.enqueue(channelId, ruleId, notice, also),
      persist: (...s) => deps.writer.enqueue(...s),
      schedule: deps.schedule,
      mutedUntil: (uuid, groupId, at) => this.mutedUntil(uuid, groupId, at),
      client: (uuid) => deps.client(uuid),
    });
    this.sources = new AlertSources({ bus: deps.bus, engine: this.engine, client: deps.client, clients: deps.clients, logCounts: (since) => logSummary(deps.db, since), now: () => deps.clock.now() });
  }

  /** Loads rules, channels, mutes, the announced and the deferred alerts, then starts the timers. */
  async start(): Promise<void> {
    await this.reload();
    this.engine.restore(await listOpen(this.#d.db));
    this.engine.restoreDeferred(await listDeferred(this.#d.db));
    if (this.#d.timers === false) return;
    this.delivery.start();
    const loop = () => {
      this.sources.check();
      this.engine.tick();
      this.#logTimer = this.#d.clock.setTimeout(loop, TICK_MS);
    };
    this.#logTimer = this.#d.clock.setTimeout(loop, TICK_MS);
    const logs = () => {
      void this.sources.checkLogs().catch((err) => log.warn('log threshold check failed', err));
      this.#logsTimer = this.#d.clock.setTimeout(logs, LOG_CHECK_MS);
    };
    this.#logsTimer = this.#d.clock.setTimeout(logs, LOG_CHECK_MS);
  }
  #logsTimer: unknown = null;

  async stop(): Promise<void> {
    for (const t of [this.#logTimer, this.#logsTimer]) if (t !== null) this.#d.clock.clearTimeout(t);
    this.#logTimer = this.#logsTimer = null;
    this.sources.close();
    this.engine.stop();
    await this.delivery.stop();
  }

  /** Both sources and engine at once: what the timer does (tests on a simulated clock call it). */
  tick(): void {
    this.sources.check();
    this.engine.tick();
  }

  async reload(): Promise<void> {
    const [rules, channels, mutes] = await Promise.all([listRules(this.#d.db), listChannels(this.#d.db), activeMutes(this.#d.db, this.#d.clock.now())]);
    this.engine.setRules(rules, channels);
    this.#mutes = mutes;
  }

  mutedUntil(uuid: string | undefined, groupId: number | null | undefined, at: number): number | null {
    let until: number | null = null;
    for (const m of this.#mutes) {
      if (m.until <= at) continue;
      const hit = (m.targetType === 'client' && m.targetId === uuid) || (m.targetType === 'group' && groupId !== null && groupId !== undefined && m.targetId === String(groupId));
      if (hit) until = Math.max(until ?? 0, m.until);
    }
    return until;
  }

  // ── what the API and the page do ──────────────────────────────────────────────────────────

  channels(): Promise<Channel[]> {
    return listChannels(this.#d.db);
  }

  channel(id: number): Promise<Channel | undefined> {
    return getChannel(this.#d.db, id);
  }

  async addChannel(input: ChannelInput, by: AuditBy): Promise<number> {
    const { actor, address } = auditWho(by);
    const id = await this.#d.ids.next('notification_channels');
    const secret = input.type === 'email' ? { to: input.to, smtpUrl: input.smtpUrl } : { url: input.url };
    const target = maskedTarget(input.type, input);
    const now = this.#d.clock.now();
    await this.#d.writer.write(
      insertChannelStatement(id, { name: input.name, type: input.type, target, secret, language: input.language, rateCap: input.rateCap }, now),
      auditStatement({ actor, address, action: 'notifications.channel.create', target: String(id), detail: { name: input.name, type: input.type, target } }, now),
    );
    await this.reload();
    return id;
  }

  async deleteChannel(id: number, by: AuditBy): Promise<void> {
    const { actor, address } = auditWho(by);
    const now = this.#d.clock.now();
    await this.#d.writer.write(deleteChannelStatement(id), auditStatement({ actor, address, action: 'notifications.channel.delete', target: String(id) }, now));
    await this.reload();
  }

  test(channel: Channel): Promise<SendResult & { id: string }> {
    return this.delivery.test(channel);
  }

  rules(): Promise<Rule[]> {
    return listRules(this.#d.db);
  }

  async addRule(input: RuleInput, by: AuditBy): Promise<number> {
    const { actor, address } = auditWho(by);
    const id = await this.#d.ids.next('notification_rules');
    const now = this.#d.clock.now();
    await this.#d.writer.write(insertRuleStatement(id, input, now), auditStatement({ actor, address, action: 'notifications.rule.create', target: String(id), detail: { channelId: input.channelId } }, now));
    await this.reload();
    return id;
  }

  async deleteRule(id: number, by: AuditBy): Promise<void> {
    const { actor, address } = auditWho(by);
    await this.#d.writer.write(deleteRuleStatement(id), auditStatement({ actor, address, action: 'notifications.rule.delete', target: String(id) }, this.#d.clock.now()));
    await this.reload();
  }

  mutes(): Mute[] {
    const now = this.#d.clock.now();
    return this.#mutes.filter((m) => m.until > now);
  }

  /** A maintenance window: audited (who, what, until when, why). */
  async addMute(input: MuteInput, by: AuditBy): Promise<number> {
    const { actor, address } = auditWho(by);
    const id = await this.#d.ids.next('notification_mutes');
    const now = this.#d.clock.now();
    const mute: Mute = { id, targetType: input.targetType, targetId: input.targetId, until: Date.parse(input.until), reason: input.reason ?? null, createdBy: actor, createdAt: now };
    await this.#d.writer.write(
      insertMuteStatement(mute),
      auditStatement({ actor, address, action: 'notifications.mute', target: `${input.targetType}:${input.targetId}`, detail: { until: input.until, reason: input.reason ?? null } }, now),
    );
    await this.reload();
    return id;
  }

  async endMute(id: number, by: AuditBy): Promise<void> {
    const { actor, address } = auditWho(by);
    const now = this.#d.clock.now();
    await this.#d.writer.write(endMuteStatement(id, now), auditStatement({ actor, address, action: 'notifications.unmute', target: String(id) }, now));
    await this.reload();
  }

  async outbox(opts: { channelId?: number; limit: number }): Promise<OutboxItem[]> {
    await this.#d.writer.settled(); // deliveries queue their rows fire-and-forget: show those of a moment ago
    return listOutbox(this.#d.db, opts);
  }
}

/** The one wiring call of the runtime. */
export async function startNotifications(deps: NotificationDeps): Promise<NotificationService> {
  const service = new NotificationService(deps);
  await service.start();
  return service;
}
