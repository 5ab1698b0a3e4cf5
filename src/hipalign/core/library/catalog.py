"""Loading and validating the exercise catalog.

The catalog is data shipped inside the package (one TOML file per exercise). Reading those files
is the one kind of input the core does: it is part of the program, fixed at install time, so the
result is the same on every call and is cached.
"""

import tomllib
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources

from pydantic import ValidationError

from hipalign.core.assessment import PATTERN_INFO
from hipalign.core.dosing import GUIDELINE_RANGES, dose_problems
from hipalign.core.figure.demo import Demonstration, parse_demos
from hipalign.core.i18n.catalog import DEMOS, EXERCISES, localized, translation_of
from hipalign.core.i18n.content import translatable_texts
from hipalign.core.i18n.languages import SOURCE_LANGUAGE
from hipalign.core.library.model import Exercise
from hipalign.core.references import RULE, check_ids
from hipalign.core.vocab import LOAD_NEEDS, MUSCLE_GROUP, Intent

# The seed exercises of DESIGN.md section 3.3: public ids, never renamed.
SEED_IDS: tuple[str, ...] = (
    "isometric_hip_hold",
    "hip_rotation_90",
    "leg_swings",
    "pelvic_tilt_standing",
    "pelvic_tilt_supine",
    "pelvic_tilt_wall",
    "prone_hip_extension",
    "side_hip_abduction",
    "it_band_stretch",
    "seated_straddle_stretch",
    "knee_to_chest",
    "plank",
    "side_plank",
    "single_leg_plank",
    "band_hip_flexion",
    "band_hip_abduction",
)

# The evidence-based additions of CLINICAL.md section 7 that the issue names.
ADDITION_IDS: tuple[str, ...] = (
    "hip_flexor_stretch",
    "piriformis_stretch",
    "glute_bridge",
    "clamshell",
    "single_leg_balance",
    "quadruped_hip_extension",
    "standing_hip_extension",
)

# Tags a position implies (CLINICAL.md section 2): the data must say them, so that a reader of
# one file sees every reason it may be left out.
POSITION_IMPLIES: dict[str, tuple[str, ...]] = {
    "supine": ("pregnancy_after_week_13",),
    "prone": ("pregnancy",),
    # gluteal tendon pain: no side-lying work early on, on either side (Grimaldi 2015)
    "side_lying": ("side_lying",),
}

# Movement tags that imply others, so an entry cannot say half of a precaution: the combined
# extension + external rotation is both extension past neutral and external rotation.
TAG_IMPLIES: dict[str, tuple[str, ...]] = {
    "hip_extension_external_rotation": ("hip_extension_past_neutral", "hip_external_rotation"),
    "hip_flexion_adduction_internal_rotation": ("hip_internal_rotation",),
}


