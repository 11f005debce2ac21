/**
 * How every MQTT payload is read as text: strict UTF-8 with a leading BOM removed. The ingest and
 * the embedded broker's own payload checks must read the same text, or a payload that one side
 * cannot parse and the other can (a BOM in front of JSON) slips past the check.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true }); // strips a leading BOM, rejects invalid UTF-8

/** The payload's text; throws on invalid UTF-8. */
export function payloadText(payload: Uint8Array | string): string {
  return typeof payload === 'string' ? payload.replace(/^\uFEFF/, '') : utf8.decode(payload);
}
