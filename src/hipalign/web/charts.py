"""Charts as inline SVG made on the server: no script, font or file from anywhere else.

Colours meet WCAG AA contrast on white; every chart has a text title and description, and a
table of its numbers for screen readers and for anyone who prefers numbers."""

from collections.abc import Sequence
from datetime import date

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hipalign.core.adherence import sessions_text
from hipalign.core.words import short_day_words
from hipalign.services.followup.adherence import WeekAdherence
from hipalign.services.followup.progress import PainPoint, SideSeries

# Drawn at phone width: the SVG scales, so labels are sized for a ~360 px wide screen.
W, H = 480, 240
PAD_L, PAD_R, PAD_T, PAD_B = 36, 8, 16, 52
INK = "#1f2933"
GRID = "#cbd2d9"
PLANNED = "#9aa5b1"
DONE = "#0b6e4f"  # 6.3:1 on white
PAIN = "#b3261e"  # 6.5:1 on white
LEFT = "#1d4ed8"
RIGHT = "#b45309"


def _day(d: date, *, year: bool = False) -> str:
    """A date under an axis or in a table, with the month names of the page's language."""
    language = (translation.get_language() or "en").split("-")[0]
    return short_day_words(d, language=language, year=year)


def _frame(title: str, desc: str, body: list[str], table: str) -> SafeString:
    svg = (
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )
    return mark_safe(
        f'{svg}<details class="chart-data"><summary>{escape(_("The numbers"))}</summary>'
        f"{table}</details>"
    )


def _y(value: float, top: float) -> float:
    return PAD_T + (H - PAD_T - PAD_B) * (1 - value / top if top else 1)


def _axis(top: float, ticks: Sequence[float]) -> list[str]:
    out = []
    for t in ticks:
        y = _y(t, top)
        out.append(
            f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="16" fill="{INK}">{t:g}</text>'
        )
    return out


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    th = "".join(f"<th scope='col'>{escape(h)}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def adherence(
    weeks: Sequence[WeekAdherence], what: str = "sessions", title: str = ""
) -> SafeString:
    """Done against planned, week by week; `what` is "sessions" or "habits"."""
    title = title or _("Sessions done per week")
    top = max([1, *(w.planned for w in weeks), *(w.done for w in weeks)])
    slot = (W - PAD_L - PAD_R) / max(1, len(weeks))
    body = _axis(top, sorted({0, top, round(top / 2)}))
    for i, w in enumerate(weeks):
        x = PAD_L + i * slot + slot * 0.15
        bw = slot * 0.7
        yp = _y(w.planned, top)
        yd = _y(w.done, top)
        body.append(
            f'<rect x="{x:.1f}" y="{yp:.1f}" width="{bw:.1f}" height="{H - PAD_B - yp:.1f}" fill="none" stroke="{PLANNED}" stroke-width="2" stroke-dasharray="4 3"/>'
            f'<rect x="{x + 3:.1f}" y="{yd:.1f}" width="{bw - 6:.1f}" height="{H - PAD_B - yd:.1f}" fill="{DONE}"/>'
            # Every other week is labelled so the dates stay legible on a phone.
            + (
                f'<text x="{x + bw / 2:.1f}" y="{H - PAD_B + 18}" text-anchor="middle" font-size="16" fill="{INK}">{_day(w.starts_on)}</text>'
                if (len(weeks) - 1 - i) % 2 == 0
                else ""
            )
            + f'<text x="{x + bw / 2:.1f}" y="{yd - 4:.1f}" text-anchor="middle" font-size="16" fill="{INK}">{sessions_text(w.done)}</text>'
        )
    this = weeks[-1] if weeks else None
    if this is None:
        desc = _("No weeks yet.")
    else:
        bars = (
            _("Bars show habits done each week; the dashed outline is the %(planned)s planned.")
            if what == "habits"
            else _(
                "Bars show sessions done each week; the dashed outline is the %(planned)s planned."
            )
        )
        desc = (
            bars % {"planned": this.planned}
            + " "
            + _("This week: %(done)s of %(planned)s.")
            % {"done": sessions_text(this.done), "planned": this.planned}
        )
    table = _table(
        [_("Week of"), _("Done"), _("Planned")],
        [(_day(w.starts_on, year=True), sessions_text(w.done), w.planned) for w in weeks],
    )
    return _frame(title, desc, body, table)


def _polyline(points: Sequence[tuple[float, float]], colour: str, dash: str = "") -> str:
    if not points:
        return ""
    d = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>' for x, y in points
    )
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2.5"{extra}/>{dots}'


