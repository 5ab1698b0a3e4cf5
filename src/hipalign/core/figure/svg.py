"""Drawing a demonstration as SVG: vector only, nothing from another host, no script.

The figure is a mannequin of rounded limbs (each limb a round-capped stroke over a white
halo, so crossing limbs stay apart). Limbs on the far side are lighter than the near ones;
the working limb is drawn in the accent colour. A still shows one key frame (by default the
end position) with an arrow along the moving part's path; an animation interpolates the key
frames in time with the dose (SMIL `animate`, so a page can pause it or set its time without
running any script of ours inside the picture). The left picture is the right one mirrored,
and the working side is written in words. Every figure carries a text alternative.
"""

import math
from collections.abc import Mapping, Sequence

from hipalign.core.figure.body import (
    HEAD_RADIUS,
    RADIUS,
    SEGMENTS,
    Side,
    Vec,
    landmark_radius,
    project,
)
from hipalign.core.figure.demo import (
    SEAT_HEIGHT,
    Demonstration,
    Span,
    _landmark,
    contacts_of,
    frame_poses,
    place,
)
from hipalign.core.figure.words import side_label, side_words, word
from hipalign.core.i18n.languages import SOURCE_LANGUAGE

SCALE = 100.0  # drawing units per body height
STEPS_PER_MOVE = 4  # samples between two key frames of an animation (the rest is linear)
# A person in a shirt and trousers, skin at the head and hands: a real pose model has to
# find a person in the drawing (the pose-agreement check, bench/demo_pose.py), and clothes and
# skin in contrast are what it was trained on. Far limbs are lighter tints of the near ones.
INK = {
    "near": "#34404f",  # trousers
    "far": "#97a3b2",
    "work_near": "#b93d0c",  # 5.3:1 on white: the working limb stands out for everyone
    "work_far": "#e69a6f",
    "shirt": "#2c6e8f",
    "shirt_far": "#8db6cb",
    "skin": "#c98b62",
    "skin_far": "#e2bc9f",
    "hair": "#3a2a20",
    "shoe": "#262a30",
    "shoe_far": "#8b9099",
    "feature": "#3a2a20",
    "body": "#2c6e8f",
    "prop": "#8c7b66",
    "floor": "#6b7280",
    "arrow": "#b93d0c",
}
HALO = 1.4  # white edge round each limb, drawing units

Sample = tuple[float, dict[str, Vec]]  # (fraction of the cycle, world landmarks)


