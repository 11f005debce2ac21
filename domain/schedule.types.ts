/** What a schedule edit changed, so the scheduler republishes the affected groups (docs/scheduler.md "Publishing"). */
export interface ScheduleChange {
  groups?: number[];
  holidays?: boolean;
  settings?: boolean;
}
