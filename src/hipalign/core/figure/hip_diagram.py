"""A labelled diagram of the pelvis, the hip joint and the muscles round it (our own drawing).

Two views, stacked so that they read on a phone: from the front (muscles on the person's right,
bones alone on the left, so the ball and cup show) and from behind (the outer muscles on the
person's right, the deep rotators under the gluteus maximus on the left). The muscles the
person's plan works are drawn in the accent colour and their labels are bold; the text
alternative names them. Shapes are schematic, not to scale: the lesson's words carry the
anatomy (sources in the lesson), the drawing shows where each part is.

Coordinates: one view is 360 x 310 drawing units; labels are 13 units high, so at a 340-pixel
phone width they are about 12 px.
"""

from collections.abc import Collection
from dataclasses import dataclass

from hipalign.core.figure.svg import escape
from hipalign.core.figure.words import word
from hipalign.core.i18n.languages import SOURCE_LANGUAGE

WIDTH, VIEW_HEIGHT = 360, 310
FONT = 13
INK = {
    "bone": "#f3ead8",
    "bone_line": "#8c7b66",
    "muscle": "#e3b3a6",
    "muscle_line": "#a0645a",
    "target": "#b93d0c",
    "target_line": "#7a2606",
    "text": "#1f2937",
    "target_text": "#8a2d08",  # 8.6:1 on white
    "leader": "#6b7280",
}


@dataclass(frozen=True)
class Part:
    label: tuple[str, ...]  # one line each
    path: str
    anchor: tuple[float, float]  # where the leader line meets the part
    side: str  # "left" or "right": the margin the label goes in
    y: float  # the label's first line
    muscles: tuple[str, ...] = ()  # library muscle names; empty for a bone
    key: str = ""  # the key of its words in another language (figure/words.py); a muscle's
    # is its first muscle name

    def lines(self, language: str = SOURCE_LANGUAGE) -> tuple[str, ...]:
        """The label's lines in `language` (the English ones as drawn here)."""
        if language == SOURCE_LANGUAGE:
            return self.label
        return tuple(word(f"hip.{self.key or self.muscles[0]}", language).split("\n"))


def _mirror(path: str) -> str:
    """A path of absolute M/L/C/Z commands with x -> WIDTH - x."""
    out: list[str] = []
    for token in path.replace(",", " ").split():
        if token[0].isalpha():
            out.append(token[0])
            token = token[1:]
            if not token:
                continue
        out.append(token)
    result, coord = [], 0
    for tok in out:
        if tok.isalpha():
            result.append(tok)
            coord = 0
            continue
        value = float(tok)
        result.append(f"{WIDTH - value:g}" if coord % 2 == 0 else f"{value:g}")
        coord += 1
    return " ".join(result)


# Bones (drawn on both sides, the muscles over them).
ILIUM = "M172 92 C150 70 118 58 100 66 C92 92 102 118 118 136 C132 140 150 132 160 120 Z"
PUBIS = "M118 136 C122 160 135 178 160 182 L177 180 L177 170 C160 168 146 158 140 146 Z"
SACRUM = "M168 90 L192 90 L188 135 L180 150 L172 135 Z"
FEMUR = "M116 150 L96 162 C88 170 94 182 104 180 L112 298 L130 298 L126 170 L132 156 Z"
BONES = (ILIUM, PUBIS, FEMUR)

