"""`{% region_shapes %}` writes the regions of the map as the template loop it replaced did (whitespace aside)."""

import re

from django.template import Context, Engine

from guidance.web.figures.maps import Inset, RegionMap, RegionShape

# The loop of includes/maps/regions.html before the tag (issue 24), kept here as the reference.
LOOP = """{% load figures %}
{% for region in region_map.regions %}
    <a href="{{ region.href }}" aria-label="{{ region.label }}">
        <path d="{{ region.d }}" fill="{% if region.shade %}{{ region.shade }}{% else %}url(#carte-regions-hachures){% endif %}" class="region-map__region{% if region.is_current %} region-map__region--current{% endif %}" />
    </a>
{% endfor %}
{% for inset in region_map.insets %}
    <rect x="{{ inset.box.0|svg_number }}" y="{{ inset.box.1|svg_number }}" width="{{ inset.box.2|svg_number }}" height="{{ inset.box.3|svg_number }}" class="region-map__inset" />
    <a href="{{ inset.shape.href }}" aria-label="{{ inset.shape.label }}">
        <path d="{{ inset.shape.d }}" fill="{% if inset.shape.shade %}{{ inset.shape.shade }}{% else %}url(#carte-regions-hachures){% endif %}" class="region-map__region{% if inset.shape.is_current %} region-map__region--current{% endif %}" />
    </a>
{% endfor %}"""  # noqa: E501

ENGINE = Engine(
    libraries={
        "figures": "guidance.web.templatetags.figures",
        "region_map": "guidance.web.templatetags.region_map",
    }
)


def _shape(code: str, name: str, value: int | None, shade: str, current: bool = False) -> RegionShape:
    return RegionShape(
        code=code,
        name=name,
        d="M0 0l10 0 0 10.5z",
        value=value,
        cohort=40 if value is not None else None,
        reason="" if value is not None else "pas de chiffre publié dans cette région",
        shade=shade,
        href=f"/formations/40025214/?a=1&region={code}#devenir",
        is_current=current,
        carried=False,
    )


def test_the_tag_writes_what_the_loop_wrote():
    region_map = RegionMap(
        voie_label="Voie scolaire",
        millesime_label="",
        regions=(
            _shape("76", "Occitanie", 61, "#8585f6", current=True),
            _shape("84", "Auvergne-Rhône-Alpes <&>", None, ""),
        ),
        insets=(Inset(_shape("04", "La Réunion", 38, "#e3e3fd"), (1.0, 2.505, 30.0, 40.123)),),
        legend=(),
        viewbox="0 0 100 100",
        unavailable=False,
    )
    context = {"region_map": region_map}
    loop = ENGINE.from_string(LOOP).render(Context(context))
    tag = ENGINE.from_string("{% load region_map %}{% region_shapes region_map %}").render(Context(context))
    assert re.sub(r"\s+", " ", tag).strip() == re.sub(r"\s+", " ", loop).strip()
    assert "region-map__region--current" in tag and "&amp;region=76" in tag and "&lt;&amp;&gt;" in tag
