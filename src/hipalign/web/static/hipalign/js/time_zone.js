// Proposes the browser's own time zone in the Time zone field until the person has chosen one
// (the server's default is the install's zone, which may not be theirs). No network call.
(function () {
  'use strict';
  let zone = '';
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch (e) {
    return;
  }
  for (const select of document.querySelectorAll('select[data-time-zone="browser-default"]')) {
    const holder = select.closest('[data-time-zone-chosen]');
    if (holder && holder.getAttribute('data-time-zone-chosen') === 'yes') continue;
    // Only a zone the list has: the server refuses any other name.
    if (Array.from(select.options).some((o) => o.value === zone)) select.value = zone;
  }
})();
