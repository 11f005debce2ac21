/**
 * A quiet expectation (docs/performance.md "The first scheduler cycle"): whether the scheduler's
 * EXPECTED_EVENT would move nothing a reader sees for a client, decided from its live record and
 * region states. After a restore every client's record already names its expected event, so the
 * first cycle's 50,000 events would only set `expectedKnown` / `expectedChanging` in contexts.
 * Such an event is kept by the supervisor and handed to the actor before anything else reaches
 * it (it only matters to later events: SCREENSHOT's frozen guard, the mismatch rule). Pure.
 */
import type { ClientEvent, ClientRecord } from '../domain/client.types.ts';

export type Expectation = Extract<ClientEvent, { type: 'EXPECTED_EVENT' }>;

/**
 * The event when it changes no recorded field, no derived status and no region state, else null.
 * Mirrors actors/client.machine.ts (`frozen` region) and actors/client.status.ts (`event_mismatch`
 * needs an expected event the client does not show).
 */
export function quietExpectation(r: ClientRecord, value: unknown, e: ClientEvent): Expectation | null {
  if (e.type !== 'EXPECTED_EVENT') return null;
  if (e.eventId !== r.expectedEventId) return null; // the record changes
  if (e.eventId !== null && e.eventId !== r.currentEventId) return null; // a mismatch would show
  // A detected frozen screen clears when no video is expected any more.
  if ((value as { frozen: string }).frozen === 'detected' && !e.changing) return null;
  return e;
}
