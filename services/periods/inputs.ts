/**
 * Period input (docs/periods.md "API"), shared by `/api/academic_periods` and the `/periods` page:
 * camelCase, dates `YYYY-MM-DD` (`DD.MM.YYYY` is read too), a type of PERIOD_TYPES. Whether the
 * whole fits (start ≤ end, name and days free) is the service's check: an update is merged first.
 */
import { z } from 'zod';
import { PERIOD_TYPES } from '../../domain/periods.ts';
import { parseDate } from '../../lib/schedule/holidays-csv.ts';

export const periodDate = z.string().transform((v, ctx) => {
  const d = parseDate(v);
  if (d) return d;
  ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD' });
  return z.NEVER;
});

const fields = z.object({
  name: z.string().trim().min(1, 'is required').max(100),
  displayName: z.string().trim().max(100).nullable().optional(),
  startDate: periodDate,
  endDate: periodDate,
  periodType: z.enum(PERIOD_TYPES, { message: `must be one of ${PERIOD_TYPES.join(', ')}` }),
});

export const periodCreateInput = fields;
export const periodUpdateInput = fields.partial();

export type PeriodCreateInput = z.output<typeof periodCreateInput>;
export type PeriodUpdateInput = z.output<typeof periodUpdateInput>;
