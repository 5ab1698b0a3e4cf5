from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    """A vocabulary id as words: "seated_chair" -> "seated chair"."""
    return str(value).replace("_", " ")


METRIC_LABELS = {
    "hip_tilt_deg": "Hip line (°, + = left side higher)",
    "shoulder_tilt_deg": "Shoulder line (°, + = left side higher)",
    "trunk_lean_deg": "Trunk lean (°)",
    "lateral_shift_pct": "Sideways shift (% of trunk length)",
}


@register.filter
def metric_label(key: str) -> str:
    return METRIC_LABELS.get(key, key.replace("_", " "))


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