FRONT: tuple[Part, ...] = (
    Part(
        ("Abdominals",),
        "M152 4 L177 4 L177 84 L160 84 Z",
        (165, 30),
        "left",
        20,
        ("abdominals",),
    ),
    Part(
        ("Obliques",),
        "M112 24 L150 6 L158 84 L114 58 Z",
        (126, 40),
        "left",
        52,
        ("obliques",),
    ),
    Part(
        ("Hip flexors:", "iliopsoas"),
        "M165 66 C158 100 146 130 136 165 L130 196 L142 197 C149 160 160 125 173 92 Z",
        (150, 118),
        "left",
        84,
        ("iliopsoas",),
    ),
    Part(
        ("Tensor fasciae", "latae (TFL)"),
        "M100 76 C92 100 90 140 94 175 L105 176 C107 140 107 105 105 80 Z",
        (97, 140),
        "left",
        130,
        ("tensor_fasciae_latae",),
    ),
    Part(
        ("Rectus femoris", "(front of thigh)"),
        "M121 130 C112 170 110 230 116 300 L133 300 C135 230 132 170 128 132 Z",
        (120, 240),
        "left",
        228,
        ("rectus_femoris", "quadriceps"),
    ),
    Part(
        ("Adductors", "(inner thigh)"),
        "M152 180 L175 184 C161 225 147 262 134 300 L126 296 C134 250 142 215 152 180 Z",
        (150, 220),
        "left",
        180,
        ("adductors",),
    ),
)
FRONT_BONES: tuple[Part, ...] = (
    Part(("Pelvis (ilium)",), "", (WIDTH - 120, 88), "right", 62, key="pelvis"),
    Part(("Sacrum",), "", (190, 112), "right", 100, key="sacrum"),
    Part(("Hip joint:", "ball and cup"), "", (WIDTH - 124, 150), "right", 136, key="hip_joint"),
    Part(("Pubic bone",), "", (WIDTH - 150, 172), "right", 188, key="pubic_bone"),
    Part(("Thigh bone", "(femur)"), "", (WIDTH - 121, 250), "right", 236, key="femur"),
)
BACK: tuple[Part, ...] = (
    Part(
        ("Low back", "muscles"),
        "M186 4 L197 4 L197 88 L188 88 Z",
        (192, 40),
        "right",
        22,
        ("low_back_extensors",),
    ),
    Part(
        ("Gluteus medius", "and minimus"),
        "M200 78 C235 60 265 68 268 98 C270 124 262 150 258 166 C245 130 226 110 200 98 Z",
        (246, 90),
        "right",
        66,
        ("gluteus_medius", "gluteus_minimus"),
    ),
    Part(
        ("Gluteus", "maximus"),
        "M190 100 C230 92 262 115 266 160 C270 190 256 206 236 210 C214 200 195 175 188 140 Z",
        (238, 170),
        "right",
        140,
        ("gluteus_maximus",),
    ),
    Part(
        ("Hamstrings", "(back of thigh)"),
        "M216 194 C230 230 236 262 234 300 L252 300 C256 262 250 225 236 190 Z",
        (240, 260),
        "right",
        240,
        ("hamstrings",),
    ),
    Part(
        ("Piriformis",),
        "M172 104 L169 122 L104 173 L99 160 Z",
        (140, 136),
        "left",
        104,
        ("piriformis",),
    ),
    Part(
        ("Deep hip", "rotators"),
        "M160 148 L160 160 L107 182 L105 173 Z M150 172 L151 184 L109 193 L107 185 Z",
        (134, 176),
        "left",
        170,
        ("deep_hip_rotators",),
    ),
)

MUSCLE_WORDS = {
    m: " and ".join(p.label).replace(": ", " ").replace(":", "")
    for p in FRONT + BACK
    for m in p.muscles
}


def _label(part: Part, targeted: bool, dy: float, language: str = SOURCE_LANGUAGE) -> str:
    x = 6 if part.side == "left" else WIDTH - 6
    anchor = "start" if part.side == "left" else "end"
    weight = ' font-weight="700"' if targeted else ""
    fill = INK["target_text"] if targeted else INK["text"]
    label = part.lines(language)
    lines = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else FONT + 1}">{escape(t)}</tspan>'
        for i, t in enumerate(label)
    )
    # The leader runs from under the label's last line to the part.
    end_y = part.y + (len(label) - 1) * (FONT + 1) + 4
    lx = 96 if part.side == "left" else WIDTH - 96
    ax, ay = part.anchor
    return (
        f'<path d="M{x} {end_y + dy:g} L{lx} {end_y + dy:g} '
        f'L{ax:g} {ay + dy:g}" fill="none" stroke="{INK["leader"]}" stroke-width="0.8"/>'
        f'<circle cx="{ax:g}" cy="{ay + dy:g}" r="2" fill="{INK["leader"]}"/>'
        f'<text y="{part.y + dy:g}" font-size="{FONT}" font-family="sans-serif" '
        f'text-anchor="{anchor}" fill="{fill}"{weight}>{lines}</text>'
    )


