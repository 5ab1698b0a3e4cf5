/*
 * hipalign exercise demonstrations (issue 16): the drawn figure on the plan cards, the
 * exercise page and in the session player.
 *
 * The figures are SVG drawn by the server, moving by SMIL animation. This script only starts,
 * pauses and sets their time: it plays a card's movement on a tap, highlights on the exercise
 * page the step the figure is showing, and in the player keeps the figure in step with the
 * countdown (player.js calls window.hipalignDemo.update on every render). With
 * prefers-reduced-motion nothing moves: the page shows the key frames side by side instead.
 * Runs under the strict CSP: no inline handlers, no eval, no network.
 */
(function () {
  'use strict';
  const { gettext } = window.hipalignWords; // words.js: the page's words


  const reduced = Boolean(
    window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches
  );

  function readJson(id) {
    const node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent || 'null');
    } catch (e) {
      return null;
    }
  }

  // --- plan cards: the end position, the movement on a tap ----------------------------------
  // The page carries only the stills; a card's moving figure comes from our own server on the
  // first tap (the button's data-src; the browser caches it by its ETag) and is kept for the
  // next taps. Nothing loads, and no button shows, with reduced motion.

  function loadFigure(url) {
    return fetch(url, { credentials: 'same-origin' }).then((r) => {
      const type = r.headers.get('Content-Type') || '';
      if (!r.ok || type.indexOf('image/svg+xml') !== 0) throw new Error('no figure');
      return r.text();
    }).then((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const svg = doc.documentElement;
      if (!svg || svg.localName !== 'svg') throw new Error('no figure');
      return document.importNode(svg, true);
    });
  }

  for (const fig of document.querySelectorAll('.demo-card')) {
    const button = fig.querySelector('.demo-play');
    const holder = fig.querySelector('.demo-still');
    if (!button || !holder || !button.dataset.src || reduced) continue;
    const still = holder.firstElementChild;
    let moving = null;
    const show = (playing) => {
      holder.replaceChildren(playing ? moving : still);
      button.setAttribute('aria-pressed', playing ? 'true' : 'false');
      button.textContent = playing ? gettext('Stop the movement') : gettext('Play the movement');
    };
    button.hidden = false;
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', () => {
      if (button.getAttribute('aria-pressed') === 'true') return show(false);
      if (moving) return show(true);
      if (button.getAttribute('aria-busy') === 'true') return;
      button.setAttribute('aria-busy', 'true');
      loadFigure(button.dataset.src)
        .then((svg) => {
          moving = svg;
          show(true);
        })
        .catch(() => {
          // Offline or signed out since the page was made: the still stays, and says so.
          button.textContent = gettext('The movement could not load: try again');
        })
        .finally(() => button.removeAttribute('aria-busy'));
    });
  }

  // --- exercise page: the step the figure is doing ------------------------------------------

  const timing = readJson('demo-timing');
  const moving = document.querySelector('.demo-moving svg');
  const steps = document.querySelectorAll('.demo-steps > li');
  if (timing && moving && steps.length) {
    if (reduced && moving.pauseAnimations) moving.pauseAnimations();
    let shown = -1;
    const follow = () => {
      const t = (moving.getCurrentTime ? moving.getCurrentTime() : 0) % (timing.cycle_s || 1);
      let frame = 0;
      timing.frames.forEach((f, i) => {
        if (t >= f.start_s) frame = i;
      });
      if (frame !== shown) {
        shown = frame;
        // One step at a time: several steps can show the same key frame (the set-up steps and
        // the last one all show the start), so the server says which one each frame lights.
        const lit = timing.frames[frame] ? timing.frames[frame].step : -1;
        steps.forEach((li, n) => {
          const now = n === lit;
          li.classList.toggle('demo-now', now);
          if (now) li.setAttribute('aria-current', 'step');
          else li.removeAttribute('aria-current');
        });
      }
      if (!reduced) window.requestAnimationFrame(follow);
    };
    if (!reduced) window.requestAnimationFrame(follow);
  }

  // --- session player: the figure at the countdown's own time -------------------------------

  const store = document.getElementById('player-figures');
  const playerTiming = readJson('player-demo-timing') || {};
  let holder = null;
  let key = null;

  function figureTime(step, elapsed, t) {
    const holds = t.frames.filter((f) => f.phase === 'hold');
    if (step.kind === 'reps') return elapsed % (t.cycle_s || 1);
    if (step.kind === 'hold' && holds.length) {
      const h = holds[((step.rep || 1) - 1) % holds.length];
      return h.start_s + Math.min(elapsed, Math.max(0, h.duration_s - 0.01));
    }
    if (step.kind === 'rest' && step.rep && t.kind === 'hold' && holds.length) {
      // Between two holds: back out of the position and into it again over the rest.
      const i = ((step.rep || 1) - 1) % holds.length;
      const from = holds[i].start_s + holds[i].duration_s;
      const next = holds[(i + 1) % holds.length].start_s;
      const gap = (next - from + t.cycle_s) % t.cycle_s;
      const frac = step.duration_s > 0 ? Math.min(1, elapsed / step.duration_s) : 1;
      return (from + frac * gap) % t.cycle_s;
    }
    return 0; // getting ready, switching side, resting between sets: the start position
  }

  // A clinic's own photo or video of the exercise, when the person's clinic has one: shown in
  // place of the drawing, with a button to switch. The choice holds for the rest of the session.
  let media = null; // {box, toggle}
  let mediaExercise = null;
  let preferDrawing = false;

  function mediaLabel(kind) {
    return kind === 'video' ? gettext("Show your clinic's video") : gettext("Show your clinic's photo");
  }

  function mediaShow() {
    const tpl = media.box.firstElementChild ? media.kindTpl : null;
    const has = Boolean(tpl);
    const onMedia = has && !preferDrawing;
    media.box.hidden = !onMedia;
    holder.hidden = onMedia;
    media.toggle.hidden = !has;
    if (has) {
      media.toggle.textContent = onMedia ? gettext('Show the drawing') : mediaLabel(tpl.getAttribute('data-media-kind'));
      media.toggle.setAttribute('aria-pressed', onMedia ? 'true' : 'false');
    }
    const video = media.box.querySelector('video');
    if (video && !onMedia && !video.paused) video.pause();
  }

  function mediaFor(exercise) {
    if (exercise === mediaExercise) return;
    mediaExercise = exercise;
    const old = media.box.querySelector('video');
    if (old) old.pause();
    const tpl = store.querySelector(`template[data-media-exercise="${CSS.escape(exercise)}"]`);
    media.kindTpl = tpl;
    media.box.replaceChildren(tpl ? tpl.content.cloneNode(true) : '');
    const item = media.box.firstElementChild;
    if (item && item.tagName === 'VIDEO') {
      item.muted = true; // also when cloned: never sound the person did not ask for
      item.autoplay = false;
    }
    if (item) {
      // A file that cannot load (offline, removed since the page was made): the drawing again.
      item.addEventListener('error', () => {
        if (media.box.firstElementChild !== item) return;
        media.box.replaceChildren();
        media.kindTpl = null;
        mediaShow();
      });
    }
    mediaShow();
  }

  function mediaInit(stage) {
    const box = document.createElement('div');
    box.className = 'player-clinic-media';
    box.setAttribute('data-testid', 'player-clinic-media');
    box.hidden = true;
    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'player-btn player-btn-quiet player-media-toggle';
    toggle.setAttribute('data-testid', 'player-media-toggle');
    toggle.hidden = true;
    toggle.addEventListener('click', () => {
      preferDrawing = !preferDrawing;
      mediaShow();
    });
    stage.insertBefore(toggle, holder.nextSibling);
    stage.insertBefore(box, holder);
    media = { box: box, toggle: toggle, kindTpl: null };
  }

  function update(step, elapsed, state) {
    if (!store || !step || !step.exercise) return;
    const stage = document.getElementById('player-stage');
    if (!stage) return;
    if (!holder) {
      holder = document.createElement('div');
      holder.className = 'player-figure';
      holder.setAttribute('data-testid', 'player-figure');
      stage.insertBefore(holder, stage.firstChild);
      mediaInit(stage);
    }
    mediaFor(step.exercise);
    const want = `${step.exercise}:${step.side || 'right'}`;
    if (want !== key) {
      key = want;
      const attr = reduced ? 'data-still-key' : 'data-key';
      const tpl = store.querySelector(`template[${attr}="${CSS.escape(want)}"]`);
      holder.replaceChildren(tpl ? tpl.content.cloneNode(true) : '');
    }
    const svg = holder.querySelector('svg');
    const t = playerTiming[want];
    if (!svg || !t || reduced || !svg.setCurrentTime) return;
    // The player drives the figure: it moves only as the countdown runs, so it stops with it.
    svg.pauseAnimations();
    const at = figureTime(step, Math.max(0, elapsed), t);
    svg.setCurrentTime(at);
    let phase = t.frames[0] ? t.frames[0].phase : 'rest';
    for (const f of t.frames) if (at >= f.start_s) phase = f.phase;
    holder.setAttribute('data-phase', phase);
    holder.setAttribute('data-state', state);
    holder.setAttribute('data-time', at.toFixed(2));
  }

  window.hipalignDemo = { update: update };
})();
