/**
 * Academic periods (docs/periods.md): school years, semesters and trimesters that events, media
 * and holidays may belong to. Dates are local calendar dates `YYYY-MM-DD`, both inclusive.
 */

export const PERIOD_TYPES = ['schuljahr', 'semester', 'trimester'] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

export interface AcademicPeriod {
  id: number;
  name: string;
  displayName: string | null;
  startDate: string; // YYYY-MM-DD, inclusive
  endDate: string; // YYYY-MM-DD, inclusive
  periodType: PeriodType;
  /** Exactly one period is active at a time (or none before the first is created). */
  isActive: boolean;
  /** Archived = soft-deleted: hidden from the normal list, restorable. */
  isArchived: boolean;
  archivedAt: number | null; // UTC ms
  archivedBy: number | null; // user id
  createdAt: number;
  updatedAt: number;
}

/** Does the period cover the calendar day `date` (YYYY-MM-DD)? */
export function coversDate(p: Pick<AcademicPeriod, 'startDate' | 'endDate'>, date: string): boolean {
  return p.startDate <= date && date <= p.endDate;
}

/** The rows (holidays of an import, …) that do not lie within the period's days. */
export function outsidePeriod<R extends { startDate: string; endDate: string }>(period: Pick<AcademicPeriod, 'startDate' | 'endDate'>, rows: readonly R[]): R[] {
  return rows.filter((r) => r.startDate < period.startDate || r.endDate > period.endDate);
}
