/**
 * The overview's live stream (`/live/overview`, docs/http.md "Live updates"; the shared parts are in
 * live-views.ts): a client changed in place is its row alone, with its group's health bar and event
 * line; a client entering, leaving or moving re-renders only the cards it touched; the whole list
 * only when the set of cards itself changes (a card appears, vanishes or moves).
 */
import type { ClientRecord } from '../../domain/client.types.ts';
import { partial } from '../../views/render.ts';
import { cached, type Batch } from './live-hub.ts';
import type { StreamView } from './sse.ts';
import type { PageDeps } from './kit.ts';
import { CARD_LIMIT, buildCards, bySeverity, cardKey, eventOf, matches, moreLinkFor, type GroupCard, type OverviewQuery } from './overview.model.ts';
import { hxPartial } from './hx.ts';
import { common, ctxFor, frames, once, seenParts, type Viewer } from './live-views.ts';

/** The cards of a selection at one moment, keyed and in order. */
interface Cards {
  cards: GroupCard[];
  byKey: Map<string, GroupCard>;
  order: string;
}

/** `/` : rows of the selected clients, group health bars, counters. */
export function overviewView(deps: PageDeps, v: Viewer, query: OverviewQuery): StreamView {
  const s = new OverviewStream(deps, v, query);
  return {
    resync: async () => frames([...common(deps, v, null, true), await s.groupsHtml(null)]),
    prime: async () => s.adopt(await s.cardsNow(null)), // what the page shows; nothing to render
    update: (b) => s.update(b),
  };
}

/** What one browser's overview shows, and what a batch changes of it. */
class OverviewStream {
  /** uuid → its groupId as rendered, and its card. */
  readonly #shown = new Map<string, { groupId: number | null; card: string }>();
  #cardOrder = '';
  /** Cards cut at CARD_LIMIT: their last listed client (a hidden client only enters by sorting before it). */
  readonly #capped = new Map<string, ClientRecord>();
  /**
   * The event line each card shows (card key → event id and end): an event starting or ending
   * changes every client of the group (EXPECTED_EVENT) in place, so only the line is re-sent.
   */
  readonly #shownEvent = new Map<string, string>();
  readonly #qkey: string;
  readonly #skey: string; // the selection alone: cards are the same in every language

  constructor(
    private readonly deps: PageDeps,
    private readonly v: Viewer,
    private readonly query: OverviewQuery,
  ) {
    this.#skey = JSON.stringify(query);
    this.#qkey = `${v.lang}|${v.role}|${this.#skey}`;
  }

  /** The cards of this selection now (computed once per batch / resync window for every browser). */
  cardsNow(b: Batch | null): Promise<Cards> {
    return once(this.deps, b, `cards|${this.#skey}`, async () => {
      const cards = buildCards(this.deps.fleet.list(), await this.deps.groups.list(), this.query, CARD_LIMIT, eventOf(this.deps));
      return { cards, byKey: new Map(cards.map((c) => [c.key, c])), order: cards.map((c) => c.key).join(' ') };
    });
  }

