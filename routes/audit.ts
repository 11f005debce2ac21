/**
 * `GET /api/audit` (docs/http.md "Audit trail"), admin: the audit log newest first.
 *   ?limit (1–1000, 50) &offset &actor (username or 'user:…'/'system'/'cli:…') &action (exact, or a
 *   family: `users` matches users.*) &target → `{items: [...], total}`; `&format=csv` → text/csv
 *   (the same filters; up to 10,000 rows from offset).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { countAudit, listAudit, type AuditEntry, type AuditFilter } from '../db/audit.ts';
import { iso } from '../lib/time.ts';
import { csvField } from './pages/export.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { intQuery, validate } from './validate.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Audit');
import type { RouteDeps } from './deps.ts';

const CSV_ROWS = 10_000;
const text = z.string().trim().max(200).optional().transform((v) => v || undefined);
export const auditQuery = z.object({
  limit: intQuery(50, 1, 1000),
  offset: intQuery(0, 0, 1_000_000_000),
  actor: text,
  action: text,
  target: text,
  format: z.enum(['json', 'csv']).default('json'),
});

export function auditJson(e: AuditEntry) {
  return { id: e.id, at: iso(e.at), actor: e.actor, action: e.action, target: e.target, address: e.address, detail: e.detail };
}

const COLUMNS = ['id', 'at', 'actor', 'action', 'target', 'address', 'detail'] as const;

export function auditCsv(entries: AuditEntry[]): string {
  const lines = [COLUMNS.join(',')];
  for (const e of entries) {
    const j = auditJson(e);
    lines.push(COLUMNS.map((k) => csvField(k === 'detail' ? (j.detail ? JSON.stringify(j.detail) : null) : j[k])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Reads the whole filtered list in pages of 1000 (listAudit's cap), up to `max` rows. */
export async function auditRows(deps: Pick<RouteDeps, 'db'>, f: AuditFilter, max: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let offset = f.offset ?? 0; out.length < max; offset += 1000) {
    const page = await listAudit(deps.db, { ...f, offset, limit: Math.min(1000, max - out.length) });
    out.push(...page);
    if (page.length < 1000) break;
  }
  return out;
}

export function auditRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  app.get('/', doc('The audit trail, newest first; format=csv for a CSV file', 'The entries'), requireRole('admin'), validate('query', auditQuery), async (c) => {
    const { format, ...f } = c.req.valid('query');
    c.header('Cache-Control', 'no-store');
    if (format === 'csv') {
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="audit-${iso(deps.now())!.slice(0, 10)}.csv"`);
      return c.body(auditCsv(await auditRows(deps, f, CSV_ROWS)));
    }
    const [items, total] = await Promise.all([listAudit(deps.db, f), countAudit(deps.db, f)]);
    return c.json({ items: items.map(auditJson), total });
  });
  return app;
}