class LibraryError(ValueError):
    """The catalog is not valid; `problems` lists every issue found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Library(Mapping[str, Exercise]):
    """Exercises keyed by id, in id order."""

    def __init__(self, exercises: Mapping[str, Exercise]) -> None:
        self._by_id = dict(sorted(exercises.items()))

    def __getitem__(self, key: str) -> Exercise:
        return self._by_id[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)


def parse_library(
    files: Mapping[str, str], *, language: str = SOURCE_LANGUAGE
) -> tuple[Library, list[str]]:
    """Parse `{file name: TOML text}` into a library, with every problem found.

    Entries that fail to parse are left out of the library and reported. With a language other
    than English, each entry's words come from its translation where one exists (issue 20).
    """
    problems: list[str] = []
    exercises: dict[str, Exercise] = {}
    for name, text in sorted(files.items()):
        try:
            raw = tomllib.loads(text)
            if language != SOURCE_LANGUAGE:
                raw = localized(EXERCISES, name, raw, language)
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{name}: not valid TOML: {exc}")
            continue
        try:
            exercise = Exercise.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "(entry)"
                problems.append(f"{name}: {loc}: {err['msg']}")
            continue
        if name.removesuffix(".toml") != exercise.id:
            problems.append(f"{name}: file name must be the id ({exercise.id}.toml)")
        if exercise.id in exercises:
            problems.append(f"{name}: duplicate id {exercise.id}")
        exercises[exercise.id] = exercise
    library = Library(exercises)
    problems.extend(library_problems(library))
    return library, problems


def _tag_problems(ex: Exercise, where: str) -> list[str]:
    """Contraindication tags the position or another tag implies but the entry lacks."""
    problems: list[str] = []
    for implied in POSITION_IMPLIES.get(ex.position, ()):
        if implied not in ex.contraindications:
            problems.append(
                f"{where}: position {ex.position} needs contraindication tag {implied!r}"
            )
    for tag in ex.contraindications:
        for implied in TAG_IMPLIES.get(tag, ()):
            if implied not in ex.contraindications:
                problems.append(f"{where}: tag {tag!r} needs tag {implied!r} too")
    return problems


def _ladder_problems(ex: Exercise, where: str) -> list[str]:
    """Each rung's dose within guideline ranges, and its load's equipment listed."""
    problems: list[str] = []
    for i, step in enumerate(ex.ladder):
        problems.extend(
            dose_problems(
                ex.primary_intent,
                ex.dose.kind,
                step.sets,
                step.reps,
                step.hold_s,
                f"{where}: ladder[{i}]",
            )
        )
        need = LOAD_NEEDS.get(step.load)
        if need and need not in (*ex.equipment, *ex.optional_equipment):
            problems.append(f"{where}: ladder[{i}] uses {step.load} but {need} is not listed")
    return problems


def _days_and_source_problems(ex: Exercise, where: str) -> list[str]:
    problems: list[str] = []
    low, high = ex.dose.days_per_week
    rng = GUIDELINE_RANGES.get((ex.primary_intent, ex.dose.kind))
    if rng and not (rng.days_per_week[0] <= low and high <= rng.days_per_week[1]):
        problems.append(
            f"{where}: days_per_week {low}-{high} is outside the {ex.primary_intent} "
            f"guideline {rng.days_per_week[0]}-{rng.days_per_week[1]}"
        )
    problems.extend(check_ids([s.cite for s in ex.sources], f"{where}: sources"))
    if all(s.cite == RULE for s in ex.sources):
        problems.append(f"{where}: needs a source besides hipalign's own rule")
    return problems


def library_problems(library: Library) -> list[str]:
    """Cross-entry checks: required ids, dangling references, doses within guideline ranges."""
    problems: list[str] = []
    for required in (*SEED_IDS, *ADDITION_IDS):
        if required not in library:
            problems.append(f"missing exercise: {required}")
    for ex in library.values():
        where = f"{ex.id}.toml"
        for ref in (*ex.substitutes, *ex.next_exercises):
            if ref not in library:
                problems.append(f"{where}: refers to unknown exercise {ref!r}")
        problems.extend(_band_variant_problems(ex, library))
        problems.extend(_tag_problems(ex, where))
        problems.extend(_ladder_problems(ex, where))
        problems.extend(_days_and_source_problems(ex, where))
    return problems + _planner_list_problems(library)


def _planner_list_problems(library: Library) -> list[str]:
    """The planner's lists live in the entries (`[[patterns]]`, `[base_program]`): every known
    pattern needs an exercise, ranks are an order (no ties), and each choice names its source."""
    problems: list[str] = []
    ranks: dict[str, dict[int, str]] = {p: {} for p in PATTERN_INFO}
    base: dict[int, str] = {}
    for ex in library.values():
        where = f"{ex.id}.toml"
        for use in ex.patterns:
            if use.pattern not in PATTERN_INFO:
                problems.append(
                    f"{where}: patterns: unknown pattern {use.pattern!r}; "
                    f"known: {', '.join(PATTERN_INFO)}"
                )
                continue
            other = ranks[use.pattern].setdefault(use.rank, ex.id)
            if other != ex.id:
                problems.append(
                    f"{where}: patterns: {use.pattern} rank {use.rank} is {other}'s too"
                )
            problems.extend(check_ids(use.refs, f"{where}: patterns: {use.pattern}: refs"))
        if ex.base_program is not None:
            other = base.setdefault(ex.base_program.rank, ex.id)
            if other != ex.id:
                problems.append(
                    f"{where}: base_program rank {ex.base_program.rank} is {other}'s too"
                )
            problems.extend(check_ids(ex.base_program.refs, f"{where}: base_program: refs"))
    problems += [
        f"pattern {p} has no exercise (add [[patterns]] to one)" for p, r in ranks.items() if not r
    ]
    if not base:
        problems.append("no exercise is in the base program (add [base_program] to some)")
    return problems


def pattern_exercises(library: Mapping[str, Exercise]) -> dict[str, list[tuple[str, Intent]]]:
    """Pattern -> (exercise, intent) in order of preference, read from the entries."""
    found: dict[str, list[tuple[int, str, Intent]]] = {}
    for ex in library.values():
        for use in ex.patterns:
            found.setdefault(use.pattern, []).append((use.rank, ex.id, use.intent))
    return {p: [(ex_id, intent) for _, ex_id, intent in sorted(v)] for p, v in found.items()}


def base_program(library: Mapping[str, Exercise]) -> list[tuple[str, Intent, tuple[str, ...]]]:
    """The balanced base program in order: (exercise, intent, bibliography ids)."""
    rows = [
        (ex.base_program.rank, ex.id, ex.base_program.intent, tuple(ex.base_program.refs))
        for ex in library.values()
        if ex.base_program is not None
    ]
    return [(ex_id, intent, refs) for _, ex_id, intent, refs in sorted(rows)]


def _band_variant_problems(ex: Exercise, library: Library) -> list[str]:
    """A band variant is the same move against a band: it needs the band, and it keeps the
    primary intent, the main muscle group and the kind of dose, so its ladder serves the same
    aim (issue 14 item 15)."""
    if ex.band_variant is None:
        return []
    where = f"{ex.id}.toml: band_variant {ex.band_variant!r}"
    band = library.get(ex.band_variant)
    if band is None:
        return [f"{where} is not an exercise of the library"]
    problems = []
    if "resistance_band" not in band.equipment:
        problems.append(f"{where} does not need a resistance band")
    if band.primary_intent != ex.primary_intent:
        problems.append(f"{where} has intent {band.primary_intent}, not {ex.primary_intent}")
    if MUSCLE_GROUP[band.targets[0]] != MUSCLE_GROUP[ex.targets[0]]:
        problems.append(f"{where} works another main muscle group")
    if band.dose.kind != ex.dose.kind or band.sidedness != ex.sidedness:
        problems.append(f"{where} has another kind of dose or sidedness")
    return problems


def _package_files(folder_name: str = "exercises") -> dict[str, str]:
    folder = resources.files("hipalign.core.library") / folder_name
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


@cache
def default_library(language: str = SOURCE_LANGUAGE) -> Library:
    """The shipped catalog, in the language's words where translated; raises LibraryError when
    it is not valid."""
    library, problems = parse_library(_package_files(), language=language)
    if problems:
        raise LibraryError(problems)
    return library


def validate_default_library() -> list[str]:
    """Every problem of the shipped catalog and its demonstrations (empty when valid)."""
    library, problems = parse_library(_package_files())
    return problems + parse_demos(_package_files("demos"), library)[1]


@cache
def default_demos(language: str = SOURCE_LANGUAGE) -> dict[str, Demonstration]:
    """The shipped demonstrations by exercise id, their frame labels in the language's words
    where translated (issue 20); raises LibraryError when any is not valid."""
    demos, problems = parse_demos(_package_files("demos"), default_library())
    if problems:
        raise LibraryError(problems)
    if language == SOURCE_LANGUAGE:
        return demos
    return {ex_id: localized_demo(demo, language) for ex_id, demo in demos.items()}


def localized_demo(demo: Demonstration, language: str) -> Demonstration:
    """The demonstration with its key frames' labels in `language` (English where untranslated):
    only the labels change, never a pose, a phase or a timing."""
    translation = translation_of(DEMOS, f"{demo.exercise}.toml", language) or {}
    texts = translatable_texts(translation, DEMOS.kind)
    frames = [
        f.model_copy(update={"label": texts.get(f"frames.{f.name}.label", f.label)})
        for f in demo.frames
    ]
    return demo.model_copy(update={"frames": frames})
