"""A clinician's tests (CLINICAL.md section 4): the catalog, the `Assessment` document, and how an
assessment lands on the person's intake `findings`.

Per-side tests are recorded per side exactly as tested: "left" in Trendelenburg and single-leg
stance is the test standing on the left leg (the same convention as `Findings`), "left" in the
Thomas, FABER and range-of-motion tests is the left hip. Every number has a unit and an allowed
range, both stated here once, so the form, the validation messages and the catalog agree.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hipalign.core.intake import (
    POSTPARTUM_WEEKS_MAX,
    FaberResult,
    Intake,
    TestResult,
    ThomasResult,
)
from hipalign.core.vocab import SIDES, Side

ASSESSMENT_SCHEMA: Literal["hipalign.assessment/1"] = "hipalign.assessment/1"

# CLINICAL.md 4 (Thomas): a knee angle under 67 degrees in the test position reads as a tight
# rectus femoris (the cut-off varies between studies).
THOMAS_KNEE_TIGHT_DEG = 67.0
# CLINICAL.md 4 (hip ROM) [rule]: a gap of more than 10 degrees between sides is notable.
ROM_SIDE_GAP_DEG = 10.0
# CLINICAL.md 4 (pelvis): a crest gap under ~10 mm (about 2 degrees) is noise. The degrees follow
# from an assumed 280 mm between the two palpated crest points of an adult pelvis:
# atan(10 / 280) = 2.0 degrees. The assumption is stated so a reader can redo the sum.
PELVIC_WIDTH_MM = 280.0
# The intake's range for pelvic obliquity (`PelvicObliquity.degrees`).
OBLIQUITY_MAX_DEG = 30.0


def crest_gap_degrees(gap_mm: float) -> float:
    """The tilt of the line through the crests, in degrees, for a height gap in mm."""
    return min(OBLIQUITY_MAX_DEG, round(math.degrees(math.atan2(gap_mm, PELVIC_WIDTH_MM)), 1))


# --- the catalog -------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One recorded value of a test: a number in `unit` between `low` and `high`, or a choice."""

    key: str
    name: str
    kind: Literal["number", "choice", "yes_no"]
    unit: str = ""
    low: float = 0
    high: float = 0
    choices: tuple[str, ...] = ()

    def allowed(self) -> str:
        if self.kind == "number":
            return f"give {self.low:g}-{self.high:g}{' ' + self.unit if self.unit else ''}"
        if self.kind == "yes_no":
            return "give yes or no"
        return f"give one of {', '.join(self.choices)}"


@dataclass(frozen=True)
class ClinicalTest:
    id: str
    name: str
    per_side: bool
    measures: tuple[Measure, ...]
    source: str  # where the rule was taken from, for maintainers (CLINICAL.md section)
    how: str  # one line in our own words: what is done and what is recorded
    # What a clinician reads as the source: bibliography ids (core/references/bibliography.toml,
    # issue 14 items 5-6), never the internal pointer above.
    refs: tuple[str, ...] = ()


def _seconds(key: str = "seconds", name: str = "Time held") -> Measure:
    return Measure(key, name, "number", "s", 0, 600)


ROM_MOVES: tuple[tuple[str, str, float], ...] = (
    # (key, name, upper end of the allowed range in degrees); usual ranges in CLINICAL.md 4
    ("flexion", "Flexion", 150),
    ("extension", "Extension", 60),
    ("abduction", "Abduction", 90),
    ("external_rotation", "External rotation", 90),
    ("internal_rotation", "Internal rotation", 90),
)