def _date_labels(xs: dict[object, float]) -> list[str]:
    """The first and last dates under the x axis (the table below the chart has them all)."""
    if not xs:
        return []
    ordered = sorted(xs.items(), key=lambda kv: kv[1])
    ends = [ordered[0]] if len(ordered) == 1 else [ordered[0], ordered[-1]]
    anchors = ["middle"] if len(ends) == 1 else ["start", "end"]
    return [
        f'<text x="{x:.1f}" y="{H - PAD_B + 18}" text-anchor="{a}" font-size="16" fill="{INK}">{_day(d) if isinstance(d, date) else d}</text>'
        for (d, x), a in zip(ends, anchors, strict=True)
    ]


def _x_positions(dates: Sequence[object]) -> dict[object, float]:
    ordered = sorted(set(dates))  # type: ignore[type-var]
    span = W - PAD_L - PAD_R - 20
    step = span / max(1, len(ordered) - 1)
    return {
        d: PAD_L + 10 + (i * step if len(ordered) > 1 else span / 2) for i, d in enumerate(ordered)
    }


def pain_trend(points: Sequence[PainPoint]) -> SafeString:
    xs = _x_positions([p.on for p in points])
    body = _axis(10, [0, 3, 5, 10])
    # The pain-monitoring model's zones: up to 3 is safe, 4-5 acceptable, above 5 too much.
    body.append(
        f'<text x="{W - PAD_R}" y="{_y(5, 10) - 4:.1f}" text-anchor="end" font-size="14" fill="{INK}">{escape(_("above 5: too much"))}</text>'
    )
    styles = {"during": (PAIN, ""), "next_morning": ("#6b21a8", "5 4"), "check-in": (INK, "2 3")}
    for kind, (colour, dash) in styles.items():
        pts = [(xs[p.on], _y(p.value, 10)) for p in points if p.kind == kind]
        body.append(_polyline(pts, colour, dash))
    body += _date_labels(xs)
    kinds = {
        "during": _("during exercise"),
        "next_morning": _("next morning"),
        "check-in": _("check-in"),
    }
    legend = list(kinds.items())
    for i, (kind, label) in enumerate(legend):
        colour, dash = styles[kind]
        x = 4 + i * 158
        body.append(
            f'<line x1="{x}" x2="{x + 24}" y1="{H - 8}" y2="{H - 8}" stroke="{colour}" stroke-width="2.5"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + f'/><text x="{x + 30}" y="{H - 4}" font-size="15" fill="{INK}">{escape(label)}</text>'
        )
    last = points[-1] if points else None
    desc = (
        _("Pain from 0 to 10 over time. Latest: %(value)s (%(kind)s) on %(day)s.")
        % {
            "value": f"{last.value:g}",
            "kind": kinds.get(last.kind, last.kind),
            "day": _day(last.on),
        }
        if last
        else _("No pain scores yet.")
    )
    table = _table(
        [_("Date"), _("Pain (0-10)"), _("When")],
        [(_day(p.on, year=True), f"{p.value:g}", kinds.get(p.kind, p.kind)) for p in points],
    )
    return _frame(_("Pain trend"), desc, body, table)


def side_series(series: SideSeries) -> SafeString:
    values = [(p.on, p.hold_s if series.kind == "hold" else p.reps) for p in series.points]
    unit = _("s held") if series.kind == "hold" else _("reps")
    top = max([1, *(v for _, v in values)])
    top += max(1, round(top * 0.1))
    xs = _x_positions([d for d, _ in values])
    body = _axis(top, sorted({0, round(top / 2), round(top)}))
    colour = LEFT if series.side == "left" else RIGHT if series.side == "right" else DONE
    body.append(_polyline([(xs[d], _y(v, top)) for d, v in values], colour))
    body += _date_labels(xs)
    lx, lv = xs[values[-1][0]], values[-1][1]
    body.append(
        f'<text x="{lx:.1f}" y="{_y(lv, top) - 8:.1f}" text-anchor="end" font-size="16" font-weight="bold" fill="{colour}">{lv}</text>'
    )
    first, last = values[0][1], values[-1][1]
    side = {"left": _("left side"), "right": _("right side")}.get(series.side or "", "")
    name = f"{series.name}, {side}" if side else series.name
    desc = ngettext(
        "%(name)s: from %(first)s to %(last)s %(unit)s over %(n)s logged day.",
        "%(name)s: from %(first)s to %(last)s %(unit)s over %(n)s logged days.",
        len(values),
    ) % {"name": name, "first": first, "last": last, "unit": unit, "n": len(values)}
    table = _table(
        [_("Date"), unit, _("ladder step")],
        [
            (_day(p.on, year=True), v, p.rung + 1)
            for p, (_, v) in zip(series.points, values, strict=True)
        ],
    )
    return _frame(f"{series.name} {series.side or ''}".strip(), desc, body, table)
