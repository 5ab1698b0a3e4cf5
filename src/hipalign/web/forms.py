"""The onboarding form: every screening question asked explicitly, then the rest of the intake.

The form only collects; the core's Intake model decides what is valid, and its messages (naming
the field) are shown back on the form."""

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hipalign.core.intake import INTAKE_SCHEMA
from hipalign.core.screening.catalog import QUESTIONS, Question
from hipalign.services.kernel import languages, time_zones
from hipalign.services.program import planning

YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]

# A whole number typed into a form: ASCII digits only (a superscript two is a digit to
# str.isdigit but not to int()), at most 9 of them, so it fits every integer column and int() never refuses it
# (Python refuses 4,300 digits and more; SQLite integers end at 19).
_WHOLE = re.compile(r"^[0-9]{1,9}$")


def whole_number(raw: str) -> int | None:
    """The number in `raw`, or None when it is not 1-9 ASCII digits."""
    return int(raw) if _WHOLE.match(raw) else None


SYMPTOMS = [
    ("hip_pain", gettext_lazy("Hip pain")),
    ("hip_tightness", gettext_lazy("Tight hips")),
    ("groin_pain", gettext_lazy("Groin pain")),
    ("lateral_hip_pain", gettext_lazy("Pain on the outside of the hip")),
    ("low_back_pain", gettext_lazy("Low back pain")),
    ("it_band_pain", gettext_lazy("Pain along the outside of the thigh")),
    ("knee_pain", gettext_lazy("Knee pain")),
    ("ankle_foot_pain", gettext_lazy("Ankle or foot pain")),
    ("uneven_shoulders_or_hips", gettext_lazy("Shoulders or hips look uneven")),
    ("uneven_gait", gettext_lazy("Walking feels uneven")),
    ("one_leg_feels_longer", gettext_lazy("One leg feels longer")),
    ("limp", gettext_lazy("A limp")),
    ("thigh_pain", gettext_lazy("Thigh pain")),
    ("pubic_pain", gettext_lazy("Pain at the front of the pelvis (pubic bone)")),
    ("buttock_pain", gettext_lazy("Buttock pain")),
]
CAESAREAN = [
    ("", gettext_lazy("Not applicable")),
    ("no", gettext_lazy("No")),
    ("yes", gettext_lazy("Yes")),
]
EQUIPMENT = [
    ("mat", gettext_lazy("Exercise mat")),
    ("wall", gettext_lazy("A free wall")),
    ("pillow", gettext_lazy("Pillow or cushion")),
    ("sturdy_support", gettext_lazy("Sturdy chair or counter to hold")),
    ("books_or_step", gettext_lazy("A step or a stack of books")),
    ("resistance_band", gettext_lazy("Resistance band")),
    ("ankle_weights", gettext_lazy("Ankle weights")),
    ("bench", gettext_lazy("Bench")),
]
LIMITATIONS = [
    ("cannot_get_to_floor", gettext_lazy("I cannot get down to the floor (or back up)")),
    ("cannot_lie_prone", gettext_lazy("I cannot lie on my front")),
    ("cannot_lie_supine", gettext_lazy("I cannot lie on my back")),
    ("poor_balance", gettext_lazy("My balance is poor")),
    ("wrist_or_shoulder_pain", gettext_lazy("Wrist or shoulder pain when leaning on my hands")),
]
SIDES = [
    ("", gettext_lazy("Not sure / skip")),
    ("left", gettext_lazy("Left")),
    ("right", gettext_lazy("Right")),
    ("none", gettext_lazy("Neither")),
]
PAIN_SIDES = [
    ("none", gettext_lazy("No pain")),
    ("left", gettext_lazy("Left")),
    ("right", gettext_lazy("Right")),
    ("both", gettext_lazy("Both")),
]
TRENDELENBURG = [
    ("", gettext_lazy("Not tested")),
    ("negative", gettext_lazy("Stayed level")),
    ("positive", gettext_lazy("Dropped")),
]


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _questions() -> tuple[Question, ...]:
    """The safety questions in the page's language (the same ids, order and levels in every
    language: only the words differ), read through the screening service."""
    return tuple(planning.screening_list(language=languages.language_active()))