CATALOG: tuple[ClinicalTest, ...] = (
    ClinicalTest(
        "trendelenburg",
        "Trendelenburg (per stance leg, 30 s)",
        True,
        (
            Measure("result", "Result", "choice", choices=("positive", "negative")),
            Measure("lateral_pain", "Outer-hip pain within 30 s", "yes_no"),
        ),
        "CLINICAL.md 4; Physiohub Trendelenburg; Grimaldi 2017 (sec.)",
        "Positive when the pelvis drops more than about 2 cm on the lifted side, or the stance "
        "cannot be held; the side is the standing leg.",
        refs=("physiohub_trendelenburg", "grimaldi2017"),
    ),
    ClinicalTest(
        "single_leg_stance",
        "Single-leg stance, eyes open",
        True,
        (_seconds(),),
        "CLINICAL.md 4; Bohannon 2006",
        "Seconds standing on this leg with eyes open, up to the first touch-down.",
        refs=("bohannon2006",),
    ),
    ClinicalTest(
        "thomas",
        "Thomas test (modified)",
        True,
        (
            Measure(
                "thigh_deg", "Thigh angle to horizontal (+ above)", "number", "degrees", -45, 90
            ),
            Measure("knee_deg", "Knee angle", "number", "degrees", 0, 180),
        ),
        "CLINICAL.md 4 (caveats in 0); BMC Sports Sci Med Rehabil 2021; Vigotsky 2016",
        "Both angles of the hanging leg; a thigh above horizontal reads as tight hip flexors, a "
        f"knee angle under {THOMAS_KNEE_TIGHT_DEG:g} degrees as a tight rectus femoris.",
        refs=("vigotsky2016",),
    ),
    ClinicalTest(
        "faber",
        "FABER",
        True,
        (Measure("result", "Result", "choice", choices=("negative", "groin_pain", "other_pain")),),
        "CLINICAL.md 4; Physiohub FABER",
        "Groin pain in this position points to a review and rules out end-range stretches.",
        refs=("physiohub_faber",),
    ),
    ClinicalTest(
        "leg_length",
        "Leg length difference",
        False,
        (
            Measure("difference_mm", "Difference", "number", "mm", 0, 100),
            Measure("method", "Method", "choice", choices=("blocks", "tape")),
        ),
        "CLINICAL.md 4; J Rheumatol 2014",
        "Standing blocks are more reliable than a tape; under 10 mm is usual, over 20 mm needs "
        "a clinician's look.",
        refs=("badii2014",),
    ),
    ClinicalTest(
        "pelvic_crest",
        "Pelvic crest height",
        False,
        (
            Measure("gap_mm", "Height gap", "number", "mm", 0, 100),
            Measure("high_side", "Higher side", "choice", choices=("left", "right", "none")),
        ),
        "CLINICAL.md 4 (caveats in 0); Preece 2008",
        f"Gap between the crests; stored as degrees assuming {PELVIC_WIDTH_MM:g} mm between "
        "the crest points (10 mm is about 2 degrees, which is within bone-shape noise).",
        refs=("preece2008",),
    ),
    ClinicalTest(
        "plank",
        "Plank",
        False,
        (_seconds(),),
        "CLINICAL.md 4; Strand 2014",
        "Seconds held to form failure.",
        refs=("strand2014",),
    ),
    ClinicalTest(
        "side_plank",
        "Side plank",
        True,
        (_seconds(),),
        "CLINICAL.md 4 and 5",
        "Seconds held to form failure, lying on this side.",
        refs=("strand2014", "hipalign_rule"),
    ),
    ClinicalTest(
        "hip_rom",
        "Hip range of motion",
        True,
        tuple(Measure(k, n, "number", "degrees", 0, hi) for k, n, hi in ROM_MOVES),
        "CLINICAL.md 4; fpnotebook hip range of motion",
        f"Degrees per movement; a side gap over {ROM_SIDE_GAP_DEG:g} degrees is notable, and in "
        "rotation it marks the smaller side as restricted.",
        refs=("norkin_white2016",),
    ),
)

TESTS_BY_ID: dict[str, ClinicalTest] = {t.id: t for t in CATALOG}


def _measure(test_id: str, key: str) -> Measure:
    return next(m for m in TESTS_BY_ID[test_id].measures if m.key == key)


def _in_range(test_id: str, key: str) -> Callable[[float], float]:
    m = _measure(test_id, key)

    def check(value: float) -> float:
        if not m.low <= value <= m.high or math.isnan(value):
            raise ValueError(m.allowed())
        return value

    return check


# --- the document ------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


