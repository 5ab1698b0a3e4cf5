"""A posture result in the reader's language (issue 20). The core (core/posture) and the stored
result keep their English sentences; the posture page words them again: the lines' labels, the
higher hip, the change against the baseline (from its number) and the fixed sentences the core
adds to every result, known by their English. A reason made with numbers or body parts (frames
left out, a line its mirror image contradicts, a refused frame's reason) stays English for now,
as does any sentence this module does not know."""

import re
from collections.abc import Callable

from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from hipalign.core.posture import geometry, views
from hipalign.services.posture.uploads import NO_CHANGE_DEG, PostureView
from hipalign.services.program import plan_words

METRIC_LABELS: dict[str, str | Promise] = {
    "hip_tilt_deg": gettext_lazy("Hip line (°, + = left side higher)"),
    "shoulder_tilt_deg": gettext_lazy("Shoulder line (°, + = left side higher)"),
    "trunk_lean_deg": gettext_lazy("Trunk lean (°)"),
    "lateral_shift_pct": gettext_lazy("Sideways shift (% of trunk length)"),
}
HIGH_SIDES: dict[str, str | Promise] = {
    "left": pgettext_lazy("higher hip", "left"),
    "right": pgettext_lazy("higher hip", "right"),
    "level": pgettext_lazy("higher hip", "level"),
}
# The core's fixed sentences, by the English the stored result holds.
SENTENCES: dict[str, str | Promise] = {
    geometry.WORDING_OK: gettext_lazy(
        "This is a screening measurement from a picture, not a diagnosis: any difference it "
        "shows is something to confirm with a physiotherapist or doctor who can examine you."
    ),
    geometry.WORDING_NOT_MEASURED: gettext_lazy(
        "Nothing was measured from this picture; even when it works, this is only a screen to "
        "confirm with a physiotherapist or doctor, never a diagnosis."
    ),
    geometry.ACCURACY_CAVEAT: gettext_lazy(
        "The +/- figures show how much each number moved when the same picture was shifted, "
        "turned or saved again; they are not accuracy. How far these lines sit from your actual "
        "bones is unknown and may be several degrees, so compare only with your own earlier "
        "results taken the same way (same camera set-up, same app version)."
    ),
    geometry.LEVEL_CAMERA_CAVEAT: gettext_lazy(
        "A tilted camera tilts every line by the same amount: keep the camera level, for "
        "example with the phone's level or by lining it up with the floor."
    ),
    geometry.CAMERA_TILT_REASON: gettext_lazy(
        "The camera looks tilted: the lines through the ankles, hips and shoulders all slope "
        "the same way. Level the camera and take the picture again before trusting these "
        "numbers."
    ),
    views.MIRROR_NOTE: gettext_lazy(
        "Each number was measured on the picture and on its mirror image, which must give the "
        "same size with the opposite sign; the value is their middle and the +/- covers both."
    ),
    geometry.REFUSAL_REASONS["no_person"]: gettext_lazy("no person was found"),
    geometry.REFUSAL_REASONS["several_people"]: gettext_lazy(
        "more than one person is in the picture: crop to one person"
    ),
    geometry.REFUSAL_REASONS["person_too_small"]: gettext_lazy(
        "the person is too small in the picture: stand closer to the camera or use a larger picture"
    ),
    geometry.REFUSAL_REASONS["turned"]: gettext_lazy("the body is turned; stand facing the camera"),
    geometry.REFUSAL_REASONS["facing_away"]: gettext_lazy(
        "the person seems to face away from the camera, or left and right were mixed up; "
        "stand facing the camera"
    ),
    geometry.REFUSAL_REASONS["no_frames"]: gettext_lazy("there was no picture to measure"),
}


def metric_label(key: str) -> str:
    label = METRIC_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


def high_side(side: str | None) -> str:
    if side is None:
        return gettext("could not measure reliably")
    return str(HIGH_SIDES.get(side, side))


