// "Print this plan": the browser's print dialog (save as PDF there). CSP forbids inline onclick.
(function () {
  'use strict';
  document.querySelectorAll('[data-print]').forEach((b) => b.addEventListener('click', () => {
    document.querySelectorAll('details').forEach((d) => { d.open = true; });
    window.print();
  }));
})();
