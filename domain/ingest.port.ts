/**
 * What MQTT ingestion hands to the domain. `broker/` parses topics and validates payloads, then
 * calls exactly one of these with typed values; it never touches the database or actors directly.
 * The runtime implements this port with the Fleet (actors/fleet.ts).
 */
import type { CaptureType, ClientEvent, LogLevel } from './client.types.ts';

export interface DiscoveryInfo {
  hostname: string | null;
  ip: string | null;
  hardware: Record<string, unknown> | null;
  softwareVersion: string | null;
}

export interface LogEntry {
  level: LogLevel;
  timestamp: number; // the client's timestamp, epoch ms (naive taken as UTC)
  message: string;
  context: unknown; // JSON value or null
  /** The timestamp is the device's own (not the server's arrival time): the row gets a dedup key. */
  deviceStamped?: boolean;
}

export interface Screenshot {
  jpeg: Uint8Array;
  captureType: CaptureType;
  capturedAt: number | null; // client's capture time if it sent one
  metadata: Record<string, unknown>; // everything of the payload but the image bytes
}

export interface CommandAck {
  commandId: string;
  status: 'accepted' | 'execution_started' | 'completed' | 'failed';
  errorCode: string | null;
  errorMessage: string | null;
}

export interface IngestPort {
  /** Create or update the client; answers the group id for the discovery_ack. */
  discovery(uuid: string, info: DiscoveryInfo, at: number): { groupId: number | null };
  /** Heartbeat, health, service_failed: creates the client (not yet discovered) when unknown. */
  clientEvent(uuid: string, event: ClientEvent): void;
  log(uuid: string, entry: LogEntry, at: number): void;
  screenshot(uuid: string, shot: Screenshot, at: number): Promise<void>;
  commandAck(uuid: string, ack: CommandAck, at: number): void;
}
