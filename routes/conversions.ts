/**
 * `/api/conversions` (docs/media.md "Presentation conversion", editor and up): ask for the PDF of
 * a presentation (`POST /{mediaId}/pdf`: 202 while pending or processing, 200 once ready) and
 * follow its job (`GET /{mediaId}/status`); `GET /` lists the newest jobs.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { getConversion, listConversions, type Conversion } from '../db/conversions.ts';
import type { Db } from '../db/client.ts';
import { iso } from '../lib/time.ts';
import { TARGET } from '../services/conversion/queue.ts';
import { mediaFailure, type MediaApi } from './eventmedia.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { pathId } from './schedule-failure.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Media');

export function conversionJson(j: Conversion) {
  return {
    id: j.id, status: j.status, sourceMediaId: j.sourceMediaId, sourceName: j.sourceName, targetFormat: j.targetFormat,
    pdfMediaId: j.targetMediaId, errorMessage: j.errorMessage, requestedAt: iso(j.requestedAt), startedAt: iso(j.startedAt), completedAt: iso(j.completedAt),
  };
}

export function conversionsRoutes(m: MediaApi, db: Db) {
  const app = new Hono<AppEnv>();
  app.use('*', requireRole('editor'));
  const mediaId = (raw: string) => pathId(raw) ?? -1;

  app.get('/', doc('The document conversions', 'The conversion jobs'), async (c) => c.json((await listConversions(db)).map(conversionJson)));

  app.post('/:mediaId/pdf', doc('Convert a presentation to PDF (202 while it runs)', 'The job'), async (c) => {
    try {
      const item = await m.service.get(mediaId(c.req.param('mediaId')));
      const { job } = await m.conversions.ensure(item);
      return c.json(conversionJson(job), job.status === 'ready' || job.status === 'failed' ? 200 : 202);
    } catch (err) {
      return mediaFailure(c, err);
    }
  });

  app.get('/:mediaId/status', doc("A conversion's state", 'The job'), async (c) => {
    const item = await m.service.get(mediaId(c.req.param('mediaId'))).catch((err) => mediaFailure(c, err));
    if (item instanceof Response) return item;
    const job = await getConversion(db, item.id, TARGET, item.fileHash);
    if (!job) throw new HTTPException(404, { message: 'no conversion was requested for this item' });
    return c.json(conversionJson(job));
  });
  return app;
}