def escape(text: str) -> str:
    """Text for SVG markup (the core keeps to its small set of standard modules)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _ease(f: float) -> float:
    return f * f * (3 - 2 * f)  # smoothstep: limbs start and stop gently


def _blend(a: Mapping[str, float], b: Mapping[str, float], f: float) -> dict[str, float]:
    return {k: a.get(k, 0.0) + (b.get(k, 0.0) - a.get(k, 0.0)) * f for k in set(a) | set(b)}


def _place_between(
    demo: Demonstration,
    i_from: int,
    i_to: int,
    pose: Mapping[str, float],
    side: Side,
    first: Mapping[str, Vec],
) -> dict[str, Vec]:
    # Between two frames the figure rests on the contacts they share (or the target's).
    a, b = demo.frames[i_from], demo.frames[i_to]
    shared = [c for c in contacts_of(demo, b) if c in contacts_of(demo, a)]
    frame = b.model_copy(update={"contacts": shared or list(contacts_of(demo, b))})
    return place(demo, frame, pose, side, first)


def key_samples(demo: Demonstration, side: Side) -> list[dict[str, Vec]]:
    poses = frame_poses(demo)
    out: list[dict[str, Vec]] = []
    for f, p in zip(demo.frames, poses, strict=True):
        out.append(place(demo, f, p, side, out[0] if out else None))
    return out


def animation_samples(
    demo: Demonstration,
    side: Side,
    spans: Sequence[Span],
    keys: Sequence[Mapping[str, Vec]] | None = None,
) -> list[Sample]:
    """The figure at the key times of one cycle: frames, and eased steps between them."""
    poses = frame_poses(demo)
    keys = keys or key_samples(demo, side)
    total = math.fsum(s.duration_s for s in spans) or 1.0
    samples: list[Sample] = [(0.0, dict(keys[-1]))]
    for span in spans:
        i = span.frame
        phase = demo.frames[i].phase
        end = (span.start_s + span.duration_s) / total
        if span.duration_s == 0:
            samples.append((span.start_s / total, dict(keys[i])))
            continue
        if phase in ("move", "return"):
            prev = (i - 1) % len(poses)
            for k in range(1, STEPS_PER_MOVE):
                f = k / STEPS_PER_MOVE
                pose = _blend(poses[prev], poses[i], _ease(f))
                t = (span.start_s + f * span.duration_s) / total
                samples.append((t, _place_between(demo, prev, i, pose, side, keys[0])))
        samples.append((end, dict(keys[i])))
    samples[-1] = (1.0, samples[-1][1])
    return samples


class _Canvas:
    """Projected primitives; an attribute that changes across samples is animated."""

    def __init__(self, demo: Demonstration, side: Side, samples: Sequence[Sample]) -> None:
        self.demo, self.side, self.samples = demo, side, samples
        self.view = demo.view
        self.parts: list[tuple[float, str]] = []  # (depth, svg) drawn far to near

    def pt(self, p: Vec) -> tuple[float, float, float]:
        x, y, d = project(p, self.view, self.side)
        return (x * SCALE, y * SCALE, d)

    def screen_axes(self) -> tuple[Vec, Vec]:
        """World directions of screen right and screen down."""
        o = project((0.0, 0.0, 0.0), self.view, self.side)
        ex = ey = (0.0, 0.0, 0.0)
        basis = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
        cx, cy = [], []
        for b in basis:
            q = project(b, self.view, self.side)
            cx.append(q[0] - o[0])
            cy.append(q[1] - o[1])
        ex, ey = (cx[0], cx[1], cx[2]), (cy[0], cy[1], cy[2])
        return ex, ey


def _fmt(v: float) -> str:
    s = f"{v:.1f}"
    return "0" if s in ("-0.0", "0.0") else s.removesuffix(".0")


def _attrs(values: dict[str, list[float]], times: str, dur: float) -> tuple[str, str]:
    """Static attributes, and the `animate` children for those that change."""
    static, anim = [], []
    for name, vals in values.items():
        texts = [_fmt(v) for v in vals]
        if len(set(texts)) == 1:
            static.append(f'{name}="{texts[0]}"')
        else:
            anim.append(
                f'<animate attributeName="{name}" dur="{dur:g}s" repeatCount="indefinite" '
                f'keyTimes="{times}" values="{";".join(texts)}"/>'
            )
    return " ".join(static), "".join(anim)


def _line_values(
    proj: Sequence[Mapping[str, tuple[float, float, float]]], a: str, b: str
) -> dict[str, list[float]]:
    """A line from landmark `a` to `b` in every sample."""
    return {
        "x1": [p[a][0] for p in proj],
        "y1": [p[a][1] for p in proj],
        "x2": [p[b][0] for p in proj],
        "y2": [p[b][1] for p in proj],
    }


def text_alternative(
    demo: Demonstration,
    name: str,
    side: Side,
    sidedness: str,
    frame: int | None = None,
    language: str = SOURCE_LANGUAGE,
) -> str:
    """What the figure shows, in words: one frame for a still, every key frame in order. The
    frame labels are the demonstration's (in its language when loaded in one), the rest the
    figure's words in `language`."""
    who = side_words(side, sidedness, language)
    if frame is not None:
        return word("still", language, name=name, side=who, frame=demo.frames[frame].label)
    steps = "; ".join(f.label for f in demo.frames if f.phase != "rest" or f is demo.frames[0])
    return word("moving", language, name=name, side=who, frames=steps)


def _limb_colour(seg: str, work: str, near: bool, sidedness: str) -> str:
    if seg in ("trunk", "head"):
        return INK["body"]
    part = seg.split("_", 1)[1]
    working = seg.startswith(work) or (sidedness == "bilateral" and "thigh" in seg)
    if part == "foot":  # shoes: dark, like a person's, whichever leg works
        return INK["shoe"] if near else INK["shoe_far"]
    if working and part in ("thigh", "shank"):
        return INK["work_near"] if near else INK["work_far"]
    if part == "upper_arm":
        return INK["shirt"] if near else INK["shirt_far"]
    if part in ("forearm", "hand"):
        return INK["skin"] if near else INK["skin_far"]
    return INK["near"] if near else INK["far"]