Seconds = Annotated[float, AfterValidator(_in_range("plank", "seconds"))]
ThighDeg = Annotated[float, AfterValidator(_in_range("thomas", "thigh_deg"))]
KneeDeg = Annotated[float, AfterValidator(_in_range("thomas", "knee_deg"))]
LegMm = Annotated[float, AfterValidator(_in_range("leg_length", "difference_mm"))]
CrestMm = Annotated[float, AfterValidator(_in_range("pelvic_crest", "gap_mm"))]
FlexionDeg = Annotated[float, AfterValidator(_in_range("hip_rom", "flexion"))]
ExtensionDeg = Annotated[float, AfterValidator(_in_range("hip_rom", "extension"))]
AbductionDeg = Annotated[float, AfterValidator(_in_range("hip_rom", "abduction"))]
ExternalDeg = Annotated[float, AfterValidator(_in_range("hip_rom", "external_rotation"))]
InternalDeg = Annotated[float, AfterValidator(_in_range("hip_rom", "internal_rotation"))]


class Sides[T](_Model):
    left: T | None = None
    right: T | None = None

    def get(self, side: str) -> T | None:
        value: T | None = self.left if side == "left" else self.right
        return value


class TrendelenburgSide(_Model):
    result: TestResult | None = None
    lateral_pain: bool | None = None


class StanceSide(_Model):
    seconds: Seconds | None = None


class ThomasSide(_Model):
    thigh_deg: ThighDeg | None = None
    knee_deg: KneeDeg | None = None


class FaberSide(_Model):
    result: FaberResult | None = None


class LegLength(_Model):
    difference_mm: LegMm | None = None
    method: Literal["blocks", "tape"] | None = Field(default=None, validate_default=True)

    @field_validator("method")
    @classmethod
    def _method_with_value(cls, method: str | None, info: ValidationInfo) -> str | None:
        if method is None and info.data.get("difference_mm") is not None:
            raise ValueError("give blocks or tape along with difference_mm")
        return method


class PelvicCrest(_Model):
    gap_mm: CrestMm | None = None
    high_side: Literal["left", "right", "none"] | None = Field(default=None, validate_default=True)

    @field_validator("high_side")
    @classmethod
    def _side_with_gap(cls, side: str | None, info: ValidationInfo) -> str | None:
        gap = info.data.get("gap_mm")
        if gap is not None and gap > 0 and side in (None, "none"):
            raise ValueError("give left or right when gap_mm is above 0")
        return side


class Plank(_Model):
    seconds: Seconds | None = None


class RomSide(_Model):
    flexion: FlexionDeg | None = None
    extension: ExtensionDeg | None = None
    abduction: AbductionDeg | None = None
    external_rotation: ExternalDeg | None = None
    internal_rotation: InternalDeg | None = None


class Tests(_Model):
    trendelenburg: Sides[TrendelenburgSide] | None = None
    single_leg_stance: Sides[StanceSide] | None = None
    thomas: Sides[ThomasSide] | None = None
    faber: Sides[FaberSide] | None = None
    leg_length: LegLength | None = None
    pelvic_crest: PelvicCrest | None = None
    plank: Plank | None = None
    side_plank: Sides[StanceSide] | None = None
    hip_rom: Sides[RomSide] | None = None


IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
HipPrecautions = Literal["posterior_approach", "anterior_approach", "none"]


def _real_day(value: str) -> str:
    # The core may not import datetime (tests/test_architecture.py), so the calendar is here.
    y, m, d = (int(p) for p in value.split("-"))
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if not (1 <= m <= 12 and 1 <= d <= days[m - 1]):
        raise ValueError("give a real day as YYYY-MM-DD")
    return value


