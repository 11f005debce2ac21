/** Who did an admin action and from where (docs/http.md "Audit trail"). */

/** A plain string is an actor without an address (a script, `system`); a request passes both. */
export type AuditBy = string | { actor: string; address: string | null };

export const auditWho = (by: AuditBy): { actor: string; address: string | null } => (typeof by === 'string' ? { actor: by, address: null } : by);
