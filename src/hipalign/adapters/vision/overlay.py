"""The annotated picture a person can look at: landmarks, the hip and shoulder lines, the trunk
line, and the measured angles written beside them. Drawn with Pillow, no font files (the default
bitmap font ships inside Pillow)."""

from pathlib import Path
from typing import Any

from hipalign.core.posture.geometry import (
    LEFT_HIP,
    LEFT_SHOULDER,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    Landmark,
    PostureResult,
)

# BlazePose body connections worth drawing (the face and hands only clutter a posture picture).
BODY = [
    (11, 12),
    (11, 23),
    (12, 24),
    (23, 24),
    (23, 25),
    (25, 27),
    (24, 26),
    (26, 28),
    (11, 13),
    (13, 15),
    (12, 14),
    (14, 16),
]
LINE = (255, 200, 0)
BONES = (0, 190, 255)
TEXT_BG = (0, 0, 0)


# The measures written on the picture, by their key in PostureResult.metrics.
_LABELS = {
    "hip_tilt_deg": "hip line",
    "shoulder_tilt_deg": "shoulder line",
    "trunk_lean_deg": "trunk lean",
    "lateral_shift_pct": "shift",
}


def _draw_skeleton(draw: Any, landmarks: list[Landmark], w: int, h: int, scale: int) -> None:
    """The bones, the shoulder and hip joints, their lines and the trunk's midline."""

    def px(i: int) -> tuple[float, float]:
        return landmarks[i].x * w, landmarks[i].y * h

    for a, b in BODY:
        draw.line([px(a), px(b)], fill=BONES, width=2 * scale)
    for i in (LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP, 25, 26, 27, 28):
        x, y = px(i)
        r = 4 * scale
        draw.ellipse([x - r, y - r, x + r, y + r], fill=LINE, outline=TEXT_BG)
    for a, b in ((RIGHT_SHOULDER, LEFT_SHOULDER), (RIGHT_HIP, LEFT_HIP)):
        draw.line([px(a), px(b)], fill=LINE, width=3 * scale)
    mid_hip = (
        (px(LEFT_HIP)[0] + px(RIGHT_HIP)[0]) / 2,
        (px(LEFT_HIP)[1] + px(RIGHT_HIP)[1]) / 2,
    )
    mid_sh = (
        (px(LEFT_SHOULDER)[0] + px(RIGHT_SHOULDER)[0]) / 2,
        (px(LEFT_SHOULDER)[1] + px(RIGHT_SHOULDER)[1]) / 2,
    )
    draw.line([mid_hip, mid_sh], fill=LINE, width=2 * scale)


def _overlay_lines(result: PostureResult) -> list[str]:
    """The text written on the picture: each measure with its uncertainty, or why none."""
    if result.status != "ok":
        return ["could not measure:", *result.reasons]
    lines = []
    for key, label in _LABELS.items():
        v = result.metrics.get(key)
        if v is not None and not v.reliable:
            lines.append(f"{label}: could not measure reliably")
        elif v is not None:
            unit = "%" if key.endswith("pct") else "°"
            lines.append(f"{label}: {v.value:+.1f}{unit} ± {v.uncertainty:.1f}")
    if result.high_side:
        lines.append(f"higher hip: {result.high_side}")
    return lines


def draw_overlay(
    rgb: Any, landmarks: list[Landmark] | None, result: PostureResult, out: Path
) -> None:
    from PIL import Image, ImageDraw, ImageFont

    im = Image.fromarray(rgb).convert("RGB")
    draw = ImageDraw.Draw(im)
    w, h = im.size
    scale = max(1, round(min(w, h) / 320))
    try:
        font: Any = ImageFont.load_default(size=12 * scale)
    except TypeError:  # Pillow without FreeType: the fixed bitmap font
        font = ImageFont.load_default()
    if landmarks:
        _draw_skeleton(draw, landmarks, w, h, scale)
    y: float = 4 * scale
    for text in _overlay_lines(result):
        box = draw.textbbox((4 * scale, y), text, font=font)
        draw.rectangle([box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2], fill=TEXT_BG)
        draw.text((4 * scale, y), text, fill=(255, 255, 255), font=font)
        y = box[3] + 4 * scale
    im.save(out, format="PNG")