def _view_box(
    frames: Sequence[Mapping[str, tuple[float, float, float]]],
) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) round every frame of the demonstration, so stills and animation line
    up in one viewBox."""
    xs = [p[0] for fr in frames for p in fr.values()]
    ys = [p[1] for fr in frames for p in fr.values()]
    pad = 14.0
    return min(xs) - pad, max(xs) + pad, min(ys) - pad - 6, max(max(ys), 0.0) + 6


def _trunk_parts(
    samples: Sequence[Sample],
    proj: Sequence[Mapping[str, tuple[float, float, float]]],
    peak: Mapping[str, tuple[float, float, float]],
    *,
    depth: float,
    axes: tuple[Vec, Vec],
    times: str,
    dur: float,
) -> list[tuple[float, str, str]]:
    """The shirt and hips shapes, and the pelvis band when the tilt shows from this side."""
    ex, ey = axes
    parts: list[tuple[float, str, str]] = []
    shapes = [_torso(smp, pr, ex, ey) for (_, smp), pr in zip(samples, proj, strict=True)]
    for k, (_part, colour) in enumerate((("shirt", INK["shirt"]), ("hips", INK["near"]))):
        static, anim = _path_attrs([sh[k] for sh in shapes], times, dur)
        parts.append(
            (
                depth,
                f"trunk_{k}",
                f'<path {static} fill="{colour}" stroke="{colour}" stroke-width="2.4" '
                f'stroke-linejoin="round">{anim}</path>',
            )
        )
    band = _line_values(proj, "pelvis_back", "pelvis_front")
    if math.dist(peak["pelvis_back"][:2], peak["pelvis_front"][:2]) > 6:
        bs, ba = _attrs(band, times, dur)
        parts.append(
            (
                depth + 1e-6,
                "trunk_band",
                f'<line {bs} stroke="#e8ecf1" stroke-width="2" stroke-linecap="round">{ba}</line>',
            )
        )
    return parts


def _segment_parts(
    samples: Sequence[Sample],
    proj: Sequence[Mapping[str, tuple[float, float, float]]],
    peak: Mapping[str, tuple[float, float, float]],
    *,
    axes: tuple[Vec, Vec],
    times: str,
    dur: float,
    work: Side,
    sidedness: str,
    uid: str,
) -> list[tuple[float, str, str]]:
    """The body segment by segment (all but the head), each with its depth for drawing order."""
    parts: list[tuple[float, str, str]] = []
    mid_depth = peak["pelvis"][2]
    for seg, a, b, rkey in SEGMENTS:
        if seg == "head":
            continue
        depth = (peak[a][2] + peak[b][2]) / 2
        if seg == "trunk":
            parts += _trunk_parts(samples, proj, peak, depth=depth, axes=axes, times=times, dur=dur)
            continue
        near = depth >= mid_depth - 1e-9
        colour = _limb_colour(seg, work, near, sidedness)
        width = 2 * RADIUS[rkey] * SCALE
        values = _line_values(proj, a, b)
        static, anim = _attrs(values, times, dur)
        ident = f"{uid}-{seg}"
        # The limb once in defs, used twice: a white halo under the coloured stroke.
        parts.append(
            (
                depth,
                seg.replace(work, "work", 1),  # mirrored twins draw in the same order
                f'<defs><line id="{ident}" {static}>{anim}</line></defs>'
                f'<use href="#{ident}" stroke="#fff" stroke-width="{_fmt(width + HALO)}"/>'
                f'<use href="#{ident}" stroke="{colour}" stroke-width="{_fmt(width)}"/>',
            )
        )
    return parts


def render(
    demo: Demonstration,
    *,
    name: str,
    side: Side,
    sidedness: str,
    spans: Sequence[Span] | None = None,
    frame: int | None = None,
    uid: str = "f",
    arrow: bool = True,
    language: str = SOURCE_LANGUAGE,
) -> str:
    """The figure as an SVG document: an animation over `spans`, or the still of `frame`.

    `uid` prefixes every id inside, so that several figures can share one page; `language`
    words the side and the text alternative (pass the demonstration loaded in it for its
    frame labels).
    """
    keys = key_samples(demo, side)
    if spans is not None:
        samples = animation_samples(demo, side, spans, keys)
        dur = math.fsum(s.duration_s for s in spans) or 1.0
        shown = None
    else:
        shown = demo.peak_index if frame is None else frame
        samples = [(0.0, keys[shown])]
        dur = 1.0
    times = ";".join(f"{t:.4f}".rstrip("0").rstrip(".") or "0" for t, _ in samples)
    canvas = _Canvas(demo, side, samples)
    proj = [{k: canvas.pt(v) for k, v in s.items()} for _, s in samples]
    key_proj = [{k: canvas.pt(v) for k, v in s.items()} for s in keys]
    x0, x1, y0, y1 = _view_box(key_proj + proj)
    # The body, segment by segment.
    peak = (
        proj[0]
        if shown is not None
        else {k: canvas.pt(v) for k, v in keys[demo.peak_index].items()}
    )
    parts = _segment_parts(
        samples,
        proj,
        peak,
        axes=canvas.screen_axes(),
        times=times,
        dur=dur,
        work=side,
        sidedness=sidedness,
        uid=uid,
    )
    parts.append((peak["head"][2], "head", _head(canvas, samples, proj, shown, keys, times, dur)))
    parts.sort(key=lambda p: (round(p[0], 6), p[1]))

    props = _props(demo, canvas, keys, proj, times, dur, (x0, x1))
    arrow_svg, marker = "", ""
    if shown is not None and arrow:
        arrow_svg, marker = _arrow(demo, canvas, keys, shown, uid)
    label = side_label(side, sidedness, language)
    alt = text_alternative(
        demo, name, side, sidedness, None if spans is not None else shown, language
    )
    # The box's edges are rounded, not its origin and width: rounding is symmetric about 0, so
    # the left picture's box is the right one's mirrored to the last digit (issue 16: a box a
    # tenth of a unit off moved the whole left figure by half a pixel).
    x0, x1, y0, y1 = (float(_fmt(v)) for v in (x0, x1, y0, y1))
    w, h = x1 - x0, y1 - y0
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_fmt(x0)} {_fmt(y0)} {_fmt(w)} '
        f'{_fmt(h)}" role="img" aria-labelledby="{uid}-t" class="demo-figure" '
        f'data-side="{side}" stroke-linecap="round">'
        f'<title id="{uid}-t">{escape(alt)}</title>'
        f"{marker}"
        f"{props}"
        + "".join(p for _, _, p in parts)
        + arrow_svg
        + f'<text x="{_fmt(x0 + 3)}" y="{_fmt(y0 + 8)}" font-size="7" '
        f'font-family="sans-serif" fill="#1f2937">{escape(label)}</text>'
        "</svg>"
    )


def _path_attrs(values: list[str], times: str, dur: float) -> tuple[str, str]:
    """A path's `d`, animated when it changes across samples."""
    if len(set(values)) == 1:
        return f'd="{values[0]}"', ""
    return "", (
        f'<animate attributeName="d" dur="{dur:g}s" repeatCount="indefinite" '
        f'keyTimes="{times}" values="{";".join(values)}"/>'
    )