def _int(label: Any, lo: int, hi: int, required: bool = False, **kw: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=lo, max_value=hi, required=required, **kw)


class OnboardingForm(forms.Form):
    age = _int(gettext_lazy("Age (years)"), 10, 110, required=True)
    pregnant = forms.TypedChoiceField(
        label=gettext_lazy("Are you pregnant?"), choices=YES_NO, widget=forms.RadioSelect
    )  # no default: a preset "no" would let a pregnancy rule be skipped by not reading
    pregnancy_weeks = _int(gettext_lazy("If pregnant: weeks of pregnancy"), 0, 42)
    postpartum_weeks = _int(
        gettext_lazy(
            "If you are not pregnant and gave birth in the last two years: weeks since the birth"
        ),
        0,
        104,
    )
    caesarean = forms.ChoiceField(
        label=gettext_lazy("If you gave birth in the last two years: was it by caesarean section?"),
        choices=CAESAREAN,
        required=False,
    )

    symptoms = forms.MultipleChoiceField(
        label=gettext_lazy("What do you notice?"),
        choices=SYMPTOMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pain_now = _int(
        gettext_lazy("Pain right now (0 = none, 10 = worst imaginable)"),
        0,
        10,
        required=True,
        initial=0,
    )
    pain_worst_week = _int(
        gettext_lazy("Worst pain this past week (0-10)"), 0, 10, required=True, initial=0
    )
    pain_side = forms.ChoiceField(
        label=gettext_lazy("Where is the pain?"), choices=PAIN_SIDES, initial="none"
    )

    equipment = forms.MultipleChoiceField(
        label=gettext_lazy("What do you have at home?"),
        choices=EQUIPMENT,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    limitations = forms.MultipleChoiceField(
        label=gettext_lazy("Does any of this apply to you?"),
        choices=LIMITATIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes_per_session = _int(
        gettext_lazy("Minutes per session"), 5, 90, required=True, initial=20
    )
    sessions_per_week = _int(gettext_lazy("Sessions per week"), 1, 14, required=True, initial=3)
    sitting_hours_per_day = _int(gettext_lazy("Hours you sit on a usual day"), 0, 24)
    runs = forms.BooleanField(
        label=gettext_lazy("I run (jogging, races, treadmill)"), required=False
    )
    work_start = forms.TimeField(
        label=gettext_lazy("Working hours start (for movement breaks)"), required=False, widget=TIME
    )
    work_end = forms.TimeField(label=gettext_lazy("Working hours end"), required=False, widget=TIME)
    quiet_start = forms.TimeField(
        label=gettext_lazy("Quiet hours start (no reminders or breaks)"),
        required=False,
        widget=TIME,
    )
    quiet_end = forms.TimeField(label=gettext_lazy("Quiet hours end"), required=False, widget=TIME)

    weaker_side = forms.ChoiceField(
        label=gettext_lazy("Which leg feels weaker?"), choices=SIDES, required=False
    )
    trendelenburg_left = forms.ChoiceField(
        label=gettext_lazy("Standing on the left leg, did the right side of your pelvis drop?"),
        choices=TRENDELENBURG,
        required=False,
    )
    trendelenburg_right = forms.ChoiceField(
        label=gettext_lazy("Standing on the right leg, did the left side of your pelvis drop?"),
        choices=TRENDELENBURG,
        required=False,
    )
    stance_left_s = _int(
        gettext_lazy("Single-leg stance on the left leg (seconds, up to 60)"), 0, 300
    )
    stance_right_s = _int(
        gettext_lazy("Single-leg stance on the right leg (seconds, up to 60)"), 0, 300
    )
    plank_hold_s = _int(gettext_lazy("Plank hold (seconds)"), 0, 600)
    side_plank_left_s = _int(gettext_lazy("Side plank on the left side (seconds)"), 0, 600)
    side_plank_right_s = _int(gettext_lazy("Side plank on the right side (seconds)"), 0, 600)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in _questions():
            # No default: every question must be answered explicitly (DESIGN.md principle 1).
            self.fields[f"q_{q.id}"] = forms.ChoiceField(
                label=q.question, choices=YES_NO, widget=forms.RadioSelect, required=True
            )

    @staticmethod
    def steps() -> list[tuple[str, str, list[str]]]:
        """(id, title, field names) of each wizard step."""
        return [
            ("safety", _("Safety questions"), [f"q_{q.id}" for q in QUESTIONS]),
            (
                "about",
                _("About you"),
                ["age", "pregnant", "pregnancy_weeks", "postpartum_weeks", "caesarean"],
            ),
            (
                "symptoms",
                _("Symptoms and pain"),
                ["symptoms", "pain_now", "pain_worst_week", "pain_side"],
            ),
            (
                "setup",
                _("Your time and equipment"),
                [
                    "equipment",
                    "limitations",
                    "minutes_per_session",
                    "sessions_per_week",
                    "sitting_hours_per_day",
                    "runs",
                    "work_start",
                    "work_end",
                    "quiet_start",
                    "quiet_end",
                ],
            ),
            (
                "tests",
                _("Optional self-tests"),
                [
                    "weaker_side",
                    "trendelenburg_left",
                    "trendelenburg_right",
                    "stance_left_s",
                    "stance_right_s",
                    "plank_hold_s",
                    "side_plank_left_s",
                    "side_plank_right_s",
                ],
            ),
        ]

    def to_intake(self) -> dict[str, Any]:
        d = self.cleaned_data
        doc: dict[str, Any] = {
            "schema": INTAKE_SCHEMA,
            "age": d["age"],
            "screening": {q.id: d[f"q_{q.id}"] == "yes" for q in QUESTIONS},
            "symptoms": list(d["symptoms"]),
            "pain": {
                "now": d["pain_now"],
                "worst_week": d["pain_worst_week"],
                "side": d["pain_side"],
            },
            "equipment": list(d["equipment"]),
            "limitations": list(d["limitations"]),
            "minutes_per_session": d["minutes_per_session"],
            "sessions_per_week": d["sessions_per_week"],
        }
        pregnancy = _pregnancy_part(d)
        if pregnancy is not None:
            doc["pregnancy"] = pregnancy
        life = self._lifestyle_part(d)
        if life:
            doc["lifestyle"] = life
        findings = _findings_part(d)
        if findings:
            doc["findings"] = findings
        return doc

    def _lifestyle_part(self, d: dict[str, Any]) -> dict[str, Any]:
        """Sitting, running and the day's hours; half a pair of hours is an error on the form."""
        life: dict[str, Any] = {}
        if d.get("sitting_hours_per_day") is not None:
            life["sitting_hours_per_day"] = d["sitting_hours_per_day"]
        if d.get("runs"):
            life["activities"] = ["running"]
        for key, a, b in (
            ("working_hours", "work_start", "work_end"),
            ("quiet_hours", "quiet_start", "quiet_end"),
        ):
            if d.get(a) and d.get(b):
                life[key] = {"start": d[a].strftime("%H:%M"), "end": d[b].strftime("%H:%M")}
            elif d.get(a) or d.get(b):
                self.add_error(
                    b if d.get(a) else a, _("give both the start and the end, or neither")
                )
        return life

    @classmethod
    def initial_from(cls, doc: dict[str, Any]) -> dict[str, Any]:
        """Form values from a stored intake, so changing answers starts from the last ones."""
        init: dict[str, Any] = {
            "age": doc.get("age"),
            "symptoms": doc.get("symptoms", []),
            "equipment": doc.get("equipment", []),
            "limitations": doc.get("limitations", []),
            "minutes_per_session": doc.get("minutes_per_session"),
            "sessions_per_week": doc.get("sessions_per_week"),
        }
        # The safety questions and "Are you pregnant?" are asked afresh every time: a warning
        # sign that is new since the last answers must not hide behind a pre-filled "no"
        # (issue 14.13). Everything else starts from the last answers.
        pain = doc.get("pain", {})
        init |= {
            "pain_now": pain.get("now"),
            "pain_worst_week": pain.get("worst_week"),
            "pain_side": pain.get("side"),
        }
        preg = doc.get("pregnancy") or {}
        init["pregnancy_weeks"] = preg.get("weeks")
        init["postpartum_weeks"] = preg.get("postpartum_weeks")
        c = preg.get("caesarean")
        init["caesarean"] = "" if c is None else ("yes" if c else "no")
        life = doc.get("lifestyle") or {}
        init["sitting_hours_per_day"] = life.get("sitting_hours_per_day")
        init["runs"] = "running" in life.get("activities", [])
        for key, a, b in (
            ("working_hours", "work_start", "work_end"),
            ("quiet_hours", "quiet_start", "quiet_end"),
        ):
            span = life.get(key) or {}
            init[a], init[b] = span.get("start"), span.get("end")
        f = doc.get("findings", {})
        init["weaker_side"] = f.get("weaker_side", "")
        for side in ("left", "right"):
            init[f"trendelenburg_{side}"] = (f.get("trendelenburg") or {}).get(side, "")
            init[f"stance_{side}_s"] = (f.get("single_leg_stance_s") or {}).get(side)
            init[f"side_plank_{side}_s"] = (f.get("side_plank_hold_s") or {}).get(side)
        init["plank_hold_s"] = f.get("plank_hold_s")
        return init


def _pregnancy_part(d: dict[str, Any]) -> dict[str, Any] | None:
    if d["pregnant"] == "yes":
        return {"pregnant": True, "weeks": d["pregnancy_weeks"]}
    if d.get("postpartum_weeks") is None:
        return None
    # Asked only when not pregnant (the labels say so); while pregnant they are ignored.
    after: dict[str, Any] = {"pregnant": False, "postpartum_weeks": d["postpartum_weeks"]}
    if d.get("caesarean") in ("yes", "no"):
        after["caesarean"] = d["caesarean"] == "yes"
    return after


def _sides(left: Any, right: Any, *, given: Callable[[Any], bool]) -> dict[str, Any] | None:
    """A per-side finding from the left and right fields, the sides not given left out."""
    if not (given(left) or given(right)):
        return None
    return {k: v for k, v in (("left", left), ("right", right)) if given(v)}


def _findings_part(d: dict[str, Any]) -> dict[str, Any]:
    """The self-tests the person filled in."""
    findings: dict[str, Any] = {}
    if d.get("weaker_side"):
        findings["weaker_side"] = d["weaker_side"]
    tl, tr = d.get("trendelenburg_left"), d.get("trendelenburg_right")
    if (trendelenburg := _sides(tl, tr, given=bool)) is not None:
        findings["trendelenburg"] = trendelenburg
    sl, sr = d.get("stance_left_s"), d.get("stance_right_s")
    if (stance := _sides(sl, sr, given=_not_none)) is not None:
        findings["single_leg_stance_s"] = stance
    if d.get("plank_hold_s") is not None:
        findings["plank_hold_s"] = d["plank_hold_s"]
    pl, pr = d.get("side_plank_left_s"), d.get("side_plank_right_s")
    if (side_plank := _sides(pl, pr, given=_not_none)) is not None:
        findings["side_plank_hold_s"] = side_plank
    return findings


def _not_none(value: Any) -> bool:
    return value is not None


class CheckInForm(forms.Form):
    """The safety questions again. Questions asked once that were answered no (`carried`) are
    replaced by one "anything changed" question; on a yes they must be answered again, on a no
    their no carries over, so answers() is always the full catalog."""

    pain_now = _int(gettext_lazy("Pain right now (0-10)"), 0, 10, required=True)
    pain_worst_week = _int(gettext_lazy("Worst pain this past week (0-10)"), 0, 10, required=True)

    def __init__(self, *args: Any, carried: tuple[Question, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.carried = carried
        carried_ids = {q.id for q in carried}
        worded = {q.id: q for q in _questions()}
        for q in worded.values():
            if q.id not in carried_ids:
                self.fields[f"q_{q.id}"] = _yes_no(q.question, required=True)
        if carried:
            carried_worded = tuple(worded.get(q.id, q) for q in carried)
            # One question standing for the carried ones, naming each topic in plain words.
            changed = _("Has anything changed since you last told us about: %(topics)s?") % {
                "topics": "; ".join(q.topic or q.question for q in carried_worded)
            }
            self.fields["changed"] = _yes_no(changed, required=True)
            for q in carried_worded:
                # Required only after a yes to "changed" (clean), so a no needs no answer here.
                self.fields[f"q_{q.id}"] = _yes_no(q.question, required=False)

    @property
    def carried_names(self) -> list[str]:
        return [f"q_{q.id}" for q in self.carried]

    def always_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.carried_names]

    def carried_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.carried_names]

    def show_carried(self) -> bool:
        """The carried questions are shown once the person said something changed."""
        return self.is_bound and self.data.get("changed") == "yes"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("changed") == "yes":
            for name in self.carried_names:
                if not cleaned.get(name):
                    self.add_error(name, _("You said something changed: please answer this."))
        return cleaned

    def answers(self) -> dict[str, bool]:
        d = self.cleaned_data
        unchanged = d.get("changed") == "no"
        carried_ids = {q.id for q in self.carried}
        return {
            q.id: False if unchanged and q.id in carried_ids else d[f"q_{q.id}"] == "yes"
            for q in QUESTIONS
        }


def _yes_no(label: str, *, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, required=required
    )


class SignupForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    password = forms.CharField(
        label=gettext_lazy("Password"),
        help_text=gettext_lazy(
            "At least 8 characters and hard to guess: four or more unrelated words work well. "
            "Not this app's name, your username, a common password or one character repeated."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=256,
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password, to confirm"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TimeZoneForm(forms.Form):
    """The person's time zone; the names are checked by services.time_zones (zoneinfo)."""

    time_zone = forms.CharField(
        label=gettext_lazy("Time zone"),  # time_zones.LABEL, in the page's language
        required=False,
        help_text=gettext_lazy("Your days, reminders and logs follow this zone."),
        widget=forms.Select(
            choices=[(z, z.replace("_", " ")) for z in time_zones.time_zone_names()],
            attrs={"data-time-zone": "browser-default", "autocomplete": "off"},
        ),
    )


class LanguageForm(forms.Form):
    """The person's language for the pages; the codes are checked by services.languages."""

    language = forms.CharField(
        label=gettext_lazy("Language"),
        required=False,
        help_text=gettext_lazy("The pages, messages and emails are shown in this language."),
        widget=forms.Select(
            choices=languages.language_names(),
            attrs={"autocomplete": "off", "data-testid": "language"},
        ),
    )


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form (the current password is checked, the settings' validators apply) with our
    labels, and messages that name the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per instance (the stubs declare it so); the class's own dict is left as Django made it.
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "Current password: this is not your current password. "
            "Nothing was changed.",
            "password_mismatch": MISMATCH,
        }
        self.fields["old_password"].label = "Current password"
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "New password again"
        self.fields["new_password2"].help_text = ""


class ResetPasswordForm(SetPasswordForm[User]):
    """The new password set through an admin's reset link (validators apply)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {**self.error_messages, "password_mismatch": MISMATCH}
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "New password again"
        self.fields["new_password2"].help_text = ""


MISMATCH = "New password again: it does not match New password."
