// The phone menu (docs/http.md: every page usable at 360 px): the nav links fold behind one button.
// An Alpine component for its CSP build (no expressions beyond names: routes/pages/index.ts), loaded
// before Alpine so it is registered on `alpine:init`. Wide screens hide the button in CSS.
(() => {
  'use strict';
  document.addEventListener('alpine:init', () => {
    window.Alpine.data('navMenu', () => ({
      open: false,
      toggle() {
        this.open = !this.open;
      },
      get expanded() {
        return this.open ? 'true' : 'false';
      },
      get holderClass() {
        return this.open ? 'js-menu is-open' : 'js-menu';
      },
      hideToggle: false,
    }));
  });
})();
