/**
 * How an alert reads on the dashboard (toasts and the alerts page): known kinds are translated
 * with the client's name and, for command alerts, the translated action and state; anything else
 * shows the (English) message the supervisor wrote. The result is plain text (escaped on output).
 */
import type { ViewContext } from '../../views/render.ts';
import { COMMAND_ALERT_KINDS } from '../../services/alerts/center.ts';

export interface AlertLike {
  kind: string;
  message: string;
}

export function alertText(it: Pick<ViewContext, 'code'>, a: AlertLike, params: Record<string, string>, name: string): string {
  const p = {
    name,
    action: params.action ? it.code('command.action', params.action) : '',
    status: params.status ? it.code('command.status', params.status) : '',
  };
  const text = it.code('alert', a.kind, p);
  return text === a.kind ? a.message : text;
}

/** Command alerts are for admins (docs/http.md: commands are an admin matter); others never see them. */
export const isCommandAlert = (kind: string) => (COMMAND_ALERT_KINDS as readonly string[]).includes(kind);
