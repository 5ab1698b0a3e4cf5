"""The PDF handout of a person's current plan, as clinics hand out: who and when, the plan's
summary, the week, then each exercise with its steps, today's dose per side and why it is in the
plan, the safety notes, the review points and the disclaimer.

The fonts are DejaVu Sans, shipped in `fonts/` and embedded (subset) in every file, so the PDF
looks the same everywhere and nothing is fetched (README: no request leaves the machine).
"""

import io
import logging
import re
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from hipalign.core.progression import ACCEPTABLE_MAX, SAFE_MAX
from hipalign.core.vocab import Side
from hipalign.core.words import day_words
from hipalign.services.kernel.languages import language_active, speaking
from hipalign.services.library import demos
from hipalign.services.portability.exports import (
    dose_text,
    export_audit,
    plan_view,
    weekday_name,
)
from hipalign.services.program import habit_words, plan_words
from hipalign.services.program.plan_view import PlanView

FONT = "DejaVu"
FONT_DIR = Path(str(resources.files("hipalign.services.portability") / "fonts"))
INK = (33, 37, 41)
MUTED = (90, 98, 106)
ACCENT = (20, 90, 120)
LINE_H = 5.0  # mm, for 10 pt text
FIGURE_MAX_H = 48.0  # mm: a standing figure stays about a fifth of the page tall
# fpdf2 logs each SVG tag it does not draw (the figure's <title> and arrow <marker>); the
# handout leaves them out on purpose, so those notes are not news in the server's log.
logging.getLogger("fpdf.svg").setLevel(logging.ERROR)