def sentence(text: str) -> str:
    """One of the core's fixed sentences in the reader's language; any other as it is."""
    words = SENTENCES.get(text)
    if words is not None:
        return str(words)
    if text == geometry.REFUSAL_REASONS["image_too_small"]:
        return gettext(
            "the picture is too small: it needs at least %(pixels)s pixels on its short side"
        ) % {"pixels": geometry.MIN_IMAGE_SIDE_PX}
    if (translation.get_language() or "en").split("-")[0] == "en":
        return text  # the core's own English, as it wrote it
    for pattern, word in _COMPOSED:
        m = pattern.fullmatch(text)
        if m is not None:
            worded = word(m)
            if worded is not None:
                return worded
    return text


# The body parts a picture must show (core.posture.geometry.KEY_LANDMARKS), with their article.
PARTS: dict[str, Promise] = {
    "left shoulder": gettext_lazy("the left shoulder"),
    "right shoulder": gettext_lazy("the right shoulder"),
    "left hip": gettext_lazy("the left hip"),
    "right hip": gettext_lazy("the right hip"),
    "left knee": gettext_lazy("the left knee"),
    "right knee": gettext_lazy("the right knee"),
    "left ankle": gettext_lazy("the left ankle"),
    "right ankle": gettext_lazy("the right ankle"),
}
_VIEWS: dict[str, Promise] = {
    views.VIEW_WORDS[views.PHOTO]: gettext_lazy("the picture as it is"),
    views.VIEW_WORDS[views.MIRRORED]: gettext_lazy("its mirror image"),
}
_NUM = r"(\d+)"


def _parts(m: re.Match[str]) -> str | None:
    names = re.split(r", | and ", m[1])
    if any(n not in PARTS for n in names):
        return None
    words = [str(PARTS[n]) for n in names]
    return ngettext(
        "%(parts)s is not visible: the whole body must be in the picture",
        "%(parts)s are not visible: the whole body must be in the picture",
        len(words),
    ) % {"parts": plan_words.joined(words)}


def _too_few(m: re.Match[str]) -> str:
    return gettext(
        "only %(measured)s of %(total)s frames could be measured; at least %(share)s %% are needed"
    ) % {"measured": m[1], "total": m[2], "share": m[3]}


def _left_out(m: re.Match[str]) -> str:
    count = int(m[1])
    return ngettext(
        "%(count)s frame of %(total)s could not be measured and was left out (most often: "
        "%(reason)s)",
        "%(count)s frames of %(total)s could not be measured and were left out (most often: "
        "%(reason)s)",
        count,
    ) % {"count": count, "total": m[2], "reason": sentence(m[3])}


def _view_failed(m: re.Match[str]) -> str | None:
    view = _VIEWS.get(m[1][:1].lower() + m[1][1:])
    if view is None:
        return None
    words = str(view)
    return gettext(
        "%(view)s could not be measured (%(reason)s), so the measurement could not be checked "
        "against it"
    ) % {"view": words[:1].upper() + words[1:], "reason": sentence(m[2])}


# The core's sentences made with numbers, body parts or another reason (geometry.py, views.py),
# each with how it is worded again.
_COMPOSED: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (re.compile(r"the (.+) (?:is|are) not visible: the whole body must be in the picture"), _parts),
    (
        re.compile(
            rf"only {_NUM} of {_NUM} frames could be measured; at least {_NUM} % are needed"
        ),
        _too_few,
    ),
    (
        re.compile(
            rf"{_NUM} frames? of {_NUM} could not be measured and (?:was|were) left out "
            r"\(most often: (.+)\)"
        ),
        _left_out,
    ),
    (
        re.compile(
            r"(.+?) could not be measured \((.+)\), so the measurement could not be checked "
            r"against it"
        ),
        _view_failed,
    ),
)


def change_words(view: PostureView) -> str:
    """The hip line against the baseline, worded from its number (the service's English
    sentence otherwise, when it has one this module cannot word)."""
    if view.change_deg is None:
        if view.change_text:
            return gettext("This is your baseline: later pictures are compared with it.")
        return ""
    # The page's decimal mark ('+1,5' in Spanish), the sign kept; English reads as before.
    change = f"{view.change_deg:+.1f}".replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))
    if abs(view.change_deg) < NO_CHANGE_DEG:
        return gettext(
            "Hip line %(change)s° against your baseline: about the same (under 2° counts as "
            "no change)."
        ) % {"change": change}
    return gettext(
        "Hip line %(change)s° against your baseline: a change worth showing to your "
        "physiotherapist."
    ) % {"change": change}