def _unit(v: Vec) -> Vec:
    n = math.sqrt(sum(c * c for c in v)) or 1.0
    return (v[0] / n, v[1] / n, v[2] / n)


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


# The torso's half widths and half depths (fractions of height) at the shoulders, the waist
# and the hips: drawing choices near the shoulder and hip widths of Winter's table.
TORSO = {"shoulder": (0.105, 0.06), "waist": (0.08, 0.05), "hip": (0.095, 0.06)}


def _torso(
    points: Mapping[str, Vec],
    proj: Mapping[str, tuple[float, float, float]],
    ex: Vec,
    ey: Vec,
) -> tuple[str, str]:
    """The torso outline as two paths: the shirt (shoulders to belt) and the hips below.

    Seen from the front the torso shows its width, from the side its depth; in between a blend
    of both, as the trunk turns or the figure lies on its side."""
    p, n = points["pelvis"], points["neck"]
    axis = _sub(n, p)
    sx = sum(a * b for a, b in zip(axis, ex, strict=True))
    sy = sum(a * b for a, b in zip(axis, ey, strict=True))
    norm = math.hypot(sx, sy) or 1.0
    ux, uy = sx / norm, sy / norm  # screen direction from the pelvis to the neck
    nx, ny = -uy, ux
    across = tuple(nx * a + ny * b for a, b in zip(ex, ey, strict=True))
    right = _unit(_sub(points["right_hip"], points["left_hip"]))
    side_part = min(1.0, abs(sum(a * b for a, b in zip(across, right, strict=True))))
    depth_part = math.sqrt(max(0.0, 1 - side_part * side_part))

    def half(level: str) -> float:
        w, d = TORSO[level]
        return math.hypot(w * side_part, d * depth_part) * SCALE

    pel, nck = proj["pelvis"][:2], proj["neck"][:2]
    length = math.dist(pel, nck)

    def at(along: float, off: float) -> str:
        # `along` in drawing units from the pelvis towards the neck, `off` across.
        return f"{_fmt(pel[0] + ux * along + nx * off)} {_fmt(pel[1] + uy * along + ny * off)}"

    sh, wa, hp = half("shoulder"), half("waist"), half("hip")
    top, belt, bottom = length + 1.2, 0.2 * length, -0.06 * SCALE
    shirt = (
        f"M{at(top, 0.7 * sh)}L{at(length - 1.5, sh)}L{at(0.5 * length, wa)}"
        f"L{at(belt, 0.97 * hp)}L{at(belt, -0.97 * hp)}L{at(0.5 * length, -wa)}"
        f"L{at(length - 1.5, -sh)}L{at(top, -0.7 * sh)}Z"
    )
    hips = (
        f"M{at(belt + 0.6, 0.97 * hp)}L{at(0, hp)}L{at(bottom, 0.75 * hp)}"
        f"L{at(bottom, -0.75 * hp)}L{at(0, -hp)}L{at(belt + 0.6, -0.97 * hp)}Z"
    )
    return shirt, hips