class _Handout(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4", unit="mm")
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(18, 16, 18)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        page = _("page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 4, f"{self.footer_text} · {page}", align="C")

    # -- text helpers ------------------------------------------------------------------------

    def para(self, text: str, *, size: float = 10, bold: bool = False, muted: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*(MUTED if muted else INK))
        self.multi_cell(0, LINE_H * size / 10, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, *, size: float = 13) -> None:
        # Keep a heading with at least a few lines of what follows it.
        if self.will_page_break(30):
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def bullet(self, text: str, *, mark: str = "•", indent: float = 4, size: float = 10) -> None:
        self.set_font(FONT, "", size)
        self.set_text_color(*INK)
        self.set_x(self.l_margin + indent)
        width = 6 if len(mark) < 3 else 8
        self.cell(width, LINE_H, mark)
        self.multi_cell(0, LINE_H, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def figures(self, frames: list[tuple[str, str]]) -> None:
        """Key frames side by side, as vector drawings (fpdf2 draws the SVG's paths; it leaves
        out the text alternative and arrow heads, which paper does not need), each captioned."""
        if not frames:
            return
        gap = 4.0
        width = (self.w - self.l_margin - self.r_margin - gap * 2) / 3
        sizes = []  # (w, h) in mm: each fits a box `width` wide and FIGURE_MAX_H tall
        for _label, svg in frames:
            box = re.search(r'viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"', svg)
            aspect = float(box.group(4)) / float(box.group(3)) if box else 1.0
            w = min(width, FIGURE_MAX_H / aspect)
            sizes.append((w, w * aspect))
        tallest = max(h for _, h in sizes)
        if self.will_page_break(tallest + 10):
            self.add_page()
        top = self.get_y() + 1
        for n, ((label, svg), (w, _h)) in enumerate(zip(frames, sizes, strict=True)):
            x = self.l_margin + n * (width + gap)
            self.image(io.BytesIO(svg.encode("utf-8")), x=x + (width - w) / 2, y=top, w=w)
            self.set_xy(x, top + tallest + 1)
            self.set_font(FONT, "", 8)
            self.set_text_color(*MUTED)
            self.multi_cell(width, 3.6, label, align="C")
        self.set_xy(self.l_margin, top + tallest + 9)
        self.set_text_color(*INK)

    def rule(self) -> None:
        self.set_draw_color(200, 205, 210)
        y = self.get_y() + 1.5
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.ln(3)


def _week(pdf: _Handout, view: PlanView) -> None:
    assert view.doc.plan is not None
    pdf.heading(_("Your week"))
    names = {ex_id: n.exercise.name for ex_id, n in view.items.items()}
    for d in view.doc.plan.days:
        label = weekday_name(d.day).capitalize() + (
            " " + _("(2nd session)") if d.session > 1 else ""
        )
        items = ", ".join(names.get(it.exercise, it.name) for it in d.items)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(48, LINE_H, f"{label}, {d.minutes:.0f} min")
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, LINE_H, items, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _exercises(pdf: _Handout, view: PlanView) -> None:
    pdf.heading(_("Your exercises"))
    pdf.para(
        _("The dose is today's: it follows your logs, one step up or down at a time."), muted=True
    )
    for n, (_ex_id, now) in enumerate(view.items.items(), start=1):
        ex = now.exercise
        if pdf.will_page_break(45):
            pdf.add_page()
        pdf.ln(2)
        pdf.para(f"{n}. {ex.name}", size=12, bold=True)
        pdf.para(ex.summary)
        equipment = ", ".join(plan_words.code_words(e) for e in ex.equipment) or _("none")
        pdf.para(
            _("Position: %(position)s · Equipment: %(equipment)s")
            % {"position": plan_words.code_words(ex.position), "equipment": equipment},
            muted=True,
        )
        pdf.para(_("Dose per side"), bold=True)
        for s in now.sides:
            pdf.bullet(dose_text(ex, s))
        lead = next((s.side for s in now.sides if s.side), None)
        side: Side = "left" if lead == "left" else "right"
        pdf.para(
            _("Drawn for the %(side)s side") % {"side": plan_words.side_adjective(lead)}
            if lead
            else _("Drawn for both sides"),
            muted=True,
            size=8,
        )
        pdf.figures(
            demos.demo_handout_frames(exercise_id=ex.id, side=side, language=language_active())
        )
        pdf.para(_("How to do it"), bold=True)
        for i, step in enumerate(ex.steps, start=1):
            pdf.bullet(step, mark=f"{i}.")
        pdf.para(_("Avoid"), bold=True)
        for m in ex.mistakes:
            pdf.bullet(m)
        pdf.para(_("Why it is in your plan"), bold=True)
        for w in now.item.why:
            pdf.bullet(
                _sourced(
                    plan_words.why_words(w, view.doc.patterns),
                    plan_words.cite_words(w.refs, w.source),
                )
            )
        notes = [plan_words.text_words(n) for n in now.item.notes]
        notes += [
            f"{plan_words.side_title(s.side) + ': ' if s.side else ''}{' '.join(plan_words.text_words(r) for r in s.reasons)}"
            for s in now.sides
            if s.reasons
        ]
        if notes:
            pdf.para(_("Safety notes"), bold=True)
            for note in notes:
                pdf.bullet(note)
        pdf.rule()


def _pain_rules(pdf: _Handout) -> None:
    pdf.heading(_("While you exercise"))
    pdf.bullet(
        _(
            "Pain of 0-%(safe)s out of 10 during an exercise is fine; %(next)s-%(max)s is "
            "acceptable if it settles by the next morning."
        )
        % {"safe": SAFE_MAX, "next": SAFE_MAX + 1, "max": ACCEPTABLE_MAX}
    )
    pdf.bullet(
        _(
            "Pain above %(max)s, sharp pain, or new numbness or tingling: stop that exercise for "
            "today and ask a physical therapist or doctor before going on."
        )
        % {"max": ACCEPTABLE_MAX}
    )
    pdf.bullet(
        _(
            "A warning sign of the weekly check-in (for example, since a fall you cannot stand on "
            "the leg; the hip is hot, red or swollen with a fever; new numbness between the legs "
            "or a change in bladder or bowel function): do not exercise, get medical help now."
        )
    )


def _referral(pdf: _Handout, view: PlanView) -> None:
    ref = view.doc.referral
    if ref.level == "none":
        return
    pdf.heading(_("Good to know") if view.doc.plan else _("Before any exercise"))
    for r in ref.reasons:
        worded = plan_words.referral_words(r)
        pdf.para(worded["text"], bold=True)
        pdf.para(worded["action"])


def _sourced(text: str, source: str) -> str:
    return _("%(text)s (Source: %(source)s)") % {"text": text, "source": source}


def _byline(view: PlanView, name: str, today: date) -> str:
    rec, language = view.rec, language_active()
    values = {
        "name": name,
        "today": day_words(today, language=language),
        "version": rec.version,
        "made": day_words(rec.created_at, language=language),
        "start": day_words(rec.starts_on, language=language),
    }
    if rec.author_role == "clinician":
        return (
            _(
                "For: %(name)s · Date: %(today)s · Plan version %(version)s, made on %(made)s by "
                "your clinician, starting %(start)s"
            )
            % values
        )
    return (
        _(
            "For: %(name)s · Date: %(today)s · Plan version %(version)s, made on %(made)s by you, "
            "starting %(start)s"
        )
        % values
    )


def _plan_parts(pdf: _Handout, view: PlanView) -> None:
    """What the plan is for, the week, the exercises, the pain rules, habits, reviews and what
    was left out, each in the active language."""
    body = view.doc.plan
    assert body is not None
    pdf.heading(_("What this plan is for"))
    pdf.para(
        plan_words.summary_words(body.summary)
        + " "
        + _("The plan runs for %(weeks)s weeks.") % {"weeks": body.weeks}
    )
    for p in view.doc.patterns:
        pdf.bullet(_sourced(plan_words.pattern_words(p), plan_words.cite_words(p.refs, p.source)))
    if view.rec.note:
        pdf.para(_("Note from your clinician: %(note)s") % {"note": view.rec.note})
    _week(pdf, view)
    _exercises(pdf, view)
    _pain_rules(pdf)
    if body.lifestyle:
        pdf.heading(_("Daily habits"))
        for it in body.lifestyle:
            pdf.bullet(f"{habit_words.habit_title(it)}: {habit_words.habit_reason(it)}")
    pdf.heading(_("Review points"))
    for r in body.reviews:
        weeks = f"{r.week}-{r.until_week}" if r.until_week else f"{r.week}"
        pdf.bullet(
            _("Week %(weeks)s: %(what)s") % {"weeks": weeks, "what": plan_words.text_words(r.what)}
        )
    if body.left_out:
        pdf.heading(_("Left out, and why"))
        for lo in body.left_out:
            pdf.bullet(plan_words.left_out_line(lo))


def handout_build(view: PlanView, name: str, today: date) -> bytes:
    """The handout's bytes; pure over its inputs, so the same plan and day give the same text.
    The words are in the active language (handout_render makes it the person's)."""
    language = language_active()
    pdf = _Handout(
        _("hipalign plan handout for %(name)s, %(day)s")
        % {"name": name, "day": day_words(today, language=language)}
    )
    pdf.set_title(_("Exercise plan handout"))
    pdf.set_author("hipalign")
    pdf.set_creator("hipalign")
    pdf.set_lang(language)
    # A fixed creation date keeps the file the same for the same plan and day.
    pdf.set_creation_date(_midnight(today))
    pdf.add_page()
    pdf.para(_("Your hip exercise plan"), size=18, bold=True)
    pdf.para(_byline(view, name, today), muted=True)
    pdf.ln(2)
    pdf.para(plan_words.text_words(view.doc.disclaimer), size=9, muted=True)
    _referral(pdf, view)
    if view.doc.plan is None:
        pdf.heading(_("No exercise plan"))
        pdf.para(
            _(
                "No exercise plan is given while the answers above need a professional's "
                "assessment first. When a clinician has seen you and cleared you, update your "
                "answers."
            )
        )
    else:
        _plan_parts(pdf, view)
    pdf.heading(_("Please note"))
    pdf.para(
        _(
            "This handout is decision support, not a diagnosis. It describes functional patterns "
            "and exercises; it does not say what is wrong with your hip. A physical therapist or "
            "doctor can assess you, and their advice comes first."
        )
    )
    return bytes(pdf.output())


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def handout_render(patient: User, actor: User, today: date) -> bytes:
    """The handout of the person's current plan as PDF bytes; audited as `export.handout`."""
    view = plan_view(patient)
    with speaking(patient):  # the person's words, whoever prints it
        data = handout_build(view, patient.get_username(), today)
    export_audit(actor, patient, "export.handout", str(view.rec.id))
    return data