  /** This browser now shows these cards. */
  adopt(now: Cards): void {
    this.#shown.clear();
    this.#capped.clear();
    this.#shownEvent.clear();
    now.cards.forEach((card) => this.#track(card));
    this.#cardOrder = now.order;
  }

  async groupsHtml(b: Batch | null): Promise<string> {
    const now = await this.cardsNow(b);
    const html = once(this.deps, b, `groups|${this.#qkey}`, () => {
      const data = { ...ctxFor(this.deps, this.v), cards: now.cards, total: this.deps.fleet.size(), query: this.query, moreLink: moreLinkFor(this.query) };
      return hxPartial('#groups', 'outerHTML', partial('groups', data));
    });
    this.adopt(now);
    return html;
  }

  async update(b: Batch) {
    const { deps, v } = this;
    const parts = common(deps, v, b, true);
    const moved: string[] = []; // entered, left or changed card: its cards are re-rendered
    let rows: ClientRecord[] = []; // changed in place: the row alone
    for (const uuid of b.changed) {
      const r = deps.fleet.get(uuid);
      const was = this.#shown.get(uuid);
      const match = !!r && matches(r, this.query);
      if (was && match && was.groupId === r!.groupId) rows.push(r!);
      else if (was || (match && this.#entersCard(r!))) moved.push(uuid);
    }
    for (const uuid of b.removed) if (this.#shown.has(uuid)) moved.push(uuid);
    if (moved.length) {
      const { parts: cards, redone } = await this.#structuralParts(b, moved);
      parts.push(...cards);
      rows = redone === 'all' ? [] : rows.filter((r) => !redone.has(this.#shown.get(r.uuid)?.card ?? ''));
    }
    if (rows.length) {
      const it = ctxFor(deps, v);
      for (const r of rows) parts.push(cached(b, `row|${v.lang}|${v.role}|${r.uuid}`, () => hxPartial(`#c-${r.uuid}`, 'outerHTML', partial('client-item', { ...it, r }))));
      parts.push(...barParts(deps, v, b, rows));
      parts.push(...this.#eventParts(b, rows));
    }
    parts.push(...seenParts(deps, v, b, (u) => `seen-${u}`, (u) => this.#shown.has(u)));
    return frames(parts);
  }

  /** Remembers what a rendered card lists (replacing what it listed before). */
  #track(card: GroupCard): void {
    for (const [uuid, s] of this.#shown) if (s.card === card.key) this.#shown.delete(uuid);
    for (const r of card.clients) this.#shown.set(r.uuid, { groupId: r.groupId, card: card.key });
    if (card.more) this.#capped.set(card.key, { ...card.clients[card.clients.length - 1] });
    else this.#capped.delete(card.key);
    this.#shownEvent.set(card.key, eventKey(card));
  }

  #entersCard(r: ClientRecord): boolean {
    const last = this.#capped.get(cardKey(r.groupId));
    return !last || bySeverity(r, last) < 0;
  }

  /**
   * A structural change: the cards that listed or now list a touched client, or count it, are
   * re-rendered alone; the whole list only when cards appear, vanish or move.
   */
  async #structuralParts(b: Batch, touched: string[]): Promise<{ parts: string[]; redone: Set<string> | 'all' }> {
    const now = await this.cardsNow(b);
    if (now.order !== this.#cardOrder) return { parts: [await this.groupsHtml(b)], redone: 'all' };
    const keys = new Set<string>();
    for (const uuid of touched) {
      const before = this.#shown.get(uuid);
      if (before) keys.add(before.card);
      const r = this.deps.fleet.get(uuid);
      if (r) keys.add(cardOfNow(now.byKey, r));
    }
    const it = ctxFor(this.deps, this.v);
    const moreLink = moreLinkFor(this.query);
    const out: string[] = [];
    for (const key of keys) {
      const card = now.byKey.get(key);
      if (!card) continue;
      const data = { ...it, card, query: this.query, moreLink };
      out.push(once(this.deps, b, `card|${this.#qkey}|${key}`, () => hxPartial(`#${key}`, 'outerHTML', partial('group-card', data))));
      this.#track(card);
    }
    return { parts: out, redone: keys };
  }

  /** The event lines of the cards of clients changed in place, where the group's event changed. */
  #eventParts(b: Batch, rows: ClientRecord[]): string[] {
    const out: string[] = [];
    const now = eventOf(this.deps);
    for (const groupId of new Set(rows.map((r) => r.groupId))) {
      if (groupId === null) continue;
      const key = cardKey(groupId);
      if (!this.#shownEvent.has(key)) continue; // not a card of this page (or an unknown group)
      const g = { key, id: groupId, event: now(groupId) };
      const k = eventKey(g);
      if (k === this.#shownEvent.get(key)) continue;
      this.#shownEvent.set(key, k);
      out.push(cached(b, `event|${this.v.lang}|${key}|${k}`, () => hxPartial(`#${key}-event`, 'outerHTML', partial('group-event', { ...ctxFor(this.deps, this.v), g }))));
    }
    return out;
  }
}

const eventKey = (card: Pick<GroupCard, 'event'>) => (card.event ? `${card.event.eventId}|${card.event.until}|${card.event.others}` : '');

/** The card a client counts in now (buildCards: an unknown group counts as unassigned). */
function cardOfNow(byKey: Map<string, GroupCard>, r: ClientRecord): string {
  const key = cardKey(r.groupId);
  return byKey.has(key) ? key : cardKey(null);
}

/** Health bars of the groups whose clients changed (whole-fleet stats computed once per batch). */
function barParts(deps: PageDeps, v: Viewer, b: Batch, rows: ClientRecord[]): string[] {
  const stats = cached(b, 'group-stats', () => {
    const m = new Map<string, { total: number; online: number }>();
    for (const r of deps.fleet.list()) {
      const s = m.get(cardKey(r.groupId)) ?? { total: 0, online: 0 };
      s.total++;
      if (r.connectivity === 'online') s.online++;
      m.set(cardKey(r.groupId), s);
    }
    return m;
  });
  const keys = new Set(rows.map((r) => cardKey(r.groupId)));
  const it = ctxFor(deps, v);
  return [...keys].map((key) =>
    cached(b, `bar|${v.lang}|${key}`, () => {
      const s = stats.get(key) ?? { total: 0, online: 0 };
      return hxPartial(`#${key}-bar`, 'outerHTML', partial('group-bar', { ...it, key, ...s }));
    }),
  );
}
