/* hipalign camera coach: the core's movement rules evaluated in the page (issue 17).
 *
 * A port of src/hipalign/core/posture/reps.py and core/posture/coach.py with no numbers of its
 * own: every threshold comes from the rules document the server renders from the core
 * (coach.rules_document(), in the player's data as `coach.rules`). tests/web/test_coach_rules.py
 * runs this file under node and the Python rules on the same recorded landmark sequences and
 * requires the same signals, counts, holds, view problems and cue values. Change both together.
 *
 * Works as a classic script (window.HipalignCoach) and as a CommonJS module (node, the test).
 *
 *   HipalignCoach.measure(doc, ruleId, lms, w, h, side)     -> number | null (the rule's signal)
 *   HipalignCoach.inPosition(doc, ruleId, lms, w, h, side)  -> true | false | null (hold rules)
 *   HipalignCoach.countReps(doc, ruleId, values, times)      -> {completed, in_progress, holds_s,
 *                                                                frames_used, ends (times of each
 *                                                                completed rep), phase_start}
 *   HipalignCoach.holdTime(positions, times, dt, minGapS)    -> {best, current} seconds
 *   HipalignCoach.facing(doc, lms, w, h)                   -> null | 'camera' | 'away'
 *   HipalignCoach.viewProblem(doc, ruleId, lms, w, h)        -> null | 'whole_body' | 'side_on' |
 *                                                                'face_camera'
 *   HipalignCoach.cueValue(doc, cue, lms, w, h, side)        -> number | null
 *   HipalignCoach.tooFast(doc, ends, repS)                   -> bool
 *   new HipalignCoach.Tracker(doc, ruleId, {side, repS})     live state, fed one frame at a time:
 *       .add(lms | null, w, h, tSeconds) -> {count, in_progress, hold_s, best_hold_s, view,
 *                                            cues: [cue ids shown now], frames}
 * Landmarks are the model's: [{x, y, visibility}] normalised 0-1, y down; pixels use y up.
 */
