/**
 * The one home of user management (docs/http.md "Roles and sessions"): the JSON API (routes/users.ts)
 * and the dashboard page (routes/pages/users.ts) both call it, so a rule cannot differ between
 * them. Rules: admins manage user/editor/admin but never superadmins (neither see, touch one nor
 * grant the role); nobody changes their own role, deactivates or deletes themselves; delete is a hard
 * delete for a superadmin actor and a deactivation for an admin; a password reset or a
 * deactivation revokes the user's sessions. Operations answer typed results (like
 * services/schedule/edit-result.ts), never HTTP errors; input is already checked at the door.
 */
import type { Db } from '../../db/client.ts';
import type { Writes } from '../../db/logs.ts';
import { deleteUserSessionsStatement } from '../../db/sessions.ts';
import {
  deleteUserStatements,
  getUserById,
  getUserByUsername,
  insertUserStatement,
  listUsers,
  setPasswordStatement,
  updateUserStatement,
  type UserChange,
  unlockUserStatement,
} from '../../db/users.ts';
import { ROLES, type Role, type User } from '../../domain/users.ts';
import type { LoginGuard } from './login.ts';
import { generatePassword, hashPassword, MAX_PASSWORD, MIN_PASSWORD } from '../../lib/password.ts';

/** The characters of a username: letters, digits and `. _ @ -` (both doors check it). */
export const USERNAME_CHARS = /^[\p{L}\p{N}._@-]+$/u;
/** A well-formed username: those characters, 1–64 of them (code points). */
export const isUsername = (name: string): boolean => USERNAME_CHARS.test(name) && [...name].length <= 64;
/** Length of a generated password (shown once to the admin). */
const GENERATED_LENGTH = 16;

export type Actor = Pick<User, 'id' | 'role'>;

export interface Permissions {
  /** Roles the actor may set on the target ([] = the role is fixed). */
  roles: Role[];
  edit: boolean;
  deactivate: boolean;
  /** 'hard' (superadmin actor), 'deactivate' (admin actor), or null. */
  delete: 'hard' | 'deactivate' | null;
  resetPassword: boolean;
}

/** The roles `actor` may give anyone: all but superadmin, unless a superadmin asks. */
export const grantableRoles = (actor: Pick<User, 'role'>): Role[] => ROLES.filter((r) => r !== 'superadmin' || actor.role === 'superadmin');

/** Superadmin accounts exist only for superadmins: admins neither see nor manage them. */
export const visible = (actor: Pick<User, 'role'>, target: Pick<User, 'role'>): boolean => target.role !== 'superadmin' || actor.role === 'superadmin';

/** What `actor` may do to `target`; the page offers exactly this and the operations enforce it. */
export function permissions(actor: Actor, target: Actor): Permissions {
  const self = actor.id === target.id;
  const manage = visible(actor, target);
  return {
    roles: manage && !self ? grantableRoles(actor) : [],
    edit: manage,
    deactivate: manage && !self,
    delete: manage && !self ? (actor.role === 'superadmin' ? 'hard' : 'deactivate') : null,
    resetPassword: manage && !self,
  };
}

/** Which rule refused; `message` is the JSON API's wording (routes/users.ts answers it as is). */
export const FORBIDDEN = {
  manage_superadmin: 'only a superadmin can manage a superadmin',
  grant_superadmin: 'only a superadmin can grant the superadmin role',
  own_role: 'you cannot change your own role',
  deactivate_self: 'you cannot deactivate yourself',
  delete_self: 'you cannot delete yourself',
  own_password: 'use /api/auth/change-password for your own password',
} as const;
export type ForbiddenRule = keyof typeof FORBIDDEN;

export type UserAdminFailure =
  | { ok: false; reason: 'forbidden'; rule: ForbiddenRule; message: string }
  | { ok: false; reason: 'not_found'; message: string }
  | { ok: false; reason: 'conflict'; message: string }
  /** Only the password length is checked here (the page passes it through unchecked). */
  | { ok: false; reason: 'invalid'; field: 'password'; message: string };
export type UserAdminResult<T> = { ok: true; value: T } | UserAdminFailure;

const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
const forbidden = (rule: ForbiddenRule): UserAdminFailure => ({ ok: false, reason: 'forbidden', rule, message: FORBIDDEN[rule] });
const notFound: UserAdminFailure = { ok: false, reason: 'not_found', message: 'user not found' };
const taken: UserAdminFailure = { ok: false, reason: 'conflict', message: 'username already exists' };
const badPassword: UserAdminFailure = { ok: false, reason: 'invalid', field: 'password', message: `password must be ${MIN_PASSWORD}–${MAX_PASSWORD} characters` };
const passwordOk = (p: string) => p.length >= MIN_PASSWORD && p.length <= MAX_PASSWORD;

export interface UserAdminDeps {
  db: Db;
  /** The one writer (docs/architecture.md "One writer"): every change awaits `write`. */
  writer: Writes;
  now: () => number;
  /** Unlocking an account also forgets its per-address locks (services/accounts/login.ts). */
  loginGuard: Pick<LoginGuard, 'unlock'>;
}

