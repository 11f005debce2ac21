// Dashboard behaviour that HTML alone cannot do (CSP: this file is the only script besides htmx;
// no inline handlers, no eval). Everything here is progressive: without it the pages still read.
(() => {
  'use strict';
  const doc = document;

  // ── Connection indicator: live / reconnecting / offline (docs/http.md "Live updates") ──────────
  let failures = 0;
  const setConn = (state) => {
    const el = doc.getElementById('conn');
    if (!el) return;
    el.dataset.state = state;
    const text = el.querySelector('.conn-text');
    if (text) text.textContent = el.dataset[state] || '';
  };
  const hasStream = () => !!doc.querySelector('[hx-sse\\:connect]');
  doc.addEventListener('DOMContentLoaded', () => setConn(hasStream() ? (navigator.onLine ? 'connecting' : 'offline') : 'idle'));
  doc.addEventListener('htmx:sse:after:connection', () => {
    failures = 0;
    setConn('live');
  });
  doc.addEventListener('htmx:sse:before:connection', (e) => {
    if (e.detail && e.detail.connection && e.detail.connection.attempt > 0) setConn(navigator.onLine ? 'reconnecting' : 'offline');
  });
  doc.addEventListener('htmx:sse:error', () => {
    failures++;
    setConn(!navigator.onLine || failures >= 4 ? 'offline' : 'reconnecting');
  });
  // A swapped-out connector (new filter) closes; its successor connects right away.
  doc.addEventListener('htmx:sse:close', () => setConn(hasStream() ? 'connecting' : 'idle'));
  window.addEventListener('offline', () => setConn('offline'));
  window.addEventListener('online', () => hasStream() && setConn('reconnecting'));

  // ── Relative times ("3 min ago") stay fresh without the server ────────────────────────────
  const UNITS = [['day', 86400000], ['hour', 3600000], ['minute', 60000], ['second', 1000]];
  const ago = (rtf, ms) => {
    const diff = ms - Date.now();
    if (Math.abs(diff) < 5000) return doc.body.dataset.justNow || rtf.format(0, 'second');
    const [unit, size] = UNITS.find(([, s]) => Math.abs(diff) >= s) || UNITS[3];
    return rtf.format(Math.trunc(diff / size), unit);
  };
  const refreshTimes = () => {
    const rtf = new Intl.RelativeTimeFormat(doc.documentElement.lang || 'en', { numeric: 'auto', style: 'short' });
    for (const el of doc.querySelectorAll('time[data-ago][datetime]')) {
      const ms = Date.parse(el.getAttribute('datetime'));
      if (!Number.isNaN(ms)) el.textContent = ago(rtf, ms);
    }
  };
  setInterval(refreshTimes, 10000);
  doc.addEventListener('DOMContentLoaded', refreshTimes);

  // ── Timed content: an element with data-expires-in (ms) is removed when it runs out ─────────
  // (the priority screenshot once its TTL is over, docs/clients-screens.md). The delay is the
  // server's, so a browser clock that is off does not matter. Live swaps bring new elements.
  const armExpiry = () => {
    for (const el of doc.querySelectorAll('[data-expires-in]:not([data-expiry-armed])')) {
      el.dataset.expiryArmed = '1';
      const ms = Number(el.dataset.expiresIn);
      if (Number.isFinite(ms)) setTimeout(() => el.remove(), Math.max(0, ms));
    }
  };
  doc.addEventListener('DOMContentLoaded', () => {
    armExpiry();
    new MutationObserver(armExpiry).observe(doc.body, { childList: true, subtree: true });
  });

  // ── Toasts: dismiss on click, fade after a while, never more than five ────────────────────
  const TOAST_MS = 8000;
  const MAX_TOASTS = 5;
  const armToasts = () => {
    const box = doc.getElementById('toasts');
    if (!box) return;
    const toasts = box.querySelectorAll('.toast');
    for (let i = 0; i < toasts.length - MAX_TOASTS; i++) toasts[i].remove();
    for (const t of box.querySelectorAll('.toast:not([data-armed])')) {
      t.dataset.armed = '1';
      setTimeout(() => t.remove(), TOAST_MS);
    }
  };
  // Toasts arrive through SSE partial swaps: watch the container rather than htmx's events.
  doc.addEventListener('DOMContentLoaded', () => {
    const box = doc.getElementById('toasts');
    if (box) new MutationObserver(armToasts).observe(box, { childList: true });
  });
  doc.addEventListener('click', (e) => {
    const close = e.target.closest && e.target.closest('.toast-close');
    if (close) close.closest('.toast').remove();
    // A click outside an open menu closes it.
    for (const d of doc.querySelectorAll('details.menu[open]')) if (!d.contains(e.target)) d.removeAttribute('open');
  });
  // ── 503 (the database refuses writes, nothing was saved): the htmx config does not swap 5xx
  // responses, so the server's notice would be lost; show its text as a toast instead.
  doc.addEventListener('htmx:response:error', (e) => {
    const ctx = e.detail && e.detail.ctx;
    const box = doc.getElementById('toasts');
    if (!ctx || !ctx.response || ctx.response.status !== 503 || !ctx.text || !box) return;
    const t = doc.createElement('template');
    t.innerHTML = ctx.text;
    const notice = t.content.querySelector('.notice');
    if (!notice) return;
    const toast = doc.createElement('div');
    toast.className = 'toast toast-store';
    toast.setAttribute('role', 'alert');
    const text = doc.createElement('span');
    text.className = 'toast-text';
    text.textContent = notice.textContent.replace(/\s+/g, ' ').trim();
    toast.append(text);
    box.append(toast);
  });
  doc.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') for (const d of doc.querySelectorAll('details.menu[open]')) d.removeAttribute('open');
  });
})();
