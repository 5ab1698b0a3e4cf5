/* hipalign posture on the device (issue 17): a photo picked from a file or taken with the camera
 * is measured in this page by the same BlazePose full model (pose.js) and the core's geometry,
 * ported below. Every threshold and word comes from the server's core as data (the
 * "posture-rules" JSON in the page, core/posture/views.py rules_document), so none is written
 * twice. The picture never leaves the page: only the numbers of each view (and, if the person
 * ticks the box, the picture with the lines drawn on it) are posted to /api/posture.
 *
 * Port of core/posture/geometry.py measure_frame and core/posture/views.py mirrored_back and
 * combine_views, for one picture (one frame a view). Conventions as there: landmarks normalised,
 * y down; angles in pixels with y up, counter-clockwise positive.
 */
(function () {
  'use strict';

  const rulesEl = document.getElementById('posture-rules');
  const root = document.querySelector('[data-testid="device-measure"]');
  if (!rulesEl || !root) return;
  const R = JSON.parse(rulesEl.textContent);
  const L = R.landmarks;

  // ---- the core's geometry -------------------------------------------------------------------
  const deg = (r) => (r * 180) / Math.PI;
  const toPx = (lm, w, h) => [lm.x * w, (1 - lm.y) * h];
  const visible = (lm) =>
    lm.visibility >= R.min_visibility && lm.x >= 0 && lm.x <= 1 && lm.y >= 0 && lm.y <= 1;
  const lineAngle = (a, b) => deg(Math.atan2(b[1] - a[1], b[0] - a[0]));
  const fromVertical = (a, b) => deg(Math.atan2(-(b[0] - a[0]), b[1] - a[1]));
  const mid = (a, b) => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const dist = (a, b) => Math.hypot(b[0] - a[0], b[1] - a[1]);
  function join(names) {
    return names.length === 1 ? names[0] : names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
  }
  function refuse(code, reason) {
    return { refused: code, reason: reason || R.refusal_reasons[code] };
  }

  function measureFrame(lms, width, height) {
    if (Math.min(width, height) < R.min_image_side_px) return refuse('image_too_small');
    if (!lms) return refuse('no_person');
    if (lms.length !== R.num_landmarks) throw new Error('expected 33 landmarks');
    const hidden = Object.keys(R.key_landmarks)
      .map(Number)
      .sort((a, b) => a - b)
      .filter((i) => !visible(lms[i]))
      .map((i) => R.key_landmarks[String(i)]);
    if (hidden.length) {
      return refuse('not_visible', `the ${join(hidden)} ${hidden.length === 1 ? 'is' : 'are'} ${R.refusal_reasons.not_visible}`);
    }
    const px = (i) => toPx(lms[i], width, height);
    const lSh = px(L.left_shoulder), rSh = px(L.right_shoulder);
    const lHip = px(L.left_hip), rHip = px(L.right_hip);
    const lAnk = px(L.left_ankle), rAnk = px(L.right_ankle);
    const midSh = mid(lSh, rSh), midHip = mid(lHip, rHip);
    const trunk = dist(midHip, midSh);
    if (trunk < R.min_trunk_fraction_of_height * height || trunk < R.min_trunk_px) return refuse('person_too_small');
    const shoulderWidth = dist(rSh, lSh), hipWidth = dist(rHip, lHip);
    if (shoulderWidth < R.min_shoulder_width_of_trunk * trunk || hipWidth < R.min_hip_width_of_trunk * trunk) {
      return refuse('turned');
    }
    const tx = midSh[0] - midHip[0], ty = midSh[1] - midHip[1];
    for (const [right, left] of [[rHip, lHip], [rSh, lSh]]) {
      if (tx * (left[1] - right[1]) - ty * (left[0] - right[0]) >= 0) return refuse('facing_away');
    }
    return {
      hip_tilt_deg: lineAngle(rHip, lHip),
      shoulder_tilt_deg: lineAngle(rSh, lSh),
      trunk_lean_deg: fromVertical(midHip, midSh),
      lateral_shift_pct: ((midSh[0] - midHip[0]) / trunk) * 100,
      ankle_tilt_deg: lineAngle(rAnk, lAnk),
      trunk_length_px: trunk,
      hip_width_px: hipWidth,
      shoulder_width_px: shoulderWidth,
    };
  }

  function mirroredBack(lms) {
    if (!lms) return null;
    const back = lms.map((l) => ({ x: 1 - l.x, y: l.y, visibility: l.visibility }));
    for (const [a, b] of R.mirror_pairs) {
      const t = back[a]; back[a] = back[b]; back[b] = t;
    }
    return back;
  }

  function cameraTilt(f) {
    const lines = [f.ankle_tilt_deg, f.hip_tilt_deg, f.shoulder_tilt_deg];
    for (const sign of [1, -1]) {
      if (lines.every((a) => sign * a > R.camera_tilt_line_deg) && sign * f.trunk_lean_deg > R.camera_tilt_trunk_deg) return true;
    }
    return false;
  }

  const fmt = (key, v) => (v >= 0 ? '+' : '') + v.toFixed(1) + R.labels[key][1];

  /** combine_views for one picture and its mirror image (both measured in the picture's frame). */
  function combine(photo, mirrored) {
    if (photo.refused) return { status: 'could_not_measure', reasons: [photo.reason], metrics: {} };
    if (mirrored.refused) {
      const w = R.view_words.mirrored;
      return {
        status: 'could_not_measure',
        reasons: [`${w[0].toUpperCase()}${w.slice(1)} could not be measured (${mirrored.reason}), so the measurement could not be checked against it`],
        metrics: {},
      };
    }
    const metrics = {};
    const notes = [];
    for (const key of R.metric_keys) {
      const views = { photo: photo[key], mirrored: mirrored[key] };
      const vals = [views.photo, views.mirrored];
      const centre = (vals[0] + vals[1]) / 2;
      const band = R.frame_uncertainty[key];
      const widest = Math.max(...vals.map((v) => Math.abs(v - centre)));
      const uncertainty = Math.max(band, Math.ceil(widest * 100 - 1e-9) / 100);
      const unreliable = !vals.every((v) => Math.abs(v) < band) && Math.max(...vals) - Math.min(...vals) > Math.abs(centre);
      metrics[key] = { value: centre, uncertainty: uncertainty, reliable: !unreliable, views: views };
      if (unreliable) {
        const shown = ['photo', 'mirrored'].map((n) => R.view_gives[n].replace('{v}', fmt(key, views[n]))).join(', ');
        notes.push(R.words.unreliable.replace('{label}', R.labels[key][0]).replace('{views}', shown));
      }
    }
    const hip = metrics.hip_tilt_deg;
    const high = !hip.reliable ? null : Math.abs(hip.value) < hip.uncertainty ? 'level' : hip.value > 0 ? 'left' : 'right';
    const reasons = notes.concat([R.words.mirror_note]);
    if (cameraTilt(photo)) reasons.push(R.words.camera_tilt);
    reasons.push(R.words.accuracy, R.words.level_camera);
    return { status: 'ok', metrics: metrics, high_side: high, reasons: reasons, wording: R.words.ok };
  }

  const numbers = (f) => {
    if (f.refused) return { refused: f.refused };
    const out = {};
    for (const k of ['hip_tilt_deg', 'shoulder_tilt_deg', 'trunk_lean_deg', 'lateral_shift_pct',
      'ankle_tilt_deg', 'trunk_length_px', 'hip_width_px', 'shoulder_width_px']) out[k] = f[k];
    return out;
  };

  // ---- the server's pixels -------------------------------------------------------------------
  /** A picked photo decoded to the pixels the server feeds its model (adapters/vision/media.py
   * load_image: EXIF orientation applied, no colour management, alpha dropped with the colour
   * stored under it kept). A 2D canvas cannot give those for a PNG with transparency: it stores
   * premultiplied colour, so every transparent pixel reads black (image1.png: 3.2 % of its
   * pixels differed, up to 254 levels, and its hip line moved 1.9 degrees). WebGL uploads the
   * unpremultiplied, unconverted pixels and reads them back as stored. Falls back to the
   * browser's own decoding (over black) where WebGL cannot take the picture. */
  async function decodePhoto(blob) {
    const raw = await createImageBitmap(blob, {
      imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none',
    });
    const w = raw.width, h = raw.height;
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const gl = c.getContext('webgl', { premultipliedAlpha: false, antialias: false });
    try {
      if (!gl || w > gl.getParameter(gl.MAX_TEXTURE_SIZE) || h > gl.getParameter(gl.MAX_TEXTURE_SIZE)) return raw;
      const tex = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, tex);
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
      gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, raw);
      const fb = gl.createFramebuffer();
      gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
      if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) return raw;
      const px = new Uint8ClampedArray(w * h * 4);
      gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px); // row 0 is the picture's top
      if (gl.getError() !== gl.NO_ERROR) return raw;
      for (let i = 3; i < px.length; i += 4) px[i] = 255;
      raw.close();
      return await createImageBitmap(new ImageData(px, w, h));
    } finally {
      const lose = gl && gl.getExtension('WEBGL_lose_context');
      if (lose) lose.loseContext();
    }
  }

  window.HipalignPosture = { measureFrame: measureFrame, mirroredBack: mirroredBack, combine: combine, decodePhoto: decodePhoto };

  // ---- the page ------------------------------------------------------------------------------
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const status = $('device-status');
  const out = $('device-result');
  const fileInput = $('device-file');
  const video = $('device-video');
  let model = null;
  let current = null; // {photo, mirrored, lms, canvas, clientId}

  function say(text) { status.textContent = text; }

  async function theModel() {
    if (model) return model;
    say('Loading the pose model into this page (it stays on this device)…');
    model = await window.HipalignPose.load({ model: 'full', smooth: false });
    return model;
  }

  function canvasOf(source, width, height, mirror) {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    // willReadFrequently keeps the canvas in memory rather than on the GPU: a GPU canvas handed
    // to the model's own WebGL context read as blank in headless Chromium (SwiftShader).
    const g = c.getContext('2d', { willReadFrequently: true });
    g.fillStyle = '#000'; // transparent pixels read as black, as the server reads them
    g.fillRect(0, 0, width, height);
    if (mirror) { g.translate(width, 0); g.scale(-1, 1); }
    g.drawImage(source, 0, 0, width, height);
    return c;
  }

  async function measure(source, width, height) {
    out.hidden = true;
    try {
      const m = await theModel();
      say('Measuring the picture and its mirror image…');
      const picture = canvasOf(source, width, height, false);
      const still = (c) => createImageBitmap(c.getContext('2d').getImageData(0, 0, width, height));
      // Each view is found afresh (reset: no tracking from the other view), as the server's
      // static mode. A frame sent straight after a reset sometimes came back empty in headless
      // Chromium, so an empty answer is asked once more before it counts as "no person".
      async function fresh(c) {
        const bmp = await still(c);
        for (let i = 0; i < 2; i++) {
          m.reset();
          const r = await m.estimate(bmp);
          if (r.landmarks) return r;
        }
        return { landmarks: null };
      }
      const a = await fresh(picture);
      const b = await fresh(canvasOf(source, width, height, true));
      m.reset();
      const photo = measureFrame(a.landmarks, width, height);
      const mirrored = photo.refused ? photo : measureFrame(mirroredBack(b.landmarks), width, height);
      current = { photo: photo, mirrored: mirrored, lms: a.landmarks, canvas: picture, clientId: crypto.randomUUID() };
      show(combine(photo, mirrored));
      say('Measured on this device. Nothing has been sent.');
    } catch (e) {
      say('The picture could not be measured in this page: ' + (e && e.message || e) + '. You can still upload it below.');
    }
  }

  function show(result) {
    const list = $('device-metrics');
    list.textContent = '';
    const notes = $('device-notes');
    notes.textContent = '';
    out.dataset.status = result.status;
    if (result.status === 'ok') {
      for (const key of R.metric_keys) {
        const v = result.metrics[key];
        const dt = document.createElement('dt');
        dt.textContent = R.labels[key][0];
        const dd = document.createElement('dd');
        dd.dataset.metric = key;
        dd.dataset.value = String(v.value);
        dd.dataset.photo = String(v.views.photo);
        dd.dataset.reliable = String(v.reliable);
        dd.textContent = v.reliable ? `${fmt(key, v.value)} ± ${v.uncertainty.toFixed(1)}` : 'could not measure reliably';
        list.append(dt, dd);
      }
      const dt = document.createElement('dt');
      dt.textContent = 'higher hip';
      const dd = document.createElement('dd');
      dd.textContent = result.high_side || 'could not measure reliably';
      list.append(dt, dd);
    }
    for (const r of result.status === 'ok' ? [result.wording].concat(result.reasons) : ['Could not measure: ' + result.reasons.join('; ')]) {
      const p = document.createElement('p');
      p.className = 'help';
      p.textContent = r;
      notes.append(p);
    }
    $('device-save').disabled = false;
    out.hidden = false;
  }

  function overlayPng() {
    const src = current.canvas;
    const scale = Math.min(1, 1600 / Math.max(src.width, src.height));
    const c = document.createElement('canvas');
    c.width = Math.round(src.width * scale);
    c.height = Math.round(src.height * scale);
    const g = c.getContext('2d');
    g.drawImage(src, 0, 0, c.width, c.height);
    if (current.lms) {
      const p = (i) => [current.lms[i].x * c.width, current.lms[i].y * c.height];
      g.lineWidth = Math.max(2, c.width / 200);
      g.strokeStyle = 'rgb(255,200,0)';
      for (const [a, b] of [[L.right_shoulder, L.left_shoulder], [L.right_hip, L.left_hip]]) {
        g.beginPath(); g.moveTo(...p(a)); g.lineTo(...p(b)); g.stroke();
      }
      g.beginPath(); g.moveTo(...mid(p(L.left_hip), p(L.right_hip))); g.lineTo(...mid(p(L.left_shoulder), p(L.right_shoulder))); g.stroke();
    }
    return c.toDataURL('image/png');
  }

  function csrfToken() {
    for (const part of document.cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === '__Host-csrftoken' || k === 'csrftoken') return decodeURIComponent(v.join('='));
    }
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  async function save() {
    if (!current) return;
    const body = { client_id: current.clientId, photo: numbers(current.photo) };
    if (!current.photo.refused) body.mirrored = numbers(current.mirrored);
    if ($('device-keep-overlay').checked) body.overlay_png = overlayPng();
    $('device-save').disabled = true;
    try {
      const r = await fetch('/api/posture', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken() },
        body: JSON.stringify(body),
      });
      const data = await r.json().catch(() => null);
      if (r.ok) { say('Saved: the numbers were sent, the picture stayed here.'); window.location.assign('/posture'); return; }
      say('Not saved: ' + (data && (data.problems || [data.error]).join('; ') || 'status ' + r.status));
    } catch (e) {
      say('Not saved: the server could not be reached. Try again; nothing is stored twice.');
    }
    $('device-save').disabled = false;
  }

  fileInput.addEventListener('change', async () => {
    const f = fileInput.files && fileInput.files[0];
    if (!f) return;
    let bmp;
    try {
      bmp = await decodePhoto(f);
    } catch (e) {
      say('This file is not a picture this browser can read (JPEG, PNG or WebP).');
      return;
    }
    await measure(bmp, bmp.width, bmp.height);
  });

  const camOn = $('device-camera-on'), camOff = $('device-camera-off'), shoot = $('device-shoot');
  camOn.addEventListener('click', async () => {
    try {
      await window.HipalignPose.openCamera(video, { facingMode: 'environment' });
    } catch (e) {
      say(e.code === 'denied' ? 'The camera was not allowed; you can pick a file instead.' : 'The camera could not start (' + e.message + '); you can pick a file instead.');
      return;
    }
    video.hidden = false; camOn.hidden = true; camOff.hidden = false; shoot.hidden = false;
    say('The camera is on. Only this page sees it; nothing is recorded or sent.');
  });
  function cameraOff() {
    window.HipalignPose.stopCamera(video);
    video.hidden = true; camOn.hidden = false; camOff.hidden = true; shoot.hidden = true;
  }
  camOff.addEventListener('click', () => { cameraOff(); say('The camera is off.'); });
  shoot.addEventListener('click', async () => {
    const w = video.videoWidth, h = video.videoHeight;
    const still = canvasOf(video, w, h, false);
    cameraOff();
    await measure(still, w, h);
  });
  $('device-save').addEventListener('click', save);
})();
