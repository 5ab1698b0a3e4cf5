// A yes to a question that needs care now stops the form at once (issue 14 item 4): the stop
// panel and its button show, and the ways on hide (Next in the wizard, Save in the check-in,
// marked data-stop-hides). The server stops on such a yes whichever button sends the form, so
// without this script the form stops the same way, one click later.
(function () {
  'use strict';
  for (const form of document.querySelectorAll('form[data-stop-names]')) {
    const names = (form.dataset.stopNames || '').split(' ').filter(Boolean);
    const panel = form.querySelector('[data-stop-panel]');
    if (!panel || !names.length) continue;
    const before = panel.querySelector('[data-stop-nojs]');
    const now = panel.querySelector('[data-stop-now]');
    const update = () => {
      // In page order: the first question answered yes among those that stop.
      const yes = Array.from(form.querySelectorAll('input[value="yes"]:checked')).find((i) => names.includes(i.name));
      const stopped = Boolean(yes);
      // Right under the first such yes, so the way out is where the person is reading.
      if (yes) yes.closest('.field').after(panel);
      form.classList.toggle('stopped', stopped);
      panel.hidden = !stopped;
      if (before) before.hidden = true;
      if (now) now.hidden = !stopped;
      for (const el of form.querySelectorAll('[data-stop-hides]')) el.hidden = stopped;
      form.dispatchEvent(new CustomEvent('stopchange', { detail: { stopped } }));
    };
    form.addEventListener('change', (e) => { if (names.includes(e.target.name)) update(); });
    update();
  }
})();