class Assessment(_Model):
    """What a clinician recorded at one assessment (CLINICAL.md 4: test, side, value, unit,
    method, tester, pain, date). All tests are optional; the day is not."""

    schema_: Literal["hipalign.assessment/1"] = Field(default=ASSESSMENT_SCHEMA, alias="schema")
    performed_on: Annotated[IsoDate, AfterValidator(_real_day)]
    tester: Literal["clinician"] = "clinician"
    method: Literal["in_person", "video"] = "in_person"
    tests: Tests = Tests()
    pain_during_tests: int | None = Field(default=None, ge=0, le=10, description="NPRS 0-10")
    pain_place: str = Field(default="", max_length=120)
    notes: str = Field(default="", max_length=2000)
    # The clinician's decisions, written to the intake; None leaves the intake's value as it is.
    cleared_by_clinician: bool | None = None
    hip_precautions: HipPrecautions | None = None
    # Issue 13: weeks since giving birth and whether by caesarean, asked when the person is not
    # pregnant; written to the intake's `pregnancy` (None leaves it as it is).
    postpartum_weeks: int | None = Field(default=None, ge=0, le=POSTPARTUM_WEEKS_MAX)
    caesarean: bool | None = None

    model_config = ConfigDict(populate_by_name=True)


# --- what the tests show -----------------------------------------------------------------


def thomas_result(side: ThomasSide) -> ThomasResult | None:
    """The Thomas result from both angles (CLINICAL.md 4): thigh above horizontal ->
    hip_flexor_tight; knee under 67 degrees -> rectus_femoris_tight. The intake holds one result
    per side, so when both hold the one-joint finding (hip_flexor_tight) is the one recorded;
    both angles stay in the assessment."""
    if side.thigh_deg is None and side.knee_deg is None:
        return None
    if side.thigh_deg is not None and side.thigh_deg > 0:
        return "hip_flexor_tight"
    if side.knee_deg is not None and side.knee_deg < THOMAS_KNEE_TIGHT_DEG:
        return "rectus_femoris_tight"
    return "normal"


def rotation_restricted(rom: Sides[RomSide]) -> dict[Side, bool] | None:
    """Per hip, whether its internal or external rotation is more than 10 degrees under the other
    hip's; None when neither rotation was measured on both sides."""
    out: dict[Side, bool] = {"left": False, "right": False}
    measured = False
    for move in ("internal_rotation", "external_rotation"):
        left, right = rom.left, rom.right
        lv = getattr(left, move) if left is not None else None
        rv = getattr(right, move) if right is not None else None
        if lv is None or rv is None:
            continue
        measured = True
        if rv - lv > ROM_SIDE_GAP_DEG:
            out["left"] = True
        if lv - rv > ROM_SIDE_GAP_DEG:
            out["right"] = True
    return out if measured else None


def flexion_limited(rom: Sides[RomSide]) -> dict[Side, bool] | None:
    """Per hip, whether it bends more than 10 degrees less than the other hip (the same side-gap
    rule as rotation, CLINICAL.md 4); None unless flexion was measured on both sides. With groin
    pain this rules out end-range flexion work (issue 13 item 8, `findings.hip_flexion_limited`)."""
    lv = rom.left.flexion if rom.left is not None else None
    rv = rom.right.flexion if rom.right is not None else None
    if lv is None or rv is None:
        return None
    return {"left": rv - lv > ROM_SIDE_GAP_DEG, "right": lv - rv > ROM_SIDE_GAP_DEG}


THOMAS_WORDS: dict[str, str] = {
    "normal": "no sign of tightness",
    "hip_flexor_tight": "signs of tight hip flexors",
    "rectus_femoris_tight": "signs of a tight rectus femoris",
}


@dataclass(frozen=True)
class Derived:
    """One line of what the assessment shows, in the words of the findings it feeds."""

    test: str
    side: Side | None
    finding: str
    text: str


def _thomas_derived(side: Side, th: ThomasSide | None) -> list[Derived]:
    result = thomas_result(th) if th is not None else None
    if th is None or result is None:
        return []
    angles = ", ".join(
        s
        for s in (
            f"thigh {th.thigh_deg:+g}°" if th.thigh_deg is not None else "",
            f"knee {th.knee_deg:g}°" if th.knee_deg is not None else "",
        )
        if s
    )
    return [Derived("thomas", side, result, f"Thomas: {THOMAS_WORDS[result]} ({angles})")]


