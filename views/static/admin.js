// Alpine components of the dashboard's admin part (commands, users, alerts) and toast dedup.
// Alpine is its CSP build (routes/pages/index.ts): templates only name these components and their
// methods; nothing here is eval'd. Everything is progressive: without JavaScript the server asks
// for confirmation itself (routes/pages/client-commands.ts) and toasts simply stack.
(() => {
  'use strict';
  const doc = document;

  document.addEventListener('alpine:init', () => {
    const Alpine = window.Alpine;

    // A command form: the submit button opens a confirmation dialog showing the action and the
    // reason; "yes" sets confirm=1 and submits (htmx posts it). The reason is required.
    Alpine.data('commandForm', () => ({
      reason: '',
      ask(event) {
        const form = this.$root;
        const input = this.$refs.reason;
        input.setCustomValidity(input.value.trim() ? '' : form.dataset.reasonRequired || ' ');
        if (!form.reportValidity()) {
          event.preventDefault();
          return;
        }
        event.preventDefault();
        this.reason = input.value.trim();
        this.$refs.confirm.value = '';
        this.$refs.dialog.showModal();
      },
      confirm() {
        this.$refs.confirm.value = '1';
        this.$refs.dialog.close();
        this.$root.requestSubmit();
      },
      cancel() {
        this.$refs.dialog.close();
      },
    }));
  });

  // Clear a custom "reason required" message as soon as something is typed.
  doc.addEventListener('input', (e) => {
    if (e.target && e.target.name === 'reason' && e.target.setCustomValidity) e.target.setCustomValidity('');
  });

  // ── Toast dedup: the server sends each alert with its key (kind|client) and counter;
  // only the newest toast per key stays, so a repeating alert shows once, its counter going up.
  const dedup = (box) => {
    const seen = new Set();
    const toasts = [...box.querySelectorAll('.toast[data-key]')].reverse(); // newest last in the DOM
    for (const t of toasts) {
      const key = t.dataset.key;
      if (seen.has(key)) t.remove();
      else seen.add(key);
    }
  };
  doc.addEventListener('DOMContentLoaded', () => {
    const box = doc.getElementById('toasts');
    if (box) new MutationObserver(() => dedup(box)).observe(box, { childList: true });
  });
})();
