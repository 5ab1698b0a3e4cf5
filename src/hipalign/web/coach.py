"""The camera coach on the session player (issue 17): what the page needs beyond the player.

The pose model runs in the browser (static/hipalign/js/pose.js); the server only serves its
files (web/pose_assets.py) and gives the page the data it evaluates. Nothing the camera sees is
ever sent: the person saves the counts like any log.
"""

from typing import Any, cast

from django.conf import settings
from django.utils.csp import CSP

from hipalign.core.posture.coach import rules_document
from hipalign.web import pose_assets

# The player's policy: the site's, plus 'wasm-unsafe-eval' in script-src, which the browser
# needs to compile the model's WebAssembly. Nothing else is loosened and no other page gets it.
_SITE_CSP = cast(dict[str, list[str]], settings.SECURE_CSP)
POSE_CSP: dict[str, list[str]] = {
    **_SITE_CSP,
    "script-src": [*_SITE_CSP["script-src"], CSP.WASM_UNSAFE_EVAL],
}


def player_coach(rep_s: dict[str, int]) -> dict[str, Any]:
    """The coach part of the player's data: whether the model files are installed and intact,
    the core's rules for the session's exercises (`rep_s`: exercise id -> seconds one
    repetition is given, for the tempo cue), and the privacy words shown before the camera."""
    state = pose_assets.verify()
    return {
        "available": state.ok,
        "rules": rules_document(list(rep_s)),
        "rep_s": rep_s,
    }
