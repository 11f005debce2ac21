/**
 * The crash-recovery ladder of a client actor (docs/commands.md "Crash auto-recovery", docs/clients.md region
 * `recovery`): its policy, the context group it keeps, and the pure functions the client machine's
 * recovery region (actors/client.machine.ts) is built from.
 *
 * The ladder: process `crashed` while the client talks → `restart_app` (state `restarting_app`);
 * not running again within the grace, or the restart ended failed / timed_out / expired →
 * `reboot_host` (`rebooting`); a client silent for the grace → `reboot_host` with reason
 * `heartbeat_stale` (it cannot be delivered, so it times out and escalates); the reboot escalated to
 * `manual_intervention_required`, or a step was `blocked_safety`, or the client is no candidate
 * (a reboot-kind command in the lockout window: the ladder is exhausted) → `waiting_manual`, until
 * an operator issues a command. The process reporting `running` again ends the ladder (`idle`).
 *
 * The machine only asks for a command (`requestCommand`, injected by the supervisor, which calls
 * `CommandRegistry.issue`: that enforces the shared lockout); the registry's transitions come back
 * as COMMAND_UPDATE events, which move the ladder.
 */
import type { CommandAction, CommandRecord, CommandStatus } from '../domain/command.types.ts';
import type { ClientEvent, RecoveryReason } from '../domain/client.types.ts';
import { REBOOT_LOCKOUT } from '../domain/policies.ts';
import { OFFLINE_ALERT_SETTLE_MS } from './outage.ts';

/** Configuration (config.ts CRASH_RECOVERY_*), shared by every client actor. Times in ms. */
export interface RecoveryPolicy {
  enabled: boolean;
  graceMs: number; // CRASH_RECOVERY_GRACE_SECONDS: running again within this after restart_app; heartbeat older = silent
  lockoutMs: number; // CRASH_RECOVERY_LOCKOUT_MINUTES: a reboot-kind command in this window = no new ladder
  expiryMs: number; // CRASH_RECOVERY_COMMAND_EXPIRY_SECONDS: expiry of the ladder's commands
}

export const RECOVERY_OFF: RecoveryPolicy = Object.freeze({ enabled: false, graceMs: 180_000, lockoutMs: REBOOT_LOCKOUT.windowMinutes * 60_000, expiryMs: 240_000 });

/** The client context's `recovery` group (replaced, never mutated: client.context.ts). */
export interface RecoveryLadder {
  policy: RecoveryPolicy;
  commandId: string | null; // the current step's command, once the registry reported it
  reason: RecoveryReason | null; // why the ladder started (also the reason of its commands)
  /**
   * Absolute (docs/architecture.md "Absolute deadlines"). restarting_app: when the reboot is due; rebooting: when the ladder gives
   * up and waits for a human (expiry + grace after the reboot was asked for: by then the command
   * has completed or escalated).
   */
  deadline: number | null;
  rebootKinds: number[]; // creation times of this client's reboot-kind commands inside the lockout window
  /** A fleet outage is suspected and this client is part of it: its silence starts no ladder (not persisted). */
  outageHeld: boolean;
  /** When the last outage this client was part of ended: its recovery grace starts again there. */
  graceFrom: number | null;
}

export interface LadderFields {
  recoveryCommandId: string | null;
  recoveryReason: RecoveryReason | null;
  recoveryDeadline: number | null;
}

const NONE: number[] = [];
const idleLadders = new WeakMap<RecoveryPolicy, RecoveryLadder>();

/** The ladder of a client from its record: most clients share one idle object per policy. */
export function restoredLadder(policy: RecoveryPolicy, r: LadderFields, rebootKinds: number[] | undefined, now: number): RecoveryLadder {
  const kinds = rebootKinds?.length ? rebootKinds.filter((t) => now - t < policy.lockoutMs) : NONE;
  if (r.recoveryCommandId === null && r.recoveryReason === null && r.recoveryDeadline === null && kinds === NONE) {
    let idle = idleLadders.get(policy);
    if (!idle)
      idleLadders.set(policy, (idle = Object.freeze({ policy, commandId: null, reason: null, deadline: null, rebootKinds: NONE, outageHeld: false, graceFrom: null })));
    return idle;
  }
  return { policy, commandId: r.recoveryCommandId, reason: r.recoveryReason, deadline: r.recoveryDeadline, rebootKinds: kinds, outageHeld: false, graceFrom: null };
}

/** The COMMAND_UPDATE a client actor gets for a transition of one of its commands. */
export function commandUpdate(record: CommandRecord, from: CommandStatus | null): Extract<ClientEvent, { type: 'COMMAND_UPDATE' }> {
  return {
    type: 'COMMAND_UPDATE',
    at: record.updatedAt,
    commandId: record.commandId,
    action: record.action,
    status: record.status,
    requestedBy: record.requestedBy,
    createdAt: record.createdAt,
    created: from === null,
  };
}

type Update = Extract<ClientEvent, { type: 'COMMAND_UPDATE' }>;
interface Ctx {
  recovery: RecoveryLadder;
  now: number;
  lastAlive: number | null;
  graceMs: number;
  identity: { isActive: boolean };
}

// ── guards ───────────────────────────────────────────────────────────────────────────────────

export const enabled = (c: Ctx) => c.recovery.policy.enabled && c.identity.isActive;

/** docs/commands.md: a candidate has no reboot-kind command in the lockout window. */
export const noRecentRebootKind = (c: Ctx, at: number) => !c.recovery.rebootKinds.some((t) => at - t < c.recovery.policy.lockoutMs);

