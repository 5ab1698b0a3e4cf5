import re
from collections.abc import Mapping
from datetime import UTC, date, datetime

from django import template
from django.utils import timezone, translation

from hipalign.core import words as product_words
from hipalign.core.adherence import sessions_text
from hipalign.core.attention import Flag
from hipalign.core.education.models import LifestyleItem
from hipalign.core.outcomes.engine import Change, Measure
from hipalign.core.progression import ReviewResult
from hipalign.services.followup.outcome_records import Outcomes
from hipalign.services.posture.uploads import PostureView
from hipalign.services.program import habit_words, plan_words
from hipalign.web import outcome_words, posture_words
from hipalign.web.attention_words import flag_words

register = template.Library()


# Internal pointers some catalog sources still carry beside the real reference: a section of
# the team's design notes ("CLINICAL.md 4", "DESIGN.md principle 3"), a seed file, a caveat
# index, the "[rule]" marker. A reader needs none of them (issue 14.6).
_INTERNAL_SOURCE = re.compile(
    r"(?:\b(?:CLINICAL|DESIGN|VISION|RELIABILITY)\.md(?:\s+(?:principle\s+)?[\d.]+)?"
    r"(?:\s+and\s+[\d.]+)?|\b\d{3}_[0-9a-f]{16}\.txt|\(caveats in \d+\)|\[rule\]"
    r"|\(sec\.\))"
)
OWN_RULE = "hipalign's rule, to be confirmed by your clinician"


@register.filter
def public_source(value: object) -> str:
    """A source line as a reader may see it: internal pointers dropped; a line that held only
    those is one of hipalign's own rules and says so."""
    text = _INTERNAL_SOURCE.sub("", str(value))
    text = re.sub(r"\(\s*\)", "", text)
    parts = [p.strip(" ;,()") for p in text.split(";")]
    kept = [p for p in parts if p]
    return "; ".join(kept) if kept else plan_words.reference_words(OWN_RULE)


@register.filter
def words(value: object) -> str:
    """A vocabulary id as words: "seated_chair" -> "seated chair" (a position or equipment code
    in the reader's language)."""
    return plan_words.code_words(str(value))


@register.filter
def metric_label(key: str) -> str:
    return posture_words.metric_label(key)


@register.filter
def high_side(side: object) -> str:
    """The higher hip of a posture result in the reader's language (issue 20)."""
    return posture_words.high_side(None if side is None else str(side))


@register.filter
def posture_sentence(text: object) -> str:
    """One of the posture core's fixed sentences in the reader's language (issue 20)."""
    return posture_words.sentence(str(text))


@register.filter
def posture_change(view: object) -> str:
    """A posture picture against the baseline, in the reader's language (issue 20)."""
    return posture_words.change_words(view) if isinstance(view, PostureView) else ""


@register.filter
def get_item(mapping: object, key: object) -> object:
    """`mapping[key]`, or None: templates cannot index a dict by a variable."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def reference(ref_id: str) -> object:
    """The bibliography entry for an id (authors, year, title, where, url), or None."""
    from hipalign.core.references import bibliography

    return bibliography().get(str(ref_id))


@register.filter
def references(ref_ids: object) -> list[object]:
    """The bibliography entries for a list of ids, in order; unknown ids are left out."""
    from hipalign.core.references import bibliography

    known = bibliography()
    return [known[r] for r in (ref_ids or []) if isinstance(r, str) and r in known]  # type: ignore[attr-defined]


@register.filter
def left_out_text(left: object) -> str:
    """ "Name: reason" for an exercise the plan left out (plan_words.left_out_line)."""
    return plan_words.left_out_line(left)


# The pose models a posture result names (adapters/vision), as a reader knows them.
MODEL_LABELS = {
    "pose_landmarker_full": "MediaPipe Pose Landmarker (full)",
    "pose_landmarker_lite": "MediaPipe Pose Landmarker (lite)",
    "pose_landmarker_heavy": "MediaPipe Pose Landmarker (heavy)",
}


ROLE_WORDS = {
    "person": translation.pgettext_lazy("role", "person"),
    "clinician": translation.pgettext_lazy("role", "clinician"),
    "admin": translation.pgettext_lazy("role", "admin"),
}


@register.filter
def lesson_ref(source: object) -> str:
    """A lesson's source as its page shows it (education.catalog LessonSource.ref), with our own
    words of the reference in the reader's language."""
    from hipalign.core.references import bibliography, cite

    ref_id, detail = str(getattr(source, "cite", "")), str(getattr(source, "detail", "") or "")
    known = bibliography().get(ref_id)
    if known is None:
        return str(getattr(source, "ref", ""))
    text = plan_words.cite_words([ref_id], cite(ref_id))
    if known.url:
        text = text.removesuffix(known.url).rstrip()
    return f"{text} ({detail})" if detail else text


