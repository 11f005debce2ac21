/** Response schemas of `GET /api/status` and `GET /api/alerts` (routes/status.ts, routes/alerts.ts; docs/users.md). */
import { z } from 'zod';
import type { alertJson } from '../alerts.ts';
import { nullableTime, time, type Fits } from './common.ts';

const SEVERITY = z.enum(['info', 'warning', 'critical']);

export const AlertJson = z.object({
  id: z.string(),
  kind: z.string(),
  severity: SEVERITY,
  message: z.string(),
  clientUuid: z.string().nullable(),
  clientName: z.string().nullable(),
  commandId: z.string().nullable(),
  params: z.record(z.string(), z.string()),
  count: z.number().int(),
  firstAt: nullableTime,
  lastAt: nullableTime,
  acknowledgedAt: nullableTime,
  acknowledgedBy: z.number().int().nullable(),
});
export type _AlertFits = Fits<typeof AlertJson, ReturnType<typeof alertJson>>;

export const AlertPage = z
  .object({ alerts: z.array(AlertJson), total: z.number().int(), open: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .describe('One page of alerts, newest occurrence first; `open` counts every unacknowledged alert');

const recentEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('client-status'), at: time, clientUuid: z.string(), status: z.string(), previous: z.string().nullable(), reasons: z.array(z.string()) }),
  z.object({ type: z.literal('command'), at: time, clientUuid: z.string(), commandId: z.string(), action: z.string(), status: z.string(), error: z.string().nullable() }),
  z.object({ type: z.literal('alert'), at: time, clientUuid: z.string().nullable(), kind: z.string(), severity: z.string(), message: z.string() }),
]);

const count = z.number().int().min(0);

export const StatusJson = z
  .object({
    timestamp: time,
    status: z.enum(['ok', 'degraded', 'error']),
    reasons: z.array(z.string()),
    uptimeSeconds: z.number().int(),
    uptime: z.string(),
    clients: z.object({ total: count, online: count, healthy: count, warning: count, critical: count, offline: count, outageSuspected: z.boolean() }),
    system: z.object({
      database: z.object({ ok: z.boolean(), readable: z.boolean().optional(), writable: z.boolean().optional(), reason: z.string().nullable().optional() }),
      broker: z.object({ connected: z.boolean() }),
      actors: z.object({ clients: count, commands: count }),
    }),
    metrics: z.object({ windowMinutes: count, messages: count, commands: count, errors: count }).nullable(),
    alerts: z.object({ open: count.nullable() }),
    recentAlerts: z.array(AlertJson),
    recentEvents: z.array(recentEvent),
  })
  .describe('The system and the fleet in one snapshot');
