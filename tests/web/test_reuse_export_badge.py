"""The shared serializer (web/reuse/export.py) and the badge layout (web/reuse/badge.py) on hand-built view models."""

import xml.etree.ElementTree as ET

from django.template.loader import render_to_string

from guidance.inserjeunes.codes import Millesime
from guidance.web.figures.models import EmbedEntry, FigurePanel, ScopeKind, SourceLine
from guidance.web.figures.present import chain_of, missing, shares
from guidance.web.figures.wording import ATTRIBUTION, MESSAGES, MissingCause
from guidance.web.reuse.badge import badge
from guidance.web.reuse.export import Block, cell, csv_text, json_document, numbered

SVG = "{http://www.w3.org/2000/svg}"


def _source(label="2022-2023"):
    return SourceLine(label="InserJeunes", millesime_label=label, fetched_at=None, is_stale=False)


def _panel(scope="Bretagne", kind=ScopeKind.REGION, rates=(0, 70, 30), **extra):
    return FigurePanel(
        scope=scope,
        scope_kind=kind,
        voie="Voie scolaire",
        millesime=Millesime("2022_2023"),
        cohort=42,
        shares=shares(zip(("emploi", "formation", "autres"), rates, (0, 29, None), strict=True)),
        source=_source(),
        **extra,
    )


def _hidden(scope="Bretagne", kind=ScopeKind.REGION):
    return FigurePanel(
        scope=scope, scope_kind=kind, voie="Voie scolaire", missing=missing(MissingCause.SMALL_COHORT), source=_source()
    )


def test_a_share_of_zero_is_a_value_and_a_hidden_figure_a_reason():
    assert cell(_panel(), "emploi_6_mois").rate == 0
    assert cell(_panel(), "emploi_6_mois").reason == ""
    hidden = cell(_hidden(), "formation")
    assert hidden.rate is None and hidden.reason == MESSAGES[MissingCause.SMALL_COHORT][0]


def test_numbered_gives_each_speciality_its_own_block():
    parent = FigurePanel(
        scope="France",
        scope_kind=ScopeKind.FRANCE,
        voie="Voie scolaire",
        terminales=(_panel(speciality="Accueil"), _hidden()),
    )
    blocks = numbered([Block(0, "Seconde", "2", parent), Block(0, "Bac", "4", _panel())])

    assert [(b.element, b.panel.speciality) for b in blocks] == [(1, "Accueil"), (2, ""), (3, "")]
    lines = csv_text(blocks).splitlines()
    assert len(lines) == 1 + 3 * 6 and lines[1].split(";")[6] == "Accueil"
    document = json_document(title="t", page_url="u", blocks=blocks)
    assert document["chiffres"][0]["promotion"] == (
        "Chiffres des jeunes sortis en 2022 et 2023 (deux années de sortie additionnées)"
    )
    assert document["chiffres"][1]["absence"]["cause"] == "small_cohort"


def test_badge_escapes_labels_and_says_the_fallback_and_causes_in_words():
    chain = chain_of([_hidden("Lycée <Test> & Co", ScopeKind.SCHOOL), _panel()])
    entries = [EmbedEntry("Voie scolaire", chain=chain), EmbedEntry("Apprentissage", note="Pas de code.")]

    svg = render_to_string("embeds/badge.svg", {"badge": badge("CAP « Cuisine » & <autres>", entries)})

    root = ET.fromstring(svg)  # well-formed despite the <, > and & of the labels
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert root.find(f"{SVG}title").text == "CAP « Cuisine » & <autres>"
    assert "À défaut : la même formation dans la région Bretagne" in texts
    assert MESSAGES[MissingCause.SMALL_COHORT][0] in texts
    assert [t for t in texts if t.endswith("%")] == ["0\u202f%", "70\u202f%", "30\u202f%"]
    assert "Pas de code." in texts and ATTRIBUTION in texts
    assert "Apprentissage : Pas de code." in root.find(f"{SVG}desc").text
