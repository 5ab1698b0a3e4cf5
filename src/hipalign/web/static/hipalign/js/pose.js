/* hipalign pose loader: BlazePose (npm @mediapipe/pose 0.5.1675469404) in the page, from the
 * app's own static files only (issue 17). Nothing here sends a frame or a landmark anywhere.
 *
 * Classic script (load with defer and the CSP nonce); it defines window.HipalignPose and loads
 * nothing until load() is called, so a page that never turns the camera on fetches no model
 * file. The page needs 'wasm-unsafe-eval' in script-src (the model is WebAssembly); the views
 * that use it add only that (web/views.py: POSE_CSP).
 *
 * API (all promises reject with an Error whose .code is one of the strings listed):
 *
 *   HipalignPose.BASE            URL folder of the model files (/static/hipalign/vendor/mediapipe-pose/)
 *   HipalignPose.LANDMARKS       {NOSE: 0, LEFT_SHOULDER: 11, ... RIGHT_FOOT_INDEX: 32} (BlazePose order)
 *   HipalignPose.supported()     -> {ok: bool, code?: 'no_webgl'|'no_wasm'|'no_camera'}
 *                                 WebGL (1 or 2) is required even for CPU inference: the input
 *                                 frame is uploaded as a GPU texture by the package.
 *   HipalignPose.pickInference() -> 'cpu' | 'gpu'. CPU (wasm, useCpuInference) when WebGL is a
 *                                 software renderer (SwiftShader, llvmpipe: about 68 ms a frame
 *                                 on CPU against 560 ms on software WebGL, issue 17) or on iOS/iPadOS
 *                                 (the package's own default there); otherwise the GPU.
 *   HipalignPose.load({model: 'full'|'lite' = 'full', inference: 'auto'|'cpu'|'gpu' = 'auto',
 *                      smooth: true})
 *                                -> Promise<Model>. Injects the package script once, builds the
 *                                 graph and runs it once on a blank canvas, so the first real
 *                                 frame is not the slow one. code: 'no_webgl', 'load_failed'.
 *   Model.estimate(source)       -> Promise<Frame> for a <video>, <img>, <canvas> or ImageBitmap.
 *                                 Calls are queued: one frame in the model at a time.
 *   Model.reset()                forget the tracked person (call between unrelated images, e.g.
 *                                 two photos; video frames in order keep tracking).
 *   Model.close()                frees the graph; the Model cannot be used afterwards.
 *   Model.inference, Model.model the path and model actually used.
 *   Frame = {landmarks: [{x, y, z, visibility}] x 33 | null (no person), width, height (pixels
 *            of the source; x, y are normalised 0-1 to them, y down, as the Python model),
 *            ms (time inside pose.send, for benches)}
 *   HipalignPose.openCamera(video, {facingMode: 'user'})
 *                                -> Promise<MediaStream>, playing in `video` (muted, inline).
 *                                 code: 'denied' (the person or the browser said no),
 *                                 'no_camera' (none found or none allowed here), 'busy' (another
 *                                 program holds it), 'failed'.
 *   HipalignPose.stopCamera(video) stops every track of the video's stream (the browser's camera
 *                                 indicator goes off) and detaches it.
 *   HipalignPose.track(video, model, onFrame) -> {stop()}: calls onFrame(frame, videoTimeS) for
 *                                 each new video frame the model can take (frames arriving while
 *                                 one is being measured are dropped, never queued).
 */