# Face features as (forward, up, across) offsets in head radii, their radius, their ink, and
# how far in front of the head's centre they must be to show (in head radii).
FEATURES = (
    ("ear", (0.0, 0.0, 0.95), 0.17, "#b27650", 0.6),
    ("eye", (0.78, 0.18, 0.36), 0.1, INK["feature"], 0.05),
    ("nose", (1.0, -0.12, 0.0), 0.15, "#b27650", -0.3),
    ("mouth", (0.86, -0.48, 0.0), 0.08, "#8a4b3a", 0.05),
)


def _head(
    canvas: _Canvas,
    samples: Sequence[Sample],
    proj: Sequence[Mapping[str, tuple[float, float, float]]],
    shown: int | None,
    keys: Sequence[Mapping[str, Vec]],
    times: str,
    dur: float,
) -> str:
    """Neck, hair, face and its features, placed in 3D round the head and projected, so the
    face turns with the head in every view and pose."""
    r = HEAD_RADIUS

    def frame_of(points: Mapping[str, Vec]) -> tuple[Vec, Vec, Vec, Vec]:
        h = points["head"]
        up = _unit(_sub(h, points["neck"]))
        fwd = _unit(_sub(points["face"], h))
        return h, fwd, up, _cross(fwd, up)

    def spot(points: Mapping[str, Vec], off: tuple[float, float, float], sign: float) -> Vec:
        h, fwd, up, side = frame_of(points)
        a, b, c = off
        return tuple(h[i] + r * (a * fwd[i] + b * up[i] + sign * c * side[i]) for i in range(3))  # type: ignore[return-value]

    def circles(offset: tuple[float, float, float], sign: float = 1.0) -> dict[str, list[float]]:
        pts = [canvas.pt(spot(smp, offset, sign)) for _, smp in samples]
        return {"cx": [q[0] for q in pts], "cy": [q[1] for q in pts]}

    ref = keys[shown] if shown is not None else keys[0]
    ref_depth = canvas.pt(ref["head"])[2]
    out: list[str] = []
    neck = _line_values(proj, "neck", "head")
    ns, na = _attrs(neck, times, dur)
    out.append(f'<line {ns} stroke="{INK["skin"]}" stroke-width="5.5">{na}</line>')
    hs, ha = _attrs(circles((-0.1, 0.12, 0.0)), times, dur)
    out.append(f'<circle {hs} r="{_fmt(r * SCALE)}" fill="{INK["hair"]}">{ha}</circle>')
    fs, fa = _attrs(circles((0.08, -0.06, 0.0)), times, dur)
    out.append(f'<circle {fs} r="{_fmt(0.92 * r * SCALE)}" fill="{INK["skin"]}">{fa}</circle>')
    for _, off, radius, ink, ahead in FEATURES:
        for sign in (1.0, -1.0) if off[2] else (1.0,):
            if canvas.pt(spot(ref, off, sign))[2] - ref_depth < ahead * r:
                continue
            st, an = _attrs(circles(off, sign), times, dur)
            out.append(f'<circle {st} r="{_fmt(radius * r * SCALE)}" fill="{ink}">{an}</circle>')
    return "".join(out)


