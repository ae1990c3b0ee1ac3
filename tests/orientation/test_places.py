"""Places a visitor types, on the real communes of the sample (Haute-Garonne, Aveyron, Paris and homonyms)."""

import json

import pytest

from guidance.catalog.models import Offer, School
from guidance.orientation.places import parse_place, place_key, place_rank, split_place
from guidance.search.engine import search_formations, search_schools
from tests.factories import FIXTURE_DIR

pytestmark = pytest.mark.django_db


def communes() -> list[dict]:
    return json.loads((FIXTURE_DIR / "communes" / "communes.json").read_text(encoding="utf-8"))


def test_a_postal_code_shared_by_several_communes_gives_all_of_them(imported):
    expected = sorted(
        c["nom"] for c in communes() if "12100" in c.get("codesPostaux", []) and c["type"] == "commune-actuelle"
    )
    place = parse_place("12100")
    assert place.kind == "postal_code"
    assert [commune.name for commune in place.communes] == expected
    assert "Millau" in expected and len(expected) == 5
    assert {commune.departement_code for commune in place.communes} == {"012"}
    assert (place.departement_name, place.region_name) == ("Aveyron", "Occitanie")
    assert place.label == "12100 Comprégnac, Creissels, La Roque-Sainte-Marguerite… (Aveyron, Occitanie)"


def test_town_names_with_or_without_accents_hyphens_and_saint(imported):
    millau = parse_place("Millau")
    assert millau.kind == "commune" and millau.label == "Millau (Aveyron, Occitanie)"
    assert parse_place("MILLAU").communes == parse_place("millau").communes == millau.communes
    assert parse_place("MILLAU").typed == "MILLAU"  # what was typed, to repeat it to the visitor
    assert parse_place("compregnac").communes[0].name == "Comprégnac"
    for typed in ("st georges de luzencon", "Saint-Georges-de-Luzençon", "saint georges de luzençon"):
        assert parse_place(typed).communes[0].name == "Saint-Georges-de-Luzençon", typed
    assert place_key("St-Gaudens") == place_key("Saint Gaudens") == "saint gaudens"


def test_homonymous_communes_give_the_most_populous_and_say_so(imported):
    same = [c for c in communes() if c["nom"] == "Saint-Michel" and c["type"] == "commune-actuelle"]
    biggest = max(same, key=lambda c: c["population"])
    place = parse_place("saint michel")
    assert place.communes[0].insee_code == biggest["code"]
    assert place.homonyms == len(same) - 1 == 8
    assert "la plus peuplée" in place.homonyms_sentence


def test_what_is_not_a_place(imported):
    assert parse_place("cuisine") is None
    assert parse_place("99999") is None
    assert parse_place("") is None


def test_a_query_splits_into_words_and_place(imported):
    split = split_place("cuisine millau")
    assert split.words == "cuisine" and split.place.communes[0].name == "Millau"
    assert split_place("millau cuisine").words == "cuisine"
    assert split_place("cap cuisine 31000").place.postal_code == "31000"
    # A run the caller says is not a place is left as words.
    assert split_place("cuisine millau", rest_finds=lambda text: False).place is None


def test_cuisine_millau_searches_cuisine_in_occitanie(imported):
    results = search_formations("cuisine millau", use_place=True)
    assert results.place.communes[0].name == "Millau"
    assert results.place_region == "76" and results.words == "cuisine"
    assert results.place.region_sentence == (
        "Recherche limitée à la région Occitanie (lieu compris : Millau (Aveyron, Occitanie))."
    )
    assert results.ids == search_formations("cuisine", region="76").ids
    assert results.ids and all(Offer.objects.filter(formation=f, region_code="76").exists() for f in results)
    # Without the option, the place words are words (and find nothing).
    assert len(search_formations("cuisine millau")) == 0


def test_a_query_that_finds_formations_as_typed_has_no_place(imported):
    results = search_formations("bac pro commerce", use_place=True)
    assert results.place is None and results.words == "bac pro commerce"
    assert results.ids == search_formations("bac pro commerce").ids


def test_a_postal_code_lists_the_schools_of_that_place_first_then_the_departement(imported):
    results = search_schools("31000", use_place=True)
    schools = list(results)
    assert results.place.postal_code == "31000"
    assert len(schools) == School.objects.filter(departement_code="031").count()
    ranks = [place_rank(results.place, s.postal_code, s.town, s.departement_code) for s in schools]
    assert ranks == sorted(ranks) and ranks[0] == 0
    assert {s.postal_code for s in schools[: ranks.count(0)]} == {"31000"}
    # Schools without a known commune are placed by their département, after the commune's.
    unplaced = [s for s in schools if not s.postal_code and not s.town]
    assert all(place_rank(results.place, "", "", s.departement_code) == 2 for s in unplaced)


def test_a_school_query_matching_as_typed_keeps_its_schools_those_of_the_commune_first(imported):
    placed = search_schools("toulouse", use_place=True)
    assert sorted(placed.ids) == sorted(search_schools("toulouse").ids)
    assert placed.place is None  # not narrowed to the département: a town's name is also in school names
    inside = [s.town.lower().startswith("toulouse") for s in placed]
    assert inside == sorted(inside, reverse=True) and inside[0]


def test_schools_near_a_commune_by_name(imported):
    from guidance.search.engine import schools_near

    place = parse_place("toulouse")
    ids = schools_near(place)
    schools = School.objects.in_bulk(ids)
    ranks = [place_rank(place, schools[pk].postal_code, schools[pk].town, schools[pk].departement_code) for pk in ids]
    assert ranks == sorted(ranks) and ranks[0] == 0
    assert len(ids) == School.objects.filter(departement_code="031").count()
