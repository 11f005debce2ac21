/** Response schemas of the command routes (routes/commands.ts, routes/command-json.ts; docs/commands.md "Status API"). */
import { z } from 'zod';
import { LIVE_STATES, TERMINAL_STATES } from '../../domain/command.types.ts';
import type { CommandJson as CommandJsonType } from '../command-json.ts';
import { nullableTime, Outcome, type Fits } from './common.ts';

export const CommandJson = z.object({
  commandId: z.string(),
  clientUuid: z.uuid(),
  action: z.enum(['reboot_host', 'shutdown_host', 'restart_app']),
  status: z.enum([...LIVE_STATES, ...TERMINAL_STATES]),
  reason: z.string().nullable(),
  requestedBy: z.number().int().nullable(),
  issuedAt: nullableTime,
  expiresAt: nullableTime,
  publishedAt: nullableTime,
  ackedAt: nullableTime,
  executionStartedAt: nullableTime,
  completedAt: nullableTime,
  failedAt: nullableTime,
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  createdAt: nullableTime,
  updatedAt: nullableTime,
});
export type _CommandFits = Fits<typeof CommandJson, CommandJsonType>;

/** What issuing and canceling answer: the outcome and the command as it stands. */
export const CommandOutcome = Outcome.extend({ command: CommandJson }).describe('The outcome and the command');

export const CommandPage = z
  .object({ commands: z.array(CommandJson), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .describe('One page of commands, newest first');
