/**
 * Why a command failed, as a stable code (stored in `client_commands.error_reason`), and the English
 * text the JSON API keeps in `errorMessage` for scripts. People read the code through the message
 * catalog (`command.error.{code}` in views/i18n), in their language (docs/commands.md "Failure reasons").
 */

/** Server-made reasons with their English API text; `expired` names the expiry time. */
const TEXTS = {
  queue_timeout: 'not published: no broker connection within the queue time',
  publish_timeout: 'the broker did not confirm the publish in time',
  no_ack: 'no acknowledgement from the client (offline?)',
  not_started: 'the client accepted but never started executing',
  not_completed: 'the client started but never reported completion',
  no_reconnect: 'the client did not come back after the reboot',
  not_confirmed: 'the client came back but never confirmed completion',
  canceled: 'canceled by an operator before execution',
  client_failed: 'the client reported a failure without a message',
  publish_failed: 'publish failed',
  internal_error: 'internal error',
  lockout: 'safety lockout',
  expired: 'expired before it completed',
} as const;

export type ServerReason = keyof typeof TEXTS;
/** `client_reported`: the screen's own `error_message` is the text (shown as the screen wrote it). */
export type FailureReason = ServerReason | 'client_reported';

/** The English API text of a server-made reason. */
export const reasonText = (code: ServerReason): string => TEXTS[code];

/** The API text of an expiry: names the moment, as before codes existed. */
export const expiredText = (expiresAt: number): string => `expired at ${new Date(expiresAt).toISOString()} before it completed`;

const BY_TEXT = new Map<string, ServerReason>(Object.entries(TEXTS).map(([code, text]) => [text, code as ServerReason]));

/**
 * The reason of a row written before `error_reason` existed (migration 0013): read back from its
 * error code and English text, so old rows are translated too. Null: the text is the screen's own
 * (or unknown) and is shown as it is.
 */
export function legacyReason(errorCode: string | null, errorMessage: string | null): FailureReason | null {
  if (errorCode === null && errorMessage === null) return null;
  if (errorCode === 'expired') return 'expired';
  if (errorCode === 'canceled') return 'canceled';
  if (errorCode === 'lockout_threshold') return 'lockout';
  if (errorCode === 'mqtt_publish_failed') return 'publish_failed';
  if (errorCode === 'internal_error') return 'internal_error';
  const known = errorMessage === null ? undefined : BY_TEXT.get(errorMessage);
  if (known) return known;
  if (errorCode === 'stage_timeout') return null; // a server text of an older wording: shown as stored
  return errorMessage ? 'client_reported' : null;
}