/**
 * An update of the ladder's current command: the one it adopted, or (none adopted yet) the
 * automatic command of `action` just created. `statuses` narrows it to those outcomes.
 */
export function isLadderCommand(c: Ctx, e: ClientEvent, action: CommandAction, statuses?: readonly CommandStatus[]): boolean {
  if (e.type !== 'COMMAND_UPDATE' || e.requestedBy !== null) return false;
  const r = c.recovery;
  const ours = r.commandId !== null ? e.commandId === r.commandId : e.created && e.action === action;
  return ours && (!statuses || statuses.includes(e.status));
}

/** An operator issued (or moved) a command for this client: a human is on it. */
export const operatorActed = (e: ClientEvent) => e.type === 'COMMAND_UPDATE' && e.requestedBy !== null && e.status !== 'blocked_safety';

/** The supervisor says a fleet outage is suspected (OUTAGE event). */
export const outageSuspected = (e: ClientEvent) => e.type === 'OUTAGE' && e.suspected;

/** A silence-started ladder (heartbeat_stale): a suspected outage explains the silence, so it stands down. */
export const staleLadder = (c: Ctx) => c.recovery.reason === 'heartbeat_stale';

/** A reboot-kind command was created for this client (counted for the candidate rule). */
export const newRebootKind = (e: ClientEvent) =>
  e.type === 'COMMAND_UPDATE' && e.created && e.status !== 'blocked_safety' && (e.action === 'reboot_host' || e.action === 'restart_app');

// ── context updates ──────────────────────────────────────────────────────────────────────────

/**
 * Time of the event that moves the ladder. Timers carry no time: the ladder's own deadline fired
 * at `deadline` (docs/architecture.md "Absolute deadlines": the machine reads no clock).
 */
export const eventTime = (c: Ctx, e: { type: string; at?: number }) => e.at ?? c.recovery.deadline ?? c.now;

/** A step starts: forget the previous step's command, set the step's deadline. */
export function startStep(c: Ctx, e: { type: string; at?: number }, action: CommandAction, reason?: RecoveryReason) {
  const at = eventTime(c, e);
  const r = c.recovery;
  const p = r.policy;
  const deadline = at + (action === 'restart_app' ? p.graceMs : p.expiryMs + p.graceMs);
  return { now: at, recovery: { ...r, commandId: null, reason: reason ?? r.reason ?? 'process_crashed', deadline } };
}

/** Waiting for a human: no deadline (docs/clients.md: shown until an operator acts). */
export function waitManual(c: Ctx, e: { type: string; at?: number }, reason?: RecoveryReason) {
  const r = c.recovery;
  return { now: eventTime(c, e), recovery: { ...r, reason: reason ?? r.reason, deadline: null } };
}

export function endLadder(c: Ctx) {
  const r = c.recovery;
  if (r.commandId === null && r.reason === null && r.deadline === null) return {};
  return { recovery: { ...r, commandId: null, reason: null, deadline: null } };
}

/**
 * An OUTAGE event: hold the ladder while suspected; once over, the silence counts from its end
 * (docs/commands.md "Crash auto-recovery": a fresh grace period after an outage).
 */
export function outageNoted(c: Ctx, e: ClientEvent) {
  if (e.type !== 'OUTAGE') return {};
  const r = c.recovery;
  return { now: e.at, recovery: { ...r, outageHeld: e.suspected, graceFrom: e.suspected ? r.graceFrom : e.at } };
}

/** Remembers a new reboot-kind command and adopts the ladder's command (`adopt`: the step's action). */
export function noteCommand(c: Ctx, e: ClientEvent, adopt: CommandAction | null) {
  if (e.type !== 'COMMAND_UPDATE') return {};
  const r = c.recovery;
  let next = r;
  if (newRebootKind(e)) {
    const kinds = r.rebootKinds.filter((t) => e.createdAt - t < r.policy.lockoutMs).slice(-9);
    next = { ...next, rebootKinds: kinds.concat(e.createdAt) };
  }
  if (adopt && r.commandId === null && isLadderCommand(c, e, adopt)) next = { ...next, commandId: e.commandId };
  return next === r ? {} : { recovery: next };
}

// ── timers (absolute, docs/architecture.md "Absolute deadlines") ────────────────────────────────────────────────────────────

/** Time left until the ladder's deadline. */
export const untilDeadline = (c: Ctx) => Math.max(0, (c.recovery.deadline ?? c.now) - c.now);

/**
 * When the client went offline by its grace timer: a timer does not move `now` (which is still the
 * time of the last event), so it is at least last seen + grace.
 */
const offlineAt = (c: Ctx) => Math.max(c.now, (c.lastAlive ?? c.now) + c.graceMs);

/**
 * When the silence counts as a stale heartbeat: last seen (or the end of an outage it was part of) +
 * the recovery grace, and not before the outage heuristic has decided: OFFLINE_ALERT_SETTLE_MS after
 * going offline, when every client of a fleet that went silent together is offline too
 * (docs/clients-screens.md "Outage alerts"), so the first of them is not taken for a crashed device.
 */
export function staleAt(c: Ctx): number {
  const from = Math.max(c.lastAlive ?? c.now, c.recovery.graceFrom ?? -Infinity);
  return Math.max(offlineAt(c) + OFFLINE_ALERT_SETTLE_MS, from + c.recovery.policy.graceMs);
}

/** Delay of the stale timer armed when `offline` is entered. */
export const untilStale = (c: Ctx) => staleAt(c) - offlineAt(c);
