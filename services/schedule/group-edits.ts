/**
 * Group writes (docs/scheduler.md "The contract in short"; docs/scheduler.md "Groups"), shared by `/api/groups` and the
 * `/groups` page: names unique ignoring case (conflict), display order, and delete, which
 * unassigns the group's clients through the Fleet (it clears their retained `group_id`), deletes
 * its events, and lets the scheduler clear the group's retained event list and power intent.
 */
import { deleteGroupStatements, findGroupByName, getGroup, insertGroupStatement, listGroups, maxDisplayOrder, orderStatements, updateGroupStatement } from '../../db/groups.ts';
import type { Group } from '../../lib/schedule/types.ts';
import { conflict, invalid, issue, notFound, ok, type EditResult, type EditWrites, type Issue, type ScheduleEditDeps } from './edit-result.ts';

export function groupEdits(d: ScheduleEditDeps, w: EditWrites) {
  const load = async (id: number): Promise<EditResult<Group>> => {
    const g = await getGroup(d.db, id);
    return g ? ok(g) : notFound('group_not_found');
  };
  /** null when no other group has that name (ignoring case), else the conflict naming it. */
  const taken = async (name: string, self?: number) => {
    const other = await findGroupByName(d.db, name);
    return other && other.id !== self ? conflict('group_name_taken', { name: other.name }) : null;
  };
  const writeOrder = (ids: number[]) => w.write(orderStatements(ids, d.now()), null); // the order is not in any payload

  return {
    /** false when another group has that name already (names are unique, case-insensitively). */
    async nameFree(name: string, self?: number): Promise<boolean> {
      return (await taken(name, self)) === null;
    },

    /** Last in the display order; it gets its retained `[]` (and an `off` intent) at once. */
    async createGroup(input: { name: string; description?: string | null }): Promise<EditResult<Group>> {
      const clash = await taken(input.name);
      if (clash) return clash;
      const id = await d.ids.next('groups');
      await w.write([insertGroupStatement(id, { name: input.name, description: input.description || null, displayOrder: (await maxDisplayOrder(d.db)) + 1 }, d.now())], null);
      const created = await getGroup(d.db, id);
      if (!created) return conflict('group_create_race'); // the unique index won a race
      await d.scheduler?.changed({ groups: [id] });
      return ok(created);
    },

    /** Partial: an omitted name or description stays; '' clears the description. */
    async updateGroup(id: number, patch: { name?: string; description?: string | null }): Promise<EditResult<Group>> {
      const found = await load(id);
      if (!found.ok) return found;
      const g = found.value;
      const name = patch.name ?? g.name;
      if (name.toLowerCase() !== g.name.toLowerCase()) {
        const clash = await taken(name, g.id);
        if (clash) return clash;
      }
      const description = patch.description !== undefined ? patch.description || null : g.description;
      await w.write([updateGroupStatement(g.id, { name, description }, d.now())], null); // names are not in any payload
      const updated = (await getGroup(d.db, g.id))!;
      if (updated.name !== name) return conflict('group_rename_race');
      return ok(updated);
    },

    /** The listed groups first in that order, the others after them in their previous order. */
    async orderGroups(order: number[]): Promise<EditResult<number[]>> {
      const groups = await listGroups(d.db);
      const ids = new Set(groups.map((g) => g.id));
      const issues: Issue[] = order.flatMap((id, i) => (ids.has(id) ? [] : [issue(`order.${i}`, 'order_unknown_group', { id })]));
      if (new Set(order).size !== order.length) issues.push(issue('order', 'order_twice'));
      if (issues.length) return invalid(issues);
      const listed = new Set(order);
      const final = [...order, ...groups.filter((g) => !listed.has(g.id)).map((g) => g.id)];
      await writeOrder(final);
      return ok(final);
    },

    /** Swaps a group with its neighbour in the display order (at either end nothing moves). Answers the order. */
    async moveGroup(id: number, dir: -1 | 1): Promise<EditResult<number[]>> {
      const ids = (await listGroups(d.db)).map((g) => g.id);
      const i = ids.indexOf(id);
      if (i < 0) return notFound('group_not_found');
      const j = i + dir;
      if (j < 0 || j >= ids.length) return ok(ids);
      [ids[i], ids[j]] = [ids[j], ids[i]];
      await writeOrder(ids);
      return ok(ids);
    },

    /** Answers how many clients were unassigned (docs/mqtt.md: their retained group_id is cleared). */
    async deleteGroup(id: number): Promise<EditResult<{ group: Group; unassigned: number }>> {
      const found = await load(id);
      if (!found.ok) return found;
      const members = d.fleet.list().filter((r) => r.groupId === id).map((r) => r.uuid);
      const unassigned = members.length ? await d.fleet.assignGroup(members, null) : 0;
      await w.write(deleteGroupStatements(id), { groups: [id] }); // clears infoscreen/events/{id} and the intent
      return ok({ group: found.value, unassigned });
    },
  };
}
