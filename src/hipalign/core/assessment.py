"""From symptoms and findings to functional patterns (CLINICAL.md section 5).

A pattern is a tendency worth training, never a diagnosis. [rule] A pattern needs at least two
concordant findings; its confidence is low when every finding is self-reported and moderate when
at least one was measured by a test, capped by the evidence for that pattern.
"""

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hipalign.core.intake import Intake
from hipalign.core.references import cite_all
from hipalign.core.vocab import SIDES, Confidence, Intent, Side

PatternId = Literal[
    "hip_flexor_tightness",
    "anterior_tilt_tendency",
    "abductor_weakness",
    "frontal_asymmetry",
    "mobility_restriction",
    "trunk_endurance",
    "balance_deficit",
]
PatternSide = Literal["left", "right", "both"] | None

# [rule] thresholds, named so tests and the data say the same thing.
LONG_SITTING_HOURS = 6.0  # sitting this long a day counts as a hip-flexor finding
OBLIQUITY_NOISE_DEG = 2.0  # a crest gap under ~10 mm (about 2 degrees) is noise (CLINICAL.md 4)
LEG_LENGTH_NOISE_MM = 10.0  # under 10 mm is normal (CLINICAL.md 4)
PLANK_LOW_S = 30.0  # the seed's starting plank hold; below it trunk endurance is low [rule]
SIDE_PLANK_LOW_S = 15.0  # [rule]
SIDE_GAP_RATIO = 0.25  # one side at least 25 % below the other counts as a side finding [rule]


def stance_norm_s(age: int) -> float:
    """Single-leg stance, eyes open, below which stance counts as short (Bohannon 2006).

    Bohannon gives 27 s in the 60s, 17 s in the 70s and 8.5 s from 80; under 60 we use 30 s [rule].
    """
    if age >= 80:
        return 8.5
    if age >= 70:
        return 17.0
    if age >= 60:
        return 27.0
    return 30.0


