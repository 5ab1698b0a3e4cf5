"""A stored plan's own sentences in the reader's language (issue 20).

The planner (core/planning, core/assessment, core/progression) is pure and writes its sentences
in English into the plan document and the decisions, which are stored as made: the document is
the contract (DESIGN.md) and the record of what the person was given. Every place that shows
them (the plan page, Today, the progress report, Learn, the timeline, the PDF handout and the
calendar) words them again here, at render time, with the pages' catalog:

- a pattern from its fields (id, side, confidence), never from its English text;
- a reason of the kinds "pattern" and "general" from its pattern and intent;
- a left-out reason part by part ("<exercise> <why>", the whys those of core/planning);
- every other sentence by its English: fixed sentences by equality, and sentences with numbers,
  sides, doses, findings, exercises or equipment by the catalog's own English (each msgid below
  is also the pattern it matches; `%(name)s` is the part that varies, its kind told by the name).

A sentence this module does not know stays English; tests/web/test_plan_words_language.py walks
the 410 plans of the golden intakes and the core's decisions and fails on any sentence left
English, and on an exclusion reason of the core this module does not know.
"""

import re
from collections.abc import Callable
from functools import cache

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext, pgettext_lazy

from hipalign.core.assessment import PATTERN_INFO

# Sentence ends: after . ! ? (a closing bracket may follow) and before a capital or a digit.
_SENTENCE_END = re.compile(r"(?<=[.!?])\)?\s+(?=[A-Z0-9])")


def _page_language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def _reading_english() -> bool:
    return _page_language() == "en"


def _side(side: str) -> str:
    # An adjective after "side" ("your left side", "su lado izquierdo").
    return (
        pgettext("side, adjective", "left")
        if side == "left"
        else pgettext("side, adjective", "right")
    )


# Each pattern's name inside a sentence ("Signs of short hip flexors, ..."), by the core's id.
FINDINGS: dict[str, str] = {
    "hip_flexor_tightness": gettext_noop("short hip flexors"),
    "anterior_tilt_tendency": gettext_noop("forward pelvic tilt tendency"),
    "abductor_weakness": gettext_noop("weaker hip abductors"),
    "frontal_asymmetry": gettext_noop("side-to-side pelvic asymmetry"),
    "mobility_restriction": gettext_noop("restricted hip movement"),
    "trunk_endurance": gettext_noop("low trunk endurance"),
    "balance_deficit": gettext_noop("reduced balance"),
}
# What each pattern suggests, the core's `meaning` (a test keeps the two equal).
MEANINGS: dict[str, str] = {
    "hip_flexor_tightness": gettext_noop(
        "Signs that the muscles at the front of the hip may be short, which long sitting can "
        "encourage."
    ),
    "anterior_tilt_tendency": gettext_noop(
        "The pelvis may rest tipped forward. This is common in healthy people, so it only "
        "matters alongside symptoms."
    ),
    "abductor_weakness": gettext_noop(
        "Signs that the outer-hip muscles that keep the pelvis level on one leg may be weaker."
    ),
    "frontal_asymmetry": gettext_noop(
        "One side of the pelvis may sit higher. Bone shape alone can explain gaps like this, so "
        "it is a screen to confirm with a professional."
    ),
    "mobility_restriction": gettext_noop("Signs that the hip may turn less freely than usual."),
    "trunk_endurance": gettext_noop("The trunk muscles that steady the pelvis may tire early."),
    "balance_deficit": gettext_noop(
        "Standing on one leg may be harder than expected for your age."
    ),
}
_SIGNS = {
    None: gettext_noop("Signs of %(finding)s, %(confidence)s confidence"),
    "both": gettext_noop("Signs of %(finding)s on both sides, %(confidence)s confidence"),
    "left": gettext_noop("Signs of %(finding)s on the left, %(confidence)s confidence"),
    "right": gettext_noop("Signs of %(finding)s on the right, %(confidence)s confidence"),
}
_CONFIDENCE = {
    "low": gettext_noop("low"),
    "moderate": gettext_noop("moderate"),
    "high": gettext_noop("high"),
}
# Why an exercise answers a finding, by its intent ("...: this exercise is here to stretch.").
_PURPOSE = {
    "stretch": gettext_noop("%(finding)s: this exercise is here to stretch."),
    "strengthen": gettext_noop("%(finding)s: this exercise is here to strengthen."),
    "mobilize": gettext_noop("%(finding)s: this exercise is here to move more freely."),
    "control": gettext_noop("%(finding)s: this exercise is here to train control."),
}
INTENT_TAGS = {
    "stretch": gettext_noop("stretch"),
    "strengthen": gettext_noop("strengthen"),
    "mobilize": gettext_noop("mobilize"),
    "control": gettext_noop("control"),
}

