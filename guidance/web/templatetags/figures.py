"""Filters for figures, written the French way: `43 %`, `1 234`, `1 450 €` (narrow no-break spaces).

Load with `{% load figures %}`. Every filter returns "—" for None, so a template never prints "None".
"""

from django import template
from django.utils.formats import number_format

register = template.Library()

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space, before % and € and between thousands
DASH = "—"


def _number(value) -> str:
    return number_format(int(round(value)), use_l10n=True, force_grouping=True).replace(NBSP, NNBSP)


@register.filter
def number(value) -> str:
    """1234 → `1 234`."""
    if value is None or value == "":
        return DASH
    return _number(value)


@register.filter
def percent(value) -> str:
    """43 → `43 %`."""
    if value is None or value == "":
        return DASH
    return f"{_number(value)}{NNBSP}%"


@register.filter
def euros(value) -> str:
    """1450 → `1 450 €`."""
    if value is None or value == "":
        return DASH
    return f"{_number(value)}{NNBSP}€"


@register.filter
def months(value) -> str:
    """6 → `6 mois`."""
    return f"{value}{NBSP}mois"


@register.filter
def svg_number(value) -> str:
    """A coordinate for an SVG attribute: a dot as decimal separator whatever the locale, at most 2 decimals."""
    return f"{float(value or 0):.2f}".rstrip("0").rstrip(".")


@register.simple_tag(takes_context=True)
def panel_title(context, panel) -> str:
    """The heading of a figure panel: the `heading` of the include when given, else "<voie> · <place>"."""
    heading = context.get("heading")
    if heading:
        return heading
    return " · ".join(part for part in (panel.voie, panel.scope) if part)


@register.filter
def panels_for(voie, scope: str):
    """A voie's panels for one scope of the formation page ("france" or "region")."""
    if scope not in {"france", "region"}:
        raise ValueError(f"unknown scope {scope!r}")
    return voie.france if scope == "france" else voie.region
