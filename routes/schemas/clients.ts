/** Response schemas of `/api/clients` (routes/clients.ts, routes/client-json.ts). */
import { z } from 'zod';
import type { clientJson } from '../client-json.ts';
import { nullableTime, time, type Fits } from './common.ts';

const CAPTURE = z.enum(['periodic', 'event_start', 'event_stop']);

export const ClientJson = z
  .object({
    uuid: z.uuid(),
    description: z.string().nullable(),
    hostname: z.string().nullable(),
    ip: z.string().nullable(),
    hardware: z.record(z.string(), z.unknown()).nullable(),
    softwareVersion: z.string().nullable(),
    groupId: z.number().int().nullable(),
    isActive: z.boolean(),
    discovered: z.boolean(),
    createdAt: time.nullable(),
    discoveredAt: nullableTime,
    lastAlive: nullableTime,
    connectivity: z.enum(['unknown', 'online', 'offline']),
    processStatus: z.enum(['unknown', 'starting', 'running', 'crashed', 'stopped']),
    currentProcess: z.string().nullable(),
    processPid: z.number().int().nullable(),
    currentEventId: z.string().nullable(),
    expectedEventId: z.string().nullable(),
    screenHealthStatus: z.enum(['OK', 'BLACK', 'FROZEN', 'UNKNOWN']),
    lastFrameUpdate: nullableTime,
    serviceStatus: z.enum(['ok', 'failed']),
    serviceFailedAt: nullableTime,
    serviceFailedUnit: z.string().nullable(),
    mqttReconnectCount: z.number().int().nullable(),
    mqttLastDisconnectAt: nullableTime,
    mqttReconnectRoseAt: nullableTime,
    recoveryState: z.enum(['idle', 'restarting_app', 'rebooting', 'waiting_manual']),
    recoveryCommandId: z.string().nullable(),
    recoveryReason: z.enum(['process_crashed', 'heartbeat_stale']).nullable(),
    recoveryDeadline: nullableTime,
    latestScreenshotType: CAPTURE.nullable(),
    latestScreenshotAt: nullableTime,
    priorityScreenshotType: CAPTURE.nullable(),
    priorityScreenshotAt: nullableTime,
    status: z.enum(['healthy', 'warning', 'critical', 'offline']),
    statusReasons: z.array(z.string()),
  })
  .describe('A screen: its live model');
export type _ClientFits = Fits<typeof ClientJson, ReturnType<typeof clientJson>>;

export const ClientList = z.array(ClientJson).describe('Every screen');
