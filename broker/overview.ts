/**
 * The operator view of the broker (`GET /api/broker`): mode, listeners, limits, the
 * connected-device count, and per device its account state, connection times, last auth failure
 * and dropped-message counters (the broker's own drops from DeviceRegistry plus bad input from
 * DropCounter). In external mode the broker's internals are unknown: those fields are null.
 */
import type { DeviceCredential } from '../db/credentials.ts';
import { iso } from '../lib/time.ts';
import type { DropCounter, DropReason, DropSnapshot } from './drops.ts';
import { BROKER_DROP_REASONS, type BrokerDropReason, type BrokerTotals, type DeviceBrokerState } from './device-registry.ts';
import type { MosquittoSyncStatus } from './mosquitto-files.ts';
import type { BrokerSecurity } from './security.ts';

export interface OverviewQuery {
  uuid?: string; // one device only
  limit?: number; // devices per page (default 500, max 10,000)
  offset?: number;
}

export interface BrokerOverviewInput {
  mode: 'embedded' | 'external';
  url: string;
  anonymousAllowed: boolean | null;
  listeners: { mqtt: string; tls: string | null } | null;
  limits: { publishRate: number; publishBurst: number; maxPayloadBytes: number };
  serverConnected: boolean;
  security: BrokerSecurity | null;
  drops: DropCounter;
  mosquitto: MosquittoSyncStatus | null;
  credentials: DeviceCredential[];
  now: number;
}

export interface DeviceOverview {
  uuid: string;
  username: string;
  account: 'active' | 'revoked' | 'none';
  connected: boolean | null; // null: external broker (unknown here)
  connections: number | null;
  lastConnectAt: string | null;
  lastDisconnectAt: string | null;
  lastAuthFailureAt: string | null;
  authFailures: number | null;
  dropped: Partial<Record<BrokerDropReason | DropReason, number>> & { total: number };
}

export interface BrokerOverview {
  mode: 'embedded' | 'external';
  url: string;
  serverConnected: boolean;
  anonymousAllowed: boolean | null;
  listeners: { mqtt: string; tls: string | null } | null;
  limits: BrokerOverviewInput['limits'];
  connectedDevices: number | null;
  provisionedDevices: number;
  totals: (BrokerTotals & { throttledAddresses: number; delayedAuthAttempts: number; refusedAuthAttempts: number }) | null;
  badInput: DropSnapshot;
  mosquitto: (Omit<MosquittoSyncStatus, 'lastWrittenAt' | 'lastReloadAt'> & { lastWrittenAt: string | null; lastReloadAt: string | null }) | null;
  devices: DeviceOverview[];
  deviceCount: number; // before paging
}

export function brokerOverview(i: BrokerOverviewInput, q: OverviewQuery = {}): BrokerOverview {
  const registry = i.security?.registry ?? null;
  const live = new Map<string, DeviceBrokerState>((registry?.list() ?? []).map((s) => [s.uuid, s]));
  const byUuid = new Map<string, { uuid: string; username: string; account: DeviceOverview['account'] }>();
  for (const c of i.credentials) byUuid.set(c.uuid, { uuid: c.uuid, username: c.username, account: c.passwordHash ? 'active' : 'revoked' });
  for (const s of live.values()) if (!byUuid.has(s.uuid)) byUuid.set(s.uuid, { uuid: s.uuid, username: s.username, account: 'none' });

  let rows = [...byUuid.values()].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : a.uuid < b.uuid ? -1 : 1));
  if (q.uuid) rows = rows.filter((r) => r.uuid === q.uuid);
  const offset = Math.max(0, q.offset ?? 0);
  const limit = Math.min(Math.max(q.limit ?? 500, 1), 10_000);

  const devices = rows.slice(offset, offset + limit).map((r): DeviceOverview => {
    const s = live.get(r.uuid);
    const bad = i.drops.forClient(r.uuid);
    const dropped: DeviceOverview['dropped'] = { total: 0 };
    for (const reason of BROKER_DROP_REASONS) if (s?.dropped[reason]) dropped[reason] = s.dropped[reason];
    if (bad) for (const [reason, n] of Object.entries(bad.byReason)) if (n) dropped[reason as DropReason] = n;
    dropped.total = Object.entries(dropped).reduce((sum, [k, n]) => (k === 'total' ? sum : sum + (n ?? 0)), 0);
    return {
      ...r,
      connected: registry ? (s?.connections ?? 0) > 0 : null,
      connections: registry ? (s?.connections ?? 0) : null,
      lastConnectAt: iso(s?.lastConnectAt),
      lastDisconnectAt: iso(s?.lastDisconnectAt),
      lastAuthFailureAt: iso(s?.lastAuthFailureAt),
      authFailures: registry ? (s?.authFailures ?? 0) : null,
      dropped,
    };
  });

  const throttle = i.security?.throttle;
  return {
    mode: i.mode,
    url: i.url,
    serverConnected: i.serverConnected,
    anonymousAllowed: i.anonymousAllowed,
    listeners: i.listeners,
    limits: i.limits,
    connectedDevices: registry ? registry.connectedDevices() : null,
    provisionedDevices: i.credentials.filter((c) => c.passwordHash).length,
    totals: registry
      ? {
          ...registry.totals,
          dropped: { ...registry.totals.dropped },
          throttledAddresses: throttle!.penalised(i.now),
          delayedAuthAttempts: throttle!.delayed,
          refusedAuthAttempts: throttle!.refused,
        }
      : null,
    badInput: i.drops.snapshot(),
    mosquitto: i.mosquitto ? { ...i.mosquitto, lastWrittenAt: iso(i.mosquitto.lastWrittenAt), lastReloadAt: iso(i.mosquitto.lastReloadAt) } : null,
    devices,
    deviceCount: rows.length,
  };
}
