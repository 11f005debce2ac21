/**
 * The crash-recovery ladder's one effect (actors/client.recovery.ts): the client machine asks for a
 * command, this issues it through the command registry with `requested_by: null`, the ladder's
 * reason and CRASH_RECOVERY_COMMAND_EXPIRY_SECONDS (docs/commands.md "Crash auto-recovery"). The
 * registry applies the shared lockout (a blocked step comes back to the client as
 * `blocked_safety`) and reports every transition back to the client actor (Supervisor.commandChanged).
 *
 * Requests made before the registry exists (a ladder step whose deadline passed while the server
 * was down fires while the supervisor restores) wait until `attach`, which the runtime calls once
 * the registry has restored its own commands and lockout window.
 */
import type { CommandAction } from '../domain/command.types.ts';
import type { IssueRequest } from './commands.ts';
import type { RecoveryReason } from '../domain/client.types.ts';
import { logger } from '../lib/logger.ts';

const log = logger('recovery');

export interface CommandIssuer {
  issue(req: IssueRequest): unknown;
  cancel(commandId: string, by: number | null): unknown;
}

interface Request {
  uuid: string;
  action: CommandAction;
  reason: RecoveryReason;
}

export class RecoveryRequests {
  #issuer: CommandIssuer | null = null;
  #pending: Request[] = [];
  #expirySeconds: number;

  constructor(expirySeconds: number) {
    this.#expirySeconds = expirySeconds;
  }

  /** For SupervisorDeps.recovery.request. Never throws into the client actor. */
  request = (uuid: string, action: CommandAction, reason: RecoveryReason): void => {
    if (!this.#issuer) this.#pending.push({ uuid, action, reason });
    else this.#issue({ uuid, action, reason });
  };

  /** For SupervisorDeps.recovery.cancel: a suspected outage explains the silence the command was for. */
  cancel = (commandId: string): void => {
    if (!this.#issuer) return;
    log.info(`automatic command ${commandId} withdrawn: a fleet outage is suspected`);
    try {
      this.#issuer.cancel(commandId, null); // too late (already running, settled): unchanged
    } catch (err) {
      log.error(`automatic command ${commandId} could not be withdrawn`, err);
    }
  };

  /** The registry is ready: issue what waited for it. */
  attach(issuer: CommandIssuer): void {
    this.#issuer = issuer;
    for (const r of this.#pending.splice(0)) this.#issue(r);
  }

  #issue(r: Request): void {
    log.info(`client ${r.uuid}: automatic ${r.action} (${r.reason})`);
    try {
      this.#issuer!.issue({ uuid: r.uuid, action: r.action, reason: r.reason, requestedBy: null, expirySeconds: this.#expirySeconds });
    } catch (err) {
      // The ladder's deadline moves it on without the command (client.recovery.ts).
      log.error(`client ${r.uuid}: automatic ${r.action} could not be issued`, err);
    }
  }
}
