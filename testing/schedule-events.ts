/** Fixture for the schedule tests (not a test file itself): a complete event with overrides. */
import type { ScheduleEvent } from '../lib/schedule/types.ts';

export function testEvent(p: Partial<ScheduleEvent> & { id: number; start: number; end: number }): ScheduleEvent {
  return {
    groupId: 1,
    title: `event ${p.id}`,
    description: null,
    eventType: 'message',
    timezone: 'Europe/Vienna',
    recurrenceRule: null,
    skipHolidays: false,
    isActive: true,
    fields: { message: { text: 'hello' } },
    exceptions: [],
    detachedFrom: null,
    createdAt: 0,
    updatedAt: 0,
    ...p,
  };
}
