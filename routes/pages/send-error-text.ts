/**
 * A delivery failure (services/notifications/send-errors.ts) in the reader's language, through the
 * message catalog (`notif.sendError.*`); a sentence that is none of ours is shown as stored.
 */
import { readSendError } from '../../services/notifications/send-errors.ts';
import type { I18n } from '../../views/i18n/index.ts';

export function sendErrorText(it: Pick<I18n, 'code'>, stored: string | null): string {
  const read = readSendError(stored);
  return read ? it.code('notif.sendError', read.code, read.params) : (stored ?? '');
}
