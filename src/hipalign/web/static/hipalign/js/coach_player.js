/* The camera coach in the session player (issue 17).
 *
 * When the person turns the camera on: loads the pose model (pose.js, from this app only), opens
 * the camera, and during each reps or hold step of an exercise the core's rules can count, shows
 * the live count for the side being worked (or the hold time), "step back" / "turn side-on" when
 * the view cannot show the movement, and form cues. When the exercise's log form opens, the
 * counts fill it in (marked, editable); player.js sends counted_by: "camera" only for a side whose
 * filled numbers were kept. Turning the camera off stops every track of the stream. Nothing seen
 * by the camera is sent anywhere or stored.
 *
 * Events from player.js: 'hipalign:step' {step}, 'hipalign:logform' {form, exercise}.
 * Loaded before player.js, so that it hears the first step.
 *
 * For tests and benches only (window.HipalignCoachPlayer; the page itself never calls these):
 *   useRule(id)   counts every exercise with rule `id` (the library has no squat-like exercise;
 *                 the squat clip is the reference movement).
 *   state()       a copy of the current step's tracker state, or null.
 *   feed(frames)  runs frames [{landmarks, width, height, t}] (landmarks as pose.js gives
 *                 onFrame, t in seconds) through onFrame, the live camera frames' path, without
 *                 a camera or the model; returns state(). Like every frame, they are evaluated in
 *                 the page only: nothing is sent anywhere or stored.
 */