(function () {
  'use strict';

  const BASE = '/static/hipalign/vendor/mediapipe-pose/';
  const NAMES = [
    'NOSE', 'LEFT_EYE_INNER', 'LEFT_EYE', 'LEFT_EYE_OUTER', 'RIGHT_EYE_INNER', 'RIGHT_EYE',
    'RIGHT_EYE_OUTER', 'LEFT_EAR', 'RIGHT_EAR', 'MOUTH_LEFT', 'MOUTH_RIGHT', 'LEFT_SHOULDER',
    'RIGHT_SHOULDER', 'LEFT_ELBOW', 'RIGHT_ELBOW', 'LEFT_WRIST', 'RIGHT_WRIST', 'LEFT_PINKY',
    'RIGHT_PINKY', 'LEFT_INDEX', 'RIGHT_INDEX', 'LEFT_THUMB', 'RIGHT_THUMB', 'LEFT_HIP',
    'RIGHT_HIP', 'LEFT_KNEE', 'RIGHT_KNEE', 'LEFT_ANKLE', 'RIGHT_ANKLE', 'LEFT_HEEL',
    'RIGHT_HEEL', 'LEFT_FOOT_INDEX', 'RIGHT_FOOT_INDEX',
  ];
  const LANDMARKS = {};
  NAMES.forEach((n, i) => { LANDMARKS[n] = i; });

  function fail(code, message) {
    const e = new Error(message);
    e.code = code;
    return e;
  }

  function webglRenderer() {
    try {
      const c = document.createElement('canvas');
      const gl = c.getContext('webgl2') || c.getContext('webgl');
      if (!gl) return null;
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const name = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
      const lose = gl.getExtension('WEBGL_lose_context');
      if (lose) lose.loseContext();
      return String(name || '');
    } catch (e) {
      return null;
    }
  }

  function supported() {
    if (typeof WebAssembly !== 'object') return { ok: false, code: 'no_wasm' };
    if (webglRenderer() === null) return { ok: false, code: 'no_webgl' };
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return { ok: false, code: 'no_camera' };
    }
    return { ok: true };
  }

  function isIos() {
    return /iPad|iPhone|iPod/.test(navigator.platform || '') ||
      (navigator.userAgent.includes('Mac') && 'ontouchend' in document);
  }

  function pickInference() {
    const r = (webglRenderer() || '').toLowerCase();
    if (/swiftshader|llvmpipe|software|softpipe/.test(r) || isIos()) return 'cpu';
    return 'gpu';
  }

  let scriptLoading = null;
  function loadScript() {
    if (window.Pose) return Promise.resolve();
    if (scriptLoading) return scriptLoading;
    scriptLoading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = BASE + 'pose.js';
      s.async = true;
      s.onload = () => resolve();
      s.onerror = () => {
        scriptLoading = null;
        reject(fail('load_failed', 'The pose model could not be loaded from this app.'));
      };
      document.head.appendChild(s);
    });
    return scriptLoading;
  }

  async function load(opts) {
    const o = Object.assign({ model: 'full', inference: 'auto', smooth: true }, opts || {});
    if (webglRenderer() === null) throw fail('no_webgl', 'This browser has no WebGL.');
    const inference = o.inference === 'auto' ? pickInference() : o.inference;
    await loadScript();
    const pose = new window.Pose({ locateFile: (file) => BASE + file });
    pose.setOptions({
      modelComplexity: o.model === 'lite' ? 0 : 1,
      smoothLandmarks: o.smooth !== false,
      enableSegmentation: false,
      selfieMode: false, // landmarks in the picture's own coordinates, as the Python model
      minDetectionConfidence: 0.5,
      minTrackingConfidence: 0.5,
      useCpuInference: inference === 'cpu', // not in the package's .d.ts, but in pose.js
    });
    let pending = null; // {resolve, width, height, t0} of the frame inside the model
    pose.onResults((r) => {
      if (!pending) return;
      const p = pending;
      pending = null;
      const lms = r.poseLandmarks
        ? r.poseLandmarks.map((l) => ({ x: l.x, y: l.y, z: l.z, visibility: l.visibility }))
        : null;
      p.resolve({ landmarks: lms, width: p.width, height: p.height, ms: performance.now() - p.t0 });
    });
    let chain = Promise.resolve();
    function sizeOf(src) {
      return {
        width: src.videoWidth || src.naturalWidth || src.width,
        height: src.videoHeight || src.naturalHeight || src.height,
      };
    }
    function estimate(source) {
      const run = chain.then(() => new Promise((resolve, reject) => {
        const size = sizeOf(source);
        pending = { resolve, width: size.width, height: size.height, t0: performance.now() };
        pose.send({ image: source }).then(() => {
          // A frame with no result callback (should not happen) must not stall the queue.
          if (pending) { const p = pending; pending = null; p.resolve({ landmarks: null, width: p.width, height: p.height, ms: performance.now() - p.t0 }); }
        }, (e) => { pending = null; reject(fail('failed', String(e && e.message || e))); });
      }));
      chain = run.catch(() => {});
      return run;
    }
    try {
      await pose.initialize();
      const blank = document.createElement('canvas');
      blank.width = 64;
      blank.height = 64;
      await estimate(blank); // warm-up: builds the graph, loads the model file
      pose.reset();
    } catch (e) {
      throw e && e.code ? e : fail('load_failed', 'The pose model could not start: ' + (e && e.message || e));
    }
    return {
      model: o.model === 'lite' ? 'lite' : 'full',
      inference: inference,
      estimate: estimate,
      reset: () => pose.reset(),
      close: () => pose.close(),
    };
  }

  async function openCamera(video, opts) {
    const o = Object.assign({ facingMode: 'user' }, opts || {});
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw fail('no_camera', 'This browser cannot use a camera here.');
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: o.facingMode, width: { ideal: 640 }, height: { ideal: 480 } },
      });
    } catch (e) {
      const name = e && e.name;
      if (name === 'NotAllowedError' || name === 'SecurityError') throw fail('denied', 'Camera permission was refused.');
      if (name === 'NotFoundError' || name === 'OverconstrainedError') throw fail('no_camera', 'No camera was found.');
      if (name === 'NotReadableError' || name === 'AbortError') throw fail('busy', 'The camera is in use by another program.');
      throw fail('failed', 'The camera could not start.');
    }
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play().catch(() => {});
    return stream;
  }

  function stopCamera(video) {
    const stream = video && video.srcObject;
    if (stream && stream.getTracks) stream.getTracks().forEach((t) => t.stop());
    if (video) video.srcObject = null;
  }

  function track(video, model, onFrame) {
    let stopped = false;
    let busy = false;
    let handle = null;
    const usesVfc = typeof video.requestVideoFrameCallback === 'function';
    function next() {
      if (stopped) return;
      handle = usesVfc ? video.requestVideoFrameCallback(step) : requestAnimationFrame(step);
    }
    let lastTime = -1;
    function step(now, meta) {
      if (stopped) return;
      const t = meta && typeof meta.mediaTime === 'number' ? meta.mediaTime : video.currentTime;
      if (!busy && video.readyState >= 2 && t !== lastTime) {
        busy = true;
        lastTime = t;
        model.estimate(video).then((frame) => {
          busy = false;
          if (!stopped) onFrame(frame, t);
        }, () => { busy = false; });
      }
      next();
    }
    next();
    return {
      stop() {
        stopped = true;
        if (handle !== null) {
          if (usesVfc && video.cancelVideoFrameCallback) video.cancelVideoFrameCallback(handle);
          else if (!usesVfc) cancelAnimationFrame(handle);
        }
      },
    };
  }

  window.HipalignPose = {
    BASE: BASE,
    LANDMARKS: LANDMARKS,
    supported: supported,
    pickInference: pickInference,
    load: load,
    openCamera: openCamera,
    stopCamera: stopCamera,
    track: track,
  };
})();