def _side_derived(t: Tests, side: Side) -> list[Derived]:
    """What the per-side tests show for one side."""
    out: list[Derived] = []
    tr = t.trendelenburg.get(side) if t.trendelenburg else None
    if tr is not None and tr.result is not None:
        out.append(
            Derived(
                "trendelenburg",
                side,
                tr.result,
                f"Trendelenburg {tr.result} standing on this leg",
            )
        )
    if tr is not None and tr.lateral_pain:
        out.append(
            Derived(
                "trendelenburg",
                side,
                "lateral_pain_in_stance",
                "Trendelenburg: outer-hip pain while standing on this leg",
            )
        )
    st = t.single_leg_stance.get(side) if t.single_leg_stance else None
    if st is not None and st.seconds is not None:
        out.append(
            Derived(
                "single_leg_stance",
                side,
                "single_leg_stance_s",
                f"single-leg stance {st.seconds:g} s",
            )
        )
    out += _thomas_derived(side, t.thomas.get(side) if t.thomas else None)
    fa = t.faber.get(side) if t.faber else None
    if fa is not None and fa.result is not None:
        out.append(Derived("faber", side, fa.result, f"FABER: {fa.result.replace('_', ' ')}"))
    sp = t.side_plank.get(side) if t.side_plank else None
    if sp is not None and sp.seconds is not None:
        out.append(Derived("side_plank", side, "side_plank_hold_s", f"side plank {sp.seconds:g} s"))
    return out


def _whole_body_derived(t: Tests) -> list[Derived]:
    """What the tests of both sides at once show: leg length, pelvic crest, plank."""
    out: list[Derived] = []
    if t.leg_length is not None and t.leg_length.difference_mm is not None:
        out.append(
            Derived(
                "leg_length",
                None,
                "leg_length_difference_mm",
                f"leg length difference {t.leg_length.difference_mm:g} mm "
                f"(by {t.leg_length.method})",
            )
        )
    if t.pelvic_crest is not None and t.pelvic_crest.gap_mm is not None:
        deg = crest_gap_degrees(t.pelvic_crest.gap_mm)
        out.append(
            Derived(
                "pelvic_crest",
                None,
                "pelvic_obliquity",
                f"pelvic crest gap {t.pelvic_crest.gap_mm:g} mm, about {deg:g}° "
                f"(high side {t.pelvic_crest.high_side or 'none'})",
            )
        )
    if t.plank is not None and t.plank.seconds is not None:
        out.append(Derived("plank", None, "plank_hold_s", f"plank {t.plank.seconds:g} s"))
    return out


def _rom_derived(rom: Sides[RomSide]) -> list[Derived]:
    """Hip motions smaller on one side than the other, then restricted rotation per side."""
    out: list[Derived] = []
    for key, name, _ in ROM_MOVES:
        lv = getattr(rom.left, key) if rom.left else None
        rv = getattr(rom.right, key) if rom.right else None
        if lv is not None and rv is not None and abs(lv - rv) > ROM_SIDE_GAP_DEG:
            smaller: Side = "left" if lv < rv else "right"
            out.append(
                Derived(
                    "hip_rom",
                    smaller,
                    "rom_side_gap",
                    f"hip {name.lower()} {abs(lv - rv):g}° less than the other side",
                )
            )
    restricted = rotation_restricted(rom)
    for side in SIDES:
        if restricted and restricted[side]:
            out.append(
                Derived(
                    "hip_rom",
                    side,
                    "hip_rotation_restricted",
                    f"hip rotation restricted (side gap over {ROM_SIDE_GAP_DEG:g}°)",
                )
            )
    return out


def assessment_derive(a: Assessment) -> list[Derived]:
    """What each recorded test shows, per side, in catalog order."""
    t = a.tests
    out = [d for side in SIDES for d in _side_derived(t, side)]
    out += _whole_body_derived(t)
    if t.hip_rom is not None:
        out += _rom_derived(t.hip_rom)
    return out


def _put_side(findings: dict[str, Any], key: str, side: Side, value: Any) -> None:
    """Set one side of a per-side finding, keeping the other side's earlier value."""
    current = findings.get(key) or {}
    findings[key] = {**current, side: value}


