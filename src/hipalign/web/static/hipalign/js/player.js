/*
 * hipalign session player.
 *
 * Renders the session script (a list of timed steps made by the server, see
 * core/session_script.py) with a countdown, beeps and an optional local voice; asks for a short
 * log after each exercise and sends it to /api/logs through an outbox kept in localStorage, so a
 * log survives reloads, double clicks and being offline.
 *
 * Runs under a strict CSP: no inline handlers, no style attributes in markup, no eval; the only
 * network calls go to this origin. Plain ES2020 in one IIFE, no build step.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------------------------------------
  // Constants

  // The outbox and the rejected list belong to one account: their keys end with the account's
  // outbox name that the page gives (player-data "outbox"). Another person logging in on this
  // browser gets other keys, so never sees or sends these logs; the same person, logging in
  // again, finds and sends them. Without a name (no player on the page) nothing is kept or sent.
  const OUTBOX_PREFIX = 'hipalign.outbox.v2:';
  const REJECTED_PREFIX = 'hipalign.rejected.v2:';
  const LEGACY_OUTBOX_KEY = 'hipalign.outbox.v1'; // before outboxes had an owner
  let OUTBOX_KEY = null;
  let REJECTED_KEY = null;
  const SESSION_PREFIX = 'hipalign.session.v1:';
  const SOUND_KEY = 'hipalign.sound.v1';
  const LOGS_URL = '/api/logs';
  const TICK_MS = 100;
  // Retries after a failed send: soon at first (the network often comes back in steps, and the
  // `online` event can fire a moment before requests get through), then less often.
  const RETRY_FIRST_MS = 500;
  const RETRY_MAX_MS = 15000;
  const SEND_TIMEOUT_MS = 20000; // a hung connection (captive portal) must not block the queue
  const SESSION_KEEP_DAYS = 14; // old session ids are useless after that; do not hoard them

  const { gettext, interpolate } = window.hipalignWords; // words.js: the page's words

  const KIND_LABELS = {
    warm_up: gettext('Warm-up'),
    get_ready: gettext('Get ready'),
    reps: gettext('Repetitions'),
    hold: gettext('Hold'),
    rest: gettext('Rest'),
    switch_side: gettext('Switch side'),
    done: gettext('Done'),
  };

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  function byId(id) {
    return document.getElementById(id);
  }

  /** Build an element. Attributes only via setAttribute and text via textContent, never HTML. */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children || []) {
      if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function setText(node, text) {
    // Only touch the DOM when the text changes: the timer calls this ten times a second.
    if (node && node.textContent !== text) node.textContent = text;
  }

  function capitalize(s) {
    return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
  }

  /** One of two messages by count (one, other), the count put in as %(n)s. */
  function counted(n, one, other) {
    return interpolate(n === 1 ? one : other, { n });
  }

  /** "left side" / "right side" in the page's words. */
  function sideWords(side) {
    return side === 'left' ? gettext('left side') : gettext('right side');
  }

  /** A random UUID; randomUUID exists only in secure contexts (not on plain http over a LAN). */
  function newUuid() {
    const c = window.crypto;
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    const b = new Uint8Array(16);
    c.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Storage: localStorage with an in-memory fallback, so a full or blocked storage degrades to
  // "kept until this tab closes" (and says so) instead of throwing away a log.

  const memory = new Map();
  let deviceStorageFailed = false;

  function storeGet(key) {
    if (memory.has(key)) return memory.get(key);
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function storeSet(key, value) {
    try {
      window.localStorage.setItem(key, value);
      memory.delete(key);
      return true;
    } catch (e) {
      memory.set(key, value);
      deviceStorageFailed = true;
      return false;
    }
  }

  function readJson(key, fallback) {
    const raw = storeGet(key);
    if (raw === null) return fallback;
    try {
      return JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }

  function writeJson(key, value) {
    return storeSet(key, JSON.stringify(value));
  }

  // ---------------------------------------------------------------------------------------------
  // Sound: WebAudio beeps (no audio files) and, only if a voice on this machine exists, speech.

  const sound = {
    ctx: null,
    on: readJson(SOUND_KEY, true) !== false,
    voice: null,
  };

  /** Browsers only allow audio after a user gesture, so this runs inside click/key handlers. */
  function ensureAudio() {
    if (!sound.ctx) {
      const AudioCtx = window.AudioContext || window.webkitAudioContext;
      if (!AudioCtx) return;
      try {
        sound.ctx = new AudioCtx();
      } catch (e) {
        return;
      }
    }
    if (sound.ctx.state === 'suspended') sound.ctx.resume().catch(() => {});
  }

  function tone(freq, delay, duration, type, volume) {
    const ctx = sound.ctx;
    if (!ctx || !sound.on) return;
    const t0 = ctx.currentTime + delay;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = type || 'sine';
    osc.frequency.setValueAtTime(freq, t0);
    // Short attack and decay: a hard on/off of the oscillator clicks.
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(volume || 0.3, t0 + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + duration);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + duration + 0.05);
  }

  const beep = {
    step: () => tone(660, 0, 0.2),
    tick: () => tone(1000, 0, 0.06, 'square', 0.12),
    side: () => {
      tone(523, 0, 0.15);
      tone(784, 0.18, 0.25);
    },
    done: () => {
      tone(523, 0, 0.15);
      tone(659, 0.17, 0.15);
      tone(784, 0.34, 0.4);
    },
  };

  /** Only a voice that runs on this machine: a remote voice would send the cue text away. */
  function pickLocalVoice() {
    const synth = window.speechSynthesis;
    if (!synth) return null;
    const lang = (document.documentElement.lang || 'en').toLowerCase().slice(0, 2);
    const local = synth.getVoices().filter((v) => v.localService === true);
    return local.find((v) => (v.lang || '').toLowerCase().startsWith(lang)) || null;
  }

  function initVoices() {
    const synth = window.speechSynthesis;
    if (!synth) return;
    sound.voice = pickLocalVoice();
    // Voices load asynchronously in Chrome.
    synth.addEventListener('voiceschanged', () => {
      sound.voice = pickLocalVoice();
    });
  }

  function speak(text) {
    const synth = window.speechSynthesis;
    // No local voice: stay silent rather than let the default (maybe remote) voice speak.
    if (!synth || !sound.on || !sound.voice || !text) return;
    synth.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.voice = sound.voice;
    u.lang = sound.voice.lang;
    synth.speak(u);
  }

  function setSound(on) {
    sound.on = on;
    writeJson(SOUND_KEY, on);
    if (!on && window.speechSynthesis) window.speechSynthesis.cancel();
  }

  // ---------------------------------------------------------------------------------------------
  // Screen wake lock: a phone on the floor should not go dark mid-hold. Best effort only.

  let wakeLock = null;

  function keepAwake(on) {
    if (!('wakeLock' in navigator)) return;
    if (on && !wakeLock && document.visibilityState === 'visible') {
      navigator.wakeLock
        .request('screen')
        .then((lock) => {
          wakeLock = lock;
          lock.addEventListener('release', () => {
            if (wakeLock === lock) wakeLock = null;
          });
        })
        .catch(() => {});
    } else if (!on && wakeLock) {
      const lock = wakeLock;
      wakeLock = null;
      lock.release().catch(() => {});
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Outbox: every log goes to localStorage first, then to the server; it leaves the outbox only
  // when the server has stored it (200/201) or can never store it (then it moves to "rejected").

  const sync = {
    flushing: null,
    again: false,
    failure: null, // null | 'offline' | 'auth'
    sentSome: false,
    retryTimer: null,
    retryMs: RETRY_FIRST_MS,
  };

  function outboxRead() {
    if (!OUTBOX_KEY) return [];
    const list = readJson(OUTBOX_KEY, []);
    return Array.isArray(list) ? list : [];
  }

  function isSendable(entry) {
    return (
      entry &&
      typeof entry.url === 'string' &&
      entry.url.startsWith('/api/') && // same origin, our API only
      entry.body &&
      typeof entry.body === 'object' &&
      typeof entry.body.client_id === 'string'
    );
  }

  function outboxAdd(entries) {
    if (!OUTBOX_KEY) return;
    // Read-modify-write on fresh data: another tab may have changed the list.
    const list = outboxRead();
    const known = new Set(list.filter(isSendable).map((e) => e.body.client_id));
    for (const entry of entries) {
      if (!known.has(entry.body.client_id)) list.push(entry);
    }
    writeJson(OUTBOX_KEY, list);
  }

  function outboxRemove(clientId) {
    if (!OUTBOX_KEY) return;
    const list = outboxRead().filter((e) => !(isSendable(e) && e.body.client_id === clientId));
    writeJson(OUTBOX_KEY, list);
  }

  function rejectedAdd(entry, status, message) {
    if (!REJECTED_KEY) return;
    const list = readJson(REJECTED_KEY, []);
    const kept = Array.isArray(list) ? list : [];
    kept.push({ url: entry.url, body: entry.body, status, error: message, at: new Date().toISOString() });
    writeJson(REJECTED_KEY, kept);
  }

  function readCookie(name) {
    for (const part of document.cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === name) return decodeURIComponent(v.join('='));
    }
    return '';
  }

  /**
   * The CSRF token. The cookie wins when readable: after logging in again in another tab the
   * token rotates, and a page served offline from the cache has an old one in its meta tag.
   */
  function csrfToken() {
    const cookie = readCookie('__Host-csrftoken') || readCookie('csrftoken');
    if (cookie) return cookie;
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  function problemText(data, status) {
    if (status === 404) return 'the plan or session was not found (it may have been replaced)';
    if (!data || typeof data !== 'object') return `the server refused it (status ${status})`;
    const parts = [];
    if (data.error) parts.push(String(data.error));
    if (Array.isArray(data.problems)) parts.push(...data.problems.map(String));
    if (Array.isArray(data.detail)) parts.push(...data.detail.map((d) => (d && d.msg) || String(d)));
    return parts.length ? parts.join('; ') : `the server refused it (status ${status})`;
  }

  /** Send one log. Result kinds: ok (stored), rejected (never will be), retry (try later). */
  async function sendOne(entry) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
    let res;
    try {
      res = await fetch(entry.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken() },
        credentials: 'same-origin',
        cache: 'no-store',
        body: JSON.stringify(entry.body),
        signal: abort.signal,
      });
    } catch (e) {
      return { kind: 'retry', reason: 'offline' };
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (res.status === 200 || res.status === 201) {
      // A redirect to the login page also ends in 200: only our API's answer counts as stored.
      if (res.redirected || !data || typeof data !== 'object' || !('log_id' in data)) {
        return { kind: 'retry', reason: 'auth' };
      }
      return { kind: 'ok', data };
    }
    if (res.status === 401 || res.status === 403) return { kind: 'retry', reason: 'auth' };
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      return { kind: 'retry', reason: 'offline' };
    }
    // 422, 404 and any other 4xx: resending the same body cannot succeed.
    return { kind: 'rejected', status: res.status, message: problemText(data, res.status) };
  }

  async function flushOnce() {
    const queue = outboxRead().filter(isSendable);
    if (!queue.length) {
      renderSyncStatus();
      return;
    }
    // While a failure is known, keep saying so during retries instead of flickering "Sending".
    if (!sync.failure) renderSyncStatus('sending');
    for (const entry of queue) {
      const result = await sendOne(entry);
      if (result.kind === 'ok') {
        outboxRemove(entry.body.client_id);
        sync.sentSome = true;
        showDecision(entry.body, result.data);
      } else if (result.kind === 'rejected') {
        rejectedAdd(entry, result.status, result.message);
        outboxRemove(entry.body.client_id);
        showRejected(entry.body, result.message);
      } else {
        // The server is unreachable or we are logged out: the rest would fail the same way.
        sync.failure = result.reason;
        renderSyncStatus();
        return;
      }
    }
    sync.failure = null;
    renderSyncStatus();
  }

  /** One pending retry at most; each failure waits twice as long, up to RETRY_MAX_MS. */
  function scheduleRetry() {
    if (sync.retryTimer !== null) return;
    const wait = sync.retryMs;
    sync.retryMs = Math.min(sync.retryMs * 2, RETRY_MAX_MS);
    sync.retryTimer = setTimeout(() => {
      sync.retryTimer = null;
      flush();
    }, wait);
  }

  /**
   * A sign that the network is back (the `online` event, a request that got an answer, the page
   * shown again): send now and retry soon, whatever the last failure made us wait for.
   */
  function networkBack() {
    if (sync.retryTimer !== null) {
      clearTimeout(sync.retryTimer);
      sync.retryTimer = null;
    }
    sync.retryMs = RETRY_FIRST_MS;
    return flush();
  }

  /** Send everything in the outbox; one flush at a time, re-run if asked to while busy. */
  function flush() {
    if (sync.flushing) {
      sync.again = true;
      return sync.flushing;
    }
    sync.flushing = (async () => {
      do {
        sync.again = false;
        await flushOnce();
      } while (sync.again);
    })()
      .catch(() => {})
      .finally(() => {
        sync.flushing = null;
        if (pendingCount()) scheduleRetry();
        else sync.retryMs = RETRY_FIRST_MS;
      });
    return sync.flushing;
  }

  function pendingCount() {
    return outboxRead().filter(isSendable).length;
  }

  function renderSyncStatus(phase) {
    const node = byId('sync-status');
    if (!node) return;
    const n = pendingCount();
    let text = '';
    let state = 'idle';
    if (n === 0) {
      if (sync.sentSome) {
        text = gettext('All logs sent.');
        state = 'ok';
      }
    } else if (phase === 'sending') {
      text = counted(n, gettext('Sending 1 log…'), gettext('Sending %(n)s logs…'));
      state = 'sending';
    } else {
      text = counted(
        n,
        gettext('1 log saved on this device, will be sent when you are back online.'),
        gettext('%(n)s logs saved on this device, will be sent when you are back online.'),
      );
      if (sync.failure === 'auth') {
        text += ' ' + gettext('Your login may have expired: log in again (in another tab), then they will be sent.');
      }
      state = 'pending';
    }
    if (deviceStorageFailed) {
      text += ' ' + gettext('This browser could not save to the device: keep this tab open until the logs are sent.');
      state = state === 'ok' ? 'ok' : 'pending';
    }
    node.setAttribute('data-state', state);
    // For scripts and tests that wait for the outbox to empty instead of for a fixed time.
    node.setAttribute('data-pending', String(n));
    setText(node, text.trim());
  }

  // ---------------------------------------------------------------------------------------------
  // Results: the decision per side, the reasons and any advice, in plain words.

  let exerciseById = new Map();

  function exerciseName(id) {
    const ex = exerciseById.get(id);
    return ex ? ex.name : id;
  }

  /** The decision line: the server words the decision and the next dose (core/words.py, the
   * same words as the plan page and the handout); the player only names the side. */
  function decisionText(body, d, text) {
    const prefix = body.side ? `${capitalize(sideWords(body.side))}: ` : '';
    const skipped = gettext('Skipped — your dose stays as it was.');
    const saved = gettext('Saved.');
    const lower = (t) => t.charAt(0).toLowerCase() + t.slice(1);
    if (!d && body.skipped) return prefix ? prefix + lower(skipped) : skipped;
    if (!d || !text) return prefix ? prefix + lower(saved) : saved;
    return prefix ? prefix + lower(text) : text;
  }

  /** One block per exercise of this session, so both sides sit together. */
  function resultBlock(body) {
    const box = byId('player-decisions');
    const key = `${body.session_id}:${body.exercise}`;
    for (const node of box.children) {
      if (node.getAttribute('data-key') === key) return node;
    }
    // Notices (advice, review) sit under the title, above the per-side lines, in arrival order.
    const block = el('article', { class: 'player-result', 'data-key': key }, [
      el('h3', { class: 'player-result-title', text: exerciseName(body.exercise) }),
      el('div', { class: 'player-notices' }),
    ]);
    box.appendChild(block);
    return block;
  }

  function showDecision(body, data) {
    if (!byId('player-decisions')) return;
    const block = resultBlock(body);
    const d = data.decision || null;
    const side = el('div', { class: `player-result-side player-action-${d ? d.action : body.skipped ? 'skipped' : 'saved'}` }, [
      el('p', { class: 'player-result-line', text: decisionText(body, d, data.decision_text || '') }),
    ]);
    if (d && d.dose && d.dose.note) side.appendChild(el('p', { class: 'player-result-note', text: d.dose.note }));
    if (d && Array.isArray(d.reasons) && d.reasons.length) {
      side.appendChild(el('ul', { class: 'player-reasons' }, d.reasons.map((r) => el('li', { text: r }))));
    }
    block.appendChild(side);
    const notices = block.querySelector('.player-notices');
    const review = (d && d.review_suggested) || body.pain_during > 5;
    if (review && !notices.querySelector('.player-review')) {
      notices.prepend(el('p', { class: 'player-review', text: gettext('A review with a professional is suggested.') }));
    }
    // Advice repeats per side (same pain, same message): show each sentence once.
    const shown = new Set(Array.from(notices.querySelectorAll('.player-advice'), (n) => n.textContent));
    for (const advice of Array.isArray(data.advice) ? data.advice : []) {
      if (shown.has(advice)) continue;
      shown.add(advice);
      notices.appendChild(el('p', { class: 'player-advice', text: String(advice) }));
    }
  }

  function showRejected(body, message) {
    const box = byId('player-rejected');
    if (!box) return;
    const who = body.side ? `${exerciseName(body.exercise)}, ${sideWords(body.side)}` : exerciseName(body.exercise);
    box.appendChild(
      el('p', { text: interpolate(gettext('Not stored: %(who)s — %(problem)s. The log is kept on this device.'), { who, problem: message }) })
    );
    box.hidden = false;
  }

  // ---------------------------------------------------------------------------------------------
  // The player: a timer over the script's steps, stopping at the end of each exercise for a log.

  const P = {
    data: null,
    steps: [],
    speedup: 1,
    segmentOf: [], // step index -> exercise segment index (-1 for "done")
    segments: [], // {start, end, exercise}
    index: 0,
    remainingMs: 0,
    lastTs: 0,
    lastSecond: null,
    started: false,
    running: false,
    finished: false,
    logging: null, // {segment, target, resume, skipped, ids}
    handled: new Set(), // segments logged or with logging skipped: never asked twice
    outcomes: {}, // segment -> 'done' | 'skipped' | 'unlogged', for the end screen
    timer: null,
    sessionKey: '',
    sessionId: '',
  };

  const ui = {};

  function stepMs(step) {
    return (step.duration_s * 1000) / P.speedup;
  }

  /** Each exercise is a run of steps that starts at its get_ready step. */
  function buildSegments(steps) {
    let current = -1;
    steps.forEach((step, i) => {
      if (step.kind === 'get_ready') {
        P.segments.push({ start: i, end: i, exercise: step.exercise });
        current = P.segments.length - 1;
      } else if (step.kind === 'done') {
        current = -1;
      }
      P.segmentOf[i] = current;
      if (current >= 0) P.segments[current].end = i;
    });
  }

  function exerciseOfSegment(seg) {
    if (!(seg >= 0 && seg < P.segments.length)) return null;
    return exerciseById.get(P.segments[seg].exercise) || null;
  }

  /** Leaving an exercise (forwards) that was not logged yet: time for the log form. */
  function needsLog(from, to) {
    const seg = P.segmentOf[from];
    return seg >= 0 && P.segmentOf[to] !== seg && !P.handled.has(seg) && exerciseOfSegment(seg) !== null;
  }

  // --- session identity and position, kept so a reload continues the same session ------------

  function loadSession() {
    const d = P.data;
    P.sessionKey = `${SESSION_PREFIX}${d.plan_id}:${d.performed_on}:${d.session}`;
    const saved = readJson(P.sessionKey, null);
    const s = saved && typeof saved === 'object' ? saved : {};
    P.sessionId = typeof s.session_id === 'string' && s.session_id ? s.session_id : newUuid();
    if (Number.isInteger(s.index) && s.index >= 0 && s.index < P.steps.length) P.index = s.index;
    if (Array.isArray(s.handled)) s.handled.filter(Number.isInteger).forEach((i) => P.handled.add(i));
    if (s.outcomes && typeof s.outcomes === 'object') {
      for (const [seg, outcome] of Object.entries(s.outcomes)) {
        if (['done', 'skipped', 'unlogged'].includes(outcome)) P.outcomes[seg] = outcome;
      }
    }
    P.finished = s.finished === true || P.steps[P.index].kind === 'done';
    const pending = s.pending;
    if (pending && Number.isInteger(pending.segment) && exerciseOfSegment(pending.segment) && !P.finished) {
      P.logging = {
        segment: pending.segment,
        target: Math.min(Number(pending.target) || 0, P.steps.length - 1),
        resume: false, // after a reload the person presses Resume: nothing starts on its own
        skipped: pending.skipped === true,
        ids: Array.isArray(pending.ids) ? pending.ids : null,
      };
    }
    saveSession();
    forgetOldSessions(d.performed_on);
  }

  function saveSession() {
    const l = P.logging;
    writeJson(P.sessionKey, {
      session_id: P.sessionId,
      index: P.index,
      handled: Array.from(P.handled),
      outcomes: P.outcomes,
      finished: P.finished,
      pending: l ? { segment: l.segment, target: l.target, skipped: l.skipped, ids: l.ids } : null,
    });
  }

  function forgetOldSessions(today) {
    const limit = Date.parse(today) - SESSION_KEEP_DAYS * 86400000;
    if (!Number.isFinite(limit)) return;
    try {
      const stale = [];
      for (let i = 0; i < window.localStorage.length; i++) {
        const key = window.localStorage.key(i);
        if (!key || !key.startsWith(SESSION_PREFIX)) continue;
        const day = Date.parse(key.slice(SESSION_PREFIX.length).split(':')[1] || '');
        if (Number.isFinite(day) && day < limit) stale.push(key);
      }
      stale.forEach((key) => window.localStorage.removeItem(key));
    } catch (e) {
      // Storage unavailable: nothing to clean.
    }
  }

  // --- describing steps --------------------------------------------------------------------

  function exerciseLine(step) {
    if (step && step.kind === 'warm_up') return `${gettext('Warm-up')}: ${step.move || ''}`;
    if (!step || !step.exercise) return '';
    const name = exerciseName(step.exercise);
    return step.side ? `${name} — ${sideWords(step.side)}` : name;
  }

  function kindLine(step) {
    if (step.kind === 'warm_up') {
      return interpolate(gettext('Warm-up · move %(n)s of %(total)s'), { n: P.index + 1, total: firstExercise() });
    }
    let text = KIND_LABELS[step.kind] || step.kind;
    if (step.set) text += ' · ' + interpolate(gettext('set %(n)s'), { n: step.set });
    if (step.kind === 'hold' && step.rep) text += ', ' + interpolate(gettext('hold %(n)s'), { n: step.rep });
    return text;
  }

  function seconds(ms) {
    return Math.max(0, Math.ceil(ms / 1000 - 1e-6));
  }

  function nextLine(index) {
    const next = P.steps[index + 1];
    if (!next) return '';
    if (next.kind === 'done') return gettext('Next up: end of the session.');
    let what = next.kind === 'get_ready' || next.kind === 'warm_up' ? exerciseLine(next) : KIND_LABELS[next.kind] || next.kind;
    if (next.kind === 'switch_side' && next.side) what = `${what}: ${sideWords(next.side)}`;
    return interpolate(gettext('Next up: %(what)s (%(seconds)s s).'), { what, seconds: seconds(stepMs(next)) });
  }

  // --- rendering ---------------------------------------------------------------------------

  function render() {
    const step = P.steps[P.index];
    ui.root.setAttribute('data-kind', step.kind);
    ui.root.setAttribute('data-state', playerState());
    setText(ui.exercise, exerciseLine(step));
    setText(ui.kindLabel, kindLine(step));
    setText(ui.kind, step.kind);
    setText(ui.cue, cueOf(step));
    const left = seconds(P.remainingMs);
    setText(ui.countdown, String(left));
    if (ui.countdownUnit) setText(ui.countdownUnit, left === 1 ? gettext('second left') : gettext('seconds left'));
    setText(ui.reps, repLine(step));
    setText(ui.next, P.finished ? '' : nextLine(P.index));
    renderProgress(step);
    // The drawn figure (demo.js) follows the countdown: seconds of the step done so far.
    if (window.hipalignDemo) {
      const ms = stepMs(step);
      window.hipalignDemo.update(step, ms > 0 ? step.duration_s * (1 - P.remainingMs / ms) : 0, playerState());
    }
    // "Skip warm-up" exists while a warm-up step is showing, before Start too; the warm-up
    // running out on its own hides it here, on the tick that moves on.
    if (ui.skipWarmUp) ui.skipWarmUp.hidden = !(step.kind === 'warm_up' && !P.finished && !P.logging);
  }

  // --- the warm-up phase (issue 13 item 14) ----------------------------------------------------
  // The script's first steps may be the warm-up's moves (kind "warm_up"). They belong to no
  // exercise segment, so they never open a log form and nothing of them is sent or counted.

  /** Index of the first step after the warm-up (0 when the session has none). */
  function firstExercise() {
    let i = 0;
    while (i < P.steps.length - 1 && P.steps[i].kind === 'warm_up') i++;
    return i;
  }

  function startLabel() {
    if (P.steps[P.index].kind === 'warm_up') return P.index === 0 ? gettext('Start warm-up') : gettext('Continue warm-up');
    return P.index > firstExercise() ? gettext('Continue session') : gettext('Start');
  }

  /** Leave the warm-up for the first exercise: running on if it ran, else waiting for Start. */
  function skipWarmUp() {
    if (P.finished || P.logging || P.steps[P.index].kind !== 'warm_up') return;
    ensureAudio();
    const target = firstExercise();
    if (P.started) {
      enterStep(target, false);
      renderControls();
      ui.pause.focus();
      return;
    }
    P.index = target;
    P.remainingMs = stepMs(P.steps[target]);
    saveSession();
    setText(ui.start, startLabel());
    render();
    renderControls();
    ui.start.focus();
  }

  function playerState() {
    if (P.finished) return 'done';
    if (P.logging) return 'logging';
    if (!P.started) return 'ready';
    return P.running ? 'running' : 'paused';
  }

  /** For a reps step, which repetition the pace is at: the script gives the count and time. */
  function repLine(step) {
    if (step.kind !== 'reps' || !step.count) return '';
    const total = stepMs(step);
    const done = total > 0 ? 1 - P.remainingMs / total : 1;
    const rep = Math.min(step.count, Math.max(1, Math.floor(done * step.count) + 1));
    return interpolate(gettext('Rep %(n)s of %(total)s'), { n: rep, total: step.count });
  }

  function renderProgress(step) {
    const total = P.data.script.total_s || 0;
    const ms = stepMs(step);
    const within = ms > 0 ? step.duration_s * (1 - P.remainingMs / ms) : 0;
    const doneS = P.finished ? total : Math.min(total, step.start_s + within);
    const pct = total > 0 ? Math.round((doneS / total) * 100) : 100;
    const leftMin = Math.ceil((total - doneS) / P.speedup / 60);
    ui.progressFill.style.width = `${pct}%`; // CSSOM, allowed by style-src 'self'
    ui.progress.setAttribute('aria-valuenow', String(pct));
    ui.progress.setAttribute('aria-valuetext', interpolate(gettext('%(pct)s percent done'), { pct }));
    const count = P.steps.length - 1;
    const text = P.finished
      ? counted(count, gettext('The 1 step is done.'), gettext('All %(n)s steps done.'))
      : interpolate(gettext('Step %(n)s of %(total)s'), { n: Math.min(P.index + 1, count), total: count }) +
        ' · ' +
        counted(leftMin, gettext('about 1 minute left'), gettext('about %(n)s minutes left'));
    setText(ui.progressText, text);
  }

  function renderControls() {
    const live = P.started && !P.finished && !P.logging;
    ui.start.hidden = P.started || P.finished;
    ui.start.disabled = P.finished || Boolean(P.logging);
    ui.pause.hidden = !P.started || P.finished;
    setText(ui.pause, P.running ? gettext('Pause') : gettext('Resume'));
    for (const b of [ui.pause, ui.back, ui.skip, ui.skipExercise]) b.disabled = !live;
    setText(ui.sound, sound.on ? gettext('Sound: on') : gettext('Sound: off'));
    ui.controls.hidden = P.finished;
    ui.keys.hidden = P.finished;
    ui.done.hidden = !P.finished;
    ui.root.setAttribute('data-state', playerState());
  }

  // --- moving through the script -------------------------------------------------------------

  function announce(step) {
    if (step.kind === 'switch_side') beep.side();
    else if (step.kind === 'done') beep.done();
    else beep.step();
    speak(cueOf(step));
  }

  /** The script's cue; at the end "Session complete" only when nothing was skipped. */
  function cueOf(step) {
    if (step.kind === 'done' && !outcomeGroups().complete) return gettext('Session ended.');
    return step.cue || '';
  }

  /** Enter step i from its start. `quiet` skips the sound (used while catching up). */
  function enterStep(i, quiet) {
    P.index = Math.max(0, Math.min(i, P.steps.length - 1));
    const step = P.steps[P.index];
    P.remainingMs = stepMs(step);
    P.lastTs = performance.now();
    P.lastSecond = null;
    if (!quiet) announce(step);
    if (step.kind === 'done') {
      finish();
      return;
    }
    saveSession();
    render();
    // The camera coach (coach_player.js) follows the steps: it counts during reps and holds.
    document.dispatchEvent(new CustomEvent('hipalign:step', { detail: { step } }));
  }

  function finish() {
    P.finished = true;
    stopTimer();
    saveSession();
    render();
    renderControls();
    renderDone();
    ui.doneTitle.focus();
  }

  /**
   * The end screen says what was done and what was skipped (issue 14 item 2): "Session
   * complete" only when every exercise was logged as done. A segment handled by an older
   * version of this page (no outcome kept) counts as done, as it did then.
   */
  function outcomeGroups() {
    const groups = { done: [], skipped: [], unlogged: [] };
    P.segments.forEach((seg, i) => {
      const ex = exerciseOfSegment(i);
      if (!ex) return;
      const outcome = P.outcomes[i] || (P.handled.has(i) ? 'done' : 'unlogged');
      groups[outcome].push(ex.name);
    });
    groups.complete = groups.skipped.length === 0 && groups.unlogged.length === 0;
    return groups;
  }

  function renderDone() {
    if (!ui.doneSummary) return;
    const groups = outcomeGroups();
    const complete = groups.complete;
    setText(ui.doneTitle, complete ? gettext('Session complete') : gettext('Session ended'));
    setText(ui.doneText, complete ? gettext('Well done.') : gettext('Here is what you did today.'));
    const lines = [
      ['done', gettext('Done')],
      ['skipped', gettext('Skipped')],
      ['unlogged', gettext('Not logged')],
    ]
      .filter(([key]) => groups[key].length)
      .map(([key, label]) => el('li', { 'data-outcome': key, text: `${label}: ${groups[key].join(', ')}` }));
    ui.doneSummary.replaceChildren(...lines);
  }

  function startTimer() {
    P.running = true;
    P.lastTs = performance.now();
    if (!P.timer) P.timer = setInterval(tick, TICK_MS);
    keepAwake(true);
  }

  function stopTimer() {
    P.running = false;
    if (P.timer) clearInterval(P.timer);
    P.timer = null;
    keepAwake(false);
  }

  /**
   * Advance by the wall-clock time since the last tick. A throttled background tab ticks
   * rarely, so one tick may cross several steps; it still stops at the end of an exercise.
   */
  function tick() {
    if (!P.running || P.logging || P.finished) return;
    const now = performance.now();
    P.remainingMs -= now - P.lastTs;
    P.lastTs = now;
    let moved = false;
    while (P.remainingMs <= 0) {
      const next = P.index + 1;
      if (needsLog(P.index, next)) {
        openLog(P.segmentOf[P.index], next, true, false);
        return;
      }
      const carry = P.remainingMs;
      P.index = next;
      moved = true;
      if (P.steps[next].kind === 'done') {
        announce(P.steps[next]);
        finish();
        return;
      }
      P.remainingMs = stepMs(P.steps[next]) + carry;
    }
    if (moved) {
      // Only the step we landed on makes a sound; the ones crossed while throttled stay quiet.
      P.lastSecond = null;
      saveSession();
      announce(P.steps[P.index]);
    }
    countdownTicks();
    render();
  }

  /** Short ticks in the last three seconds of a hold or a rest. */
  function countdownTicks() {
    const step = P.steps[P.index];
    const s = seconds(P.remainingMs);
    if ((step.kind === 'hold' || step.kind === 'rest') && P.lastSecond !== null && s !== P.lastSecond && s >= 1 && s <= 3) {
      beep.tick();
    }
    P.lastSecond = s;
  }

  function start() {
    ensureAudio();
    P.started = true;
    if (P.logging) {
      showLogForm();
      return;
    }
    enterStep(P.index, false);
    if (P.finished) return;
    startTimer();
    renderControls();
    ui.pause.focus(); // Start disappears; keep the keyboard user on the matching control
  }

  function togglePause() {
    ensureAudio();
    if (!P.started) {
      start();
      return;
    }
    if (P.finished || P.logging) return;
    if (P.running) {
      tick(); // count the time up to now before stopping
      if (P.logging || P.finished) return;
      stopTimer();
    } else {
      startTimer();
    }
    render();
    renderControls();
  }

  function skipStep() {
    if (!P.started || P.finished || P.logging) return;
    ensureAudio();
    const next = P.index + 1;
    if (needsLog(P.index, next)) {
      openLog(P.segmentOf[P.index], next, P.running, false);
      return;
    }
    enterStep(next, false);
  }

  function skipExercise() {
    if (!P.started || P.finished || P.logging) return;
    ensureAudio();
    const seg = P.segmentOf[P.index];
    const last = P.steps.length - 1;
    let target = P.index + 1;
    while (target < last && (P.segmentOf[target] === seg || P.steps[target].kind !== 'get_ready')) target++;
    if (seg >= 0 && !P.handled.has(seg) && exerciseOfSegment(seg)) {
      openLog(seg, target, P.running, true);
      return;
    }
    enterStep(target, false);
  }

  function back() {
    if (!P.started || P.finished || P.logging) return;
    ensureAudio();
    enterStep(P.index - 1, false); // at the first step this restarts it
  }

  // --- the log form --------------------------------------------------------------------------

  function openLog(segment, target, resume, skipped) {
    stopTimer();
    const ex = exerciseOfSegment(segment);
    // Ids are made now, when the form appears: a double submit or a resend reuses them.
    const ids = ex.sides.map(() => newUuid());
    P.logging = { segment, target, resume, skipped, ids };
    saveSession();
    showLogForm();
  }

  function sideKey(side) {
    return side || 'both';
  }

  function sideTitle(side, ex) {
    if (side) return capitalize(sideWords(side));
    return ex.sides.length > 1 ? gettext('Both sides') : gettext('Done today');
  }

  function numberField(opts) {
    const errorId = `${opts.id}-error`;
    const input = el('input', {
      type: 'number',
      id: opts.id,
      name: opts.id,
      inputmode: 'numeric',
      min: opts.min,
      max: opts.max,
      step: 1,
      value: opts.value === undefined || opts.value === null ? null : opts.value,
      required: opts.required || null,
      'aria-required': opts.required ? 'true' : null,
      'data-testid': opts.testid,
      'data-min': opts.min,
      'data-max': opts.max,
      'data-name': opts.errorName,
      'data-optional': opts.optional ? 'true' : null,
      'aria-describedby': errorId,
      class: 'log-input',
    });
    return el('div', { class: 'log-field' }, [
      el('label', { for: opts.id, text: opts.label }),
      input,
      el('p', { class: 'log-error', id: errorId, hidden: true }),
    ]);
  }

  function checkField(id, label, testid) {
    return el('div', { class: 'log-check' }, [
      el('input', { type: 'checkbox', id, name: id, 'data-testid': testid }),
      el('label', { for: id, text: label }),
    ]);
  }

  /**
   * The log form. After "Skip exercise" (`skipped`) it logs a skip (issue 14 item 2): the numbers
   * start at 0 (what was done, not the plan's dose), pain is optional, and the log is sent with
   * `skipped: true`, so it never moves the dose and the end screen lists it as skipped.
   */
  function buildLogForm(ex, skipped) {
    const form = el('form', { class: 'log-form', 'data-testid': 'log-form', 'data-skipped': skipped ? 'true' : null, novalidate: true, 'aria-labelledby': 'log-title' });
    form.appendChild(el('h3', { id: 'log-title', class: 'log-title', tabindex: '-1', text: interpolate(skipped ? gettext('Skipped: %(name)s') : gettext('Log: %(name)s'), { name: ex.name }) }));
    if (skipped) {
      form.appendChild(el('p', { class: 'log-intro', text: gettext('This exercise is logged as skipped, and a skip does not change your dose. If you did part of it, enter what you did.') }));
    } else {
      form.appendChild(el('p', { class: 'log-intro', text: gettext('What you did is filled in from the plan: change anything that differs. Pain during is needed so the plan can adapt safely.') }));
    }
    ex.sides.forEach((s) => {
      const k = sideKey(s.side);
      const title = sideTitle(s.side, ex);
      const where = s.side ? ` (${sideWords(s.side)})` : '';
      const isHold = ex.kind === 'hold';
      const fields = [
        el('legend', { text: title }),
        numberField({ id: `log-sets-${k}`, testid: `log-sets-${k}`, label: gettext('Sets done'), value: skipped ? 0 : s.sets, min: 0, max: 10, errorName: `${gettext('Sets done')}${where}` }),
        numberField({ id: `log-reps-${k}`, testid: `log-reps-${k}`, label: isHold ? gettext('Holds per set') : gettext('Reps per set'), value: skipped ? 0 : s.reps, min: 0, max: 100, errorName: `${isHold ? gettext('Holds per set') : gettext('Reps per set')}${where}` }),
      ];
      if (s.hold_s > 0) {
        const label = isHold ? gettext('Seconds held each time') : gettext('Pause in each rep (seconds)');
        fields.push(numberField({ id: `log-hold-${k}`, testid: `log-hold-${k}`, label, value: skipped ? 0 : s.hold_s, min: 0, max: 600, errorName: `${label}${where}` }));
      }
      form.appendChild(el('fieldset', { class: 'log-side' }, fields));
    });
    form.appendChild(
      el('fieldset', { class: 'log-how' }, [
        el('legend', { text: gettext('How it felt') }),
        skipped
          ? numberField({ id: 'log-pain', testid: 'log-pain', label: gettext('Pain during, if you did some (0 = none, 10 = worst), optional'), min: 0, max: 10, optional: true, errorName: gettext('Pain') })
          : numberField({ id: 'log-pain', testid: 'log-pain', label: gettext('Pain during (0 = none, 10 = worst)'), min: 0, max: 10, required: true, errorName: gettext('Pain') }),
        numberField({ id: 'log-effort', testid: 'log-effort', label: gettext('Effort (0 = very easy, 10 = hardest), optional'), min: 0, max: 10, optional: true, errorName: gettext('Effort') }),
        checkField('log-sharp', gettext('Sharp pain'), 'log-sharp'),
        checkField('log-numbness', gettext('New numbness or tingling'), 'log-numbness'),
      ])
    );
    form.appendChild(el('p', { class: 'log-summary', id: 'log-summary', role: 'alert', hidden: true }));
    // A skip is always logged (as skipped): its form has no "Skip logging".
    form.appendChild(
      el('div', { class: 'log-actions' }, [
        el('button', { type: 'submit', class: 'player-btn player-btn-primary', 'data-testid': 'log-save', text: skipped ? gettext('Save as skipped') : gettext('Save and continue') }),
        skipped ? null : el('button', { type: 'button', class: 'player-btn', 'data-testid': 'log-skip', text: gettext('Skip logging') }),
      ])
    );
    return form;
  }

  function showLogForm() {
    const ex = exerciseOfSegment(P.logging.segment);
    if (!P.logging.ids || P.logging.ids.length !== ex.sides.length) {
      P.logging.ids = ex.sides.map(() => newUuid());
      saveSession();
    }
    const form = buildLogForm(ex, P.logging.skipped);
    form.addEventListener('submit', onLogSubmit);
    const skipLogging = form.querySelector('[data-testid="log-skip"]');
    if (skipLogging) skipLogging.addEventListener('click', onLogSkip);
    ui.log.replaceChildren(form);
    // The camera coach fills in what it counted (marking those fields); the person can edit.
    document.dispatchEvent(new CustomEvent('hipalign:logform', { detail: { form, exercise: ex } }));
    ui.log.hidden = false;
    render();
    renderControls();
    form.querySelector('#log-title').focus();
  }

  /** A whole number within the field's range, or null; `ok` is false when it is not allowed. */
  function readNumber(input) {
    const raw = input.value.trim();
    const min = Number(input.getAttribute('data-min'));
    const max = Number(input.getAttribute('data-max'));
    if (raw === '' && input.getAttribute('data-optional') === 'true') return { ok: true, value: null };
    // A number input reports '' for text it cannot parse; validity.badInput tells those apart.
    if (!/^\d+$/.test(raw) || (input.validity && input.validity.badInput)) return { ok: false };
    const value = Number(raw);
    return value >= min && value <= max ? { ok: true, value } : { ok: false };
  }

  function fieldError(input, message) {
    const msg = byId(`${input.id}-error`);
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      msg.textContent = message;
      msg.hidden = false;
    } else {
      input.removeAttribute('aria-invalid');
      msg.textContent = '';
      msg.hidden = true;
    }
  }

  /** Validate every number field; returns the values by id, or null after showing the errors. */
  function collectValues(form) {
    const values = {};
    let firstBad = null;
    let bad = 0;
    for (const input of form.querySelectorAll('input.log-input')) {
      const r = readNumber(input);
      if (r.ok) {
        values[input.id] = r.value;
        fieldError(input, '');
      } else {
        bad++;
        firstBad = firstBad || input;
        const values = { field: input.getAttribute('data-name'), low: input.getAttribute('data-min'), high: input.getAttribute('data-max') };
        const problem = input.id === 'log-pain'
          ? gettext('%(field)s: choose a whole number from %(low)s to %(high)s')
          : gettext('%(field)s: enter a whole number from %(low)s to %(high)s');
        fieldError(input, interpolate(problem, values));
      }
    }
    const summary = form.querySelector('#log-summary');
    if (firstBad) {
      summary.textContent = counted(bad, gettext('Nothing was saved yet: 1 field needs a change.'), gettext('Nothing was saved yet: %(n)s fields need a change.'));
      summary.hidden = false;
      firstBad.focus();
      return null;
    }
    summary.hidden = true;
    return values;
  }

  /** Exactly the fields the API accepts (it rejects unknown keys with 422). */
  function logBodies(form, values) {
    const d = P.data;
    const ex = exerciseOfSegment(P.logging.segment);
    const how = {
      pain_during: values['log-pain'],
      effort: values['log-effort'],
      sharp_pain: form.querySelector('#log-sharp').checked,
      new_numbness: form.querySelector('#log-numbness').checked,
    };
    const skipped = P.logging.skipped === true;
    return ex.sides.map((s, i) => {
      const k = sideKey(s.side);
      const body = {
        client_id: P.logging.ids[i],
        session_id: P.sessionId,
        plan_id: d.plan_id,
        day: d.day,
        session: d.session,
        performed_on: d.performed_on,
        exercise: ex.id,
        side: s.side || null,
        rung: s.rung,
        sets_done: values[`log-sets-${k}`],
        reps_done: values[`log-reps-${k}`],
        hold_s_done: s.hold_s > 0 ? values[`log-hold-${k}`] : 0,
        pain_during: how.pain_during,
        effort: how.effort,
        sharp_pain: how.sharp_pain,
        new_numbness: how.new_numbness,
      };
      // Only a skip carries the flag: a log that was done is the body it always was (a server
      // from before skips accepts it, and a resend hashes the same).
      if (skipped) body.skipped = true;
      // Counted by the camera only when every number it filled in for this side was kept; a
      // log without the field is a person's count, as before (issue 17).
      const filled = form.querySelectorAll(`input[data-camera][id$="-${k}"]`);
      if (filled.length && Array.from(filled).every((i) => String(values[i.id]) === i.getAttribute('data-camera'))) {
        body.counted_by = 'camera';
      }
      return body;
    });
  }

  function onLogSubmit(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const save = form.querySelector('[data-testid="log-save"]');
    if (save.disabled || !P.logging) return;
    save.disabled = true; // a second click does nothing; the ids are fixed anyway
    const values = collectValues(form);
    if (!values) {
      save.disabled = false;
      return;
    }
    const bodies = logBodies(form, values);
    // Outbox first (survives a crash or reload), then the network.
    outboxAdd(bodies.map((body) => ({ url: LOGS_URL, body })));
    renderSyncStatus();
    closeLog(P.logging.skipped ? 'skipped' : 'done');
    flush();
  }

  function onLogSkip() {
    if (!P.logging) return;
    closeLog('unlogged');
  }

  /** Mark the exercise handled (with how it ended) and go on where the player was heading. */
  function closeLog(outcome) {
    const { segment, target, resume } = P.logging;
    P.handled.add(segment);
    P.outcomes[segment] = outcome;
    P.logging = null;
    ui.log.hidden = true;
    ui.log.replaceChildren();
    enterStep(target, false);
    if (P.finished) return;
    if (resume) startTimer();
    render();
    renderControls();
    ui.pause.focus();
  }

  // --- input ---------------------------------------------------------------------------------

  function isTyping(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'));
  }

  function activatesOnSpace(target) {
    return Boolean(target && target.closest && target.closest('button, a[href], summary, [role="button"]'));
  }

  function onKey(ev) {
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (P.logging || P.finished || isTyping(ev.target)) return;
    // Keys on a focused clinic video (demo.js) are the video's: play, seek.
    if (ev.target && ev.target.closest && ev.target.closest('video, audio')) return;
    if (ev.key === ' ' || ev.key === 'Spacebar') {
      // Space on a focused button already clicks it; handling it here too would toggle twice.
      if (activatesOnSpace(ev.target)) return;
      ev.preventDefault();
      if (!ev.repeat) togglePause();
    } else if (ev.key === 'ArrowRight' && P.started) {
      ev.preventDefault();
      if (ev.shiftKey) skipExercise();
      else skipStep();
    } else if (ev.key === 'ArrowLeft' && P.started) {
      ev.preventDefault();
      back();
    }
  }

  function bindControls() {
    ui.start.addEventListener('click', start);
    ui.pause.addEventListener('click', togglePause);
    ui.skip.addEventListener('click', skipStep);
    ui.skipExercise.addEventListener('click', skipExercise);
    if (ui.skipWarmUp) ui.skipWarmUp.addEventListener('click', skipWarmUp);
    ui.back.addEventListener('click', back);
    ui.sound.addEventListener('click', () => {
      ensureAudio();
      setSound(!sound.on);
      renderControls();
    });
    document.addEventListener('keydown', onKey);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible') return;
      tick(); // catch up at once instead of waiting for the next interval
      if (P.running) keepAwake(true); // the lock is dropped whenever the page is hidden
    });
  }

  // --- start-up ------------------------------------------------------------------------------

  function readPlayerData() {
    const node = byId('player-data');
    if (!node) return null;
    try {
      const data = JSON.parse(node.textContent || 'null');
      const steps = data && data.script && data.script.steps;
      return Array.isArray(steps) && steps.length ? data : null;
    } catch (e) {
      return null;
    }
  }

  function initPlayer() {
    ui.root = byId('player');
    if (!ui.root) return;
    const data = readPlayerData();
    if (!data) {
      ui.root.appendChild(el('p', { class: 'player-note', role: 'alert', text: gettext('The session could not be loaded. Reload the page to try again.') }));
      return;
    }
    const ids = {
      stage: 'player-stage', exercise: 'player-exercise', kindLabel: 'player-kind-label', kind: 'player-kind',
      countdown: 'player-countdown', countdownUnit: 'player-countdown-unit', reps: 'player-reps', cue: 'player-cue', progress: 'player-progress',
      progressFill: 'player-progress-fill', progressText: 'player-progress-text', next: 'player-next',
      controls: 'player-controls', start: 'player-start', pause: 'player-pause', back: 'player-back',
      skip: 'player-skip', skipExercise: 'player-skip-exercise', skipWarmUp: 'player-skip-warm-up', sound: 'player-sound', keys: 'player-keys',
      log: 'player-log', done: 'player-done', doneTitle: 'player-done-title',
      doneText: 'player-done-text', doneSummary: 'player-done-summary',
    };
    for (const [k, id] of Object.entries(ids)) ui[k] = byId(id);

    P.data = data;
    P.steps = data.script.steps;
    const speedup = Number(data.speedup);
    P.speedup = Number.isFinite(speedup) && speedup > 0 ? speedup : 1;
    exerciseById = new Map((data.exercises || []).map((ex) => [ex.id, ex]));
    buildSegments(P.steps);
    loadSession();
    P.remainingMs = stepMs(P.steps[P.index]);
    if (!P.finished) setText(ui.start, startLabel());

    initVoices();
    bindControls();
    render();
    renderControls();
    if (P.finished) renderDone();
    if (P.logging) {
      // Reloaded while the log form was open: show it again with the same ids.
      P.started = true;
      showLogForm();
    }
  }

  function initSync() {
    renderSyncStatus();
    const rejected = REJECTED_KEY ? readJson(REJECTED_KEY, []) : [];
    if (Array.isArray(rejected) && rejected.length && byId('player-rejected')) {
      const box = byId('player-rejected');
      box.appendChild(el('p', { text: counted(rejected.length, gettext('1 log could not be stored by the server and is kept on this device.'), gettext('%(n)s logs could not be stored by the server and are kept on this device.')) }));
      box.hidden = false;
    }
    window.addEventListener('online', () => networkBack());
    // Back from the back-forward cache, or a phone woken up: the page may have missed `online`.
    window.addEventListener('pageshow', (ev) => {
      if (ev.persisted) networkBack();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && pendingCount()) networkBack();
    });
    // The service worker saw a request answered by the server (sw.js): the network is back even
    // if this page, restored from its cache, never got an `online` event.
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.addEventListener('message', (ev) => {
        if (ev.data && ev.data.type === 'hipalign:network-ok' && pendingCount()) networkBack();
      });
    }
    // Any other request of this page that got an answer (htmx) proves the same.
    document.addEventListener('htmx:afterRequest', (ev) => {
      if (ev.detail && ev.detail.successful && pendingCount()) networkBack();
    });
    window.addEventListener('storage', (ev) => {
      if (ev.key === OUTBOX_KEY) renderSyncStatus(); // another tab sent or added logs
    });
    flush();
  }

  function registerServiceWorker() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
  }

  /**
   * Binds the outbox to the account of this page. Logs kept by an older version under one shared
   * key are taken over only when they are for this account's current plan (a plan id belongs to
   * one account); the others stay where they are, unsent.
   */
  function bindAccount() {
    const node = byId('player-data');
    let data = null;
    try {
      data = node ? JSON.parse(node.textContent || 'null') : null;
    } catch (e) {
      data = null;
    }
    const name = data && typeof data.outbox === 'string' && /^[0-9a-f]{16,64}$/.test(data.outbox) ? data.outbox : '';
    if (!name) return;
    OUTBOX_KEY = `${OUTBOX_PREFIX}${name}`;
    REJECTED_KEY = `${REJECTED_PREFIX}${name}`;
    const legacy = readJson(LEGACY_OUTBOX_KEY, null);
    if (!Array.isArray(legacy) || !legacy.length || typeof data.plan_id !== 'string') return;
    const mine = legacy.filter((e) => isSendable(e) && e.body.plan_id === data.plan_id);
    if (!mine.length) return;
    outboxAdd(mine);
    const rest = legacy.filter((e) => !mine.includes(e));
    if (rest.length) writeJson(LEGACY_OUTBOX_KEY, rest);
    else {
      try {
        window.localStorage.removeItem(LEGACY_OUTBOX_KEY);
      } catch (e) {
        /* storage blocked: the copy in memory is the one in use */
      }
    }
  }

  function main() {
    bindAccount();
    initPlayer();
    initSync();
    registerServiceWorker();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
  else main();
})();
