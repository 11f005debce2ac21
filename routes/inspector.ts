/**
 * The inspector's JSON twin (docs/inspector.md; superadmin), mounted at `/api/inspector`:
 *   GET /actors?machine=&state=&q=&stopped=&limit=&offset=  → {total, limit, offset, counts, actors}
 *   GET /actors/{id}          → {actor, context, history (newest first), machine}; the `supervisor`
 *                               entry also answers `report`: what it knows now (supervisor-report.ts)
 *   GET /machines             → {machines: [id]}
 *   GET /machines/{machineId} → {id, definition (Stately editor config), svg}
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { InspectionFeed } from '../actors/inspection/feed.ts';
import { countByMachine, queryActors } from '../actors/inspection/query.ts';
import { actorJson, plainContext, rowJson } from '../actors/inspection/json.ts';
import { contextJson } from '../actors/inspection/summary.ts';
import type { SupervisorReport } from '../actors/inspection/supervisor-report.ts';
import { iso } from '../lib/time.ts';
import { chartFor, machineJson, svgFor } from '../lib/statechart/index.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { validate } from './validate.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Inspector');

export const LIST_LIMIT = 200; // default page of the actor list
const MAX_LIMIT = 5000;

export const actorQuerySchema = z.object({
  machine: z.string().max(100).optional(),
  state: z.string().max(200).optional(),
  q: z.string().max(200).optional(),
  stopped: z.enum(['true', 'false', '1', '0']).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(LIST_LIMIT),
  offset: z.coerce.number().int().min(0).default(0),
});

export function inspectorRoutes(d: { inspector: InspectionFeed; supervisorReport?: () => SupervisorReport }) {
  const feed = d.inspector;
  const app = new Hono<AppEnv>();
  app.use('*', requireRole('superadmin'));

  app.get('/actors', doc('The live actors', 'The actors'), validate('query', actorQuerySchema), (c) => {
    const q = c.req.valid('query');
    const page = queryActors(feed, { ...q, stopped: q.stopped === 'true' || q.stopped === '1' });
    return c.json({ total: page.total, limit: q.limit, offset: q.offset, counts: countByMachine(feed), actors: page.actors.map(actorJson) });
  });

  app.get('/actors/:id', doc('One actor: state, context, recent events', 'The actor'), (c) => {
    const a = feed.get(c.req.param('id'));
    if (!a) throw new HTTPException(404, { message: 'no such actor' });
    return c.json({
      actor: actorJson(a),
      context: plainContext(contextJson(a.context)),
      history: a.history.toArray().reverse().map(rowJson),
      machine: `/api/inspector/machines/${encodeURIComponent(a.machineId)}`,
      ...(a.id === 'supervisor' && d.supervisorReport ? { report: reportJson(d.supervisorReport()) } : {}),
    });
  });

  app.get('/machines', doc('The state machines', 'Their ids'), (c) => c.json({ machines: feed.machines.ids() }));

  app.get('/machines/:machineId', doc('One state machine as a chart', 'The chart'), async (c) => {
    const m = feed.machines.get(c.req.param('machineId'));
    if (!m) throw new HTTPException(404, { message: 'no such machine' });
    return c.json({ id: m.id, definition: machineJson(chartFor(m)), svg: await svgFor(m) });
  });

  return app;
}

/** Times as ISO strings, like the rest of the API. */
function reportJson(r: SupervisorReport) {
  return {
    ...r,
    outage: { ...r.outage, since: iso(r.outage.since), lastEnded: iso(r.outage.lastEnded) },
    restore: { ...r.restore, at: iso(r.restore.at) },
    failures: { ...r.failures, last: r.failures.last && { ...r.failures.last, at: iso(r.failures.last.at) } },
  };
}