def _props(
    demo: Demonstration,
    canvas: _Canvas,
    keys: Sequence[Mapping[str, Vec]],
    proj: Sequence[Mapping[str, tuple[float, float, float]]],
    times: str,
    dur: float,
    span_x: tuple[float, float],
) -> str:
    """The floor and the props, drawn behind the figure."""
    out: list[str] = []
    side = canvas.side
    start = keys[0]
    if demo.view != "top":
        out.append(
            f'<line x1="{_fmt(span_x[0])}" y1="0" x2="{_fmt(span_x[1])}" y2="0" '
            f'stroke="{INK["floor"]}" stroke-width="1.2"/>'
        )
    body_x = [canvas.pt(p)[0] for p in start.values()]
    for prop in demo.props:
        kind = prop.kind
        if kind == "mat":
            lo, hi = min(body_x) - 4, max(body_x) + 4
            out.append(
                f'<rect x="{_fmt(lo)}" y="-1.6" width="{_fmt(hi - lo)}" height="1.6" rx="0.8" '
                'fill="#7fb3a6"/>'
            )
        elif kind == "wall":
            out.append(_wall(prop.at or "back", canvas, start))
        elif kind == "chair":
            out.append(_chair(canvas, start))
        elif kind in ("counter", "bench"):
            lm = _landmark(prop.at or "other_hand", side)
            peak = keys[demo.peak_index]
            x, y, _ = canvas.pt(peak[lm])
            top = y + landmark_radius(lm) * SCALE
            out.append(
                f'<rect x="{_fmt(x - 7)}" y="{_fmt(top)}" width="14" height="{_fmt(-top)}" '
                f'rx="1" fill="#d8cfc4" stroke="{INK["prop"]}" stroke-width="0.8"/>'
            )
        elif kind == "band":
            out.append(_band(prop.at or "front", canvas, start, proj, times, dur))
        elif kind == "pillow":
            values: dict[str, list[float]] = {"cx": [], "cy": []}
            for p in proj:
                x, y = _pillow_at(prop.at or "knees", p, side)
                values["cx"].append(x)
                values["cy"].append(y)
            st, an = _attrs(values, times, dur)
            out.append(f'<ellipse {st} rx="6" ry="3.2" fill="#cbd5e1">{an}</ellipse>')
        elif kind == "books":
            lm = _landmark(prop.at or "other_heel", side)
            x, _, _ = canvas.pt(start[lm])
            out.append(f'<rect x="{_fmt(x - 6)}" y="-3" width="16" height="3" fill="#9a6b4f"/>')
        elif kind == "ankle_weight":
            values = {"cx": [p[f"{side}_ankle"][0] for p in proj]}
            values["cy"] = [p[f"{side}_ankle"][1] for p in proj]
            st, an = _attrs(values, times, dur)
            out.append(f'<circle {st} r="3.4" fill="#374151">{an}</circle>')
    return "".join(out)


def _pillow_at(
    at: str, p: Mapping[str, tuple[float, float, float]], side: Side
) -> tuple[float, float]:
    if at == "knees":
        a, b = p["left_knee"], p["right_knee"]
        return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    if at == "pelvis":
        x, y, _ = p["pelvis"]
        return (x, y + RADIUS["trunk"] * SCALE)
    lm = _landmark(at, side)
    x, y, _ = p[lm]
    return (x, y + landmark_radius(lm) * SCALE * 0.3)


def _wall(at: str, canvas: _Canvas, start: Mapping[str, Vec]) -> str:
    side = canvas.side
    pts = [canvas.pt(p) for p in start.values()]
    if at in ("work_side", "other_side"):
        hip = canvas.pt(start[_landmark(at.replace("_side", "_hip"), side)])
        pel = canvas.pt(start["pelvis"])
        right = hip[0] >= pel[0]
    else:
        face = canvas.pt(start["face"])
        head = canvas.pt(start["head"])
        right = (face[0] >= head[0]) == (at == "front")
    x = (max(p[0] for p in pts) + 6) if right else (min(p[0] for p in pts) - 6)
    top = min(p[1] for p in pts) - 6
    w = 5.0
    rx = x if right else x - w
    return (
        f'<rect x="{_fmt(rx)}" y="{_fmt(top)}" width="{_fmt(w)}" height="{_fmt(-top)}" '
        f'fill="#e5e1da" stroke="{INK["prop"]}" stroke-width="0.8"/>'
    )


