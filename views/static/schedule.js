// Alpine component of the event form (views/partials/schedule-event-form.eta). Alpine is its CSP
// build: the template only names this component, its `read` method and its getters; nothing is
// eval'd. Small local state only: which recurrence and content fields apply. Without JavaScript
// every field shows and the server ignores the ones that do not apply (routes/pages/schedule.form.ts).
(() => {
  'use strict';
  const BUILDER = ['daily', 'weekly', 'monthly'];
  const URL_TYPES = ['website', 'webuntis', 'video'];

  document.addEventListener('alpine:init', () => {
    window.Alpine.data('eventForm', () => ({
      freq: 'none',
      end: 'never',
      type: '',
      init() {
        this.read();
      },
      // Re-read the form on every change (x-on:change="read"): the form stays the one source of truth.
      read() {
        const form = this.$root;
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