(function (root) {
  'use strict';

  const NOSE = 0, L_EYE = 2, R_EYE = 5, L_SH = 11, R_SH = 12, L_HIP = 23, R_HIP = 24, L_KNEE = 25, R_KNEE = 26;
  const L_ANK = 27, R_ANK = 28;
  const SIDE = { left: [L_SH, L_HIP, L_KNEE, L_ANK], right: [R_SH, R_HIP, R_KNEE, R_ANK] };
  const DEG = 180 / Math.PI;
  const EPS = 1e-9;

  function visible(doc, lm) {
    return lm.visibility >= doc.min_visibility && lm.x >= 0 && lm.x <= 1 && lm.y >= 0 && lm.y <= 1;
  }
  function px(lm, w, h) { return [lm.x * w, (1 - lm.y) * h]; }
  function points(doc, lms, w, h, idx) {
    for (const i of idx) if (!visible(doc, lms[i])) return null;
    return idx.map((i) => px(lms[i], w, h));
  }
  function interior(a, v, b) {
    const ax = a[0] - v[0], ay = a[1] - v[1], bx = b[0] - v[0], by = b[1] - v[1];
    const na = Math.hypot(ax, ay), nb = Math.hypot(bx, by);
    if (na === 0 || nb === 0) return null;
    return Math.acos(Math.max(-1, Math.min(1, (ax * bx + ay * by) / (na * nb)))) * DEG;
  }
  function mid(a, b) { return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]; }
  function dist(a, b) { return Math.hypot(b[0] - a[0], b[1] - a[1]); }
  function mean(xs) { return xs.reduce((s, x) => s + x, 0) / xs.length; }
  function sides(side) { return side ? [side] : ['left', 'right']; }

  function kneeAngle(doc, lms, w, h, side) {
    const [, hip, knee, ankle] = SIDE[side];
    const p = points(doc, lms, w, h, [hip, knee, ankle]);
    return p ? interior(p[0], p[1], p[2]) : null;
  }

  // ---- signals (reps.py, "Per-frame signals") ----
  const SIGNALS = {
    knee_angle(doc, lms, w, h, side) {
      if (side) return kneeAngle(doc, lms, w, h, side);
      const found = ['left', 'right'].map((s) => kneeAngle(doc, lms, w, h, s)).filter((a) => a !== null);
      return found.length ? mean(found) : null;
    },
    thigh_separation(doc, lms, w, h) {
      const p = points(doc, lms, w, h, [L_HIP, L_KNEE, R_HIP, R_KNEE]);
      if (!p) return null;
      const [lh, lk, rh, rk] = p;
      return interior(lk, lh, [rk[0] - rh[0] + lh[0], rk[1] - rh[1] + lh[1]]);
    },
    hip_flexion(doc, lms, w, h, side) {
      const p = points(doc, lms, w, h, [NOSE, L_SH, R_SH]);
      if (!p) return null;
      const facing = p[0][0] - mid(p[1], p[2])[0];
      if (Math.abs(facing) < 0.1 * Math.max(dist(p[1], p[2]), 1)) return null;
      let best = null;
      for (const s of sides(side)) {
        const leg = points(doc, lms, w, h, [SIDE[s][1], SIDE[s][2]]);
        if (!leg) continue;
        const [[hx, hy], [kx, ky]] = leg;
        const angle = Math.atan2(kx - hx, hy - ky) * DEG * (facing < 0 ? -1 : 1);
        if (best === null || Math.abs(angle) > Math.abs(best)) best = angle;
      }
      return best;
    },
    hip_angle(doc, lms, w, h, side) {
      const found = [];
      for (const s of sides(side)) {
        const p = points(doc, lms, w, h, SIDE[s].slice(0, 3));
        const a = p ? interior(p[0], p[1], p[2]) : null;
        if (a !== null) found.push(a);
      }
      return found.length ? Math.max(...found) : null;
    },
    foot_lift(doc, lms, w, h) {
      const p = points(doc, lms, w, h, [L_SH, R_SH, L_HIP, R_HIP, L_ANK, R_ANK]);
      if (!p) return null;
      const trunk = dist(mid(p[2], p[3]), mid(p[0], p[1]));
      return trunk === 0 ? null : Math.abs(p[4][1] - p[5][1]) / trunk * 100;
    },
  };

  function bodyLine(doc, lms, w, h, side, to) {
    const lines = [], inclines = [];
    for (const s of sides(side)) {
      const [sh, hip, knee, ankle] = SIDE[s];
      const p = points(doc, lms, w, h, [sh, hip, to === 'knee' ? knee : ankle]);
      const a = p ? interior(p[0], p[1], p[2]) : null;
      if (a === null) continue;
      lines.push(a);
      inclines.push(Math.atan2(Math.abs(p[0][1] - p[2][1]), Math.abs(p[0][0] - p[2][0])) * DEG);
    }
    return lines.length ? [mean(lines), mean(inclines)] : null;
  }

  function rule(doc, id) {
    const r = doc.rules[id];
    if (!r) throw new Error('no counting rule for ' + id);
    return r;
  }

  function measure(doc, id, lms, w, h, side) {
    const r = rule(doc, id);
    if (r.signal === 'none') return null;
    if (r.signal === 'body_line' || r.signal === 'body_line_knees') {
      const line = bodyLine(doc, lms, w, h, side, r.signal === 'body_line_knees' ? 'knee' : 'ankle');
      return line === null ? null : line[0];
    }
    return SIGNALS[r.signal](doc, lms, w, h, side || null);
  }

  function inPosition(doc, id, lms, w, h, side) {
    const r = rule(doc, id);
    if (r.kind !== 'hold') throw new Error(id + ' is not timed as a hold');
    if (r.signal === 'body_line' || r.signal === 'body_line_knees') {
      const line = bodyLine(doc, lms, w, h, side, r.signal === 'body_line_knees' ? 'knee' : 'ankle');
      if (line === null) return null;
      return line[0] >= r.at_least && (r.incline_at_most === null || line[1] <= r.incline_at_most);
    }
    const v = measure(doc, id, lms, w, h, side);
    return v === null ? null : v >= r.at_least;
  }

  function median3(v) {
    if (v.length < 3) return v.slice();
    const m3 = (a, b, c) => Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    const out = [(v[0] + v[1]) / 2];
    for (let i = 1; i < v.length - 1; i++) out.push(m3(v[i - 1], v[i], v[i + 1]));
    out.push((v[v.length - 2] + v[v.length - 1]) / 2);
    return out;
  }

  // reps.count_reps with times (seconds) instead of frame numbers / fps.
  function countLow(values, times, downBelow, upAbove, minPhaseS) {
    const idx = [];
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== null && Number.isFinite(values[i])) idx.push(i);
    }
    const smooth = median3(idx.map((i) => values[i]));
    const lasts = (a, b) => times[b] - times[a] >= minPhaseS - EPS;
    let down = false, seenStart = true, downStart = 0, upStart = null;
    const holds = []; // [start, end] frame indices of completed reps
    for (let n = 0; n < idx.length; n++) {
      const i = idx[n], v = smooth[n];
      if (!down && v < downBelow) {
        if (upStart !== null && holds.length && !lasts(upStart, i)) {
          downStart = holds.pop()[0]; // up for a flicker only: undo that rep, keep its down phase
        } else {
          downStart = i;
          seenStart = n > 0;
        }
        down = true;
      } else if (down && v > upAbove) {
        down = false;
        if (seenStart && lasts(downStart, i)) {
          holds.push([downStart, i]);
          upStart = i;
        } else {
          upStart = null;
        }
        seenStart = true;
      }
    }
    return {
      completed: holds.length,
      in_progress: down,
      holds_s: holds.map(([a, b]) => times[b] - times[a]),
      frames_used: idx.length,
      ends: holds.map(([, b]) => times[b]),
      phase_start: down ? times[downStart] : null,
    };
  }

  function countReps(doc, id, values, times) {
    const r = rule(doc, id);
    if (r.kind !== 'reps') throw new Error(id + ' is not counted in reps');
    if (r.active === 'low') return countLow(values, times, r.enter_beyond, r.leave_beyond, r.min_phase_s);
    return countLow(values.map((v) => (v === null ? null : -v)), times, -r.enter_beyond, -r.leave_beyond, r.min_phase_s);
  }

  // reps.hold_time with times; dt is one frame's duration. Returns the longest and the current run.
  function holdTime(positions, times, dt, minGapS) {
    let best = 0, runStart = null, lastTrue = null;
    for (let i = 0; i < positions.length; i++) {
      if (positions[i] !== true) continue;
      const gapFrames = lastTrue === null ? 0 : i - lastTrue - 1;
      const gapS = lastTrue === null ? 0 : times[i] - times[lastTrue] - dt;
      if (runStart === null || (gapFrames > 0 && gapS >= minGapS - EPS)) runStart = i;
      lastTrue = i;
      best = Math.max(best, times[i] - times[runStart] + dt);
    }
    let current = 0;
    if (runStart !== null && lastTrue === positions.length - 1) current = times[lastTrue] - times[runStart] + dt;
    return { best: best, current: current };
  }

  // coach.py facing: the shoulders' order about the trunk and the face's visibility, both needed.
  function facing(doc, lms, w, h) {
    const p = points(doc, lms, w, h, [L_SH, R_SH, L_HIP, R_HIP]);
    if (!p) return null;
    const [lSh, rSh, lHip, rHip] = p;
    const ms = mid(lSh, rSh), mh = mid(lHip, rHip);
    const tx = ms[0] - mh[0], ty = ms[1] - mh[1];
    const trunk = Math.hypot(tx, ty);
    if (trunk === 0) return null;
    const sx = lSh[0] - rSh[0], sy = lSh[1] - rSh[1];
    const spread = (sx * ty - sy * tx) / trunk; // signed: positive is a front's shoulder order
    if (Math.abs(spread) < doc.facing_min_spread_of_trunk * trunk) return null;
    const face = visible(doc, lms[NOSE]) && (visible(doc, lms[L_EYE]) || visible(doc, lms[R_EYE]));
    if (face && spread > 0) return 'camera';
    if (!face && spread < 0) return 'away';
    return null;
  }

  function viewProblem(doc, id, lms, w, h) {
    const r = rule(doc, id);
    if (r.kind === 'not_counted' || r.view === null) return null;
    const seen = {};
    for (const s of ['left', 'right']) seen[s] = SIDE[s].every((i) => visible(doc, lms[i]));
    if ((r.view === 'front' && !(seen.left && seen.right)) || !(seen.left || seen.right)) return 'whole_body';
    const s = seen.left ? 'left' : 'right';
    const trunk = dist(px(lms[SIDE[s][0]], w, h), px(lms[SIDE[s][1]], w, h));
    if (trunk === 0) return 'whole_body';
    let front = false;
    if (visible(doc, lms[L_SH]) && visible(doc, lms[R_SH])) {
      front = dist(px(lms[L_SH], w, h), px(lms[R_SH], w, h)) >= doc.front_min_shoulder_width_of_trunk * trunk;
    }
    if (r.view === 'front' && (!front || facing(doc, lms, w, h) === 'away')) return 'face_camera';
    if (r.view === 'side' && front) return 'side_on';
    return null;
  }

  function cueValue(doc, cue, lms, w, h, side) {
    const one = (i) => (visible(doc, lms[i]) ? px(lms[i], w, h) : null);
    if (cue.measure === 'pelvic_drop' || cue.measure === 'trunk_lean') {
      const p = [L_SH, R_SH, L_HIP, R_HIP, L_ANK, R_ANK].map(one);
      if (p.some((q) => q === null)) return null;
      const [lSh, rSh, lHip, rHip, lAnk, rAnk] = p;
      const mh = mid(lHip, rHip), ms = mid(lSh, rSh);
      if (cue.measure === 'trunk_lean') return Math.abs(Math.atan2(-(ms[0] - mh[0]), ms[1] - mh[1]) * DEG);
      const trunk = dist(mh, ms);
      if (trunk === 0) return null;
      const lift = (lAnk[1] - rAnk[1]) / trunk * 100;
      if (Math.abs(lift) < doc.foot_lifted_pct) return null;
      // As core/posture/coach.py: the lifted hip below the standing one over the hips' width,
      // whichever way the person faces (positive = dropped).
      const [lifted, standing] = lift > 0 ? [lHip, rHip] : [rHip, lHip];
      return Math.atan2(standing[1] - lifted[1], Math.abs(lifted[0] - standing[0])) * DEG;
    }
    if (cue.measure === 'knee_valgus') {
      const found = [];
      for (const s of sides(side)) {
        const [, hi, ki, ai] = SIDE[s];
        const hip = one(hi), knee = one(ki), ankle = one(ai), other = one(s === 'left' ? R_HIP : L_HIP);
        if (!hip || !knee || !ankle || !other) continue;
        const a = interior(hip, knee, ankle);
        if (a === null || a < 180 - doc.knee_valgus_max_bend_deg || ankle[1] === hip[1]) continue;
        const midX = (hip[0] + other[0]) / 2;
        const lineX = hip[0] + (ankle[0] - hip[0]) * (knee[1] - hip[1]) / (ankle[1] - hip[1]);
        const medial = Math.abs(knee[0] - midX) < Math.abs(lineX - midX);
        found.push(medial ? 180 - a : -(180 - a));
      }
      return found.length ? Math.max(...found) : null;
    }
    return null;
  }

  function tooFast(doc, ends, repS) {
    const cue = doc.cues.find((c) => c.measure === 'rep_time');
    if (!cue || repS <= 0 || ends.length < 2) return false;
    return ends[ends.length - 1] - ends[ends.length - 2] < cue.threshold * repS;
  }

  // Live evaluation, one frame at a time: the batch functions above on the frames so far (a
  // session of a few minutes is a few thousand numbers; see bench/coach_speed.py for the cost).
  class Tracker {
    constructor(doc, id, opts) {
      this.doc = doc;
      this.id = id;
      this.rule = rule(doc, id);
      this.side = (opts && opts.side) || null;
      this.repS = (opts && opts.repS) || 0;
      this.cues = doc.cues.filter((c) => c.exercises.includes(id));
      this.times = [];
      this.values = [];
      this.views = [];
      this.cueRuns = {}; // cue id -> time its measure first went past the threshold, this run
      this.state = { count: 0, in_progress: false, hold_s: 0, best_hold_s: 0, view: null, cues: [], frames: 0 };
    }

    add(lms, w, h, t) {
      const doc = this.doc, r = this.rule;
      this.times.push(t);
      const st = this.state;
      st.frames = this.times.length;
      if (r.kind === 'not_counted') return st;
      let view = lms ? viewProblem(doc, this.id, lms, w, h) : 'whole_body';
      this.views.push(view);
      // The message shows only when most of the last second agrees, so it does not flicker.
      const recent = this.views.filter((_, i) => t - this.times[i] <= 1 + EPS);
      const counts = {};
      for (const v of recent) counts[v] = (counts[v] || 0) + 1;
      const top = Object.keys(counts).sort((a, b) => counts[b] - counts[a])[0];
      st.view = top === 'null' || counts[top] * 2 <= recent.length ? null : top;
      if (r.kind === 'reps') {
        this.values.push(lms ? measure(doc, this.id, lms, w, h, this.side) : null);
        const c = countReps(doc, this.id, this.values, this.times);
        st.count = c.completed;
        st.in_progress = c.in_progress;
        st.hold_s = c.in_progress ? t - c.phase_start : 0;
        st.best_hold_s = c.holds_s.length ? Math.max(...c.holds_s) : 0;
        this.ends = c.ends;
      } else {
        this.values.push(lms ? inPosition(doc, this.id, lms, w, h, this.side) : null);
        const dt = this.times.length > 1 ? (t - this.times[0]) / (this.times.length - 1) : 0;
        const held = holdTime(this.values, this.times, dt, doc.min_gap_s);
        st.hold_s = held.current;
        st.best_hold_s = held.best;
        st.in_progress = held.current > 0;
      }
      const shown = [];
      for (const cue of this.cues) {
        if (cue.measure === 'rep_time') {
          if (r.kind === 'reps' && tooFast(doc, this.ends || [], this.repS)) shown.push(cue.id);
          continue;
        }
        const v = lms ? cueValue(doc, cue, lms, w, h, this.side) : null;
        if (v === null || v < cue.threshold) {
          delete this.cueRuns[cue.id];
        } else {
          if (!(cue.id in this.cueRuns)) this.cueRuns[cue.id] = t;
          if (t - this.cueRuns[cue.id] >= doc.cue_min_s - EPS) shown.push(cue.id);
        }
      }
      st.cues = shown;
      return st;
    }
  }

  const api = {
    measure: measure,
    inPosition: inPosition,
    countReps: countReps,
    holdTime: holdTime,
    facing: facing,
    viewProblem: viewProblem,
    cueValue: cueValue,
    tooFast: tooFast,
    Tracker: Tracker,
  };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.HipalignCoach = api;
})(this);
