/**
 * Commands by action and outcome, and how long they took (docs/operations.md "Metrics"): counted
 * from the bus's `command` transitions as a command reaches a terminal state, not on the ingest
 * path. An escalated command (timed_out → manual_intervention_required) counts under both outcomes;
 * its duration is observed once, at the first terminal state.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { isTerminal } from '../../domain/command.types.ts';
import type { EventBus } from '../../lib/bus.ts';

/** Seconds: an app restart takes seconds, a reboot a minute or two, an expiry up to six minutes. */
const BUCKETS = [1, 5, 15, 30, 60, 120, 180, 240, 360, 600];

/** Starts counting; answers the unsubscribe. */
export function commandMetrics(reg: Registry, bus: EventBus, issuedAt?: (commandId: string) => number | undefined): () => void {
  const outcomes = new Counter({ name: 'infoscreen_commands_total', help: 'Remote commands that reached a terminal state, by action and outcome.', labelNames: ['action', 'outcome'], registers: [reg] });
  const duration = new Histogram({ name: 'infoscreen_command_duration_seconds', help: 'Time from issue to the first terminal state, by action.', labelNames: ['action'], buckets: BUCKETS, registers: [reg] });
  return bus.on((e) => {
    if (e.type !== 'command' || !isTerminal(e.to)) return;
    outcomes.inc({ action: e.action, outcome: e.to });
    if (e.from !== null && isTerminal(e.from)) return;
    const issued = issuedAt?.(e.commandId);
    if (issued !== undefined) duration.observe({ action: e.action }, Math.max(0, e.at - issued) / 1000);
  });
}
