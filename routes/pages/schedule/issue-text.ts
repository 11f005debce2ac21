/**
 * The schedule's refusals (lib/schedule/issues.ts codes) in the reader's language, through the
 * message catalog (`schedule.issue.*`): the event form's error and the holiday import report.
 */
import type { Problem } from '../../../lib/schedule/issues.ts';
import type { I18n } from '../../../views/i18n/index.ts';

type Speaker = Pick<I18n, 'code'>;

/** One problem as a sentence part in the reader's language. */
export const problemText = (it: Speaker, p: Problem): string => it.code('schedule.issue', p.code, p.params);

/** A bad CSV row's problems, joined as the API joins its English ones. */
export const problemsText = (it: Speaker, problems: readonly Problem[]): string => problems.map((p) => problemText(it, p)).join('; ');
