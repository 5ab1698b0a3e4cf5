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

  for (const fig of document.querySelectorAll('.demo-card')) {
    const button = fig.querySelector('.demo-play');
    const tpl = fig.querySelector('template.demo-play-figure');
    const holder = fig.querySelector('.demo-still');
    if (!button || !tpl || !holder || reduced) continue;
    const still = holder.firstElementChild;
    button.hidden = false;
    button.addEventListener('click', () => {
      const playing = button.getAttribute('aria-pressed') === 'true';
      holder.replaceChildren(playing ? still : tpl.content.cloneNode(true));
      button.setAttribute('aria-pressed', playing ? 'false' : 'true');
      button.textContent = playing ? 'Play the movement' : 'Stop the movement';
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
        steps.forEach((li, n) => {
          const now = timing.steps[n] === frame;
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

  function update(step, elapsed, state) {
    if (!store || !step || !step.exercise) return;
    const stage = document.getElementById('player-stage');
    if (!stage) return;
    if (!holder) {
      holder = document.createElement('div');
      holder.className = 'player-figure';
      holder.setAttribute('data-testid', 'player-figure');
      stage.insertBefore(holder, stage.firstChild);
    }
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
