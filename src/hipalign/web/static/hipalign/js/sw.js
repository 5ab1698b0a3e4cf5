/*
 * hipalign service worker, served at /sw.js with scope /.
 *
 * Lets the session player open without a connection: /today is network first with the last good
 * copy as the offline fallback, static assets are cache first. Everything else (POST, /api/,
 * other pages) goes straight to the network and is never stored: logs travel through the
 * player's own outbox, which keeps them until the server confirms.
 */
'use strict';

// Bump on every change of this file or of the list below; activate deletes the older caches.
const VERSION = 'v5';
const CACHE_PREFIX = 'hipalign-';
const CACHE = `${CACHE_PREFIX}${VERSION}`;
const PAGE = '/today';
const ASSETS = [
  '/static/hipalign/js/words.js',
  '/static/hipalign/js/player.js',
  '/static/hipalign/css/app.css',
  '/static/hipalign/css/player.css',
  '/static/hipalign/vendor/htmx-2.0.11.min.js',
];

/** Only a plain 200 from this origin is worth keeping (not a redirect to /login, not an error). */
function cacheable(response) {
  return Boolean(response) && response.status === 200 && response.type === 'basic' && !response.redirected;
}

/**
 * Tell the open pages that a request reached the server: a page restored from the cache may
 * never see an `online` event, and this is the first sign that its kept logs can go now.
 */
function announceNetwork(response) {
  if (!response || response.type === 'error' || response.status >= 500) return Promise.resolve();
  return self.clients
    .matchAll({ type: 'window' })
    .then((list) => list.forEach((client) => client.postMessage({ type: 'hipalign:network-ok' })))
    .catch(() => undefined);
}

async function fetchAndStore(cache, url) {
  const response = await fetch(new Request(url, { credentials: 'same-origin', cache: 'no-cache' }));
  if (cacheable(response)) await cache.put(url, response);
}

/**
 * One request per entry instead of a single cache.addAll: addAll is all-or-nothing, so one
 * missing asset (or /today redirecting to /login) would leave nothing cached or abort install.
 */
async function precache() {
  const cache = await caches.open(CACHE);
  await Promise.all([PAGE, ...ASSETS].map((url) => fetchAndStore(cache, url).catch(() => undefined)));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE).map((n) => caches.delete(n))
      );
      await self.clients.claim();
    })()
  );
});

/** /today: fresh from the network when possible (and remembered), else the last good copy. */
async function networkFirstPage(request) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (err) {
    const cached = await cache.match(PAGE);
    if (cached) return cached;
    throw err;
  }
  announceNetwork(response);
  if (cacheable(response)) {
    await cache.put(PAGE, response.clone());
  } else if (response.status >= 500) {
    // Server restarting or a proxy error: the last good copy lets the session go on.
    const cached = await cache.match(PAGE);
    if (cached) return cached;
  } else if (response.type === 'opaqueredirect' || response.redirected || response.status === 401 || response.status === 403) {
    // Logged out or the session expired: do not keep showing that person's page offline.
    await cache.delete(PAGE);
  }
  return response;
}

/**
 * Static files: answer from the cache, and refresh the cached copy in the background so a new
 * release reaches the next page load (the file names carry no version).
 */
async function cacheFirstStatic(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request);
  const refresh = fetch(event.request)
    .then(async (response) => {
      if (cacheable(response)) await cache.put(event.request, response.clone());
      await announceNetwork(response);
      return response;
    });
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined));
    return cached;
  }
  return refresh;
}

/** Logging out ends the person's offline copy of their page (a shared browser, a family tablet). */
function forgetPageOnLogout(event, url) {
  if (event.request.method === 'POST' && (url.pathname === '/logout' || url.pathname === '/account')) {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.delete(PAGE)));
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // never handled (and the CSP allows none)
  forgetPageOnLogout(event, url);
  if (request.method !== 'GET') return; // POSTs pass through untouched
  if (request.mode === 'navigate' && url.pathname === PAGE) {
    event.respondWith(networkFirstPage(request));
  } else if (url.pathname.startsWith('/static/')) {
    event.respondWith(cacheFirstStatic(event));
  }
  // Anything else (/api/, other pages, /sw.js): no respondWith, so the browser fetches it.
});

/**
 * A reminder pushed by the worker (issue 18): {title, body, url, tag}. One tag for all, so a new
 * reminder replaces the one still shown: at most one at a time.
 */
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (err) {
    data = { body: event.data ? event.data.text() : '' };
  }
  const url = typeof data.url === 'string' && data.url.startsWith('/') ? data.url : '/today';
  event.waitUntil(
    self.registration.showNotification(data.title || 'hipalign', {
      body: data.body || 'A reminder from hipalign.',
      tag: data.tag || 'hipalign-reminder',
      renotify: true,
      data: { url },
    })
  );
});

/** Opening a reminder focuses an open hipalign tab on its page, or opens one. */
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.url) || '/today';
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    (async () => {
      const list = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const client of list) {
        if (new URL(client.url).origin === self.location.origin && 'focus' in client) {
          await client.focus();
          if ('navigate' in client) return client.navigate(target);
          return undefined;
        }
      }
      return self.clients.openWindow(target);
    })()
  );
});
