/**
 * Shared by the broker tests (and usable by the fleet simulator): the payload examples of
 * docs/mqtt.md "Client → server", copied field for field, plus a recording IngestPort.
 */
import type { ClientEvent } from '../domain/client.types.ts';
import type { CommandAck, DiscoveryInfo, IngestPort, LogEntry, Screenshot } from '../domain/ingest.port.ts';

export const UUID = '9b8d1856-ff34-4864-a726-12de072d0f77';

/** The smallest JPEG-looking bytes: SOI, APP0 marker start, EOI. */
export const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
export const JPEG_B64 = btoa(String.fromCharCode(...JPEG));

export const examples = {
  discovery: {
    uuid: UUID,
    hostname: 'infoscreen-42',
    ip: '192.168.1.42',
    software_version: '2.4.1',
    hardware: { model: 'Raspberry Pi 5', ram_mb: 8192 },
    hw_serial: '10000000abcdef',
  },
  heartbeat: {
    uuid: UUID,
    timestamp: '2026-04-05T08:00:00.000000+00:00',
    current_process: 'display_manager',
    process_pid: 1234,
    process_status: 'running',
    current_event_id: 42,
  },
  health: {
    timestamp: '2026-04-05T08:00:00.000000+00:00',
    expected_state: { event_id: 42 },
    actual_state: { process: 'display_manager', pid: 1234, status: 'running' },
    health_metrics: { screen_status: 'OK', last_frame_update: '2026-04-05T07:59:58Z' },
    broker_connection: { broker_reachable: true, reconnect_count: 2, last_disconnect_at: '2026-04-04T10:30:00Z' },
  },
  log: { timestamp: '2026-04-05T08:00:01Z', message: 'Process vlc crashed', context: { event_id: 42, restart_attempt: 1 } },
  serviceFailed: { event: 'service_failed', unit: 'infoscreen-display.service', client_uuid: UUID, failed_at: '2026-04-05T07:58:00Z' },
  ack: { command_id: '5d1f8b4b-7e85-44fb-8f38-3f5d5da5e2e4', status: 'failed', error_code: 'execution_failed', error_message: 'systemctl exited 1' },
  dashboard: {
    message: { client_id: UUID, status: 'alive' },
    content: { screenshot: { data: JPEG_B64, timestamp: '2026-04-05T08:00:00Z', width: 1920, height: 1080 } },
    runtime: { system_info: { hostname: 'infoscreen-42' } },
    metadata: { schema_version: '2.0', capture: { type: 'event_start' } },
  },
  screenshot: { image: JPEG_B64, timestamp: '2026-04-05T08:00:00', screenshot_type: 'periodic' },
} as const;

export type Call =
  | { m: 'discovery'; uuid: string; info: DiscoveryInfo; at: number }
  | { m: 'clientEvent'; uuid: string; event: ClientEvent }
  | { m: 'log'; uuid: string; entry: LogEntry; at: number }
  | { m: 'screenshot'; uuid: string; shot: Screenshot; at: number }
  | { m: 'commandAck'; uuid: string; ack: CommandAck; at: number };

/** An IngestPort that records every call; `groupIds` answers discovery, `fail` makes calls throw. */
export class RecordingPort implements IngestPort {
  calls: Call[] = [];
  groupIds = new Map<string, number>();
  fail: string | null = null;
  #waiters: Array<() => void> = [];

  #push(c: Call): void {
    if (this.fail) throw new Error(this.fail);
    this.calls.push(c);
    for (const w of this.#waiters.splice(0)) w();
  }

  discovery(uuid: string, info: DiscoveryInfo, at: number) {
    this.#push({ m: 'discovery', uuid, info, at });
    return { groupId: this.groupIds.get(uuid) ?? null };
  }
  clientEvent(uuid: string, event: ClientEvent) {
    this.#push({ m: 'clientEvent', uuid, event });
  }
  log(uuid: string, entry: LogEntry, at: number) {
    this.#push({ m: 'log', uuid, entry, at });
  }
  async screenshot(uuid: string, shot: Screenshot, at: number) {
    this.#push({ m: 'screenshot', uuid, shot, at });
  }
  commandAck(uuid: string, ack: CommandAck, at: number) {
    this.#push({ m: 'commandAck', uuid, ack, at });
  }

  /** Resolves once `n` calls were recorded (rejects after `ms`). */
  async waitFor(n: number, ms = 3000): Promise<Call[]> {
    const deadline = Date.now() + ms;
    while (this.calls.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} port calls, got ${this.calls.length}: ${JSON.stringify(this.calls.map((c) => c.m))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.calls;
  }
}