# The planner's fixed sentences, by their English.
FIXED: tuple[str, ...] = (
    gettext_noop("hipalign is decision support, not a diagnosis."),
    gettext_noop(
        "It describes functional patterns with a confidence level and suggests exercises; a "
        "physical therapist or doctor can assess you."
    ),
    gettext_noop("No functional pattern was found, so this is a general balanced program."),
    gettext_noop(
        "Both legs work evenly to spare the pelvic joints: no standing on one leg, wide stances "
        "or leg swings."
    ),
    gettext_noop("With one session a week strength gains are slow; 2-3 sessions are advised."),
    gettext_noop(
        "First review: answer the safety questions again and rate your pain and the activities "
        "you chose (NPRS, PSFS) against your start."
    ),
    gettext_noop(
        "If pain and function have not moved toward a meaningful change, or are worse, answer "
        "the safety questions again and see a physical therapist."
    ),
    gettext_noop(
        "Without a meaningful change by now (pain down 2 points and 30 %, or your activities up "
        "2 points), see a physical therapist or doctor."
    ),
    gettext_noop(
        "It is not logged and does not count as an exercise; if you are already warm, you can "
        "skip it."
    ),
    gettext_noop("Part of the balanced base program that rounds out your plan."),
    gettext_noop(
        "The daily balance practice, and standing and walking in daily life, make up the rest."
    ),
    gettext_noop("More minutes per session would let the sessions give more."),
    gettext_noop(
        "Balance practice: at your age or with your balance, standing balance work helps "
        "prevent falls."
    ),
    gettext_noop(
        "Stretching tight muscles such as the hamstrings helps the hip move through its full range."
    ),
    gettext_noop(
        "Muscles opposite weaker ones tend to tighten, and the inner-thigh (adductor) muscles "
        "are among those most often tight; this stretch lengthens them."
    ),
    gettext_noop(
        "You feel pain along the outside of the thigh: the source stretches the band of tissue "
        "there and the outer hip."
    ),
    gettext_noop(
        "You have a resistance band: it strengthens the muscles at the front of the hip that "
        "lift the leg, one of the groups the sources train."
    ),
    gettext_noop(
        "Planks and other heavy trunk work wait until 12 weeks after the birth; after your "
        "caesarean no plank of any kind before 8 weeks."
    ),
    # The notes on how to do an exercise safely given the answers.
    gettext_noop(
        "Breathe out and gently lift your pelvic floor as you make the effort; stop if you leak, "
        "feel heaviness in the vagina, or see a ridge bulge along the middle of your tummy."
    ),
    gettext_noop("Keep a hand on a sturdy support or wall the whole time."),
    gettext_noop("Keep a pillow between your knees so the top leg never crosses the midline."),
    gettext_noop(
        "Keep your knees together when you get down and up, and roll onto your side first."
    ),
    gettext_noop(
        "Lift only until shoulders, hips and knees make a straight line, never higher: the hip "
        "must not go past straight after an anterior approach."
    ),
    gettext_noop("Move gently and stop short of a strong stretch: no bouncing in pregnancy."),
    gettext_noop("Stand on the floor, not on books or a step, while pregnant."),
    gettext_noop("Starts at the easiest step because your pain is high: stop if it rises."),
    gettext_noop("Stay inside the hip precautions your surgeon or therapist gave you."),
    # A progression decision's reasons (core/progression.py).
    gettext_noop("This exercise is stopped until a review; this log is kept, the dose stays."),
    gettext_noop("You reported sharp pain: stop this exercise and have a professional review it."),
    gettext_noop(
        "You reported new numbness: stop this exercise and have a professional review it."
    ),
    gettext_noop("This is already the easiest dose: have a professional review it."),
    gettext_noop(
        "This is the second step back in a row: stop this exercise until a professional has "
        "reviewed it."
    ),
    gettext_noop("You are at the top of this exercise's ladder."),
    gettext_noop("Waiting for how it feels the next morning before changing the dose."),
    gettext_noop("Finish the full dose comfortably before stepping up."),
    gettext_noop("Stopped until a review: ask your physical therapist or doctor to look at it."),
    gettext_noop(
        "It comes back when your clinician changes your plan or you fill in the intake again."
    ),
)
_FIXED = frozenset(FIXED)

# Sentences with a varying part, by the catalog's English. The name of a placeholder says what it
# holds: side/other a side, finding a pattern's name, dose a dose, anything else a number.
TEMPLATES: tuple[str, ...] = (
    gettext_noop("One-leg exercises start with your weaker %(side)s side."),
    gettext_noop(
        "One-leg strength work trains only your weaker %(side)s side: your %(other)s side has "
        "no pain and no positive test."
    ),
    gettext_noop(
        "You said your %(other)s side feels weaker, but the standing test found the %(side)s hip "
        "muscles weaker; the plan follows the test and starts with the %(side)s side."
    ),
    gettext_noop(
        "Your pain is %(pain)s/10 at rest, so every exercise starts at its easiest step and "
        "strength work is done as holds without movement or gentle range-of-motion work."
    ),
    gettext_noop(
        "Your pain is %(pain)s/10, so strength work is done as holds without movement or gentle "
        "range-of-motion work until it settles to %(limit)s or less."
    ),
    gettext_noop(
        "About %(minutes)s minutes of gentle moves next to a support warm up your hips and legs "
        "before the exercises."
    ),
    gettext_noop("Start with your %(side)s side, the weaker one."),
    gettext_noop("It gets one set more than the other side (%(more)s instead of %(sets)s)."),
    gettext_noop("Start with your %(side)s side, where the %(finding)s was found."),
    gettext_noop(
        "Only your %(side)s side, the weaker one: your %(other)s side has no pain and no "
        "positive test, so it does not need this work."
    ),
    gettext_noop("Only the %(side)s side, where the pattern was found."),
    gettext_noop("Dose adjusted for your age, equipment or pain: %(dose)s."),
    # The balance dose (core/planning/balance.py); the target is 3 hours a week (Sherrington).
    gettext_noop(
        "Your sessions give about %(minutes)s minutes of balance practice a week: about "
        "%(share)s %% of the %(hours)s hours a week of balance challenge that best prevents falls."
    ),
    gettext_noop(
        "Your sessions give about %(minutes)s minutes of balance practice a week, which meets the "
        "target of about %(hours)s hours a week of balance challenge that best prevents falls."
    ),
    gettext_noop(
        "More balance practice where your time allows: %(sets)s sets of %(reps)s holds on each "
        "leg, toward about 3 hours a week of balance challenge that best prevents falls."
    ),
    gettext_noop(
        "More balance practice where your time allows: %(sets)s sets of %(reps)s holds, toward "
        "about 3 hours a week of balance challenge that best prevents falls."
    ),
    gettext_noop(
        "More balance practice where your time allows: 1 set of %(reps)s holds on each leg, "
        "toward about 3 hours a week of balance challenge that best prevents falls."
    ),
    gettext_noop(
        "More balance practice where your time allows: 1 set of %(reps)s holds, toward about 3 "
        "hours a week of balance challenge that best prevents falls."
    ),
    gettext_noop(
        "Your %(side)s side is the weaker one: the source strengthens the buttock and "
        "back-of-thigh muscles of the weaker side with this lift."
    ),
)

