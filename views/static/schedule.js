// Alpine component of the event form (views/partials/schedule-event-form.eta). Alpine is its CSP
// build: the template only names this component, its `read` method and its getters; nothing is
// eval'd. Small local state only: which recurrence and content fields apply. Without JavaScript
// every field shows and the server ignores the ones that do not apply (routes/pages/schedule/form.ts).
(() => {
  'use strict';
  const BUILDER = ['daily', 'weekly', 'monthly'];
  const URL_TYPES = ['website', 'webuntis', 'video'];

  /** Monday = 0 … Sunday = 6 (the form's byDay values) of a `YYYY-MM-DD` date, or null. */
  function weekdayOf(date) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || '');
    if (!m) return null;
    const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
    return (day + 6) % 7;
  }

  document.addEventListener('alpine:init', () => {
    window.Alpine.data('eventForm', () => ({
      freq: 'none',
      end: 'never',
      type: '',
      date: '',
      init() {
        this.date = this.dateValue();
        this.read();
      },
      dateValue() {
        const d = this.$root.elements.namedItem('date');
        return d ? d.value : '';
      },
      // The weekday chips start as the start date's weekday. When the date moves and the chips still
      // show exactly the old date's weekday (the user has not chosen others), they follow the date.
      followDate() {
        const next = this.dateValue();
        const before = weekdayOf(this.date);
        this.date = next;
        const after = weekdayOf(next);
        if (before === null || after === null || before === after) return;
        const boxes = [...this.$root.querySelectorAll('input[name="byDay"]')];
        const checked = boxes.filter((b) => b.checked).map((b) => Number(b.value));
        if (checked.length !== 1 || checked[0] !== before) return;
        for (const b of boxes) b.checked = Number(b.value) === after;
      },
      // Re-read the form on every change (x-on:change="read"): the form stays the one source of truth.
      read() {
        const form = this.$root;
        if (this.dateValue() !== this.date) this.followDate();
        const freq = form.elements.namedItem('freq');
        const end = form.querySelector('input[name="end"]:checked');
        const type = form.elements.namedItem('eventType');
        this.freq = freq ? freq.value : 'none';
        this.end = end ? end.value : 'never';
        this.type = type ? type.value : '';
      },
      get builder() { return BUILDER.includes(this.freq); },
      get weekly() { return this.freq === 'weekly'; },
      get custom() { return this.freq === 'custom'; },
      get endsOnDate() { return this.builder && this.end === 'until'; },
      get endsAfterCount() { return this.builder && this.end === 'count'; },
      get hasUrl() { return URL_TYPES.includes(this.type); },
      get isWebuntis() { return this.type === 'webuntis'; },
      get isVideo() { return this.type === 'video'; },
      get isMessage() { return this.type === 'message'; },
      get isPresentation() { return this.type === 'presentation'; },
    }));
  });
})();