@register.filter
def role_words(role: object) -> str:
    """A role in the page's language (the option's value stays the role's id)."""
    return str(ROLE_WORDS.get(str(role), role))


@register.filter
def model_label(key: object) -> str:
    return MODEL_LABELS.get(str(key), words(key))


@register.filter
def sessions(value: float) -> str:
    """A count of planned sessions done, as fractions: '3', '1.5' (core.adherence)."""
    return sessions_text(float(value))


@register.filter
def side_name(side: object) -> str:
    """ "left side" / "right side" in the page's language; any other value as it is."""
    if side == "left":
        return translation.gettext("left side")
    if side == "right":
        return translation.gettext("right side")
    return str(side)


@register.filter
def side_word(side: object) -> str:
    """A side on its own ("higher hip: left"), in the page's language."""
    if side == "left":
        return translation.pgettext("side", "left")
    if side == "right":
        return translation.pgettext("side", "right")
    return str(side)


@register.simple_tag
def emergency_number() -> dict[str, str]:
    """The operator's emergency number (settings.EMERGENCY_NUMBER, default 112): as shown, and
    as a tel: link dials it (no spaces)."""
    from django.conf import settings

    number = str(settings.EMERGENCY_NUMBER)
    return {"shown": number, "tel": number.replace(" ", "")}


@register.filter
def reason_refs(reason: object) -> list[object]:
    """The bibliography entries behind a referral reason, so a card reads references, not raw
    links: a question's own refs (questions.toml); for a rule's reason, the entries whose link
    its source line names (core.references.cite_all writes the link last)."""
    from hipalign.core.references import bibliography
    from hipalign.core.screening.catalog import QUESTIONS_BY_ID

    rid = reason.get("id") if isinstance(reason, dict) else getattr(reason, "id", None)
    known = bibliography()
    question = QUESTIONS_BY_ID.get(str(rid))
    if question is not None:
        return [known[r] for r in question.refs if r in known]
    source = str(
        reason.get("source", "") if isinstance(reason, dict) else getattr(reason, "source", "")
    )
    return [ref for ref in known.values() if ref.url and ref.url in source]


_URL = re.compile(r"\s*\bhttps?://\S+")


@register.filter
def without_links(value: object) -> str:
    """A source line with its raw links taken out (the words around them stay)."""
    return _URL.sub("", str(value)).strip(" :;,")


@register.filter
def level_title(level: object) -> str:
    """What a referral level asks of the person, as a title."""
    titles = {
        "emergency": translation.gettext("Get emergency care now"),
        "urgent": translation.gettext("See a doctor urgently"),
        "see_doctor": translation.gettext("See a doctor before starting"),
    }
    return titles.get(str(level)) or translation.gettext("Worth a professional's look")


@register.filter
def reason_words(reason: object) -> dict[str, str]:
    """A referral reason's text and action in the page's language (plan_words)."""
    return plan_words.referral_words(reason)


def _level(reason: object) -> str:
    return str(reason.get("level") if isinstance(reason, dict) else getattr(reason, "level", ""))


@register.filter
def needs_care_now(reasons: object, now: bool = True) -> list[object]:
    """The reasons at a level that stops everything (emergency, urgent), or with now=False the
    others, in their order."""
    from hipalign.core.screening.catalog import STOP_LEVELS

    return [r for r in (reasons or []) if (_level(r) in STOP_LEVELS) == bool(now)]  # type: ignore[attr-defined]


# --- the product's words (issue 14.7): one function each, from core.words -------------------


@register.simple_tag
def dose_of(exercise: object, side: object) -> str:
    """Today's dose of one side of an exercise, as every page words it ("3 × 12")."""
    english = product_words.dose_words(
        kind=str(getattr(getattr(exercise, "dose", None), "kind", "reps")),
        sets=int(getattr(side, "sets", 0)),
        reps=int(getattr(side, "reps", 0)),
        hold_s=int(getattr(side, "hold_s", 0)),
        load=str(getattr(side, "load", "bodyweight")),
    )
    return english if _language() == "en" else plan_words.dose_phrase(english) or english


@register.filter
def plan_text(text: object) -> str:
    """One of the plan document's stored sentences in the reader's language (services/program/plan_words.py)."""
    return plan_words.text_words(str(text or ""))


@register.filter
def plan_summary(text: object) -> str:
    return plan_words.summary_words(str(text or ""))


@register.filter
def action_tag(action: object) -> str:
    """The last progression decision as a tag ("same dose", never "hold")."""
    return product_words.action_tag(str(action))


def _language() -> str:
    """The language the request activated ("es" of "es-mx"); English outside a request."""
    return (translation.get_language() or "en").split("-")[0]