# A pattern's evidence, in what it showed (core/assessment.py): lower case, no full stop.
EVIDENCE: tuple[str, ...] = (
    gettext_noop("Trendelenburg test positive standing on the %(side)s leg"),
    gettext_noop(
        "%(seconds)s s standing on the %(side)s leg, under the %(expected)s s expected at your age"
    ),
    gettext_noop("%(seconds)s s on the %(side)s leg, well under the other side"),
    gettext_noop("side plank on the %(side)s held well under the other side"),
    gettext_noop("you feel the %(side)s side is weaker"),
    gettext_noop("pain on the outside of the %(side)s hip"),
    gettext_noop(
        "Thomas test on the %(side)s suggests short hip flexors (the test is unreliable without "
        "pelvic control)"
    ),
    gettext_noop(
        "Thomas test on the %(side)s suggests short rectus femoris (the test is unreliable "
        "without pelvic control)"
    ),
    gettext_noop("about %(hours)s hours of sitting a day"),
    gettext_noop("the %(side)s hip feels tight"),
    gettext_noop("the %(side)s hip feels painful"),
    gettext_noop("turning the %(side)s hip in or out is restricted"),
    gettext_noop("hip line %(degrees)s degrees high on the %(side)s (measured by a clinician)"),
    gettext_noop(
        "hip line %(degrees)s degrees high on the %(side)s (measured from a photo, to confirm "
        "with a professional)"
    ),
    gettext_noop("hip line %(degrees)s degrees high on the %(side)s (self-measured)"),
    gettext_noop("leg length difference of %(mm)s mm"),
    gettext_noop("plank held %(seconds)s s, under %(limit)s s"),
    gettext_noop("side plank under %(limit)s s on the %(side)s"),
    gettext_noop("side plank under %(limit)s s on the left and right"),
    gettext_noop("single-leg stance under %(limit)s s on the %(side)s"),
    gettext_noop("single-leg stance under %(limit)s s on the left and right"),
    # The lessons' reasons (core/education/coaching.py) and the habits' (habit_words knows the
    # rest); `noted` is a list of the person's answers, `findings` of the plan's patterns.
    gettext_noop(
        "Your plan works on %(findings)s: what such a pattern means, and what it does not."
    ),
    gettext_noop("You noted %(noted)s: cues and drills for walking evenly."),
    gettext_noop("You noted %(noted)s: shoes are one thing worth checking."),
    gettext_noop("You noted %(noted)s: a few minutes of drills on %(days)s days a week."),
    gettext_noop("You sit about %(hours)s hours a day: here is why breaks matter for your hips."),
    gettext_noop("You are %(weeks)s weeks pregnant: what changes in your plan, and when to stop."),
    # Left out of the plan (core/planning/planner.py).
    gettext_noop("%(exercise)s did not fit in the time you have; add minutes to include it."),
    gettext_noop("%(exercise)s does not fit in %(minutes)s minutes."),
    gettext_noop(
        "The source gives %(exercises)s daily: on the days without a session, do them once, at "
        "the dose in your plan."
    ),
    # A substitute, and the pain swap (core/planning/planner.py, conditions.py).
    gettext_noop("Stands in for %(exercise)s, which %(why)s."),
    gettext_noop(
        "Your pain is %(pain)s/10, above the 5 that exercise should stay within, so %(exercise)s "
        "(no movement under load, or gentle movement) stands in for %(instead)s until pain "
        "settles."
    ),
    gettext_noop(
        "%(exercise)s is left out while your pain is %(pain)s/10: above 5, strength work with "
        "movement is too much, and no hold or gentle movement for the same muscles is allowed "
        "for you."
    ),
    # A progression decision's reasons (core/progression.py), with their numbers.
    gettext_noop("Pain reached %(pain)s/10 during the exercise; above 5 is too much."),
    gettext_noop("Pain the next morning (%(pain)s/10) was worse than before."),
    gettext_noop(
        "%(sessions)s sessions at the full dose with pain at 3 or less and a calm next morning: "
        "one step up."
    ),
    gettext_noop("Next, %(alternatives)s can take over."),
    gettext_noop("The next step needs %(equipment)s, which you did not list."),
    gettext_noop("Pain of %(pain)s/10 is acceptable but not yet low: keep this dose."),
    gettext_noop("Effort %(effort)s/10 is near your limit: keep this dose."),
    gettext_noop(
        "One more comfortable session at this dose before stepping up (needs %(sessions)s)."
    ),
    # A band variant chosen for the load the person can add (core/planning/planner.py).
    gettext_noop(
        "Uses your resistance band: %(exercise)s works the same muscles as the %(exercises)s, "
        "and a stronger band adds load later where the %(exercises)s would need %(equipment)s, "
        "which you did not list."
    ),
)
FIXED_EVIDENCE: tuple[str, ...] = (
    gettext_noop("walking feels uneven"),
    gettext_noop("a limp"),
    gettext_noop("the pelvis rests tipped forward more than usual"),
    gettext_noop("a Thomas test suggests short hip flexors"),
    gettext_noop("low back pain"),
    gettext_noop("one leg feels longer"),
    gettext_noop("shoulders or hips look uneven"),
    gettext_noop("you find balancing hard"),
    gettext_noop("You told us about hip surgery: what it is for."),
    gettext_noop("You run: how to build up without overloading your hips."),
    gettext_noop("The joint, the muscles your plan works on, and how they connect."),
    gettext_noop("How your plan uses your pain scores to step up or back."),
    gettext_noop("What can add to hip trouble in everyday life."),
    gettext_noop("Who does what, and when to see someone."),
    gettext_noop("No safe substitute in the library."),
    gettext_noop("A few changes to where you sit can make the hours easier."),
    gettext_noop("Balance practice done today, holding something sturdy"),
    gettext_noop("Daily stretches done"),
    gettext_noop(
        "Falls are best prevented by balance practice adding up to about 3 hours a week: every "
        "day, while the kettle boils or you brush your teeth, stand on one leg holding the "
        "counter, a few times each side."
    ),
    gettext_noop("No safe substitute in the library (from the base program)."),
)
# Why an exercise may not be prescribed, as the core words it after the exercise's name
# (core/planning/constraints.py TAG_REASONS and the position, equipment and support reasons;
# core/planning/conditions.py for the postpartum and pelvic-girdle tags). A test keeps every
# one of the core's phrases known here.
EXCLUSIONS: tuple[str, ...] = (
    gettext_noop("is not advised at any stage of pregnancy"),
    gettext_noop("is done lying on the back, avoided from week %(week)s of pregnancy"),
    gettext_noop("carries a risk of falling for you"),
    gettext_noop("bends the hip past %(degrees)s degrees, which your hip precautions rule out"),
    gettext_noop("brings the leg across the midline, which your hip precautions rule out"),
    gettext_noop("turns the hip inwards, which your hip precautions rule out"),
    gettext_noop(
        "takes the leg behind the body, avoided after an anterior-approach hip replacement"
    ),
    gettext_noop("turns the hip outwards, avoided after an anterior-approach hip replacement"),
    gettext_noop(
        "takes the leg back and turns it out together, avoided after an anterior-approach hip "
        "replacement"
    ),
    gettext_noop("puts weight through the wrists and shoulders you said are painful"),
    gettext_noop(
        "presses on or stretches across the outer hip, which irritates painful gluteal tendons"
    ),
    gettext_noop(
        "is done lying on your side: with outer-hip pain the lower hip is pressed and the top "
        "leg drops across, which both squeeze the painful tendons; it can come back later, once "
        "pain allows"
    ),
    gettext_noop("stretches the hip to its end range after a test provoked groin pain"),
    gettext_noop("pulls the hip to the end of its bend, which your groin pain rules out for now"),
    gettext_noop(
        "bends the hip deeply while turning the knee in, the position that provokes groin pain"
    ),
    gettext_noop(
        "is a full plank on the floor; an easier incline or knee version comes first and leads "
        "to it"
    ),
    gettext_noop("involves hopping or jumping"),
    gettext_noop(
        "puts a heavy load on the tummy muscles and pelvic floor, which are still recovering in "
        "the first %(weeks)s weeks after the birth"
    ),
    gettext_noop(
        "is a plank, left out for the first %(weeks)s weeks after a caesarean while the scar "
        "and tummy wall heal"
    ),
    gettext_noop(
        "curls the trunk up against a load, left out for the first %(weeks)s weeks after a "
        "caesarean"
    ),
    gettext_noop(
        "loads one leg more than the other, which strains painful pelvic joints in pregnancy"
    ),
    gettext_noop("takes the legs wide apart, which strains painful pelvic joints in pregnancy"),
    gettext_noop("swings one leg, which strains painful pelvic joints in pregnancy"),
    gettext_noop(
        "brings the leg across the midline, which squeezes painful outer-hip (gluteal) tendons"
    ),
    gettext_noop(
        "is a full plank on the floor, not a first exercise from %(age)s; the incline or knee "
        "version comes first and its ladder leads here"
    ),
    gettext_noop(
        "is a full plank on the floor, not a first exercise with poor balance; the incline or "
        "knee version comes first and its ladder leads here"
    ),
    gettext_noop(
        "is a full plank on the floor, not a first exercise after hip surgery; the incline or "
        "knee version comes first and its ladder leads here"
    ),
    gettext_noop("is done on the floor, which you cannot get to"),
    gettext_noop("is done lying face down, which you cannot do"),
    gettext_noop("is done lying on your back, which you cannot do"),
    gettext_noop("needs %(equipment)s, which you did not list"),
    gettext_noop("needs a sturdy support or wall to hold for balance, which you did not list"),
)

