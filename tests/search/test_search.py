"""Relevance and filters of the catalogue search, on the real-data sample. Runs the same on SQLite and PostgreSQL."""

import pytest
from django.core.paginator import Paginator

from guidance.catalog.models import Formation, Offer, School, SchoolKind, Sector, Voie
from guidance.search.engine import (
    field_choices,
    kind_choices,
    level_choices,
    region_choices,
    search_formations,
    search_schools,
    sector_choices,
)

pytestmark = pytest.mark.django_db


def labels(results, n=3):
    return [formation.label for formation in results[:n]]


def test_cuisine_puts_cap_cuisine_in_the_first_three(imported):
    assert "CAP Cuisine" in labels(search_formations("cuisine"))


def test_one_typo_is_tolerated(imported):
    assert "CAP Cuisine" in labels(search_formations("cusine"))
    exact = {f.pk for f in search_formations("cuisine")}
    assert exact <= {f.pk for f in search_formations("cusine")}
    assert len(search_formations("cuisinr")) > 0  # a substitution, at the end of the word


def test_accents_and_plurals_are_ignored(imported):
    assert labels(search_formations("pâtissiers"), 20) == labels(search_formations("patissier"), 20)
    assert labels(search_formations("boulangers"), 20) == labels(search_formations("boulanger"), 20)


def test_boulanger_finds_the_boulanger_diplomas_first(imported):
    top = labels(search_formations("boulanger"))
    assert "CAP Boulanger" in top
    assert all("oulanger" in label for label in top)


def test_prefix_matches(imported):
    assert "CAP Boulanger" in labels(search_formations("boulan"))


def test_bac_pro_commerce_gives_bac_pro_of_commerce(imported):
    top = search_formations("bac pro commerce")[:2]  # the closed "Bac pro Commerce" is folded into its successor
    assert top
    assert all(f.diploma_type == "Bac pro" and "commerc" in f.label.lower() for f in top)


def test_mecanique_auto_gives_vehicle_maintenance(imported):
    top = search_formations("mecanique auto")[:3]
    assert all(f.field_code == "252" for f in top)
    assert any("véhicules" in f.label for f in top)
    assert all(f.has_figures or f.offer_count for f in top), "dead generic codes must not come first"


def test_bts_sio_understands_the_acronym(imported):
    top = search_formations("bts sio")[:3]
    assert top
    assert all(f.diploma_type == "BTS" and "Services informatiques aux organisations" in f.label for f in top)


def test_acronym_alone_filters_by_diploma_type(imported):
    results = search_formations("mc", include_closed=True)
    shown = {f.pk for f in results} | {pk for others in results.others.values() for pk in others}
    assert shown == set(Formation.objects.filter(diploma_type="MC").values_list("pk", flat=True)) != set()
    assert {f.diploma_type for f in results} == {"MC"}


def test_a_diploma_type_typed_alone_outranks_specialties_with_those_initials(imported):
    for typed, diploma_type in (("mc", "MC"), ("bp", "BP"), ("cap", "CAP")):
        present = Formation.objects.filter(diploma_type=diploma_type, has_figures=True).count()
        top = list(search_formations(typed)[: min(3, present)])
        assert present and top, typed
        assert {formation.diploma_type for formation in top} == {diploma_type}, (typed, [f.label for f in top])


def test_a_job_word_finds_the_diplomas_named_after_its_field(imported):
    # Families type the job they picture; the BCN names the diploma by its field ("cuisinier" → CAP Cuisine).
    assert "CAP Cuisine" in labels(search_formations("cuisinier"))
    assert {f.pk for f in search_formations("cuisine")} <= {f.pk for f in search_formations("cuisinier")}
    # The job word itself still counts: every diploma named with it stays among the results.
    named = set(Formation.objects.filter(label__icontains="cuisinier").values_list("pk", flat=True))
    found = search_formations("cuisinier", include_closed=True)
    assert named and named <= {f.pk for f in found} | {pk for others in found.others.values() for pk in others}


def test_every_word_must_match(imported):
    assert len(search_formations("cuisine mecanique")) == 0


def test_order_is_stable(imported):
    first = [f.pk for f in search_formations("bac pro")]
    assert first == [f.pk for f in search_formations("bac pro")]
    assert first and {f.diploma_type for f in search_formations("bac pro")} == {"Bac pro"}


