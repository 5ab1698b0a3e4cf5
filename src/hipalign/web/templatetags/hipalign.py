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
