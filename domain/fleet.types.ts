/**
 * The domain facade the routes and the broker see (implemented by actors/fleet.ts): reads come
 * from the live actors, writes go to them and through the batched writer and the publisher.
 */
import type { ClientRecord, ClientStatus } from './client.types.ts';
import type { IngestPort } from './ingest.port.ts';

export interface FleetCounts {
  total: number;
  online: number;
  healthy: number;
  warning: number;
  critical: number;
  offline: number;
}

export interface ClientUpdate {
  description?: string | null;
  groupId?: number | null; // null unassigns
}

export interface FleetApi extends IngestPort {
  readonly graceSeconds: number;
  /** Every client's live record (derived status included), sorted by uuid. */
  list(): ClientRecord[];
  get(uuid: string): ClientRecord | undefined;
  counts(): FleetCounts;
  /** Number of live client actors. */
  size(): number;
  /** Updates description/group; a group change republishes the retained group_id. */
  updateClient(uuid: string, update: ClientUpdate): Promise<ClientRecord | undefined>;
  /** Bulk group assignment; answers how many clients were updated (unknown uuids skipped). */
  assignGroup(uuids: string[], groupId: number | null): Promise<number>;
  /** Removes the actor, its logs, commands and credentials; clears its retained topics. */
  deleteClient(uuid: string): Promise<boolean>;
  /** Operator acknowledgement: service back to ok, retained notice cleared with an empty payload. */
  clearServiceFailed(uuid: string): Promise<boolean>;
  /** Whether most of the fleet went quiet together (docs/clients.md "Fleet view": Outage); absent = never. */
  outageSuspected?(): boolean;
  /** Fleet status of one client by derived status, for filters. */
  byStatus(status: ClientStatus): ClientRecord[];
}
