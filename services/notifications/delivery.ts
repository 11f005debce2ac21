/**
 * The outbox worker (docs/notifications.md "Delivery"): sends what the rules put into
 * `notification_outbox`, never on the ingest path. An attempt is counted in the database before
 * the request leaves, the outcome after it; failures retry with back-off until MAX_ATTEMPTS. A
 * crash between the two leaves the row `sending`, which is due again after a restart: the
 * receiver then sees the same Idempotency-Key (the outbox id) and can drop the repeat.
 * One channel's items go out one after another (order kept); channels run side by side.
 */
import type { InStatement } from '@libsql/client';
import type { Db } from '../../db/client.ts';
import type { Writes } from '../../db/logs.ts';
import { attemptStatement, channelSecret, dueOutbox, getChannel, insertOutboxStatement, outcomeStatement, type OutboxItem } from '../../db/notifications.ts';
import type { Clock } from '../../lib/clock.ts';
import { logger } from '../../lib/logger.ts';
import { outsideRequest } from '../../lib/log-context.ts';
import { render } from './render.ts';
import { nodemailerSender, sendHttp, sendMail, type MailSender, type SendResult } from './send.ts';
import { sendError } from './send-errors.ts';
import type { Channel, Notice } from '../../domain/notifications.ts';

const log = logger('notifications');

/** Waits between attempts (ms): 10 s, 30 s, 2 min, 10 min, 30 min, 1 h; then the item has failed. */
export const BACKOFF_MS = [10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];
export const MAX_ATTEMPTS = BACKOFF_MS.length + 1;
const POLL_MS = 2_000; // look for due items this often (and at once when something is queued)
const BATCH = 50;
const STOP_WAIT_MS = 1_000; // shutdown waits this long for attempts under way

export interface DeliveryDeps {
  db: Db;
  writer: Writes;
  clock: Clock;
  /** PUBLIC_URL: links in messages. */
  externalURL: string;
  smtp: { url?: string; from: string };
  mail?: MailSender;
  newId?: () => string;
  /** One attempt's bound (ms; default SEND_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** An attempt's result for GET /metrics: sent, failed (retried later) or given up (no retry left). */
export type AttemptResult = 'sent' | 'retry' | 'failed';

export class Delivery {
  /** Attempts so far by `channelType|result` (GET /metrics, docs/operations.md "Metrics"). */
  readonly attempts = new Map<string, number>();
  #d: DeliveryDeps;
  #timer: unknown = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(deps: DeliveryDeps) {
    this.#d = deps;
  }

  start(): void {
    this.#stopped = false;
    this.#arm(0);
  }

  stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) this.#d.clock.clearTimeout(this.#timer);
    this.#timer = null;
    // A hanging receiver must not hold up shutdown: an attempt cut short stays `sending` and is due
    // again after the restart (same Idempotency-Key).
    if (!this.#running) return Promise.resolve();
    let t: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([this.#running, new Promise<void>((r) => (t = setTimeout(r, STOP_WAIT_MS)))]).finally(() => clearTimeout(t));
  }

  /**
   * Queues a notice (a write through the one writer) and looks for due work soon after. `also`
   * goes into the same write (a digest clears its deferred rows with it: sent once, never twice).
   */
  enqueue(channelId: number, ruleId: number | null, notice: Notice, also: InStatement[] = []): string {
    const id = this.#d.newId?.() ?? crypto.randomUUID();
    this.#d.writer.enqueue(insertOutboxStatement({ id, channelId, ruleId, notice, at: this.#d.clock.now() }), ...also);
    this.kick();
    return id;
  }

  /** Something was queued: run soon (after the writer's next flush has stored it). */
  kick(): void {
    if (!this.#stopped && this.#timer !== null) this.#arm(0);
  }

  /** One pass over the due items; resolves when they were all attempted. Tests call it directly. */
  runOnce(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#pass()
      .catch((err) => log.warn('outbox pass failed', err))
      .finally(() => {
        this.#running = null;
        if (this.#again && !this.#stopped) {
          this.#again = false;
          void this.runOnce();
        }
      });
    return this.#running;
  }

  /** `POST /api/notifications/channels/{id}/test`: one attempt now, listed in the outbox like any delivery. */
  async test(channel: Channel): Promise<SendResult & { id: string }> {
    const now = this.#d.clock.now();
    const id = this.#d.newId?.() ?? crypto.randomUUID();
    await this.#d.writer.write(insertOutboxStatement({ id, channelId: channel.id, ruleId: null, notice: { kind: 'test', alerts: [], at: now }, at: now }), attemptStatement(id));
    const result = await this.#send(channel, { id, notice: { kind: 'test', alerts: [], at: now } });
    this.#count(channel.type, result.ok ? 'sent' : 'failed');
    await this.#d.writer.write(outcomeStatement(id, { status: result.ok ? 'sent' : 'failed', error: result.error, httpStatus: result.status, latencyMs: result.latencyMs, sentAt: result.ok ? this.#d.clock.now() : undefined }));
    return { ...result, id };
  }

  #arm(ms: number): void {
    if (this.#timer !== null) this.#d.clock.clearTimeout(this.#timer);
    // Armed outside the request that may have kicked it: the loop's lines carry no stale request id.
    this.#timer = outsideRequest(() => this.#d.clock.setTimeout(() => {
      this.#timer = null;
      void this.runOnce().finally(() => {
        if (!this.#stopped && this.#timer === null) this.#arm(POLL_MS);
      });
    }, ms));
  }

  async #pass(): Promise<void> {
    // Notices are queued fire-and-forget (enqueue above): the strict barrier stores those of a moment
    // ago before we look, and while the store fails the pass stops here rather than send.
    await this.#d.writer.write();
    const due = await dueOutbox(this.#d.db, this.#d.clock.now(), BATCH);
    const byChannel = new Map<number, OutboxItem[]>();
    for (const item of due) (byChannel.get(item.channelId) ?? byChannel.set(item.channelId, []).get(item.channelId)!).push(item);
    await Promise.all(
      [...byChannel].map(async ([channelId, items]) => {
        const channel = await getChannel(this.#d.db, channelId);
        for (const item of items) if (!this.#stopped) await this.#attempt(channel, item);
      }),
    );
  }

  async #attempt(channel: Channel | undefined, item: OutboxItem): Promise<void> {
    const w = this.#d.writer;
    await w.write(attemptStatement(item.id)); // counted before the request leaves (docs/notifications.md "Exactly once")
    const attempts = item.attempts + 1;
    const result: SendResult = channel && channel.enabled ? await this.#send(channel, item) : { ok: false, status: null, latencyMs: 0, error: sendError('disabled') };
    const now = this.#d.clock.now();
    if (result.ok) {
      if (channel) this.#count(channel.type, 'sent');
      await w.write(outcomeStatement(item.id, { status: 'sent', error: null, httpStatus: result.status, latencyMs: result.latencyMs, sentAt: now }));
    } else {
      const last = attempts >= MAX_ATTEMPTS || item.kind === 'test';
      if (channel) this.#count(channel.type, last ? 'failed' : 'retry');
      log.warn(`delivery ${item.id} to channel ${item.channelId} failed (attempt ${attempts}): ${result.error}`);
      await w.write(outcomeStatement(item.id, { status: last ? 'failed' : 'pending', nextAt: last ? undefined : now + BACKOFF_MS[attempts - 1], error: result.error, httpStatus: result.status, latencyMs: result.latencyMs }));
    }
  }

  #count(type: string, result: AttemptResult): void {
    const key = `${type}|${result}`;
    this.attempts.set(key, (this.attempts.get(key) ?? 0) + 1);
  }

  async #send(channel: Channel, item: Pick<OutboxItem, 'id' | 'notice'>): Promise<SendResult> {
    const secret = await channelSecret(this.#d.db, channel.id);
    const rendered = render(channel.type, item.notice, { channelName: channel.name, lang: channel.language, externalURL: this.#d.externalURL });
    if (rendered.kind === 'http') {
      if (!secret?.url) return { ok: false, status: null, latencyMs: 0, error: sendError('no_url') };
      return sendHttp(secret.url, rendered, item.id, this.#d.timeoutMs);
    }
    const smtpUrl = secret?.smtpUrl || this.#d.smtp.url;
    if (!smtpUrl) return { ok: false, status: null, latencyMs: 0, error: sendError('smtp_unconfigured') };
    return sendMail(this.#d.mail ?? nodemailerSender, { smtpUrl, from: this.#d.smtp.from, to: secret?.to ?? '' }, rendered, this.#d.timeoutMs);
  }
}
