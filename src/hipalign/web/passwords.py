"""Password strength (issue 12 item 9): zxcvbn's offline estimate as a Django password validator.

zxcvbn ships its dictionaries (common passwords from breaches, names, words, keyboard patterns)
inside the package: nothing is fetched. It scores 0-4 by the guesses an attacker needs; 3 means
about 10^8 guesses or more ("safely unguessable" for an online attack with throttling, zxcvbn's
own scale). Repeats (`zzzzzzzzzzzz`, 256 x `x`), sequences, the app's name and the username
score 0-1 and are refused.
"""

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

# zxcvbn's own cap: its matching grows fast with length. A longer password is judged on its first
# 72 characters, which is where a repeat or a dictionary phrase shows anyway.
SCORED_CHARS = 72
# Words an attacker tries first against this app: its name and what it is about.
APP_WORDS = ["hipalign", "hip", "align", "hipalignment", "physio", "exercise"]
ALLOWED = (
    "Allowed: at least 8 characters that are hard to guess, such as four or more unrelated "
    "words; not this app's name, your username, a common password or one character repeated."
)


class StrengthValidator:
    """Refuses passwords zxcvbn scores below `min_score` (0-4)."""

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def validate(self, password: str, user: Any = None) -> None:
        inputs = list(APP_WORDS)
        username = getattr(user, "username", "") or ""
        if username:
            inputs.append(username)
        # zxcvbn's patterns do not match across line breaks ("\n" * 72 scored as random), so
        # control characters count as the space they are no harder to guess than.
        scored = "".join(" " if unicodedata.category(c) == "Cc" else c for c in password)
        result = zxcvbn(scored[:SCORED_CHARS], user_inputs=inputs)
        if result["score"] >= self.min_score:
            return
        # zxcvbn's warning is a whole sentence in English ("Repeats like "aaa" are easy to guess.").
        why = result["feedback"].get("warning") or "It follows a pattern attackers try first."
        raise ValidationError(
            "Password is too easy to guess. %(why)s %(allowed)s",
            code="password_too_guessable",
            params={"why": why, "allowed": ALLOWED},
        )

    def get_help_text(self) -> str:
        return ALLOWED
