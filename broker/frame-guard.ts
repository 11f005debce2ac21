/**
 * Transport-level MQTT frame limit for the embedded broker. aedes buffers a whole packet (up to
 * 256 MB by the protocol) before any hook sees it, and has no byte limit of its own (its docs:
 * "pair it with a transport-level frame limit"). This reads only each fixed header (MQTT 3.1.1
 * §2.2: one type byte, then a 1–4 byte "remaining length") and reports a frame above the limit
 * as soon as its header arrives, so the connection can be cut before the body is buffered.
 */
export class FrameGuard {
  #limit: number;
  #state: 'type' | 'length' | 'body' | 'off' = 'type';
  #length = 0;
  #multiplier = 1;
  #skip = 0;

  /** `limit`: the largest allowed remaining length (variable header + payload), bytes. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * Feed the next bytes read from the socket. Returns the remaining length of the first frame
   * that exceeds the limit, or null. A malformed length stops the guard (aedes rejects it anyway).
   */
  push(chunk: Uint8Array): number | null {
    let i = 0;
    while (i < chunk.length && this.#state !== 'off') {
      if (this.#state === 'body') {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        if (this.#skip === 0) this.#state = 'type';
        continue;
      }
      const byte = chunk[i++];
      if (this.#state === 'type') {
        this.#state = 'length';
        this.#length = 0;
        this.#multiplier = 1;
        continue;
      }
      // Remaining length: 7 bits per byte, least significant first, high bit = more bytes follow.
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      if (byte & 0x80) {
        if (this.#multiplier >= 128 ** 4) this.#state = 'off';
        continue;
      }
      if (this.#length > this.#limit) {
        this.#state = 'off';
        return this.#length;
      }
      this.#skip = this.#length;
      this.#state = this.#skip === 0 ? 'type' : 'body';
    }
    return null;
  }
}
