/**
 * Remote commands over HTTP (docs/commands.md "Actions and API mapping", "Status API"; docs/http.md endpoint
 * table), admin only, mounted at `/api`:
 *   POST /clients/{uuid}/restart | restart_app | shutdown   {reason?}  → 202 / 404 / 429 / 500
 *   GET  /clients/commands/{id}              one command (the live actor's record, else the database)
 *   POST /clients/commands/{id}/cancel       200, or 409 once execution started / settled, 404
 *   GET  /clients/{uuid}/commands            that client's history, newest first, paged
 *   GET  /commands?status=&action=&client=&since=&limit=&offset=   the audit list
 * Reads of stored commands wait for `writer.settled()`: the registry writes transitions fire-and-forget
 * and lets a command go once it settled, so its last row may still be queued.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { LIVE_STATES, TERMINAL_STATES, isTerminal, type CommandAction, type CommandRecord } from '../domain/command.types.ts';
import type { CommandRegistry } from '../actors/commands.ts';
import { getCommand, listCommands } from '../db/commands.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { intQuery, invalidBody, timeQuery, toIssues, validate } from './validate.ts';
import { findClient, isUuid } from './client-json.ts';
import { commandJson } from './command-json.ts';
import type { RouteDeps } from './deps.ts';
import { audit } from './audit-record.ts';
import { apiDoc } from './openapi/describe.ts';
import { CommandJson, CommandOutcome, CommandPage } from './schemas/commands.ts';

const doc = apiDoc('Commands');

/** What the routes need of the registry (actors/commands.ts). */
export type CommandsApi = Pick<CommandRegistry, 'issue' | 'settledPublish' | 'get' | 'cancel'>;

const PATHS: Record<string, CommandAction> = { restart: 'reboot_host', restart_app: 'restart_app', shutdown: 'shutdown_host' };

export const reasonField = z.string().trim().max(2000);
const issueBody = z.object({ reason: reasonField.nullable().optional() });
/** Answered once the broker confirmed the publish (docs/commands.md "Status API"). */
const ISSUE = {
  status: 202,
  body: { schema: issueBody, required: false },
  also: { 429: CommandOutcome.describe('Blocked by the safety lockout'), 500: CommandOutcome.describe('The publish failed') },
};

const pageQuery = { limit: intQuery(50, 1, 500), offset: intQuery(0, 0, 1_000_000_000) };
const auditQuery = z.object({
  status: z.enum([...LIVE_STATES, ...TERMINAL_STATES]).optional(),
  action: z.enum(['reboot_host', 'restart_app', 'shutdown_host']).optional(),
  client: z.string().refine(isUuid, 'must be a lower-case UUID').optional(),
  since: timeQuery(),
  ...pageQuery,
});

/**
 * The body is optional here (docs/commands.md: `{"reason": string|null}` optional): an empty body is
 * `{}`; a present one must be JSON. Answers the parsed body or the 400/415 response.
 */
async function optionalJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S> | Response> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== '') {
    if (!/^application\/([\w.-]+\+)?json$/i.test((c.req.header('content-type') ?? '').split(';')[0].trim()))
      return c.json({ error: 'expected Content-Type: application/json' }, 415);
    value = JSON.parse(text); // malformed JSON was already answered 400 by app.ts
  }
  const parsed = await schema.safeParseAsync(value);
  return parsed.success ? parsed.data : invalidBody(c, toIssues(parsed.error.issues));
}

export function commandsRoutes(deps: RouteDeps & { commands: CommandsApi }) {
  const { commands, fleet, db, writer } = deps;
  const app = new Hono<AppEnv>();
  const admin = requireRole('admin');

  /** The live record, else the persisted one (after the writer caught up). */
  const current = async (id: string): Promise<CommandRecord | undefined> => {
    const live = commands.get(id);
    if (live) return live;
    await writer.settled();
    return getCommand(db, id);
  };
  const knownClient = (raw: string) => {
    const r = findClient(fleet, raw);
    if (!r) throw new HTTPException(404, { message: 'client not found' });
    return r.uuid;
  };

  // Static paths before the `/:uuid` ones.
  app.get('/clients/commands/:id', doc('One command', CommandJson), admin, async (c) => {
    const r = await current(c.req.param('id'));
    if (!r) throw new HTTPException(404, { message: 'command not found' });
    return c.json(commandJson(r));
  });

  app.post('/clients/commands/:id/cancel', doc('Cancel a command that has not started executing', CommandOutcome, { also: { 409: CommandOutcome } }), admin, async (c) => {
    const id = c.req.param('id');
    const live = commands.get(id);
    if (!live) {
      const stored = await current(id);
      if (!stored) throw new HTTPException(404, { message: 'command not found' });
      return c.json({ success: false, message: `command already ${stored.status}: nothing to cancel`, command: commandJson(stored) }, 409);
    }
    const after = commands.cancel(id, c.var.user!.id) ?? live;
    if (after.status === 'canceled') await audit(c, deps, 'commands.cancel', id, { client: after.clientUuid, action: after.action });
    if (after.status === 'canceled') return c.json({ success: true, message: 'command canceled', command: commandJson(after) });
    const message = `command is ${after.status}: only a command that has not started executing can be canceled`;
    return c.json({ success: false, message, command: commandJson(after) }, 409);
  });

  for (const [path, action] of Object.entries(PATHS)) {
    app.post(`/clients/:uuid/${path}`, doc(`Send ${action} to a screen`, CommandOutcome, ISSUE), admin, async (c) => {
      const uuid = knownClient(c.req.param('uuid'));
      const body = await optionalJson(c, issueBody);
      if (body instanceof Response) return body;
      const reason = body.reason ? body.reason : null;
      const { command, blocked } = commands.issue({ uuid, action, reason, requestedBy: c.var.user!.id });
      await audit(c, deps, `commands.${action}`, uuid, { commandId: command.commandId, reason, ...(blocked ? { blocked: true } : {}) });
      if (blocked) return c.json({ success: false, message: `${command.errorMessage} (safety lockout)`, command: commandJson(command) }, 429);
      // Answer once the broker confirmed (or refused) the publish (docs/commands.md "Status API").
      const settled = (await commands.settledPublish(command.commandId)) ?? (await current(command.commandId)) ?? command;
      if (isTerminal(settled.status) && settled.publishedAt === null) {
        const message = `${action} could not be published: ${settled.errorMessage ?? settled.status}`;
        return c.json({ success: false, message, command: commandJson(settled) }, 500);
      }
      return c.json({ success: true, message: `${action} command published`, command: commandJson(settled) }, 202);
    });
  }

  app.get('/clients/:uuid/commands', doc("A screen's commands, newest first", CommandPage), admin, validate('query', z.object(pageQuery)), async (c) => {
    const uuid = knownClient(c.req.param('uuid'));
    const { limit, offset } = c.req.valid('query');
    await writer.settled();
    const page = await listCommands(db, { client: uuid, limit, offset });
    return c.json({ commands: page.commands.map(commandJson), total: page.total, limit, offset });
  });

  app.get('/commands', doc('The command audit list', CommandPage), admin, validate('query', auditQuery), async (c) => {
    const q = c.req.valid('query');
    await writer.settled();
    const page = await listCommands(db, q);
    return c.json({ commands: page.commands.map(commandJson), total: page.total, limit: q.limit, offset: q.offset });
  });

  return app;
}
