/**
 * Owner of the bulk runs (docs/commands.md "Bulk actions"): one bulk-run actor per run, its `issueOne`
 * wired to the command registry (lockout per client, `bulk_run_id` on every command), and the
 * terminal command transitions from the bus routed to the run that issued them.
 *
 * Each run is saved after every change (`persist`, db/bulk-runs.ts), its commands like any other
 * (with `bulk_run_id`): after a restart a finished or stopped run reads as it was, and only a run that
 * was still issuing becomes interrupted (it issues nothing more; routes/bulk-run-view.ts). The last
 * `keepFinished` finished runs stay in memory; older ones are read from the database.
 */
import { createActor, fromPromise, type Actor, type InspectionEvent } from 'xstate';
import {
  bulkRunMachine, DEFAULT_WINDOW, type BulkCounts, type BulkRunInput, type IssueOneInput, type IssueOneOutput,
} from './bulk-run.machine.ts';
import { isTerminal, type CommandAction } from '../domain/command.types.ts';
import type { IssueRequest, IssueResult } from './commands.ts';
import type { StopReason } from './bulk-run.outcome.ts';
import type { InStatement } from '@libsql/client';
import { upsertBulkRunStatement, type BulkRunRow } from '../db/bulk-runs.ts';
import type { EventBus } from '../lib/bus.ts';
import { logger } from '../lib/logger.ts';

const log = logger('bulk-runs');

export interface BulkRunRequest {
  groupId: number;
  uuids: string[]; // the selection, in issuing order
  action: CommandAction;
  reason: string;
  requestedBy: number | null;
}

export interface BulkRunView {
  id: string;
  groupId: number;
  action: CommandAction;
  reason: string;
  requestedBy: number | null;
  status: 'running' | 'done';
  targets: number;
  commandIds: string[];
  counts: BulkCounts;
  aborted: boolean;
  stop: StopReason | null;
  issuing: boolean; // more commands are still to be issued
  startedAt: number;
  finishedAt: number | null;
}

export interface BulkRunsDeps {
  commands: { issue(req: IssueRequest): IssueResult };
  bus: EventBus;
  now: () => number;
  window?: number; // commands in flight per run (default 5)
  keepFinished?: number; // finished runs kept readable (default 100)
  /** Saves a run (the writer's enqueue); without it runs live in memory only. */
  persist?: (s: InStatement) => void;
  /** The actor inspector's hook, passed to every run's actor. */
  inspect?: (e: InspectionEvent) => void;
}

interface Run {
  actor: Actor<typeof bulkRunMachine>;
  groupId: number;
  startedAt: number;
  finishedAt: number | null;
  saved: string; // the row as last saved (JSON), to save only changes
}

export class BulkRuns {
  #d: BulkRunsDeps;
  #runs = new Map<string, Run>(); // insertion order = start order
  #byCommand = new Map<string, string>(); // command id → run id, while the command is in flight
  #off: () => void;

