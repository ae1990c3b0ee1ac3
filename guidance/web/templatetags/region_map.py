"""`{% region_shapes region_map %}`: the regions of the map of includes/maps/regions.html, one link each, written in
Python. In the template the 18 regions cost a tenth of a formation page's render (a dozen lookups and tests each);
the markup is the same, every value escaped by `format_html`.

Each region is written as:
    <a href="{href}" aria-label="{label}">
        <path d="{d}" fill="{shade or the hatching}" class="region-map__region[ region-map__region--current]" />
    </a>
and each overseas region's inset box first:
    <rect x="…" y="…" width="…" height="…" class="region-map__inset" />
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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
