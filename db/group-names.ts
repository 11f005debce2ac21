/**
 * Group names for the dashboard (the `groups` table of 0001_initial.sql), read-only. The groups
 * API owns writes; the dashboard only needs id → name in display order. Cached for a few
 * seconds because live fragments may ask several times a second.
 */
import type { Db } from './client.ts';

export interface GroupName {
  id: number;
  name: string;
}

export async function listGroupNames(db: Db): Promise<GroupName[]> {
  const rs = await db.execute('SELECT id, name FROM groups ORDER BY display_order, name COLLATE NOCASE');
  return rs.rows.map((r) => ({ id: Number(r.id), name: String(r.name) }));
}

/** `listGroupNames` behind a short cache (ms); `invalidate()` after a known change. */
export class GroupNames {
  #cached: { at: number; groups: GroupName[] } | null = null;
  #pending: Promise<GroupName[]> | null = null;
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly ttlMs = 2000,
  ) {}

  async list(): Promise<GroupName[]> {
    const t = this.now();
    if (this.#cached && t - this.#cached.at < this.ttlMs) return this.#cached.groups;
    this.#pending ??= listGroupNames(this.db)
      .then((groups) => ((this.#cached = { at: this.now(), groups }), groups))
      .finally(() => (this.#pending = null));
    return this.#pending;
  }

  invalidate(): void {
    this.#cached = null;
  }
}