@register.filter
def change_text(change: object, measure: object) -> str:
    """A score's change from baseline in the page's language (web/outcome_words.py)."""
    if isinstance(change, Change) and isinstance(measure, Measure):
        return outcome_words.change_words(change, measure)
    return str(getattr(change, "text", change))


@register.filter
def review_text(outcomes: object) -> str:
    """What the scores suggest (Your scores, Progress, Report) in the page's language."""
    if not isinstance(outcomes, Outcomes) or outcomes.review is None:
        return ""
    worse = [(c, v.measure) for v in outcomes.views for c in v.changes if c.worse]
    return outcome_words.outcome_review_words(outcomes.review, worse)


@register.filter
def pain_review_text(review: object) -> str:
    """Today's pain review against the start in the page's language."""
    if isinstance(review, ReviewResult):
        return outcome_words.pain_review_words(review)
    return str(getattr(review, "text", review))


@register.filter
def habit_title(item: object) -> str:
    """A plan habit's title in the page's language (services/program/habit_words.py)."""
    return habit_words.habit_title(item) if isinstance(item, LifestyleItem) else str(item)


@register.filter
def habit_reason(item: object) -> str:
    """A plan habit's reason in the page's language, when it is one of ours (services/program/habit_words.py)."""
    return habit_words.habit_reason(item) if isinstance(item, LifestyleItem) else str(item)


@register.filter
def weekday_name(code: object) -> str:
    """A plan's day code ("mon") as a short day name in the page's language ("Mon", "lun")."""
    return product_words.weekday_name(str(code), language=_language())


@register.filter
def referral_level_words(level: object) -> str:
    """A referral level in short words ("see doctor"), in the page's language."""
    from hipalign.services.followup.timeline import LEVEL_WORDS

    return str(LEVEL_WORDS.get(str(level)) or str(level).replace("_", " "))


@register.filter
def flag_text(flag: object) -> str:
    """An attention flag's sentence in the page's language (web/attention_words.py)."""
    if isinstance(flag, Flag):
        return flag_words(flag)
    return str(getattr(flag, "text", flag))


@register.filter
def day(value: object) -> str:
    """A date (or the day of a datetime, in UTC) in the one format of every page, with the
    day and month names of the page's language."""
    if isinstance(value, date):
        return product_words.day_words(value, language=_language())
    return "" if value is None else str(value)


@register.filter
def moment(value: object) -> str:
    """A datetime in the one format of every page, on the reader's clock (the zone the
    request activated from their profile): "Wed 2 Dec 2026, 15:05 CET"."""
    if isinstance(value, datetime):
        aware = value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
        return product_words.moment_words(
            timezone.localtime(aware), in_its_zone=True, language=_language()
        )
    if isinstance(value, date):
        return product_words.day_words(value, language=_language())
    return "" if value is None else str(value)


@register.simple_tag
def decision_of(decision: object, library: object) -> str:
    """A progression decision as the player says it: "Step up: next time 3 × 12"."""
    ex = (
        library.get(str(getattr(decision, "exercise", "")))
        if isinstance(library, Mapping)
        else None
    )
    step = getattr(decision, "dose", None)
    dose = product_words.dose_words(
        kind=str(getattr(getattr(ex, "dose", None), "kind", "reps")),
        sets=int(getattr(step, "sets", 0)),
        reps=int(getattr(step, "reps", 0)),
        hold_s=int(getattr(step, "hold_s", 0)),
        load=str(getattr(step, "load", "bodyweight")),
    )
    return product_words.decision_words(str(getattr(decision, "action", "")), dose)


@register.filter
def exercise_name(ex_id: object, library: object) -> str:
    """An exercise's name from the library, never its id."""
    ex = library.get(str(ex_id)) if isinstance(library, Mapping) else None
    return str(getattr(ex, "name", "")) or words(ex_id).capitalize()


@register.simple_tag
def js_words() -> str:
    """The page scripts' words in the page's language, as a JSON block (web/js_catalog.py)."""
    from django.utils.html import json_script

    from hipalign.web.js_catalog import script_words

    return json_script(script_words(), "hipalign-words")


# The plan document's words in the reader's language (services/program/plan_words.py), as filters.
register.filter("ref_words", plan_words.reference_words)
register.filter("lesson_link", plan_words.lesson_link_words)
register.filter("checklist_of", plan_words.checklist_words)
register.filter("side_title", plan_words.side_title)
register.filter("reminder_text", plan_words.reminder_words)
register.filter("warm_move", plan_words.warm_up_move)
register.filter("pattern_text", plan_words.pattern_words)
register.filter("why_text", plan_words.why_words)
register.filter("intent_tag", plan_words.intent_tag)
