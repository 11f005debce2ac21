/** Response schemas of `/api/users` and `/api/auth/me` (routes/users.ts, db/users.ts userJson). */
import { z } from 'zod';
import { ROLES } from '../../domain/users.ts';
import type { userJson } from '../../db/users.ts';
import { nullableTime, type Fits } from './common.ts';

export const UserJson = z
  .object({
    id: z.number().int(),
    username: z.string(),
    role: z.enum(ROLES),
    isActive: z.boolean(),
    language: z.string().nullable(),
    lastLoginAt: nullableTime,
    lockedUntil: nullableTime,
    failedLoginCount: z.number().int(),
    failedLoginAttempts: z.number().int(),
    lastFailedLoginAt: nullableTime,
    deactivatedAt: nullableTime,
    deactivatedBy: z.number().int().nullable(),
    passwordChangedAt: nullableTime,
    lastPasswordChangeAt: nullableTime,
    createdAt: nullableTime,
    updatedAt: nullableTime,
  })
  .describe('A user with the audit fields of docs/users.md');
export type _UserFits = Fits<typeof UserJson, ReturnType<typeof userJson>>;
export const UserList = z.array(UserJson).describe('The users the caller may manage');
/** A new user; `generatedPassword` once, when none was given. */
export const CreatedUser = UserJson.extend({ generatedPassword: z.string().optional() }).describe('The new user');
