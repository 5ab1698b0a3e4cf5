// Test harness: runs static/hipalign/js/coach.js on landmark sequences read from stdin
// (tests/web/test_coach_rules.py) and prints every signal, count, hold, view and cue as JSON.
'use strict';
const path = require('path');
const C = require(path.join(__dirname, '../../../src/hipalign/web/static/hipalign/js/coach.js'));

let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const { doc, sequences } = JSON.parse(input);
  const out = {};
  for (const seq of sequences) {
    const times = seq.frames.map((_, i) => i / seq.fps);
    const frames = seq.frames.map((f) => (f ? f.map(([x, y, v]) => ({ x: x, y: y, visibility: v })) : null));
    const res = { facing: frames.map((f) => (f ? C.facing(doc, f, seq.width, seq.height) : null)) };
    for (const [id, rule] of Object.entries(doc.rules)) {
      if (rule.kind === 'not_counted') continue;
      for (const side of [null, 'left', 'right']) {
        const key = id + '/' + (side === null ? 'None' : side);
        const r = { view: frames.map((f) => (f ? C.viewProblem(doc, id, f, seq.width, seq.height) : null)) };
        if (rule.kind === 'reps') {
          r.values = frames.map((f) => (f ? C.measure(doc, id, f, seq.width, seq.height, side) : null));
          r.count = C.countReps(doc, id, r.values, times);
          const t = new C.Tracker(doc, id, { side: side });
          frames.forEach((f, i) => t.add(f, seq.width, seq.height, times[i]));
          r.tracker = { count: t.state.count, in_progress: t.state.in_progress };
        } else {
          r.values = frames.map((f) => (f ? C.inPosition(doc, id, f, seq.width, seq.height, side) : null));
          r.hold = C.holdTime(r.values, times, 1 / seq.fps, doc.min_gap_s).best;
        }
        res[key] = r;
      }
    }
    for (const cue of doc.cues) {
      if (cue.measure === 'rep_time') continue;
      for (const side of [null, 'left', 'right']) {
        res['cue:' + cue.id + '/' + (side === null ? 'None' : side)] = frames.map((f) => (f ? C.cueValue(doc, cue, f, seq.width, seq.height, side) : null));
      }
    }
    out[seq.name] = res;
  }
  process.stdout.write(JSON.stringify(out));
});