def _bones(dy: float) -> str:
    out = [
        f'<path d="{SACRUM}" fill="{INK["bone"]}" stroke="{INK["bone_line"]}" stroke-width="1.2"/>'
    ]
    for b in BONES:
        for d in (b, _mirror(b)):
            out.append(
                f'<path d="{d}" fill="{INK["bone"]}" stroke="{INK["bone_line"]}" '
                'stroke-width="1.2"/>'
            )
    for cx in (124, WIDTH - 124):  # the ball in its cup
        out.append(
            f'<circle cx="{cx}" cy="150" r="17" fill="none" stroke="{INK["bone_line"]}" '
            'stroke-width="2"/>'
            f'<circle cx="{cx}" cy="150" r="12.5" fill="{INK["bone"]}" '
            f'stroke="{INK["bone_line"]}" stroke-width="1.2"/>'
        )
    return f'<g transform="translate(0 {dy:g})">' + "".join(out) + "</g>"


def _muscles(parts: Collection[Part], targets: Collection[str], dy: float) -> str:
    out = []
    for p in parts:
        if not p.path:
            continue
        hit = any(m in targets for m in p.muscles)
        fill, line = (
            (INK["target"], INK["target_line"]) if hit else (INK["muscle"], INK["muscle_line"])
        )
        out.append(
            f'<path d="{p.path}" fill="{fill}" fill-opacity="0.9" stroke="{line}" '
            'stroke-width="1"/>'
        )
    return f'<g transform="translate(0 {dy:g})">' + "".join(out) + "</g>"


def targeted_words(targets: Collection[str], language: str = SOURCE_LANGUAGE) -> list[str]:
    """The diagram's words for the muscles in `targets`, in drawing order, once each."""
    seen: list[str] = []
    for p in FRONT + BACK:
        if any(m in targets for m in p.muscles):
            words = " ".join(p.lines(language))
            if words not in seen:
                seen.append(words)
    return seen


def text_alternative(targets: Collection[str], language: str = SOURCE_LANGUAGE) -> str:
    front = ", ".join(" ".join(p.lines(language)) for p in FRONT)
    bones = ", ".join(" ".join(p.lines(language)) for p in FRONT_BONES)
    back = ", ".join(" ".join(p.lines(language)) for p in BACK)
    words = targeted_words(targets, language)
    mine = word("hip.mine", language, muscles=", ".join(words)) if words else ""
    return word("hip.alt", language, bones=bones, front=front, back=back) + mine


def hip_diagram_svg(
    targets: Collection[str] = (), *, uid: str = "hip", language: str = SOURCE_LANGUAGE
) -> str:
    """The diagram; the muscles in `targets` (library muscle names) highlighted."""
    top, gap = 22.0, 40.0
    back_dy = top + VIEW_HEIGHT + gap
    height = back_dy + VIEW_HEIGHT + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:g}" role="img" '
        f'aria-labelledby="{uid}-t" class="hip-diagram">'
        f'<title id="{uid}-t">{escape(text_alternative(targets, language))}</title>',
        f'<text x="{WIDTH / 2:g}" y="15" font-size="{FONT + 2}" font-family="sans-serif" '
        f'font-weight="700" text-anchor="middle" fill="{INK["text"]}">{escape(word("hip.front", language))}</text>',
        _bones(top),
        _muscles(FRONT, targets, top),
    ]
    parts += [_label(p, any(m in targets for m in p.muscles), top, language) for p in FRONT]
    parts += [_label(p, False, top, language) for p in FRONT_BONES]
    parts.append(
        f'<text x="{WIDTH / 2:g}" y="{back_dy - 8:g}" font-size="{FONT + 2}" '
        f'font-family="sans-serif" font-weight="700" text-anchor="middle" '
        f'fill="{INK["text"]}">{escape(word("hip.back", language))}</text>'
    )
    parts += [_bones(back_dy), _muscles(BACK, targets, back_dy)]
    parts += [_label(p, any(m in targets for m in p.muscles), back_dy, language) for p in BACK]
    parts.append("</svg>")
    return "".join(parts)
