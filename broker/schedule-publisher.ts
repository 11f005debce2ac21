/**
 * The scheduler's side of MQTT (docs/mqtt.md "Server → client", docs/scheduler.md): retained QoS 1 event
 * lists on `infoscreen/events/{group_id}` and power intents on
 * `infoscreen/groups/{group_id}/power/intent`; an empty retained payload clears both when a group
 * is deleted. Publishing resolves true once the broker confirmed it (PUBACK), false when it failed
 * (broker down or no PUBACK in time: the caller publishes again later), never rejects.
 */
import type { Publisher } from './publisher.ts';
import { topics as allTopics } from './topics.ts';
import { logger, rateLimiter } from '../lib/logger.ts';

const log = logger('schedule-publisher');
const RETAINED = { qos: 1, retain: true } as const;

export interface ScheduleTopics {
  events(groupId: number): string;
  powerIntent(groupId: number): string;
}

export class SchedulePublisher {
  #failLog = rateLimiter(60_000);

  constructor(
    private readonly publisher: Publisher,
    private readonly topics: ScheduleTopics = allTopics,
  ) {}

  get connected(): boolean {
    return this.publisher.connected;
  }

  /** The group's active events (a JSON array, `[]` when none). */
  events(groupId: number, payload: string): Promise<boolean> {
    return this.#publish(this.topics.events(groupId), payload);
  }

  /** The group's power intent (JSON object of docs/scheduler.md). */
  intent(groupId: number, payload: string): Promise<boolean> {
    return this.#publish(this.topics.powerIntent(groupId), payload);
  }

  /** Clears both retained topics of a deleted group. */
  async clear(groupId: number): Promise<boolean> {
    const [a, b] = await Promise.all([this.#publish(this.topics.events(groupId), ''), this.#publish(this.topics.powerIntent(groupId), '')]);
    return a && b;
  }

  async #publish(topic: string, payload: string): Promise<boolean> {
    try {
      await this.publisher.publish(topic, payload, RETAINED);
      return true;
    } catch (err) {
      if (this.#failLog(topic)) log.warn(`publish to ${topic} failed (retried later): ${(err as Error).message}`);
      return false;
    }
  }
}
