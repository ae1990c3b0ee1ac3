"""Helpers for the formation page tests: a tiny HTML tree (stdlib parser), catalogue rows made with the ORM from the
real open data, and the open-data rows themselves (so that tests compare pages with the files, never with numbers
typed by hand). The browser tests import these too."""

import csv
import functools
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

from guidance.catalog.indexing import formation_search_text, school_search_text
from guidance.catalog.models import Formation, Level, Mef, Offer, School, SchoolKind, Sector, Source, Voie
from guidance.inserjeunes.territories import DEPARTEMENTS

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# --- HTML --------------------------------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)
    start: int = 0  # offsets in the source: after the start tag, before the end tag
    end: int = 0
    outer_start: int = 0  # before the start tag, after the end tag
    outer_end: int = 0

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list["Node"]:
        """Descendants with `tag` (any when None) whose attributes contain `attrs` (`class_` matches one class)."""
        found = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            if all(_attr_matches(node, key, value) for key, value in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs) -> "Node | None":
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


def _attr_matches(node: Node, key: str, value: str) -> bool:
    if key == "class_":
        return value in node.attrs.get("class", "").split()
    return node.attrs.get(key.replace("_", "-")) == value


class _TreeBuilder(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_offsets = [0]
        for line in source.splitlines(keepends=True):
            self.line_offsets.append(self.line_offsets[-1] + len(line))
        self.root = Node("#root", {})
        self.stack = [self.root]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_offsets[line - 1] + column

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        start_tag = self.get_starttag_text() or ""
        node.outer_start = self._offset()
        node.start = node.outer_start + len(start_tag)
        node.end = node.outer_end = node.start  # void elements
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                self.stack[index].end = self._offset()
                self.stack[index].outer_end = self.source.index(">", self.stack[index].end) + 1
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(source: str | bytes) -> Node:
    if isinstance(source, bytes):
        source = source.decode()
    builder = _TreeBuilder(source)
    builder.feed(source)
    builder.close()
    builder.root.source = source
    return builder.root


def inner_html(source: str | bytes, element_id: str) -> str:
    """The source between the start and end tags of the element with `element_id`."""
    if isinstance(source, bytes):
        source = source.decode()
    node = parse(source).find(id=element_id)
    assert node is not None, f"no element #{element_id}"
    return source[node.start : node.end]


def split_oob(source: str | bytes) -> tuple[str, dict[str, str]]:
    """An HTMX answer → (its main part, {id: inner HTML} of its top-level out-of-band elements)."""
    if isinstance(source, bytes):
        source = source.decode()
    oob = [node for node in parse(source).children if isinstance(node, Node) and "hx-swap-oob" in node.attrs]
    main, cursor = [], 0
    for node in oob:
        main.append(source[cursor : node.outer_start])
        cursor = node.outer_end
    main.append(source[cursor:])
    return "".join(main), {node.attrs["id"]: source[node.start : node.end] for node in oob}


# --- Open data ---------------------------------------------------------------------------------------------------


def opendata_path(*parts: str) -> Path:
    return Path(settings.OPENDATA_DIR, *parts)


@functools.cache
def regional_rows() -> tuple[dict[str, str], ...]:
    path = opendata_path("inserjeunes_regional_par_formation", "ij_region_data.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return tuple(csv.DictReader(handle, delimiter=";"))


@functools.cache
def mefs_of(cfd: str) -> tuple[dict[str, str], ...]:
    with opendata_path("bcn", "nMef.csv").open(encoding="utf-8-sig", newline="") as handle:
        return tuple(row for row in csv.DictReader(handle, delimiter=";") if row["FORMATION_DIPLOME"] == cfd)


@dataclass(frozen=True)
class RealFormation:
    """A bac pro of the open data with regional figures in both voies for the latest millésime."""

    cfd: str
    mefstat11: str  # final year (the InserJeunes key of the voie scolaire)
    millesime: str
    rows: dict[tuple[str, str], dict[str, str]]  # (voie, region code) → open-data row of `millesime`


@functools.cache
def real_bac_pro() -> RealFormation:
    """The bac pro whose apprentissage figures cover the most regions in the latest millésime (deterministic)."""
    rows = regional_rows()
    latest = max(row["millesime"] for row in rows)
    apprentissage: dict[str, set[str]] = {}
    for row in rows:
        if row["millesime"] == latest and row["voie"] == "apprentissage" and row["cfd"].startswith("400"):
            apprentissage.setdefault(row["cfd"], set()).add(row["code_region"])
    scolaire_codes = {row["mefstat11"] for row in rows if row["millesime"] == latest and row["voie"] == "scolaire"}
    for cfd in sorted(apprentissage, key=lambda c: (-len(apprentissage[c]), c)):
        finals = sorted(
            m["MEF_STAT_11"]
            for m in mefs_of(cfd)
            if m["MEF_STAT_11"] in scolaire_codes and m["ANNEE_DISPOSITIF"] == m["DUREE_DISPOSITIF"]
        )
        if len(finals) == 1:
            selected = {}
            for row in rows:
                if row["millesime"] != latest:
                    continue
                if (row["voie"] == "apprentissage" and row["cfd"] == cfd) or (
                    row["voie"] == "scolaire" and row["mefstat11"] == finals[0]
                ):
                    selected[(row["voie"], row["code_region"])] = row
            return RealFormation(cfd=cfd, mefstat11=finals[0], millesime=latest, rows=selected)
    raise AssertionError("no bac pro with figures in both voies in the open data")


# --- Catalogue rows ----------------------------------------------------------------------------------------------


def make_formation(
    cfd: str,
    label: str,
    *,
    mefstat11: str | None = None,
    diploma_type: str = "Bac pro",
    level: str = Level.LEVEL_4,
    field_label: str = "Commerce, vente",
    **extra,
) -> Formation:
    formation = Formation.objects.create(
        cfd=cfd,
        label=label,
        slug=label.lower().replace(" ", "-")[:100],
        diploma_code=cfd[:3],
        diploma_type=diploma_type,
        level=level,
        duration_years=extra.pop("duration_years", 3),
        field_code=extra.pop("field_code", "312"),
        field_label=field_label,
        has_figures=True,
        has_figures_scolaire=mefstat11 is not None,
        has_figures_apprentissage=True,
        search_text=formation_search_text(
            label=label, diploma_type=diploma_type, specialty=label, field_label=field_label
        ),
        **extra,
    )
    if mefstat11:
        Mef.objects.create(
            mefstat11=mefstat11, formation=formation, year=3, duration_years=3, is_final_year=True, label=label
        )
    return formation


def make_school(uai: str, name: str, *, departement_code: str = "075", town: str = "Paris") -> School:
    region_code = DEPARTEMENTS[departement_code][2]
    return School.objects.create(
        uai=uai,
        name=name,
        slug=name.lower().replace(" ", "-")[:100],
        kind=SchoolKind.LYCEE_PRO,
        sector=Sector.PUBLIC,
        town=town,
        departement_code=departement_code,
        academie_code=DEPARTEMENTS[departement_code][1],
        region_code=region_code,
        search_text=school_search_text(
            name=name, town=town, postal_code="", departement_code=departement_code, uai=uai, kind_label="lycée"
        ),
    )


def make_offer(school: School, formation: Formation, voie: str = Voie.SCOLAIRE, mefstat11: str = "") -> Offer:
    return Offer.objects.create(
        school=school,
        formation=formation,
        voie=voie,
        mefstat11=mefstat11,
        source=Source.AFFELNET_2022,
        region_code=school.region_code,
        departement_code=school.departement_code,
    )


def test_real_bac_pro_is_found_in_the_open_data():
    real = real_bac_pro()

    assert real.cfd.startswith("400") and len(real.mefstat11) == 11
    assert {voie for voie, _ in real.rows} == {"scolaire", "apprentissage"}


def test_split_oob_separates_out_of_band_elements():
    main, oob = split_oob(
        '<p>un</p>\n<div id="x" hx-swap-oob="innerHTML"><b>deux</b></div><p id="y" hx-swap-oob="true">trois</p>'
    )

    assert main.strip() == "<p>un</p>"
    assert oob == {"x": "<b>deux</b>", "y": "trois"}


def test_inner_html_returns_the_source_of_one_element():
    source = '<div id="a"><p>un <b>deux</b></p><br></div><p id="b">trois</p>'

    assert inner_html(source, "a") == "<p>un <b>deux</b></p><br>"
    assert parse(source).find(id="b").text == "trois"
