// Actor inspector page behaviour (docs/inspector.md). CSP: no inline code, no eval; progressive: without
// it the page still shows the server-rendered diagram, state, history and time travel (?at=).
// - The diagram's highlight follows the state panel: the live one (#inspector-now, swapped over
//   SSE) or, while a past row is selected, the time-travel one (#inspector-past). Each panel
//   carries the state ids to highlight in `data-active`.
// - "Back to live" empties the time-travel panel; "fit to width" scales the diagram down; at
//   natural size the box scrolls to the active states whenever they change.
// - The history list keeps at most as many rows as the server's ring.
(() => {
  'use strict';
  const doc = document;
  const MAX_ROWS = 100;

  const highlight = () => {
    const svg = doc.querySelector('#inspector-chart svg');
    if (!svg) return;
    const past = doc.querySelector('#inspector-past [data-active]');
    const panel = past || doc.querySelector('#inspector-now [data-active]');
    if (!panel) return;
    const active = new Set((panel.getAttribute('data-active') || '').split(' ').filter(Boolean));
    for (const g of svg.querySelectorAll('[data-state]')) g.classList.toggle('is-active', active.has(g.getAttribute('data-state')));
    const view = doc.getElementById('inspector-view');
    if (view) view.dataset.mode = past ? 'past' : 'live';
    const key = [...active].sort().join(' ');
    if (key !== shownKey) {
      shownKey = key;
      reveal(svg);
    }
  };

  // A large chart (the client machine is ~3,000 px wide) opens at its natural size in a scrolling
  // box: bring the active leaf states into view, once per change of the active set, so the user's
  // own scrolling is not fought on every folded event.
  let shownKey = null;
  const reveal = (svg) => {
    const wrap = doc.getElementById('inspector-chart');
    if (!wrap || wrap.classList.contains('is-fit')) return;
    const boxes = [...svg.querySelectorAll('[data-state].is-active')].map((g) => g.getBBox());
    const inside = (a, b) => a !== b && a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;
    // Leaves: active states that enclose no other active state (parents and regions enclose theirs).
    const leaves = boxes.filter((b) => !boxes.some((o) => inside(o, b)));
    if (!leaves.length) return;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const b of leaves) {
      x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
    }
    const fitsX = x1 - x0 <= wrap.clientWidth - 40, fitsY = y1 - y0 <= wrap.clientHeight - 40;
    wrap.scrollLeft = fitsX ? (x0 + x1) / 2 - wrap.clientWidth / 2 : x0 - 20;
    wrap.scrollTop = fitsY ? (y0 + y1) / 2 - wrap.clientHeight / 2 : y0 - 20;
  };

  const trimHistory = () => {
    const list = doc.getElementById('inspector-history');
    if (!list) return;
    const rows = list.querySelectorAll(':scope > li');
    for (let i = MAX_ROWS; i < rows.length; i++) rows[i].remove();
  };

  doc.addEventListener('DOMContentLoaded', () => {
    const view = doc.getElementById('inspector-view');
    // SSE partial swaps and htmx GET swaps both end up here, whatever htmx calls its events.
    if (view) new MutationObserver(highlight).observe(view, { childList: true, subtree: true });
    const list = doc.getElementById('inspector-history');
    if (list) new MutationObserver(trimHistory).observe(list, { childList: true });
    highlight();
  });

  doc.addEventListener('click', (e) => {
    const t = e.target;
    if (!t || !t.closest) return;
    if (t.closest('[data-inspector-live]')) {
      const past = doc.getElementById('inspector-past');
      if (past) past.replaceChildren();
      return;
    }
    const fit = t.closest('[data-chart-fit]');
    if (fit) {
      const wrap = doc.getElementById('inspector-chart');
      const on = !(wrap && wrap.classList.contains('is-fit'));
      if (wrap) wrap.classList.toggle('is-fit', on);
      fit.setAttribute('aria-pressed', on ? 'true' : 'false');
    }
  });
})();