def test_filters_level_field_voie_and_region(imported):
    level_3 = search_formations("cuisine", niveau="3")
    assert level_3 and {f.level for f in level_3} == {"3"}
    in_field = search_formations("", domaine="252", include_closed=True)
    folded = sum(len(others) for others in in_field.others.values())
    assert len(in_field) + folded == Formation.objects.filter(field_code="252").count()
    apprentissage = search_formations("", voie=Voie.APPRENTISSAGE)
    assert apprentissage and all(
        f.has_figures_apprentissage or f.offers.filter(voie=Voie.APPRENTISSAGE).exists() for f in apprentissage
    )
    in_region = search_formations("", region="76", include_closed=True)
    offered = set(Offer.objects.filter(region_code="76").values_list("formation_id", flat=True))
    assert {f.pk for f in in_region} | {pk for o in in_region.others.values() for pk in o} == offered
    assert len(search_formations("", region="11")) == 0  # the sample's Paris lycées have no offer rows
    assert len(search_formations("cuisine", voie="bateau")) == 0


def test_blank_query_lists_formations_with_figures_first(imported):
    results = search_formations("", include_closed=True)
    assert len(results) + sum(len(o) for o in results.others.values()) == Formation.objects.count()
    # A diploma whose former version has figures (CAP Cuisine 50022146) is placed as that version.
    with_figures = set(Formation.objects.filter(has_figures=True).values_list("pk", flat=True))
    flags = [bool({f.pk, *results.others.get(f.pk, ())} & with_figures) for f in results]
    assert flags == sorted(flags, reverse=True)


def test_results_slice_page_and_paginate(imported):
    results = search_formations("bac pro")
    assert results.count == len(results) > 10
    page = results.page(2, per_page=5)
    assert [f.pk for f in page.object_list] == [f.pk for f in results[5:10]]
    paginator = Paginator(results, 4)
    assert paginator.count == len(results)
    assert isinstance(results[0], Formation)
    assert results.page("n'importe quoi", 5).number == 1


def test_school_by_a_word_of_its_name(imported):
    school = School.objects.get(uai="0311341P")
    found = search_schools("btp muret")
    assert found[0] == school


def test_school_by_town_postal_code_and_departement(imported):
    toulouse = search_schools("toulouse")
    assert toulouse and all("toulouse" in (s.town + s.name).lower() for s in toulouse[:5])
    assert any(s.town == "Toulouse" for s in toulouse[:3])
    school = School.objects.exclude(postal_code="").filter(region_code="76").first()
    assert school in list(search_schools(school.postal_code))
    haute_garonne = search_schools("haute-garonne")
    assert len(haute_garonne) == School.objects.filter(departement_code="031").count()
    assert len(search_schools("31")) == len(haute_garonne)


def test_school_by_uai_in_any_case(imported):
    assert search_schools("0750419y")[0].uai == "0750419Y"
    assert len(search_schools("0750419Y")) == 1


def test_school_filters(imported):
    cfas = search_schools("toulouse", kind=SchoolKind.CFA)
    assert cfas and {s.kind for s in cfas} == {SchoolKind.CFA}
    private = search_schools("", sector=Sector.PRIVE)
    assert len(private) == School.objects.filter(sector=Sector.PRIVE).exclude(name="").count()
    paris = search_schools("lycée", region="11")
    assert paris and {s.region_code for s in paris} == {"11"}


def test_filter_choices_list_what_the_catalogue_holds(imported):
    assert ("3", "Niveau 3 (CAP, BEP, MC niveau 3)") in level_choices()
    groups = {code[:2] for code in Formation.objects.exclude(field_code="").values_list("field_code", flat=True)}
    assert {code for code, _ in field_choices()} == groups
    assert (SchoolKind.CFA.value, SchoolKind.CFA.label) in kind_choices()
    assert {value for value, _ in sector_choices()} <= set(Sector.values)
    assert ("76", "Occitanie") in region_choices() and ("11", "Île-de-France") in region_choices()


def test_search_follows_rows_saved_one_by_one(imported):
    formation = Formation.objects.get(cfd="50022139")
    formation.search_text = formation.search_text.replace("cuisine", "gastronomie")
    formation.save()
    assert formation in list(search_formations("gastronomie"))


def test_sqlite_index_is_repaired_after_a_table_rebuild(imported, is_postgres):
    if is_postgres:
        pytest.skip("SQLite FTS5 only")
    from django.db import connection

    from guidance.search.backends import ensure_sqlite_index

    # What a SQLite ALTER TABLE (new table, copy, drop, rename) does to the sync triggers.
    with connection.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER catalog_formation_fts_{suffix}")
    assert ensure_sqlite_index() == ["formation"]
    formation = Formation.objects.get(cfd="50022139")
    formation.search_text += " gastronomie"
    formation.save()
    assert formation in list(search_formations("gastronomie"))
    assert ensure_sqlite_index() == []