class Evidence(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    finding: str  # the intake field or symptom behind it
    detail: str  # what it showed, in plain words
    measured: bool  # a test result, not only a report of how it feels


class PatternInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    meaning: str  # what the pattern suggests, hedged
    intents: tuple[Intent, ...]
    max_confidence: Confidence
    evidence_grade: str
    refs: tuple[str, ...]  # bibliography ids (core.references); the person reads cite_all(refs)

    @property
    def source(self) -> str:
        return cite_all(self.refs)


PATTERN_INFO: dict[str, PatternInfo] = {
    "hip_flexor_tightness": PatternInfo(
        name="Short hip flexors",
        meaning="Signs that the muscles at the front of the hip may be short, which long sitting can encourage.",
        intents=("stretch", "strengthen"),
        max_confidence="moderate",
        evidence_grade="RCT",
        refs=("winters2004", "vigotsky2016", "hipalign_rule"),
    ),
    "anterior_tilt_tendency": PatternInfo(
        name="Forward pelvic tilt tendency",
        meaning="The pelvis may rest tipped forward. This is common in healthy people, so it only matters alongside symptoms.",
        intents=("control", "strengthen"),
        max_confidence="low",
        evidence_grade="weak",
        refs=("herrington2011", "hipalign_rule"),
    ),
    "abductor_weakness": PatternInfo(
        name="Weaker hip abductors",
        meaning="Signs that the outer-hip muscles that keep the pelvis level on one leg may be weaker.",
        intents=("strengthen",),
        max_confidence="moderate",
        evidence_grade="EMG",
        refs=("selkowitz2013", "physiohub_trendelenburg", "hipalign_rule"),
    ),
    "frontal_asymmetry": PatternInfo(
        name="Side-to-side pelvic asymmetry",
        meaning="One side of the pelvis may sit higher. Bone shape alone can explain gaps like this, so it is a screen to confirm with a professional.",
        intents=("strengthen",),
        max_confidence="low",
        evidence_grade="weak",
        refs=("preece2008", "hipalign_rule"),
    ),
    "mobility_restriction": PatternInfo(
        name="Restricted hip movement",
        meaning="Signs that the hip may turn less freely than usual.",
        intents=("mobilize",),
        max_confidence="moderate",
        evidence_grade="weak",
        refs=("hipalign_rule",),
    ),
    "trunk_endurance": PatternInfo(
        name="Low trunk endurance",
        meaning="The trunk muscles that steady the pelvis may tire early.",
        intents=("strengthen",),
        max_confidence="moderate",
        evidence_grade="EMG",
        refs=("ekstrom2007", "strand2014", "hipalign_rule"),
    ),
    "balance_deficit": PatternInfo(
        name="Reduced balance",
        meaning="Standing on one leg may be harder than expected for your age.",
        intents=("control",),
        max_confidence="moderate",
        evidence_grade="RCT",
        refs=("bohannon2006", "sherrington2020", "hipalign_rule"),
    ),
}


class Pattern(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: PatternId
    side: PatternSide
    confidence: Confidence
    evidence: list[Evidence]
    name: str
    text: str  # the pattern in plain words, with its side and confidence
    evidence_grade: str
    source: str  # the references in words (authors, year, title, link)
    refs: list[str] = []  # the same as bibliography ids, for pages that link each reference


def _combine_sides(sides: list[Side]) -> PatternSide:
    if not sides:
        return None
    return sides[0] if len(sides) == 1 else "both"


def _pattern(pid: PatternId, side: PatternSide, evidence: list[Evidence]) -> Pattern:
    info = PATTERN_INFO[pid]
    confidence: Confidence = (
        "moderate"
        if any(e.measured for e in evidence) and info.max_confidence == "moderate"
        else "low"
    )
    where = {None: "", "both": " on both sides", "left": " on the left", "right": " on the right"}[
        side
    ]
    text = f"Signs of {info.name.lower()}{where}, {confidence} confidence. {info.meaning}"
    return Pattern(
        id=pid,
        side=side,
        confidence=confidence,
        evidence=evidence,
        name=info.name,
        text=text,
        evidence_grade=info.evidence_grade,
        source=info.source,
        refs=list(info.refs),
    )


def _pain_on(intake: Intake, side: Side) -> bool:
    return intake.pain.side in (side, "both")


def _side_gap_low(pair: object, side: Side) -> bool:
    """True when `side` is at least SIDE_GAP_RATIO below the other side."""
    mine = getattr(pair, side, None)
    other = getattr(pair, "right" if side == "left" else "left", None)
    if mine is None or other is None or other <= 0:
        return False
    return bool(mine <= other * (1 - SIDE_GAP_RATIO))


def _abductor_evidence(intake: Intake, side: Side) -> list[Evidence]:
    f, ev = intake.findings, []
    if f.trendelenburg is not None and f.trendelenburg.get(side) == "positive":
        ev.append(
            Evidence(
                finding="trendelenburg",
                detail=f"Trendelenburg test positive standing on the {side} leg",
                measured=True,
            )
        )
    stance = f.single_leg_stance_s
    if stance is not None and (v := stance.get(side)) is not None:
        if v < stance_norm_s(intake.age):
            ev.append(
                Evidence(
                    finding="single_leg_stance_s",
                    detail=f"{v:g} s standing on the {side} leg, under the {stance_norm_s(intake.age):g} s expected at your age",
                    measured=True,
                )
            )
        elif _side_gap_low(stance, side):
            ev.append(
                Evidence(
                    finding="single_leg_stance_s",
                    detail=f"{v:g} s on the {side} leg, well under the other side",
                    measured=True,
                )
            )
    if f.side_plank_hold_s is not None and _side_gap_low(f.side_plank_hold_s, side):
        ev.append(
            Evidence(
                finding="side_plank_hold_s",
                detail=f"side plank on the {side} held well under the other side",
                measured=True,
            )
        )
    if f.weaker_side == side:
        ev.append(
            Evidence(
                finding="weaker_side", detail=f"you feel the {side} side is weaker", measured=False
            )
        )
    if "lateral_hip_pain" in intake.symptoms and _pain_on(intake, side):
        ev.append(
            Evidence(
                finding="lateral_hip_pain",
                detail=f"pain on the outside of the {side} hip",
                measured=False,
            )
        )
    return ev


def _hip_flexor_evidence(intake: Intake, side: Side) -> list[Evidence]:
    f, ev = intake.findings, []
    if f.thomas_test is not None and (t := f.thomas_test.get(side)) not in (None, "normal"):
        what = "hip flexors" if t == "hip_flexor_tight" else "rectus femoris"
        ev.append(
            Evidence(
                finding="thomas_test",
                detail=f"Thomas test on the {side} suggests short {what} (the test is unreliable without pelvic control)",
                measured=True,
            )
        )
    if not ev:
        return []  # sitting and tightness alone describe everyone who sits; they only support a test
    if intake.lifestyle.sitting_hours_per_day >= LONG_SITTING_HOURS:
        ev.append(
            Evidence(
                finding="lifestyle.sitting_hours_per_day",
                detail=f"about {intake.lifestyle.sitting_hours_per_day:g} hours of sitting a day",
                measured=False,
            )
        )
    if "hip_tightness" in intake.symptoms and _pain_on(intake, side):
        ev.append(
            Evidence(finding="hip_tightness", detail=f"the {side} hip feels tight", measured=False)
        )
    return ev


def _mobility_evidence(intake: Intake, side: Side) -> list[Evidence]:
    f, ev = intake.findings, []
    if f.hip_rotation_restricted is not None and f.hip_rotation_restricted.get(side):
        ev.append(
            Evidence(
                finding="hip_rotation_restricted",
                detail=f"turning the {side} hip in or out is restricted",
                measured=True,
            )
        )
    if not ev:
        return []
    for sym, what in (("hip_tightness", "tight"), ("hip_pain", "painful")):
        if sym in intake.symptoms and _pain_on(intake, side):
            ev.append(Evidence(finding=sym, detail=f"the {side} hip feels {what}", measured=False))
    if "uneven_gait" in intake.symptoms:
        ev.append(Evidence(finding="uneven_gait", detail="walking feels uneven", measured=False))
    return ev


def _per_side(
    intake: Intake, pid: PatternId, collect: Callable[[Intake, Side], list[Evidence]]
) -> list[Pattern]:
    found: dict[Side, list[Evidence]] = {}
    for side in SIDES:
        ev = collect(intake, side)
        if len(ev) >= 2:
            found[side] = ev
    if not found:
        return []
    sides = list(found)
    evidence = [e for s in sides for e in found[s]]
    return [_pattern(pid, _combine_sides(sides), evidence)]


def _anterior_tilt(intake: Intake) -> list[Pattern]:
    f = intake.findings
    if f.pelvic_tilt != "anterior_increased":
        return []
    ev = [
        Evidence(
            finding="pelvic_tilt",
            detail="the pelvis rests tipped forward more than usual",
            measured=True,
        )
    ]
    if f.thomas_test is not None and any(
        f.thomas_test.get(s) not in (None, "normal") for s in SIDES
    ):
        ev.append(
            Evidence(
                finding="thomas_test",
                detail="a Thomas test suggests short hip flexors",
                measured=True,
            )
        )
    if "low_back_pain" in intake.symptoms:
        ev.append(Evidence(finding="low_back_pain", detail="low back pain", measured=False))
    return [_pattern("anterior_tilt_tendency", None, ev)] if len(ev) >= 2 else []


def _frontal_asymmetry(intake: Intake) -> list[Pattern]:
    f, ev = intake.findings, []
    side: PatternSide = None
    ob = f.pelvic_obliquity
    if ob is not None and ob.degrees >= OBLIQUITY_NOISE_DEG and ob.high_side != "none":
        side = ob.high_side
        via = {
            "photo": "measured from a photo, to confirm with a professional",
            "self": "self-measured",
            "clinician": "measured by a clinician",
        }[ob.source]
        ev.append(
            Evidence(
                finding="pelvic_obliquity",
                detail=f"hip line {ob.degrees:g} degrees high on the {ob.high_side} ({via})",
                measured=ob.source != "self",
            )
        )
    if f.leg_length_difference_mm is not None and f.leg_length_difference_mm >= LEG_LENGTH_NOISE_MM:
        ev.append(
            Evidence(
                finding="leg_length_difference_mm",
                detail=f"leg length difference of {f.leg_length_difference_mm:g} mm",
                measured=True,
            )
        )
    for sym, what in (
        ("uneven_shoulders_or_hips", "shoulders or hips look uneven"),
        ("one_leg_feels_longer", "one leg feels longer"),
    ):
        if sym in intake.symptoms:
            ev.append(Evidence(finding=sym, detail=what, measured=False))
    return [_pattern("frontal_asymmetry", side, ev)] if len(ev) >= 2 else []


def _trunk_endurance(intake: Intake) -> list[Pattern]:
    f, ev = intake.findings, []
    if f.plank_hold_s is not None and f.plank_hold_s < PLANK_LOW_S:
        ev.append(
            Evidence(
                finding="plank_hold_s",
                detail=f"plank held {f.plank_hold_s:g} s, under {PLANK_LOW_S:g} s",
                measured=True,
            )
        )
    sp = f.side_plank_hold_s
    if sp is not None:
        low = [s for s in SIDES if (v := sp.get(s)) is not None and v < SIDE_PLANK_LOW_S]
        if low:
            ev.append(
                Evidence(
                    finding="side_plank_hold_s",
                    detail=f"side plank under {SIDE_PLANK_LOW_S:g} s on the {' and '.join(low)}",
                    measured=True,
                )
            )
    if not ev:
        return []
    if "low_back_pain" in intake.symptoms:
        ev.append(Evidence(finding="low_back_pain", detail="low back pain", measured=False))
    return [_pattern("trunk_endurance", None, ev)] if len(ev) >= 2 else []


def _balance(intake: Intake) -> list[Pattern]:
    f, ev = intake.findings, []
    stance = f.single_leg_stance_s
    norm = stance_norm_s(intake.age)
    short = [
        s for s in SIDES if stance is not None and (v := stance.get(s)) is not None and v < norm
    ]
    if short:
        ev.append(
            Evidence(
                finding="single_leg_stance_s",
                detail=f"single-leg stance under {norm:g} s on the {' and '.join(short)}",
                measured=True,
            )
        )
    if "poor_balance" in intake.limitations:
        ev.append(
            Evidence(finding="poor_balance", detail="you find balancing hard", measured=False)
        )
    for sym, what in (("uneven_gait", "walking feels uneven"), ("limp", "a limp")):
        if sym in intake.symptoms:
            ev.append(Evidence(finding=sym, detail=what, measured=False))
    if len(ev) < 2:
        return []
    return [_pattern("balance_deficit", _combine_sides(short), ev)]


def find_patterns(intake: Intake) -> list[Pattern]:
    """All patterns the intake supports, in a fixed order (the order of PATTERN_INFO)."""
    return [
        *_per_side(intake, "hip_flexor_tightness", _hip_flexor_evidence),
        *_anterior_tilt(intake),
        *_per_side(intake, "abductor_weakness", _abductor_evidence),
        *_frontal_asymmetry(intake),
        *_per_side(intake, "mobility_restriction", _mobility_evidence),
        *_trunk_endurance(intake),
        *_balance(intake),
    ]


def lead_side(intake: Intake, patterns: list[Pattern]) -> Side | None:
    """The side that leads every per-side exercise: the weaker side (DESIGN.md principle 3).

    One-sided abductor weakness decides; otherwise the reported weaker side; otherwise none.
    Tightness or a high hip says nothing about which side is weaker, so it does not lead.
    """
    for p in patterns:
        if p.id == "abductor_weakness" and p.side in SIDES:
            return p.side
    if intake.findings.weaker_side in SIDES:
        return intake.findings.weaker_side
    return None