  constructor(deps: BulkRunsDeps) {
    this.#d = deps;
    this.#off = deps.bus.on((e) => {
      if (e.type !== 'command' || !isTerminal(e.to) || e.to === 'blocked_safety') return;
      const runId = this.#byCommand.get(e.commandId);
      if (!runId) return;
      this.#byCommand.delete(e.commandId);
      this.#runs.get(runId)?.actor.send({ type: 'FINISHED', commandId: e.commandId, status: e.to });
    });
  }

  /** Starts a run; resolves once its first wave is issued (so the answer lists those commands). */
  start(req: BulkRunRequest): Promise<BulkRunView> {
    const id = crypto.randomUUID();
    const machine = bulkRunMachine.provide({
      actors: {
        issueOne: fromPromise<IssueOneOutput, IssueOneInput>(async ({ input }) => {
          const { command, blocked } = this.#d.commands.issue({
            uuid: input.uuid,
            action: input.action,
            reason: input.reason,
            requestedBy: input.requestedBy,
            bulkRunId: input.runId,
          });
          // Mapped synchronously after issue(): a terminal transition needs at least a broker round trip.
          if (!blocked) this.#byCommand.set(command.commandId, input.runId);
          return { commandId: command.commandId, blocked };
        }),
      },
    });
    const input: BulkRunInput = {
      runId: id,
      targets: req.uuids,
      action: req.action,
      reason: req.reason,
      requestedBy: req.requestedBy,
      window: this.#d.window ?? DEFAULT_WINDOW,
    };
    const run: Run = { actor: createActor(machine, { id: `bulk-run:${id}`, input, inspect: this.#d.inspect }), groupId: req.groupId, startedAt: this.#d.now(), finishedAt: null, saved: '' };
    this.#runs.set(id, run);
    return new Promise((resolve) => {
      let answered = false;
      run.actor.subscribe({
        next: (snap) => {
          const ended = snap.status === 'done' && run.finishedAt === null;
          if (ended) {
            run.finishedAt = this.#d.now();
            const c = snap.context.counts;
            log.info(`bulk run ${id} (group ${req.groupId}) done: ${JSON.stringify(c)}${snap.context.stop ? `; ${snap.context.stop.code}` : ''}`);
          }
          this.#save(id, run);
          if (ended) this.#prune();
          if (!answered && snap.value !== 'deciding' && snap.value !== 'issuing') {
            answered = true;
            resolve(this.get(id)!);
          }
        },
        error: (err) => log.error(`bulk run ${id} failed`, err),
      });
      run.actor.start();
    });
  }

  get(id: string): BulkRunView | undefined {
    const run = this.#runs.get(id);
    if (!run) return undefined;
    const snap = run.actor.getSnapshot();
    const c = snap.context;
    return {
      id,
      groupId: run.groupId,
      action: c.action,
      reason: c.reason,
      requestedBy: c.requestedBy,
      status: snap.status === 'done' ? 'done' : 'running',
      targets: c.targets.length,
      commandIds: c.commandIds,
      counts: c.counts,
      aborted: c.aborted,
      stop: c.stop,
      issuing: !c.aborted && c.next < c.targets.length,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    };
  }

  /**
   * An operator stops a run (docs/commands.md "Bulk actions" only names the failure rule; the dashboard
   * also offers this): nothing more is issued, commands already sent run to their end. Answers the
   * run after it, or undefined when unknown. A finished run stays as it was.
   */
  abort(id: string, by: string, note?: string | null): BulkRunView | undefined {
    const run = this.#runs.get(id);
    if (!run) return undefined;
    if (run.actor.getSnapshot().status === 'active') run.actor.send({ type: 'ABORT', by, note });
    return this.get(id);
  }

  /** Calls `fn` after every change of one run (its live page); returns the unsubscribe function. */
  watch(id: string, fn: () => void): () => void {
    const run = this.#runs.get(id);
    if (!run) return () => {};
    const sub = run.actor.subscribe({ next: () => fn(), complete: () => fn(), error: () => fn() });
    return () => sub.unsubscribe();
  }

  /** Runs newest first. */
  list(): BulkRunView[] {
    return [...this.#runs.keys()].reverse().map((id) => this.get(id)!);
  }

  stop(): void {
    this.#off();
    for (const run of this.#runs.values()) run.actor.stop();
    this.#byCommand.clear();
  }

  /** Saves the run when what is stored of it changed. */
  #save(id: string, run: Run): void {
    if (!this.#d.persist) return;
    const v = this.get(id)!;
    const row: BulkRunRow = {
      id, groupId: v.groupId, action: v.action, reason: v.reason, requestedBy: v.requestedBy, targets: v.targets,
      status: v.status, issuing: v.issuing, counts: v.counts, stop: v.stop, startedAt: v.startedAt, finishedAt: v.finishedAt,
    };
    const json = JSON.stringify(row);
    if (json === run.saved) return;
    run.saved = json;
    this.#d.persist(upsertBulkRunStatement(row));
  }

  #prune(): void {
    const keep = this.#d.keepFinished ?? 100;
    const finished = [...this.#runs].filter(([, r]) => r.finishedAt !== null);
    for (const [id, r] of finished.slice(0, Math.max(0, finished.length - keep))) {
      r.actor.stop();
      this.#runs.delete(id);
    }
  }
}
