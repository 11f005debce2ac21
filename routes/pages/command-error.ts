/**
 * How a command's failure reads on a page: its reason code through the message catalog, in the
 * reader's language (docs/commands.md "Failure reasons"); a screen's own message is quoted as it is.
 */
import type { CommandRecord } from '../../domain/command.types.ts';
import { legacyReason } from '../../domain/command.reasons.ts';
import type { ViewContext } from '../../views/render.ts';

type Failure = Pick<CommandRecord, 'errorReason' | 'errorCode' | 'errorMessage' | 'expiresAt'>;

/** The text for `c`'s failure, or null when it has none. */
export function commandError(it: Pick<ViewContext, 't' | 'code' | 'dateTime'>, c: Failure): string | null {
  const reason = c.errorReason ?? legacyReason(c.errorCode, c.errorMessage);
  // The screen's message and the broker library's error are data, quoted as they came.
  const params = { message: c.errorMessage ?? '', at: it.dateTime(c.expiresAt) };
  if (reason) return it.code('command.error', reason, params);
  return c.errorMessage; // an older server wording nobody can map: shown as stored
}

/** What the templates call (`it.commandError(c)`), bound to the page's language. */
export const commandErrorFor = (it: Pick<ViewContext, 't' | 'code' | 'dateTime'>) => (c: Failure) => commandError(it, c);