(function () {
  'use strict';
  const { gettext, interpolate } = window.hipalignWords; // words.js: the page's words


  const byId = (id) => document.getElementById(id);
  const data = (() => {
    try { return JSON.parse(byId('player-data').textContent); } catch (e) { return null; }
  })();
  const root = byId('coach');
  if (!data || !data.coach || !root || !window.HipalignCoach || !window.HipalignPose) return;
  const doc = data.coach.rules;
  const ui = {
    toggle: byId('coach-toggle'), status: byId('coach-status'), video: byId('coach-video'),
    count: byId('coach-count'), view: byId('coach-view'), cues: byId('coach-cues'),
  };
  const MESSAGES = {
    denied: gettext('The camera was not allowed, so the camera coach is off. The session goes on as usual; to use the coach, allow the camera for this site in your browser settings and turn it on again.'),
    no_camera: gettext('No camera was found, so the camera coach is off. The session goes on as usual.'),
    busy: gettext('The camera is in use by another program, so the camera coach is off. The session goes on as usual.'),
    no_webgl: gettext('This browser cannot run the pose model (it needs WebGL), so the camera coach is off. The session goes on as usual.'),
    load_failed: gettext('The pose model could not start, so the camera coach is off. The session goes on as usual.'),
    failed: gettext('The camera could not start, so the camera coach is off. The session goes on as usual.'),
  };

  let forced = null; // useRule() for tests and benches
  let model = null;
  let loop = null;
  let tracker = null;
  let current = null; // {exercise, side, kind, set}
  const counted = {}; // exercise -> side key -> [{kind, count, best_hold_s}] one per step
  let on = false;

  function ruleFor(exercise) {
    const id = forced || exercise;
    const r = id && doc.rules[id];
    return r && r.kind !== 'not_counted' ? id : null;
  }

  function setState(state, text) {
    root.setAttribute('data-state', state);
    ui.status.textContent = text || '';
  }

  function sideKey(side) { return side || 'both'; }

  function render(st) {
    root.setAttribute('data-count', st ? String(st.count) : '');
    root.setAttribute('data-frames', st ? String(st.frames) : '0');
    if (!st || !tracker) {
      ui.count.textContent = '';
      ui.view.textContent = '';
      ui.cues.replaceChildren();
      return;
    }
    const sideWord = current && current.side ? { left: gettext('left'), right: gettext('right') }[current.side] || current.side : '';
    const side = sideWord ? ' ' + interpolate(gettext('(%(side)s side)'), { side: sideWord }) : '';
    if (tracker.rule.kind === 'reps') {
      const hold = st.in_progress && st.hold_s >= 0.5 ? interpolate(gettext(', holding %(seconds)s s'), { seconds: st.hold_s.toFixed(1) }) : '';
      ui.count.textContent = interpolate(gettext('Counted: %(count)s'), { count: st.count }) + side + hold;
    } else {
      ui.count.textContent = (st.in_progress
        ? interpolate(gettext('Holding: %(seconds)s s'), { seconds: Math.floor(st.hold_s) })
        : interpolate(gettext('Longest hold: %(seconds)s s'), { seconds: Math.floor(st.best_hold_s) })) + side;
    }
    ui.view.textContent = st.view ? doc.view_words[st.view] : '';
    root.setAttribute('data-view', st.view || '');
    const words = st.view ? [] : st.cues.map((id) => doc.cues.find((c) => c.id === id).sentence);
    ui.cues.replaceChildren(...words.map((w) => { const li = document.createElement('li'); li.textContent = w; return li; }));
  }

  function keep() {
    if (!tracker || !current) return;
    const st = tracker.state;
    const byEx = (counted[current.exercise] = counted[current.exercise] || {});
    const list = (byEx[sideKey(current.side)] = byEx[sideKey(current.side)] || []);
    list.push({ kind: tracker.rule.kind, count: st.count, best_hold_s: st.best_hold_s });
  }

  function onStep(step) {
    keep();
    tracker = null;
    current = null;
    const id = step && (step.kind === 'reps' || step.kind === 'hold') ? ruleFor(step.exercise) : null;
    if (id) {
      current = { exercise: step.exercise, side: step.side || null, kind: step.kind };
      const repS = (data.coach.rep_s || {})[step.exercise] || 0;
      tracker = new window.HipalignCoach.Tracker(doc, id, { side: doc.rules[id].signal === 'knee_angle' ? null : step.side, repS: repS });
    }
    if (on) setState('on', tracker ? gettext('Watching on this device.') : gettext('The camera counts only repetitions and holds it can see; this step is not counted.'));
    render(tracker ? tracker.state : null);
  }

  function onFrame(frame, t) {
    if (!tracker) return;
    root.setAttribute('data-person', frame.landmarks ? 'yes' : 'no');
    render(tracker.add(frame.landmarks, frame.width, frame.height, t));
  }

  async function turnOn() {
    ui.toggle.disabled = true;
    setState('loading', gettext('Loading the pose model from this app…'));
    try {
      const ok = window.HipalignPose.supported();
      if (!ok.ok) throw Object.assign(new Error(ok.code), { code: ok.code });
      model = model || (await window.HipalignPose.load({ model: 'full' }));
      setState('loading', gettext('Starting the camera…'));
      await window.HipalignPose.openCamera(ui.video);
      ui.video.hidden = false;
      on = true;
      root.setAttribute('data-inference', model.inference);
      loop = window.HipalignPose.track(ui.video, model, onFrame);
      ui.toggle.textContent = gettext('Turn the camera off');
      onStep(currentStep());
    } catch (e) {
      stop();
      setState(e && e.code === 'denied' ? 'denied' : 'error', MESSAGES[e && e.code] || MESSAGES.failed);
    } finally {
      ui.toggle.disabled = false;
    }
  }

  function stop() {
    if (loop) loop.stop();
    loop = null;
    window.HipalignPose.stopCamera(ui.video);
    ui.video.hidden = true;
    on = false;
    ui.toggle.textContent = gettext('Turn the camera on');
  }

  function turnOff() {
    stop();
    setState('off', gettext('The camera is off.'));
  }

  let lastStep = null;
  function currentStep() { return lastStep; }

  function fillLog(form, exercise) {
    keep();
    tracker = null;
    const byEx = counted[exercise.id];
    if (!byEx) return;
    for (const s of exercise.sides) {
      const k = sideKey(s.side);
      const steps = byEx[k] || byEx.both;
      if (!steps || !steps.length) continue;
      const words = [];
      if (steps[0].kind === 'reps') {
        const sets = steps.filter((x) => x.count > 0);
        if (!sets.length) continue;
        // Reps per set: what every counted set reached (the smallest), never more than was seen.
        const reps = Math.min(...sets.map((x) => x.count));
        mark(form, `log-reps-${k}`, reps);
        words.push(interpolate(gettext('Counted by the camera: %(counts)s repetitions.'), { counts: sets.map((x) => x.count).join(', ') }));
      } else {
        const holds = steps.filter((x) => x.best_hold_s >= 1);
        if (!holds.length) continue;
        const held = Math.floor(Math.min(...holds.map((x) => x.best_hold_s)));
        mark(form, `log-hold-${k}`, held);
        words.push(interpolate(gettext('Timed by the camera: %(seconds)s seconds.'), { seconds: holds.map((x) => Math.floor(x.best_hold_s)).join(', ') }));
      }
      const legend = form.querySelector(`#log-sets-${k}`);
      if (legend && words.length) {
        const p = document.createElement('p');
        p.className = 'log-camera';
        p.setAttribute('data-testid', `log-camera-${k}`);
        p.textContent = words.join(' ') + ' Change it if it is wrong.';
        legend.closest('fieldset').appendChild(p);
      }
    }
    delete counted[exercise.id];
  }

  function mark(form, id, value) {
    const input = form.querySelector('#' + id);
    if (!input) return;
    const max = Number(input.getAttribute('data-max'));
    const v = Math.max(0, Math.min(max, Math.round(value)));
    input.value = String(v);
    input.setAttribute('data-camera', String(v));
  }

  document.addEventListener('hipalign:step', (ev) => { lastStep = ev.detail.step; onStep(lastStep); });
  document.addEventListener('hipalign:logform', (ev) => fillLog(ev.detail.form, ev.detail.exercise));
  window.addEventListener('pagehide', stop);

  if (data.coach.available) {
    root.hidden = false;
    ui.toggle.addEventListener('click', () => (on ? turnOff() : turnOn()));
  }
  window.HipalignCoachPlayer = {
    useRule(id) { forced = id; onStep(lastStep); },
    state() { return tracker ? Object.assign({}, tracker.state) : null; },
    feed(frames) {
      for (const f of frames) onFrame({ landmarks: f.landmarks, width: f.width, height: f.height }, f.t);
      return this.state();
    },
  };
})();
