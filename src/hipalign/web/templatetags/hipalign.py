from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    """A vocabulary id as words: "seated_chair" -> "seated chair"."""
    return str(value).replace("_", " ")
