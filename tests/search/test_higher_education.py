"""Higher-education diplomas found by a student's words, ranked with the other diplomas by level when the words say
it (issue 25): relevance tests on the imported sample (real BCN rows of `bcn_sise/`)."""

import pytest

from guidance.catalog.models import CodeType, Formation
from guidance.catalog.sise_labels import ENGINEERING, MANAGEMENT
from guidance.search.engine import level_choices, search_formations
from guidance.search.levels import level_intent

pytestmark = pytest.mark.django_db


def codes(query: str, **filters) -> list[str]:
    results = search_formations(query, use_place=True, **filters)
    found = [formation.cfd for formation in results]
    assert found, f"{query!r} finds nothing"
    return found


def formations(query: str, count: int) -> list[Formation]:
    found = list(search_formations(query, use_place=True)[:count])
    assert len(found) == count, query
    return found


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("licence informatique", "2300030"),  # Licence Informatique
        ("master informatique", "2500164"),  # Master Informatique
        ("master droit", "2500043"),  # Master Droit
        ("licence droit", "2300002"),  # Licence Droit
        ("licence pro métiers du numérique", "2400152"),  # Licence pro Métiers du numérique : conception…
        ("licence professionnelle e-commerce", "2400039"),  # Licence pro E-commerce et marketing numérique
        ("BUT informatique", "2400235"),  # BUT Informatique
        ("licence informatque", "2300030"),  # a typo
        ("Licence Générale Informatique", "2300030"),
    ],
)
def test_a_students_words_find_the_diploma_first(imported, query, first):
    assert codes(query)[0] == first


def test_an_engineering_school_in_agronomy(imported):
    top = formations("école d'ingénieur agronomie", 5)
    assert all(f.diploma_type == ENGINEERING and "agronom" in f.label.lower() for f in top)


def test_an_engineering_diploma_in_computing_and_a_business_school(imported):
    assert all(f.diploma_type == ENGINEERING for f in formations("ingénieur informatique", 5))
    assert all(f.diploma_type == MANAGEMENT for f in formations("école de commerce", 5))


@pytest.mark.parametrize(("query", "level"), [("bac+3 informatique", "6"), ("informatique bac +5", "7")])
def test_a_level_in_the_words_ranks_that_levels_diplomas_first(imported, query, level):
    found = list(search_formations(query, use_place=True))
    levels = [formation.level for formation in found]
    assert level in levels and set(levels) != {level}  # other levels are found, after
    first_other = next(index for index, value in enumerate(levels) if value != level)
    assert all(value != level for value in levels[first_other:])  # …and never before one of the level asked
    if level == "6":
        assert {"2300030", "2400235"} <= {f.cfd for f in found[:3]}  # the licence and the BUT
    else:  # the engineering degrees and the master of the same speciality
        assert all("informatique" in f.label.lower() for f in found[:10])
        assert "2500164" in [f.cfd for f in found if f.level == level]


def test_a_diploma_type_ranks_its_level_first_among_cfd_and_sise_diplomas(imported):
    found = list(search_formations("informatique", use_place=True))
    sources = {formation.code_type for formation in found}
    assert sources == {CodeType.CFD, CodeType.SISE}  # BTS and licences found together
    master = [f.level for f in search_formations("master informatique")]
    assert master and set(master) == {"7"}


def test_words_without_a_level_keep_pupils_diplomas_first(imported):
    top = formations("mecanique auto", 3)
    assert all(f.code_type == CodeType.CFD for f in top)  # not a mechanical engineering school's degree
    assert any(f.code_type == CodeType.SISE for f in search_formations("mecanique auto"))  # …which comes after
    assert formations("ingénieur mécanique", 1)[0].code_type == CodeType.SISE


def test_only_a_level_lists_every_diploma_of_that_level(imported):
    found = search_formations("bac+3", use_place=True)
    assert found.count == Formation.objects.filter(level="6").count() > 0
    assert {formation.level for formation in found[:50]} == {"6"}


def test_the_level_filter_includes_higher_education(imported):
    assert "2300030" in codes("informatique", niveau="6")
    assert "2500164" not in codes("informatique", niveau="6")
    assert "2500164" in codes("informatique", niveau="7")
    assert {"6", "7"} <= {value for value, _label in level_choices()}


def test_level_words_are_read_in_every_spelling():
    assert level_intent("bac+3 informatique").levels == {"6"}
    assert level_intent("Bac + 5 droit").words == "droit"
    assert level_intent("bac 2").levels == {"5"}
    assert level_intent("baccalauréat").levels == frozenset()  # no number: no level


def test_the_replaced_nomenclature_is_not_searched(imported):
    assert not [code for code in codes("informatique") if code[:2] in {"21", "22"} and len(code) == 7]
