/**
 * Device account provisioning: create, rotate, revoke and forget a device's MQTT
 * account. Used by the API (routes/credentials.ts), the CLI (scripts/provision.ts) and the fleet's
 * client deletion. The password is random (32 characters, above the 20 the wire contract asks for), returned exactly once,
 * stored only as a `$7$` hash; every action lands in the audit log in the same batch as the change.
 *
 * After a change is durable, `onChanged` runs: the runtime disconnects the device from the embedded
 * broker (a rotated or revoked password must not keep a session alive) and regenerates the
 * Mosquitto files when MOSQUITTO_CONFIG_DIR is set.
 */
import type { Db } from '../db/client.ts';
import type { Writes } from '../db/logs.ts';
import { auditStatement } from '../db/audit.ts';
import {
  deleteCredentialStatement,
  deviceUsername,
  getCredential,
  getCredentialByUsername,
  revokeCredentialStatement,
  upsertCredentialStatement,
  type DeviceCredential,
} from '../db/credentials.ts';
import { generatePassword } from '../lib/password.ts';
import { hashBrokerPassword, verifyBrokerPassword } from './password-hash.ts';
import { auditWho, type AuditBy } from '../domain/audit.ts';
import { canonicalUuid } from './topics.ts';

export const DEVICE_PASSWORD_LENGTH = 32; // chars of a 64-symbol alphabet: 192 bits

export type CredentialChange = 'create' | 'rotate' | 'revoke' | 'delete';

export interface ProvisioningDeps {
  db: Db;
  writer: Writes;
  now: () => number;
  /** Creates the client record when unknown (the live fleet; the CLI writes a bare row). */
  ensureClient: (uuid: string) => void | Promise<void>;
  /** Runs after the change is written (disconnect the device, regenerate Mosquitto files). */
  onChanged?: (uuid: string, change: CredentialChange) => void | Promise<void>;
  iterations?: number; // PBKDF2 iterations of new hashes (default password-hash.ts)
}

export interface IssuedCredentials {
  uuid: string;
  username: string;
  password: string; // shown once; never stored, never logged
  change: 'create' | 'rotate';
}

/** Two uuids sharing their first 8 characters would share a username (docs/mqtt.md fixes the scheme). */
export class CredentialConflictError extends Error {
  constructor(readonly username: string, readonly holder: string) {
    super(`username ${username} is already held by client ${holder}; delete that client first`);
    this.name = 'CredentialConflictError';
  }
}

export class Provisioning {
  #d: ProvisioningDeps;
  #locks = new Map<string, Promise<unknown>>();

  constructor(deps: ProvisioningDeps) {
    this.#d = deps;
  }

  /** Create (or rotate) the account of `uuid`; creates the client record when it does not exist. */
  async provision(rawUuid: string, by: AuditBy): Promise<IssuedCredentials> {
    const { actor, address } = auditWho(by);
    const uuid = mustUuid(rawUuid);
    return this.#serial(uuid, async () => {
      const username = deviceUsername(uuid);
      const holder = await getCredentialByUsername(this.#d.db, username);
      if (holder && holder.uuid !== uuid) throw new CredentialConflictError(username, holder.uuid);
      const before = await getCredential(this.#d.db, uuid);
      const change = before?.passwordHash ? 'rotate' : 'create';
      await this.#d.ensureClient(uuid);
      const password = generatePassword(DEVICE_PASSWORD_LENGTH);
      const hash = await hashBrokerPassword(password, this.#d.iterations);
      const now = this.#d.now();
      await this.#d.writer.write(
        upsertCredentialStatement(uuid, username, hash, now),
        auditStatement({ actor, address, action: `credentials.${change}`, target: uuid, detail: { username } }, now),
      );
      // The writer logs and drops a failing statement: prove the new password is really in place.
      const after = await getCredential(this.#d.db, uuid);
      if (!after?.passwordHash || !(await verifyBrokerPassword(password, after.passwordHash))) {
        throw new Error(`credentials for ${uuid} could not be stored`);
      }
      await this.#d.onChanged?.(uuid, change);
      return { uuid, username, password, change };
    });
  }

  /** Revoke; answers false when there was no active account. */
  async revoke(rawUuid: string, by: AuditBy): Promise<boolean> {
    const { actor, address } = auditWho(by);
    const uuid = mustUuid(rawUuid);
    return this.#serial(uuid, async () => {
      const before = await getCredential(this.#d.db, uuid);
      if (!before?.passwordHash) return false;
      const now = this.#d.now();
      await this.#d.writer.write(
        revokeCredentialStatement(uuid, now),
        auditStatement({ actor, address, action: 'credentials.revoke', target: uuid, detail: { username: before.username } }, now),
      );
      await this.#d.onChanged?.(uuid, 'revoke');
      return true;
    });
  }

  /** The client was deleted: its account goes with it (also when it was revoked already). */
  async forget(rawUuid: string, by: AuditBy = 'system'): Promise<boolean> {
    const { actor, address } = auditWho(by);
    const uuid = mustUuid(rawUuid);
    return this.#serial(uuid, async () => {
      const before = await getCredential(this.#d.db, uuid);
      if (!before) return false;
      const now = this.#d.now();
      await this.#d.writer.write(
        deleteCredentialStatement(uuid),
        auditStatement({ actor, address, action: 'credentials.delete', target: uuid, detail: { username: before.username } }, now),
      );
      await this.#d.onChanged?.(uuid, 'delete');
      return true;
    });
  }

  /** The stored account (never with its hash) or null. */
  async status(rawUuid: string): Promise<Omit<DeviceCredential, 'passwordHash'> & { active: boolean } | null> {
    const c = await getCredential(this.#d.db, mustUuid(rawUuid));
    if (!c) return null;
    const { passwordHash, ...rest } = c;
    return { ...rest, active: passwordHash !== null };
  }

  /** One change per uuid at a time: two rotations racing must not both answer a password. */
  #serial<T>(uuid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(uuid) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(fn);
    const tail = next.catch(() => {});
    this.#locks.set(uuid, tail);
    void tail.then(() => {
      if (this.#locks.get(uuid) === tail) this.#locks.delete(uuid);
    });
    return next;
  }
}

function mustUuid(raw: string): string {
  const uuid = canonicalUuid(raw);
  if (!uuid) throw new TypeError(`not a client uuid: ${JSON.stringify(raw)}`);
  return uuid;
}
