"""The camera coach on the session player (issue 17): what the page needs beyond the player.

The pose model runs in the browser (static/hipalign/js/pose.js); the server only serves its
files (web/pose_assets.py) and gives the page the data it evaluates. Nothing the camera sees is
ever sent: the person saves the counts like any log.
"""

from typing import Any, cast

from django.conf import settings
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

from hipalign.core.posture.coach import rules_document
from hipalign.web import pose_assets

# The player's policy: the site's, plus 'wasm-unsafe-eval' in script-src, which the browser
# needs to compile the model's WebAssembly. Nothing else is loosened and no other page gets it.
_SITE_CSP = cast(dict[str, list[str]], settings.SECURE_CSP)
POSE_CSP: dict[str, list[str]] = {
    **_SITE_CSP,
    "script-src": [*_SITE_CSP["script-src"], CSP.WASM_UNSAFE_EVAL],
}


# The core's words in the rules document (core/posture/coach.py), in the page's language; a test
# keeps these English equal to the core's.
VIEW_WORDS = {
    "whole_body": gettext_lazy("Step back so your whole body is in view."),
    "side_on": gettext_lazy("Turn side-on to the camera."),
    "face_camera": gettext_lazy("Face the camera."),
}
CUE_SENTENCES = {
    "pelvic_drop": gettext_lazy("Keep your hips level: the hip on the lifted side is dropping."),
    "trunk_lean": gettext_lazy("Stand tall: your upper body is leaning to one side."),
    "knee_valgus": gettext_lazy("Keep your knee in line with your toes: it is moving inwards."),
    "too_fast": gettext_lazy("Slow down: take the time each repetition is given."),
}


def worded_rules(doc: dict[str, Any]) -> dict[str, Any]:
    """The rules document with its view words and cue sentences in the page's language (the
    thresholds and ids untouched: the page evaluates the same rules as the core)."""
    views = {k: str(VIEW_WORDS[k]) if k in VIEW_WORDS else v for k, v in doc["view_words"].items()}
    cues = [
        {**c, "sentence": str(CUE_SENTENCES[c["id"]])} if c["id"] in CUE_SENTENCES else c
        for c in doc["cues"]
    ]
    return {**doc, "view_words": views, "cues": cues}


def player_coach(rep_s: dict[str, int]) -> dict[str, Any]:
    """The coach part of the player's data: whether the model files are installed and intact,
    the core's rules for the session's exercises (`rep_s`: exercise id -> seconds one
    repetition is given, for the tempo cue), and the privacy words shown before the camera."""
    state = pose_assets.verify()
    return {
        "available": state.ok,
        "rules": worded_rules(rules_document(list(rep_s))),
        "rep_s": rep_s,
    }
