// Weekly check-in: shows the questions asked once as soon as the person answers yes to "Has
// anything changed"; without this script the server shows them after sending (the form is the same).
(function () {
  'use strict';
  const carried = document.querySelector('[data-checkin-carried]');
  if (!carried) return;
  const radios = document.querySelectorAll('input[name="changed"]');
  const update = () => {
    const chosen = document.querySelector('input[name="changed"]:checked');
    carried.hidden = !(chosen && chosen.value === 'yes');
  };
  for (const radio of radios) radio.addEventListener('change', update);
  update();
})();