def _apply_side(f: dict[str, Any], t: Tests, side: Side) -> None:
    """Put one side's recorded per-side results into the findings."""
    tr = t.trendelenburg.get(side) if t.trendelenburg else None
    if tr is not None and tr.result is not None:
        _put_side(f, "trendelenburg", side, tr.result)
    if tr is not None and tr.lateral_pain is not None:
        _put_side(f, "lateral_pain_in_stance", side, tr.lateral_pain)
    st = t.single_leg_stance.get(side) if t.single_leg_stance else None
    if st is not None and st.seconds is not None:
        _put_side(f, "single_leg_stance_s", side, st.seconds)
    th = t.thomas.get(side) if t.thomas else None
    result = thomas_result(th) if th is not None else None
    if result is not None:
        _put_side(f, "thomas_test", side, result)
    fa = t.faber.get(side) if t.faber else None
    if fa is not None and fa.result is not None:
        _put_side(f, "faber", side, fa.result)
    sp = t.side_plank.get(side) if t.side_plank else None
    if sp is not None and sp.seconds is not None:
        _put_side(f, "side_plank_hold_s", side, sp.seconds)


def _apply_whole_body(f: dict[str, Any], t: Tests) -> None:
    """Put the recorded tests of both sides at once into the findings."""
    if t.leg_length is not None and t.leg_length.difference_mm is not None:
        f["leg_length_difference_mm"] = t.leg_length.difference_mm
    if t.pelvic_crest is not None and t.pelvic_crest.gap_mm is not None:
        gap = t.pelvic_crest.gap_mm
        f["pelvic_obliquity"] = {
            "degrees": crest_gap_degrees(gap),
            "high_side": (t.pelvic_crest.high_side or "none") if gap > 0 else "none",
            "source": "clinician",
        }
    if t.plank is not None and t.plank.seconds is not None:
        f["plank_hold_s"] = t.plank.seconds
    if t.hip_rom is not None and (restricted := rotation_restricted(t.hip_rom)) is not None:
        f["hip_rotation_restricted"] = dict(restricted)
    if t.hip_rom is not None and (limited := flexion_limited(t.hip_rom)) is not None:
        f["hip_flexion_limited"] = dict(limited)


def _apply_decisions(doc: dict[str, Any], a: Assessment) -> None:
    """Put the clinician's clearance, hip precautions and postpartum facts into the intake."""
    if a.cleared_by_clinician is not None:
        doc["cleared_by_clinician"] = a.cleared_by_clinician
    if a.hip_precautions is not None:
        doc["hip_precautions"] = a.hip_precautions
    if a.postpartum_weeks is not None:
        # While pregnant the intake refuses these, naming the field (the pregnancy rules apply).
        preg: dict[str, Any] = dict(doc.get("pregnancy") or {"pregnant": False})
        preg["postpartum_weeks"] = a.postpartum_weeks
        if a.caesarean is not None:
            preg["caesarean"] = a.caesarean
        doc["pregnancy"] = preg


def assessment_apply(intake: Intake, a: Assessment) -> Intake:
    """The intake with this assessment's results in `findings` and the clinician's decisions.

    A test recorded here replaces the earlier finding for that side; tests and sides not recorded
    keep what the intake had (a self-test or an earlier assessment)."""
    doc = intake.model_dump(mode="json", by_alias=True, exclude_none=True)
    f: dict[str, Any] = doc.setdefault("findings", {})
    for side in SIDES:
        _apply_side(f, a.tests, side)
    _apply_whole_body(f, a.tests)
    _apply_decisions(doc, a)
    return Intake.model_validate(doc)


def field_path(test_id: str, side: str | None, key: str) -> str:
    """The dotted path of one value in the document, as error messages name it."""
    return ".".join(p for p in ("tests", test_id, side or "", key) if p)


_PATH = re.compile(r"^tests\.([a-z_]+)\.(?:(left|right)\.)?([a-z_]+)$")


def parse_path(path: str) -> tuple[str, str | None, str] | None:
    """(test id, side, measure key) for a path of `field_path`, None when it names no measure."""
    m = _PATH.match(path)
    if m is None or m.group(1) not in TESTS_BY_ID:
        return None
    test = TESTS_BY_ID[m.group(1)]
    if test.per_side != (m.group(2) is not None):
        return None
    if not any(x.key == m.group(3) for x in test.measures):
        return None
    return m.group(1), m.group(2), m.group(3)
