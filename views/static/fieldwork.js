// Fieldwork pages: the label's print button. Progressive: the button stays hidden
// without JavaScript (the page says to use the browser's print command instead). CSP: no inline
// handlers, so the click is bound here.
(() => {
  'use strict';
  document.addEventListener('DOMContentLoaded', () => {
    for (const btn of document.querySelectorAll('button[data-print]')) {
      btn.hidden = false;
      btn.addEventListener('click', () => window.print());
    }
  });
})();
