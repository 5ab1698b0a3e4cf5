"""Closed vocabularies shared by the contracts and the library.

The ids here are public (DESIGN.md section 3): they appear in intake and plan documents and in
the exercise data files. Ids are only ever added, never renamed.
"""

from typing import Literal, get_args

Side = Literal["left", "right"]
SIDES: tuple[Side, ...] = ("left", "right")
PainSide = Literal["left", "right", "both", "none"]

Position = Literal[
    "standing",
    "seated_chair",
    "seated_floor",
    "supine",
    "prone",
    "side_lying",
    "quadruped",
    "kneeling",
]
# Positions that need the person to get down to (and up from) the floor.
FLOOR_POSITIONS: frozenset[str] = frozenset(
    {"seated_floor", "supine", "prone", "side_lying", "quadruped", "kneeling"}
)

Equipment = Literal[
    "mat",
    "wall",
    "pillow",
    "sturdy_support",
    "books_or_step",
    "resistance_band",
    "ankle_weights",
    "bench",
]
EQUIPMENT: tuple[str, ...] = get_args(Equipment)

Limitation = Literal[
    "cannot_get_to_floor",
    "cannot_lie_prone",
    "cannot_lie_supine",
    "poor_balance",
    "wrist_or_shoulder_pain",
]

Symptom = Literal[
    "hip_pain",
    "hip_tightness",
    "groin_pain",
    "lateral_hip_pain",
    "low_back_pain",
    "it_band_pain",
    "knee_pain",
    "ankle_foot_pain",
    "uneven_shoulders_or_hips",
    "uneven_gait",
    "one_leg_feels_longer",
    "limp",
    # Extensions (issue 13): thigh pain counts for the children's hip rule; pubic and buttock
    # pain in pregnancy point to pelvic girdle pain.
    "thigh_pain",
    "pubic_pain",
    "buttock_pain",
]

Intent = Literal["stretch", "strengthen", "mobilize", "control"]
INTENTS: tuple[Intent, ...] = get_args(Intent)

# How an exercise uses the two sides: per_side is done on one leg, then the other;
# alternating moves side to side within one set; bilateral works both at once (or the trunk).
Sidedness = Literal["per_side", "alternating", "bilateral"]

Muscle = Literal[
    "gluteus_maximus",
    "gluteus_medius",
    "gluteus_minimus",
    "tensor_fasciae_latae",
    "iliopsoas",
    "rectus_femoris",
    "hamstrings",
    "quadriceps",
    "adductors",
    "piriformis",
    "deep_hip_rotators",
    "abdominals",
    "obliques",
    "low_back_extensors",
]

MuscleGroup = Literal[
    "hip_abductors",
    "hip_extensors",
    "hip_flexors",
    "hip_adductors",
    "hip_rotators",
    "trunk",
    "knee_extensors",
]

# Strength work of one group needs 48 h between sessions for novices (CLINICAL.md section 6), so
# scheduling reasons about groups, not single muscles.
MUSCLE_GROUP: dict[str, MuscleGroup] = {
    "gluteus_maximus": "hip_extensors",
    "hamstrings": "hip_extensors",
    "gluteus_medius": "hip_abductors",
    "gluteus_minimus": "hip_abductors",
    "tensor_fasciae_latae": "hip_abductors",
    "iliopsoas": "hip_flexors",
    "rectus_femoris": "hip_flexors",
    "quadriceps": "knee_extensors",
    "adductors": "hip_adductors",
    "piriformis": "hip_rotators",
    "deep_hip_rotators": "hip_rotators",
    "abdominals": "trunk",
    "obliques": "trunk",
    "low_back_extensors": "trunk",
}

# Contraindication tags. Each is switched on by something in the intake (see planning.constraints).
ContraindicationTag = Literal[
    # any stage of pregnancy (CLINICAL.md section 2: no prone work, no fall-prone moves)
    "pregnancy",
    # from week 13 (CLINICAL.md section 2 [rule]: no supine work after the first trimester)
    "pregnancy_after_week_13",
    # loses balance easily: excluded with poor_balance, short single-leg stance, or pregnancy
    "fall_risk",
    # posterior-approach hip replacement precautions (Eannucci 2019)
    "hip_flexion_past_90",
    "hip_adduction_past_midline",
    "hip_internal_rotation",
    # anterior-approach precautions (StatPearls hip precautions; uncertain in CLINICAL.md
    # section 1, applied conservatively): extension past neutral, external rotation, and the two
    # combined (the back leg of a lunge turned out, a leg swung back and out)
    "hip_extension_past_neutral",
    "hip_external_rotation",
    "hip_extension_external_rotation",
    # weight through hands or forearms: excluded with wrist_or_shoulder_pain
    "arm_support",
    # lying on or stretching across the outer hip: excluded with lateral hip pain (GTPS, Grimaldi)
    "lateral_hip_compression",
    # end-range hip stretch: excluded when a test provoked groin pain (FABER, CLINICAL.md section 4)
    "end_range_hip_stretch",
    # lying on one side: with gluteal tendon pain the lower hip is pressed, and the top leg drops
    # into adduction, which compresses its tendons too (Grimaldi 2015). Every side-lying entry
    # carries it (library validate checks).
    "side_lying",
    # the knee pulled to the chest at the end of hip flexion: out with groin pain on FABER or
    # reported groin pain with a flexion-limited hip
    "end_range_hip_flexion",
    # deep flexion with adduction and internal rotation (the FADIR position): out with groin pain
    "hip_flexion_adduction_internal_rotation",
    # a full plank or side plank on the floor: not first-line for people over 65, with poor
    # balance or after hip surgery; the incline or knee variant comes first and leads to it
    "floor_plank",
    # jumping or hopping
    "impact",
    # Issue 13 (postpartum; pelvic girdle pain in pregnancy), switched on in planning.conditions:
    # a plank of any kind, incline and knee versions included (caesarean under 8 weeks)
    "any_plank",
    # forearm, side and single-leg planks and other high-load trunk work (under 12 weeks postpartum)
    "high_load_trunk",
    # curling the trunk up against a load (caesarean under 8 weeks)
    "loaded_trunk_flexion",
    # one leg takes the body's weight or a split stance loads the legs unevenly (pelvic girdle pain)
    "asymmetric_single_leg_load",
    # legs wide apart (pelvic girdle pain)
    "wide_stance",
    # swinging a leg (pelvic girdle pain)
    "leg_swing",
]
CONTRAINDICATION_TAGS: tuple[str, ...] = get_args(ContraindicationTag)

# Extra needs that do not exclude an exercise but change how it is done.
CautionTag = Literal[
    # hold a sturdy support or wall when balance is poor or during pregnancy
    "needs_support_for_balance",
    # slower, smaller range, no bouncing in pregnancy
    "gentle_in_pregnancy",
]

Load = Literal["bodyweight", "ankle_weight", "heavier_band", "more_effort"]
# Load steps of a ladder that need a piece of equipment the person may not have.
LOAD_NEEDS: dict[str, str] = {"ankle_weight": "ankle_weights"}

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)

ReferralLevel = Literal["emergency", "urgent", "see_doctor", "see_physio", "none"]
# Higher index is more urgent.
REFERRAL_ORDER: tuple[ReferralLevel, ...] = (
    "none",
    "see_physio",
    "see_doctor",
    "urgent",
    "emergency",
)

Confidence = Literal["low", "moderate"]
