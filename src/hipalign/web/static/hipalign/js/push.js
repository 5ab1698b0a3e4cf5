// This device's Web Push switch (issue 18): on asks the browser for permission, subscribes with
// the app's VAPID public key and hands the subscription to the server; off unsubscribes and
// tells the server to forget it. Nothing is sent anywhere until the person turns it on here.
(function () {
  'use strict';
  const panel = document.getElementById('push-panel');
  if (!panel) return;
  const { gettext } = window.hipalignWords; // words.js: the page's words
  const button = panel.querySelector('[data-testid="push-toggle"]');
  const status = panel.querySelector('[data-testid="push-status"]');
  const key = panel.dataset.vapidKey;
  const supported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

  function csrf() {
    const m = document.cookie.match(/(?:^|; )(?:__Host-)?csrftoken=([^;]*)/);
    if (m) return decodeURIComponent(m[1]);
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }
  function keyBytes(b64) {
    const pad = '='.repeat((4 - (b64.length % 4)) % 4);
    const raw = atob((b64 + pad).replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  async function post(url, body) {
    const r = await fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf() },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error('the server answered ' + r.status);
    return r.json();
  }
  async function registration() {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    return navigator.serviceWorker.ready;
  }
  async function current() {
    const reg = await registration();
    return reg.pushManager.getSubscription();
  }
  async function show() {
    if (!supported) {
      status.textContent = gettext('This browser cannot receive reminders while closed; they appear on Today while it is open.');
      return;
    }
    const sub = await current().catch(() => null);
    const on = Boolean(sub) && Notification.permission === 'granted';
    status.textContent = on ? gettext('Reminders are on for this device.') : gettext('Reminders are off for this device.');
    button.textContent = on ? gettext('Stop reminders on this device') : gettext('Send reminders to this device');
    button.dataset.on = on ? '1' : '';
    button.hidden = false;
  }
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const sub = await current();
      if (button.dataset.on && sub) {
        await post('/account/reminders/push/remove', { endpoint: sub.endpoint });
        await sub.unsubscribe();
      } else {
        if ((await Notification.requestPermission()) !== 'granted') {
          status.textContent = gettext('The browser did not allow notifications; reminders stay on Today.');
          return;
        }
        const reg = await registration();
        const made = sub || (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }));
        await post('/account/reminders/push', made.toJSON());
      }
      await show();
    } catch (err) {
      status.textContent = gettext('Could not change reminders on this device: ') + err.message;
    } finally {
      button.disabled = false;
    }
  });
  show();
})();
