// Reminders that stay on this device: with the person's opt-in, one browser notification for the
// next reminder the server put on the page (data-at="HH:MM"), while the page is open. Nothing is
// sent anywhere; quiet hours are already applied by the server, which then shows no reminder.
(function () {
  'use strict';
  const { gettext } = window.hipalignWords; // words.js: the page's words

  const KEY = 'hipalign.notify.v1';
  const box = document.querySelector('[data-testid="reminder"]');
  const panel = document.getElementById('notify-panel');
  if (!panel) return;
  const button = panel.querySelector('button');
  const status = panel.querySelector('[data-testid="notify-status"]');
  const supported = 'Notification' in window;

  function enabled() { return supported && localStorage.getItem(KEY) === 'on' && Notification.permission === 'granted'; }
  function show() {
    if (!supported) { status.textContent = gettext('This browser cannot show notifications; reminders appear on this page.'); button.hidden = true; return; }
    status.textContent = enabled() ? gettext('Notifications are on for this device.') : gettext('Notifications are off. Reminders still appear on this page.');
    button.textContent = enabled() ? gettext('Turn notifications off') : gettext('Turn notifications on');
  }
  let timer = null;
  function schedule() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (!enabled() || !box || !box.dataset.at) return;
    const [h, m] = box.dataset.at.split(':').map(Number);
    const at = new Date(); at.setHours(h, m, 0, 0);
    const wait = at.getTime() - Date.now();
    if (wait < 0 || wait > 12 * 3600 * 1000) return;
    // At most one pending: a new page load replaces it.
    timer = setTimeout(() => { new Notification('hipalign', { body: box.textContent.trim(), tag: 'hipalign-reminder' }); }, wait);
  }
  button.addEventListener('click', async () => {
    if (enabled()) { localStorage.setItem(KEY, 'off'); }
    else {
      const p = await Notification.requestPermission();
      localStorage.setItem(KEY, p === 'granted' ? 'on' : 'off');
    }
    show(); schedule();
  });
  show(); schedule();
})();
