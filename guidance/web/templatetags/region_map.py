"""The regions of the map of includes/maps/regions.html, written in Python: in the template, the 18 regions of the map
and the 18 rows of its table cost a sixth of a formation page's render (a dozen lookups and tests each). The markup
is the same, every value escaped by `format_html` and localised as the template did (`localize`).

`{% region_shapes region_map %}`, the links of the map:

Each region is written as:
    <a href="{href}" aria-label="{label}">
        <path d="{d}" fill="{shade or the hatching}" class="region-map__region[ region-map__region--current]" />
    </a>
and each overseas region's inset box first:
    <rect x="…" y="…" width="…" height="…" class="region-map__inset" />

`{% region_rows region_map %}`, the rows of its table (includes/maps/regions_table.html), by region name:
    <tr data-region="{code}"[ class="region-map__row--current"]>
        <th scope="row"><a href="{href}">{name}</a></th>
        <td>{value} %[ (chiffres de l’ancienne version du diplôme)]
            or <span class="region-map__reason">{Reason}</span></td>
        <td>{cohort or nothing}</td>
    </tr>
"""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from guidance.web.figures.maps import RegionMap, RegionShape
from guidance.web.templatetags.figures import svg_number

register = template.Library()

HATCHING = "url(#carte-regions-hachures)"  # the <pattern> of includes/maps/regions.html


def _shape(shape: RegionShape) -> SafeString:
    current = " region-map__region--current" if shape.is_current else ""
    return format_html(
        '\n<a href="{}" aria-label="{}">\n    <path d="{}" fill="{}" class="region-map__region{}" />\n</a>',
        shape.href,
        shape.label,
        shape.d,
        shape.shade or HATCHING,
        current,
    )


def _inset_box(box: tuple[float, float, float, float]) -> SafeString:
    x, y, width, height = (svg_number(value) for value in box)
    return format_html('\n<rect x="{}" y="{}" width="{}" height="{}" class="region-map__inset" />', x, y, width, height)


@register.simple_tag
def region_shapes(region_map: RegionMap) -> SafeString:
    parts = [_shape(shape) for shape in region_map.regions]
    for inset in region_map.insets:
        parts += [_inset_box(inset.box), _shape(inset.shape)]
    return mark_safe("".join(parts))  # noqa: S308 (every part is format_html's)


def _row(row: RegionShape) -> SafeString:
    if row.value is not None:
        carried = " (chiffres de l’ancienne version du diplôme)" if row.carried else ""
        figure = format_html("{} %{}", localize(row.value), carried)
    else:
        figure = format_html('<span class="region-map__reason">{}</span>', capfirst(row.reason))
    return format_html(
        '\n<tr data-region="{}"{}>\n    <th scope="row">\n        <a href="{}">{}</a>\n    </th>\n'
        "    <td>\n        {}\n    </td>\n    <td>\n        {}\n    </td>\n</tr>",
        row.code,
        mark_safe(' class="region-map__row--current"') if row.is_current else "",  # noqa: S308 (a constant)
        row.href,
        row.name,
        figure,
        localize(row.cohort) if row.cohort is not None else "",
    )


@register.simple_tag
def region_rows(region_map: RegionMap) -> SafeString:
    return mark_safe("".join(_row(row) for row in region_map.rows))  # noqa: S308 (every part is format_html's)
