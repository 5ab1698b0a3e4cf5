"""SVG to PNG through resvg (the `resvg-py` wheel from PyPI).

Why resvg: it ships as a self-contained wheel (the Rust renderer compiled in), so it needs no
system library; cairosvg would need libcairo installed on every machine. It renders the
figures' strokes, `use` and markers faithfully, and draws the still of an animated figure
(SMIL is ignored, so the first values show).
"""

import resvg_py

DEFAULT_WIDTH = 480  # pixels: sharp on a phone, small enough to attach


def svg_to_png(svg: str, *, width: int = DEFAULT_WIDTH) -> bytes:
    """The picture as PNG bytes on a white background, `width` pixels wide."""
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=width, background="#ffffff"))