def _chair(canvas: _Canvas, start: Mapping[str, Vec]) -> str:
    px, _, _ = canvas.pt(start["pelvis"])
    seat = -SEAT_HEIGHT * SCALE
    if canvas.view == "side":
        facing = 1.0 if canvas.pt(start["face"])[0] >= canvas.pt(start["head"])[0] else -1.0
        front, back = px + facing * 14, px - facing * 9
        d = (
            f"M{_fmt(back)} {_fmt(seat - 30)}L{_fmt(back)} 0M{_fmt(back)} {_fmt(seat)}"
            f"L{_fmt(front)} {_fmt(seat)}L{_fmt(front)} 0"
        )
    else:
        d = (
            f"M{_fmt(px - 15)} 0L{_fmt(px - 15)} {_fmt(seat)}L{_fmt(px + 15)} {_fmt(seat)}"
            f"L{_fmt(px + 15)} 0"
        )
    return f'<path d="{d}" fill="none" stroke="{INK["prop"]}" stroke-width="2.2"/>'


def _band(
    at: str,
    canvas: _Canvas,
    start: Mapping[str, Vec],
    proj: Sequence[Mapping[str, tuple[float, float, float]]],
    times: str,
    dur: float,
) -> str:
    side = canvas.side
    ankle = f"{side}_ankle"
    ax, _, _ = canvas.pt(start[ankle])
    if at in ("other_side", "work_side"):
        hip = canvas.pt(start[_landmark(at.replace("_side", "_hip"), side)])
        pel = canvas.pt(start["pelvis"])
        sign = 1.0 if hip[0] >= pel[0] else -1.0
    else:
        face, head = canvas.pt(start["face"]), canvas.pt(start["head"])
        sign = 1.0 if (face[0] >= head[0]) == (at == "front") else -1.0
    post = ax + sign * 32
    values = {"x2": [p[ankle][0] for p in proj], "y2": [p[ankle][1] for p in proj]}
    st, an = _attrs(values, times, dur)
    return (
        f'<rect x="{_fmt(post - 2)}" y="-30" width="4" height="30" fill="{INK["prop"]}"/>'
        f'<line x1="{_fmt(post)}" y1="-5" {st} stroke="#16a34a" stroke-width="1.6">{an}</line>'
    )


def _arrow(
    demo: Demonstration, canvas: _Canvas, keys: Sequence[Mapping[str, Vec]], shown: int, uid: str
) -> tuple[str, str]:
    lm = _landmark(demo.moving, canvas.side)
    a = canvas.pt(keys[0][lm])
    b = canvas.pt(keys[shown][lm])
    dist = math.dist(a[:2], b[:2])
    if dist < 4:
        return "", ""
    # A gentle curve beside the path, bowed away from the body's centre.
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    cx, cy = canvas.pt(keys[shown]["pelvis"])[:2]
    # A quarter turn from the path, one way on the right picture and the other on the left (its
    # mirror image), then flipped if that points at the body's centre. Where the path runs
    # through the centre the quarter turn stands: before, the sign of a zero decided it and
    # the two sides' arrows bowed opposite ways.
    turn = 1.0 if canvas.side == "right" else -1.0
    nx, ny = -turn * (b[1] - a[1]) / dist, turn * (b[0] - a[0]) / dist
    if (mx - cx) * nx + (my - cy) * ny < -1e-9:
        nx, ny = -nx, -ny
    off = 8 + 0.15 * dist
    sx, sy = a[0] + nx * off, a[1] + ny * off
    ex_, ey_ = b[0] + nx * off, b[1] + ny * off
    qx, qy = mx + nx * (off + 0.25 * dist), my + ny * (off + 0.25 * dist)
    marker = (
        f'<defs><marker id="{uid}-ah" viewBox="0 0 10 10" refX="6" refY="5" markerWidth="4" '
        f'markerHeight="4" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" '
        f'fill="{INK["arrow"]}"/></marker></defs>'
    )
    path = (
        f'<path d="M{_fmt(sx)} {_fmt(sy)}Q{_fmt(qx)} {_fmt(qy)} {_fmt(ex_)} {_fmt(ey_)}" '
        f'fill="none" stroke="{INK["arrow"]}" stroke-width="1.6" marker-end="url(#{uid}-ah)"/>'
    )
    return path, marker
