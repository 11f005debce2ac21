// Actor inspector page behaviour (inspector.md). CSP: no inline code, no eval; progressive: without
// it the page still shows the server-rendered diagram, state, history and time travel (?at=).
// - The diagram's highlight follows the state panel: the live one (#inspector-now, swapped over
//   SSE) or, while a past row is selected, the time-travel one (#inspector-past). Each panel
//   carries the state ids to highlight in `data-active`.
// - "Back to live" empties the time-travel panel; "fit to width" scales the diagram down.
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
