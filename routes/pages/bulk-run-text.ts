/**
 * A bulk run's stop reason in the reader's language (message catalog `bulk.stop.*`): the run stores a
 * code with parameters (actors/bulk-run.outcome.ts), never a sentence.
 */
import type { StopReason } from '../../actors/bulk-run.outcome.ts';
import type { I18n } from '../../views/i18n/index.ts';

export function stopText(it: Pick<I18n, 't' | 'lang'>, s: StopReason | null): string {
  if (!s) return '';
  if (s.code === 'failure_ratio') {
    const n = new Intl.NumberFormat(it.lang, { maximumFractionDigits: 1 });
    return it.t('bulk.stop.failure_ratio', { failed: s.failed, finished: s.finished, percent: n.format(s.percent), limit: n.format(s.limit), notIssued: s.notIssued });
  }
  if (s.code === 'operator') return s.note ? it.t('bulk.stop.operatorNote', { by: s.by, note: s.note }) : it.t('bulk.stop.operator', { by: s.by });
  return it.t('bulk.stop.server_restart');
}
