/**
 * What the embedded broker knows about each device account, for revocation and the operator view
 * (`GET /api/broker`): its live connections, last connect / disconnect / auth
 * failure, and the messages dropped by the broker's own rules (ACL, rate). Bad payloads are counted
 * by DropCounter (broker/drops.ts); the route shows both.
 */
import type { Client } from 'aedes';

export const BROKER_DROP_REASONS = ['acl_denied', 'rate_limited', 'subscribe_denied', 'identity_mismatch', 'too_many_connections'] as const;
export type BrokerDropReason = (typeof BROKER_DROP_REASONS)[number];

export interface DeviceBrokerState {
  uuid: string;
  username: string;
  connections: number;
  lastConnectAt: number | null;
  lastDisconnectAt: number | null;
  lastAuthFailureAt: number | null;
  authFailures: number;
  dropped: Record<BrokerDropReason, number>;
}

export interface BrokerTotals {
  authFailures: number; // bad password, unknown user, anonymous refused, throttle refusals
  anonymousRefused: number;
  malformed: number; // connections closed for a protocol error (malformed CONNECT, garbage)
  disconnectedByServer: number; // revocation / rotation kicks
  dropped: Record<BrokerDropReason, number>;
}

const zero = (): Record<BrokerDropReason, number> => ({ acl_denied: 0, rate_limited: 0, subscribe_denied: 0, identity_mismatch: 0, too_many_connections: 0 });

export class DeviceRegistry {
  #devices = new Map<string, DeviceBrokerState>();
  #clients = new Map<string, Set<Client>>();
  #max: number;
  totals: BrokerTotals = { authFailures: 0, anonymousRefused: 0, malformed: 0, disconnectedByServer: 0, dropped: zero() };

  /** `maxDevices`: entries kept; only real (provisioned) accounts get one, so this is a safety net. */
  constructor(maxDevices = 100_000) {
    this.#max = maxDevices;
  }

  #entry(uuid: string, username: string): DeviceBrokerState {
    let d = this.#devices.get(uuid);
    if (!d) {
      if (this.#devices.size >= this.#max) this.#devices.delete(this.#devices.keys().next().value!);
      d = { uuid, username, connections: 0, lastConnectAt: null, lastDisconnectAt: null, lastAuthFailureAt: null, authFailures: 0, dropped: zero() };
      this.#devices.set(uuid, d);
    }
    return d;
  }

  connected(uuid: string, username: string, client: Client, at: number): void {
    const d = this.#entry(uuid, username);
    d.connections++;
    d.lastConnectAt = at;
    let set = this.#clients.get(uuid);
    if (!set) this.#clients.set(uuid, (set = new Set()));
    set.add(client);
  }

  disconnected(uuid: string, client: Client, at: number): void {
    const set = this.#clients.get(uuid);
    if (!set?.delete(client)) return;
    if (set.size === 0) this.#clients.delete(uuid);
    const d = this.#devices.get(uuid);
    if (d) {
      d.connections = Math.max(0, d.connections - 1);
      d.lastDisconnectAt = at;
    }
  }

  /** `device` is set when the username belonged to a provisioned device. */
  authFailed(device: { uuid: string; username: string } | null, at: number, anonymous = false): void {
    this.totals.authFailures++;
    if (anonymous) this.totals.anonymousRefused++;
    if (!device) return;
    const d = this.#entry(device.uuid, device.username);
    d.authFailures++;
    d.lastAuthFailureAt = at;
  }

  dropped(device: { uuid: string; username: string } | null, reason: BrokerDropReason): void {
    this.totals.dropped[reason]++;
    if (device) this.#entry(device.uuid, device.username).dropped[reason]++;
  }

  /** The live aedes clients of a device (normally one). */
  clientsOf(uuid: string): Client[] {
    return [...(this.#clients.get(uuid) ?? [])];
  }

  connectedDevices(): number {
    return this.#clients.size;
  }

  get(uuid: string): DeviceBrokerState | null {
    const d = this.#devices.get(uuid);
    return d ? { ...d, dropped: { ...d.dropped } } : null;
  }

  list(): DeviceBrokerState[] {
    return [...this.#devices.values()].map((d) => ({ ...d, dropped: { ...d.dropped } }));
  }
}