export interface NewUserInput {
  username: string;
  role: Role;
  /** Absent (or empty): one is generated and answered once. */
  password?: string;
  language?: string | null;
}

export function userAdmin(d: UserAdminDeps) {
  const { db, writer, now } = d;
  const write = async (...statements: Parameters<Writes['enqueue']>) => {
    await writer.write(...statements);
  };
  /** Case-insensitive (db/users.ts) clash with another user. */
  const clashes = async (username: string, exceptId?: number) => {
    const other = await getUserByUsername(db, username);
    return other !== undefined && other.id !== exceptId;
  };

  return {
    /** The users `actor` may see: an admin never sees superadmin accounts, a superadmin sees all. */
    list: async (actor: Pick<User, 'role'>): Promise<User[]> => (await listUsers(db)).filter((u) => visible(actor, u)),

    /** The user of a path segment; anything but a positive safe integer, or a user `actor` may not see, is not found. */
    async find(actor: Pick<User, 'role'>, raw: string): Promise<UserAdminResult<User>> {
      const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
      const user = Number.isSafeInteger(id) ? await getUserById(db, id) : undefined;
      return user && visible(actor, user) ? ok(user) : notFound;
    },

    async create(actor: Actor, input: NewUserInput): Promise<UserAdminResult<{ user: User; generatedPassword?: string }>> {
      if (!grantableRoles(actor).includes(input.role)) return forbidden('grant_superadmin');
      if (input.password && !passwordOk(input.password)) return badPassword;
      if (await clashes(input.username)) return taken;
      const generated = input.password ? undefined : generatePassword(GENERATED_LENGTH);
      const passwordHash = await hashPassword(input.password || generated!);
      await write(insertUserStatement({ username: input.username, passwordHash, role: input.role, language: input.language }, now()));
      const user = await getUserByUsername(db, input.username);
      if (!user) throw new Error('user insert was not written');
      return ok(generated ? { user, generatedPassword: generated } : { user });
    },

    /** Applies `change`; answers the user as stored afterwards. */
    async update(actor: Actor, target: User, change: UserChange): Promise<UserAdminResult<User>> {
      const can = permissions(actor, target);
      if (!can.edit) return forbidden('manage_superadmin');
      if (change.role !== undefined && change.role !== target.role && !can.roles.includes(change.role)) {
        return forbidden(actor.id === target.id ? 'own_role' : 'grant_superadmin');
      }
      if (change.isActive !== undefined && change.isActive !== target.isActive && !can.deactivate) return forbidden('deactivate_self');
      if (change.username !== undefined && (await clashes(change.username, target.id))) return taken;
      const stmt = updateUserStatement(target.id, change, now(), actor.id);
      // A deactivated user is logged out everywhere at once.
      await write(...(stmt ? [stmt] : []), ...(change.isActive === false ? [deleteUserSessionsStatement(target.id)] : []));
      const user = await getUserById(db, target.id);
      return user ? ok(user) : notFound;
    },

    /** Hard delete for a superadmin actor, deactivation (and logout) for an admin. */
    async remove(actor: Actor, target: User): Promise<UserAdminResult<{ mode: 'deleted' | 'deactivated' }>> {
      const mode = permissions(actor, target).delete;
      if (!mode) return forbidden(actor.id === target.id ? 'delete_self' : 'manage_superadmin');
      if (mode === 'hard') {
        await write(...deleteUserStatements(target.id));
        return ok({ mode: 'deleted' });
      }
      await write(updateUserStatement(target.id, { isActive: false }, now(), actor.id)!, deleteUserSessionsStatement(target.id));
      return ok({ mode: 'deactivated' });
    },

    /** Opens a locked account (every address, and the database's account-wide lock). */
    async unlock(actor: Actor, target: User): Promise<UserAdminResult<User>> {
      if (!permissions(actor, target).edit) return forbidden('manage_superadmin');
      await write(unlockUserStatement(target.id, now()));
      d.loginGuard.unlock(target.id);
      const user = await getUserById(db, target.id);
      return user ? ok(user) : notFound;
    },

    /** Sets `password` (or a generated one, answered once) and ends the user's sessions. */
    async resetPassword(actor: Actor, target: User, password?: string): Promise<UserAdminResult<{ generatedPassword?: string }>> {
      if (!permissions(actor, target).resetPassword) return forbidden(actor.id === target.id ? 'own_password' : 'manage_superadmin');
      if (password && !passwordOk(password)) return badPassword;
      const generated = password ? undefined : generatePassword(GENERATED_LENGTH);
      await write(setPasswordStatement(target.id, await hashPassword(password || generated!), now()), deleteUserSessionsStatement(target.id));
      return ok(generated ? { generatedPassword: generated } : {});
    },
  };
}

export type UserAdmin = ReturnType<typeof userAdmin>;