# What a person noted, as a habit's or a lesson's reason lists it (core/education/habits.py).
NOTED: dict[str, str] = {
    "knee pain": gettext_noop("knee pain"),
    "ankle or foot pain": gettext_noop("ankle or foot pain"),
    "uneven gait": gettext_noop("uneven gait"),
    "limp": gettext_noop("limp"),
    "the pelvis dropped in the standing test": gettext_noop(
        "the pelvis dropped in the standing test"
    ),
    "running": gettext_noop("running"),
}

_FIXED_EVIDENCE = frozenset(FIXED_EVIDENCE)

_GENERAL = gettext_noop(
    "Part of a general balanced program: no functional pattern was found from your answers."
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_DOSE_HOLDS = re.compile(r"^(\d+) × (\d+) holds of (\d+) s$")
_DOSE_HOLD = re.compile(r"^(\d+) × (\d+) s hold$")
_DOSE_REPS = re.compile(r"^(\d+) × (\d+)(?:, (\d+) s pause each)?$")


# The core's load words (core/words.py LOAD_WORDS), after a dose.
LOADS: dict[str, str] = {
    "with an ankle weight": gettext_noop("with an ankle weight"),
    "with a heavier band": gettext_noop("with a heavier band"),
    "with more effort": gettext_noop("with more effort"),
}


def dose_phrase(text: str) -> str | None:
    """A dose in the reader's words, from the core's English ("3 × 12, 2 s pause each, with an
    ankle weight"); None for a phrase of another shape."""
    for english, msgid in LOADS.items():
        if text.endswith(", " + english):
            base = _base_dose(text.removesuffix(", " + english))
            return None if base is None else f"{base}, {gettext(msgid)}"
    return _base_dose(text)


def _base_dose(text: str) -> str | None:
    if m := _DOSE_HOLDS.match(text):
        return gettext("%(sets)s × %(reps)s holds of %(seconds)s s") % dict(
            zip(("sets", "reps", "seconds"), m.groups(), strict=True)
        )
    if m := _DOSE_HOLD.match(text):
        return gettext("%(sets)s × %(seconds)s s hold") % {"sets": m[1], "seconds": m[2]}
    if m := _DOSE_REPS.match(text):
        reps = f"{m[1]} × {m[2]}"
        return (
            reps
            if m[3] is None
            else gettext("%(reps)s, %(seconds)s s pause each")
            % {
                "reps": reps,
                "seconds": m[3],
            }
        )
    return None


def _finding_of(english: str) -> str | None:
    for pid, name in FINDINGS.items():
        if english in (name, PATTERN_INFO[pid].name.lower()):
            return gettext(name)
    return None


def _list_of(words: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """A comma-separated list, each item worded by `words` (None when one is unknown)."""

    def worded(text: str) -> str | None:
        items = [words(part) for part in text.split(", ")]
        return None if any(i is None for i in items) else ", ".join(i for i in items if i)

    return worded


def _noted_of(english: str) -> str | None:
    return gettext(NOTED[english]) if english in NOTED else None


def _exercise_of(english: str) -> str | None:
    """An exercise's name in the reader's words, from its English name (a plan names exercises
    by their English names)."""
    from hipalign.core.library import default_library

    ex_id = _ids_by_name().get(english)
    if ex_id is None:
        return None
    return default_library(_page_language())[ex_id].name


@cache
def _ids_by_name() -> dict[str, str]:
    """Each exercise's id by its English name, and by that name inside a sentence."""
    from hipalign.core.library import default_library
    from hipalign.core.progression import in_sentence

    out = {}
    for ex_id, ex in default_library().items():
        out[ex.name] = out[in_sentence(ex.name)] = out[ex.name.lower()] = ex_id
    return out


def joined(names: list[str], *, either: bool = False) -> str:
    """ "a, b and c" (with `either`, "a, b or c") in the reader's language."""
    if len(names) == 1:
        return names[0]
    values = {"first": ", ".join(names[:-1]), "last": names[-1]}
    return (gettext("%(first)s or %(last)s") if either else gettext("%(first)s and %(last)s")) % (
        values
    )


def _named_exercises(parts: list[str], *, either: bool = False) -> str | None:
    """Exercises named inside a sentence by their English names, in the reader's words (lower
    case first letter, as inside a sentence); None when one is not an exercise's name."""
    from hipalign.core.library import default_library

    ids = [_ids_by_name().get(part) for part in parts]
    if not ids or any(i is None for i in ids):
        return None
    library = default_library(_page_language())
    names = [library[str(i)].name[0].lower() + library[str(i)].name[1:] for i in ids]
    return joined(names, either=either)


def _alternatives_of(english: str) -> str | None:
    """Exercises that can take over ("side plank or clamshell")."""
    return _named_exercises(english.split(" or "), either=True)


def _exercises_of(english: str) -> str | None:
    """Exercises named inside a sentence ("single knee to chest and seated knee hug")."""
    return _named_exercises(re.split(r", | and ", english))


def _equipment_of(english: str) -> str | None:
    """Equipment named in a sentence by its code's words ("ankle weights and wall")."""
    by_words = {code.replace("_", " "): code for code in CODES}
    codes = [by_words.get(part) for part in re.split(r", | and ", english)]
    if any(c is None for c in codes):
        return None
    return joined([str(CODES[str(c)]) for c in codes])


_GROUPS: dict[str, tuple[str, Callable[[str], str | None]]] = {
    "side": (r"left|right", _side),
    "other": (r"left|right", _side),
    "finding": (r"[a-z][a-z -]+?", _finding_of),
    "findings": (r"[a-z][a-z, -]+?", _list_of(_finding_of)),
    "noted": (r"[a-z][a-z, -]+?", _list_of(_noted_of)),
    "exercise": (r"[A-Z0-9][^;:]+?", _exercise_of),
    "instead": (r"[A-Z0-9][^;:]+?", _exercise_of),
    "why": (r".+", lambda english: _why_of(english)),
    "exercises": (r"[a-z0-9][^;:]+?", _exercises_of),
    "alternatives": (r"[a-z0-9][^;:]+?", _alternatives_of),
    "equipment": (r"[a-z][a-z, ]+?", _equipment_of),
    "dose": (r".+?", dose_phrase),
}
_NUMBER = (r"[0-9½]+(?:\.[0-9]+)?", str)


def _pattern_of(msgid: str, *, named: bool = True) -> str:
    """The regular expression a msgid matches: its placeholders as groups of their kind
    (unnamed inside an alternation, where names may not repeat)."""
    parts, pos, seen = [], 0, set()
    for m in _PLACEHOLDER.finditer(msgid):
        parts.append(re.escape(msgid[pos : m.start()].replace("%%", "%")))
        name, body = m[1], _GROUPS.get(m[1], _NUMBER)[0]
        if not named:
            parts.append(f"(?:{body})")
        elif name in seen:
            parts.append(f"(?P={name})")
        else:
            parts.append(f"(?P<{name}>{body})")
            seen.add(name)
        pos = m.end()
    parts.append(re.escape(msgid[pos:].replace("%%", "%")))
    return "".join(parts)


@cache
def _compiled(msgids: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(f"^{_pattern_of(m)}$"), m) for m in msgids)


def _matchers() -> tuple[tuple[re.Pattern[str], str], ...]:
    return _compiled(TEMPLATES + EVIDENCE)


def _why_of(english: str) -> str | None:
    return _templated(english, _compiled(EXCLUSIONS))


@cache
def _exclusion_part() -> re.Pattern[str]:
    """One "<Exercise name> <why it is excluded>" of a left-out reason, then "; " or the end."""
    from hipalign.core.library import default_library

    names = sorted((ex.name for ex in default_library().values()), key=len, reverse=True)
    whys = sorted((_pattern_of(m, named=False) for m in EXCLUSIONS), key=len, reverse=True)
    return re.compile(
        f"(?P<exercise>{'|'.join(map(re.escape, names))}) (?P<why>{'|'.join(whys)})(?:; |$)"
    )


_NO_SUBSTITUTE = re.compile(
    r"^(?P<parts>.+)\. No safe substitute in the library(?P<base> \(from the base program\))?\.$"
)


def left_out_words(reason: str) -> str | None:
    """A left-out exercise's reason, "<name> <why>; <substitute> <why>. No safe substitute in
    the library.", each part worded; None when a part is not known."""
    m = _NO_SUBSTITUTE.match(reason)
    if m is None or _reading_english():
        return None
    worded, rest = [], m["parts"]
    while rest:
        part = _exclusion_part().match(rest)
        if part is None:
            return None
        name, why = _exercise_of(part["exercise"]), _why_of(part["why"])
        if name is None or why is None:
            return None
        worded.append(f"{name} {why}")
        rest = rest[part.end() :]
    tail = (
        gettext("No safe substitute in the library (from the base program).")
        if m["base"]
        else gettext("No safe substitute in the library.")
    )
    return "; ".join(worded) + ". " + tail


def _templated(
    sentence: str, matchers: tuple[tuple[re.Pattern[str], str], ...] | None = None
) -> str | None:
    for pattern, msgid in matchers if matchers is not None else _matchers():
        m = pattern.match(sentence)
        if m is None:
            continue
        values: dict[str, str] = {}
        for name, value in m.groupdict().items():
            worded = _GROUPS.get(name, _NUMBER)[1](value)
            if worded is None:
                break
            values[name] = worded
        else:
            return gettext(msgid) % values
    return None


def sentence_words(sentence: str) -> str:
    """One of the planner's sentences in the reader's language; itself when not known."""
    if sentence in _FIXED or sentence in _FIXED_EVIDENCE:
        return gettext(sentence)
    return _templated(sentence) or sentence


def text_words(text: str) -> str:
    """A stored text of one or more sentences, each worded on its own."""
    if _reading_english() or not text:
        return text
    return " ".join(sentence_words(s) for s in _SENTENCE_END.split(text))


def pattern_heading(pattern_id: str, side: str | None, confidence: str) -> str:
    """ "Signs of weaker hip abductors on the left, moderate confidence" (no full stop)."""
    return gettext(_SIGNS.get(side, _SIGNS[None])) % {
        "finding": gettext(FINDINGS[pattern_id]),
        "confidence": gettext(_CONFIDENCE.get(confidence, confidence)),
    }


def pattern_words(pattern: object) -> str:
    """A pattern's text (its heading on the plan) worded from its fields."""
    pid = str(getattr(pattern, "id", ""))
    text = str(getattr(pattern, "text", ""))
    if _reading_english() or pid not in FINDINGS:
        return text
    side = getattr(pattern, "side", None)
    heading = pattern_heading(pid, side, str(getattr(pattern, "confidence", "low")))
    return f"{heading}. {gettext(MEANINGS[pid])}"


def why_words(why: object, patterns: object = ()) -> str:
    """One reason an exercise is in the plan: a pattern's and the general one from their fields,
    the rest sentence by sentence."""
    text = str(getattr(why, "text", ""))
    if _reading_english():
        return text
    kind, intent = getattr(why, "kind", ""), str(getattr(why, "intent", "") or "")
    # The planner ends a general reason with its intent in brackets; the page tags the intent
    # beside the reason, in words.
    text = text.removesuffix(f" ({intent})") if intent else text
    if kind == "general" and text == _GENERAL:
        return gettext(_GENERAL)
    pid = getattr(why, "pattern", None)
    found = next((p for p in patterns or () if getattr(p, "id", None) == pid), None)  # type: ignore[attr-defined]
    if kind == "pattern" and found is not None and pid in FINDINGS and intent in _PURPOSE:
        heading = pattern_heading(
            str(pid), getattr(found, "side", None), str(getattr(found, "confidence", "low"))
        )
        return gettext(_PURPOSE[intent]) % {"finding": heading}
    return text_words(text)


def intent_tag(intent: object) -> str:
    return gettext(INTENT_TAGS[str(intent)]) if str(intent) in INTENT_TAGS else str(intent)


def summary_words(text: str) -> str:
    """The plan's summary: the count of patterns is a plural of its own, the rest sentences."""
    if _reading_english() or not text:
        return text
    out = []
    for sentence in _SENTENCE_END.split(text):
        m = re.match(
            r"^(\d+) functional patterns? found; the plan works on them first"
            r"(?:, your weaker (left|right) side leading)?\.$",
            sentence,
        )
        if m is None:
            out.append(sentence_words(sentence))
            continue
        count = int(m[1])
        if m[2] is None:
            words = ngettext(
                "%(count)s functional pattern found; the plan works on it first.",
                "%(count)s functional patterns found; the plan works on them first.",
                count,
            ) % {"count": count}
        else:
            words = ngettext(
                "%(count)s functional pattern found; the plan works on it first, your weaker "
                "%(side)s side leading.",
                "%(count)s functional patterns found; the plan works on them first, your weaker "
                "%(side)s side leading.",
                count,
            ) % {"count": count, "side": _side(m[2])}
        out.append(words)
    return " ".join(out)


# The library's position and equipment codes as words on the plan (the codes stay the contract:
# DESIGN.md). Unknown codes read as the code's words.
CODES: dict[str, Promise] = {
    "standing": pgettext_lazy("position", "standing"),
    "seated_chair": pgettext_lazy("position", "seated on a chair"),
    "seated_floor": pgettext_lazy("position", "seated on the floor"),
    "supine": pgettext_lazy("position", "lying on your back"),
    "prone": pgettext_lazy("position", "lying face down"),
    "side_lying": pgettext_lazy("position", "lying on your side"),
    "quadruped": pgettext_lazy("position", "on hands and knees"),
    "kneeling": pgettext_lazy("position", "kneeling"),
    "mat": pgettext_lazy("equipment", "mat"),
    "wall": pgettext_lazy("equipment", "wall"),
    "pillow": pgettext_lazy("equipment", "pillow"),
    "sturdy_support": pgettext_lazy("equipment", "sturdy support"),
    "books_or_step": pgettext_lazy("equipment", "books or a step"),
    "resistance_band": pgettext_lazy("equipment", "resistance band"),
    "ankle_weights": pgettext_lazy("equipment", "ankle weights"),
    "bench": pgettext_lazy("equipment", "bench"),
}


def code_words(code: str) -> str:
    """A position or equipment code in the reader's words; English readers keep the code's own
    words ("side lying"), as before."""
    if _reading_english() or code not in CODES:
        return code.replace("_", " ")
    return str(CODES[code])


def side_title(side: object) -> str:
    """A dose line's side ("Left", "Izquierdo")."""
    if side == "left":
        return pgettext("dose line", "Left")
    if side == "right":
        return pgettext("dose line", "Right")
    return str(side).title()


def warm_up_move(move: object) -> dict[str, str]:
    """A warm-up move's name and how-to in the reader's language, by its id."""
    from hipalign.core.planning.warm_up import moves_in

    name, how = str(getattr(move, "name", "")), str(getattr(move, "how", ""))
    language = (translation.get_language() or "en").split("-")[0]
    found = None if language == "en" else moves_in(language).get(str(getattr(move, "id", "")))
    return {"name": found.name, "how": found.how} if found else {"name": name, "how": how}


def reminder_words(reminder: object) -> str:
    """Today's reminder (services/followup/habits.py writes it in English for every channel)
    worded again from its kinds and the break's time."""
    text = str(getattr(reminder, "text", ""))
    if _reading_english():
        return text
    at = str(getattr(reminder, "at", ""))
    words = {
        "session": gettext("Today's session is waiting for you."),
        "break": gettext("Next movement break at %(time)s.") % {"time": at},
        "checkin": gettext("Your weekly check-in is due."),
        "scores": gettext("Your scores for this review point are due."),
    }
    kinds = list(getattr(reminder, "kinds", []) or [])
    if not kinds or any(k not in words for k in kinds):
        return text
    return " ".join(words[k] for k in kinds)


def lesson_link_words(link: object) -> dict[str, str]:
    """A plan's lesson link: the title from the lesson in the reader's language (by its id),
    the reason by its English."""
    title, reason = str(getattr(link, "title", "")), str(getattr(link, "reason", ""))
    if _reading_english():
        return {"title": title, "reason": reason}
    from hipalign.core.education.catalog import default_lessons

    lesson = default_lessons(_page_language()).get(str(getattr(link, "id", "")))
    return {"title": lesson.title if lesson else title, "reason": text_words(reason)}


def checklist_words(item: object) -> list[str]:
    """A habit's checklist: the lesson's checklist in the reader's language when the stored one
    is that lesson's English (the planner copies it), else each item by its English."""
    stored = [str(c) for c in getattr(item, "checklist", []) or []]
    if _reading_english() or not stored:
        return stored
    from hipalign.core.education.catalog import default_lessons

    lesson_id = str(getattr(item, "lesson", ""))
    english = default_lessons().get(lesson_id)
    if english is None or list(english.checklist) != stored:
        return [sentence_words(c) for c in stored]  # the planner's own check items
    return list(default_lessons(_page_language())[lesson_id].checklist)


# The references' own words that are ours, not a publication's (core/references): hipalign's
# rule and the seed web articles, which have no title of their own. Published titles stay as
# published.
REFERENCE_WORDS: dict[str, str] = {
    "hipalign's rule, to be confirmed by your clinician": gettext_noop(
        "hipalign's rule, to be confirmed by your clinician"
    ),
    "Unnamed author (web article)": gettext_noop("Unnamed author (web article)"),
    "Hart (web article)": gettext_noop("Hart (web article)"),
    "Bump Tup (web article)": gettext_noop("Bump Tup (web article)"),
    "No link kept; the text is held by the hipalign team": gettext_noop(
        "No link kept; the text is held by the hipalign team"
    ),
    "Web article on four hip exercises: isometric holds, 90-degree hip rotations, leg swings "
    "and pelvic tilts": gettext_noop(
        "Web article on four hip exercises: isometric holds, 90-degree hip rotations, leg swings "
        "and pelvic tilts"
    ),
    "Web article on hip exercises: pelvic tilts, prone hip extensions, side hip abductions, "
    "iliotibial band and straddle stretches, knees to chest, planks and resistance bands": (
        gettext_noop(
            "Web article on hip exercises: pelvic tilts, prone hip extensions, side hip "
            "abductions, iliotibial band and straddle stretches, knees to chest, planks and "
            "resistance bands"
        )
    ),
    "Web article on hip mechanics, muscle imbalance and therapeutic approaches (manual "
    "therapy, exercise, lifestyle)": gettext_noop(
        "Web article on hip mechanics, muscle imbalance and therapeutic approaches (manual "
        "therapy, exercise, lifestyle)"
    ),
}


def reference_words(text: object) -> str:
    """A reference's author, title or place in the reader's language when the words are ours."""
    english = str(text or "")
    if _reading_english() or english not in REFERENCE_WORDS:
        return english
    return gettext(REFERENCE_WORDS[english])


def referral_words(reason: object) -> dict[str, str]:
    """A referral reason's text and action in the page's language: a red-flag question's reason
    is worded again from the question in that language (a stored plan keeps the English words it
    was made with); a rule's own reason stays as stored until the rules' words are translated."""
    from hipalign.core.screening.catalog import QUESTIONS_BY_ID, questions_in

    def get(name: str) -> str:
        return str(reason.get(name, "") if isinstance(reason, dict) else getattr(reason, name, ""))

    text, action = get("text"), get("action")
    english = QUESTIONS_BY_ID.get(get("id"))
    language = _page_language()
    if english is None or language == "en":
        return {"text": text, "action": action}
    worded = next((q for q in questions_in(language) if q.id == english.id), english)
    if text == f"You answered yes to: {english.question}":
        text = gettext("You answered yes to: %(question)s") % {"question": worded.question}
    if action == english.action:  # a rule may give its own action (a hot joint with fever)
        action = worded.action
    return {"text": text, "action": action}


def left_out_line(left: object) -> str:
    """ "Name: reason" for an exercise the plan left out, by its name in the reader's words,
    never its id; a reason that already starts with the name (or is worded with it) is shown as
    it is."""
    from hipalign.core.library import default_library

    ex_id = str(getattr(left, "exercise", ""))
    reason = str(getattr(left, "reason", ""))
    worded = left_out_words(reason) or text_words(reason)
    if worded != reason:  # worded in the reader's language, the name in it
        return worded
    ex = default_library(_page_language()).get(ex_id)
    name = ex.name if ex is not None else ex_id.replace("_", " ").capitalize()
    return reason if reason.startswith(name) else f"{name}: {reason}"


def side_adjective(side: str) -> str:
    """ "left" as an adjective in the reader's language ("izquierdo")."""
    return _side(side)


def cite_words(refs: list[str], stored: str) -> str:
    """References as core.references.cite_all words them, with our own words (the rule, the
    seed articles) in the reader's language; the stored citation when no ids are kept."""
    from hipalign.core.references import bibliography

    known = bibliography()
    if _reading_english() or not refs or any(r not in known for r in refs):
        return stored
    out = []
    for ref_id in dict.fromkeys(refs):
        ref = known[ref_id]
        if ref.kind == "rule":
            out.append(reference_words(ref.title))
            continue
        authors = reference_words(ref.authors)
        parts = [f"{authors} ({ref.year})" if ref.year else authors]
        parts.append(reference_words(ref.title).rstrip("."))
        if ref.where:
            parts.append(reference_words(ref.where))
        text = ". ".join(parts) + "."
        out.append(f"{text} {ref.url}" if ref.url else text)
    return "; ".join(out)
