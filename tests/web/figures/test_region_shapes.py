"""`{% region_shapes %}` and `{% region_rows %}` write the regions of the map and of its table as the template loops
they replaced did (whitespace aside)."""

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

ROWS = """{% for row in region_map.rows %}
    <tr data-region="{{ row.code }}"{% if row.is_current %} class="region-map__row--current"{% endif %}>
        <th scope="row">
            <a href="{{ row.href }}">{{ row.name }}</a>
        </th>
        <td>
            {% if row.value is not None %}
                {{ row.value }} %{% if row.carried %} (chiffres de l’ancienne version du diplôme){% endif %}
            {% else %}
                <span class="region-map__reason">{{ row.reason|capfirst }}</span>
            {% endif %}
        </td>
        <td>
            {% if row.cohort is not None %}{{ row.cohort }}{% endif %}
        </td>
    </tr>
{% endfor %}"""

ENGINE = Engine(
    libraries={
        "figures": "guidance.web.templatetags.figures",
        "region_map": "guidance.web.templatetags.region_map",
    }
)


def _shape(
    code: str, name: str, value: int | None, shade: str, current: bool = False, cohort: int = 40, carried: bool = False
) -> RegionShape:
    return RegionShape(
        code=code,
        name=name,
        d="M0 0l10 0 0 10.5z",
        value=value,
        cohort=cohort if value is not None else None,
        reason="" if value is not None else "pas de chiffre publié dans cette région",
        shade=shade,
        href=f"/formations/40025214/?a=1&region={code}#devenir",
        is_current=current,
        carried=carried,
    )


def _region_map() -> RegionMap:
    return RegionMap(
        voie_label="Voie scolaire",
        millesime_label="",
        regions=(
            _shape("76", "Occitanie", 61, "#8585f6", current=True, cohort=12345),
            _shape("11", "Île-de-France", 7, "#e3e3fd", carried=True),
            _shape("84", "Auvergne-Rhône-Alpes <&>", None, ""),
        ),
        insets=(Inset(_shape("04", "La Réunion", 38, "#e3e3fd"), (1.0, 2.505, 30.0, 40.123)),),
        legend=(),
        viewbox="0 0 100 100",
        unavailable=False,
    )


def _same(template: str, tag: str) -> str:
    context = {"region_map": _region_map()}
    expected = ENGINE.from_string(template).render(Context(context))
    written = ENGINE.from_string("{% load region_map %}" + tag).render(Context(context))
    assert re.sub(r"\s+", " ", written).strip() == re.sub(r"\s+", " ", expected).strip()
    return written


def test_the_shapes_are_what_the_loop_wrote():
    tag = _same(LOOP, "{% region_shapes region_map %}")
    assert "region-map__region--current" in tag and "&amp;region=76" in tag and "&lt;&amp;&gt;" in tag


def test_the_rows_are_what_the_loop_wrote():
    tag = _same(ROWS, "{% region_rows region_map %}")
    assert "region-map__row--current" in tag and "ancienne version" in tag and "Pas de chiffre" in tag
    assert tag.index("Auvergne") < tag.index("Île-de-France") < tag.index("Occitanie")  # by name
