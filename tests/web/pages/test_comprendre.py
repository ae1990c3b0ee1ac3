"""The methodology page: every indicator in plain French, sources, licence, and the data's last update."""

import datetime

import pytest
from django.utils import timezone

from guidance.catalog.models import ImportRun, Population, SchoolIndicators
from guidance.indicators.models import CacheEntry
from tests.factories import make_school
from tests.web.html import parse

pytestmark = pytest.mark.django_db


def test_explains_each_indicator_its_denominator_and_the_small_groups(client):
    tree = parse(client.get("/comprendre/").content)

    headings = [node.attrs.get("id") for node in tree.find_all("h2") + tree.find_all("h3")]
    for anchor in ("qui", "emploi", "formation", "autres-situations", "salaires", "petits-groupes", "millesimes"):
        assert anchor in headings
    text = tree.text
    assert "jeunes inscrits en dernière année" in text  # the denominator
    assert "emploi salarié en France" in text
    assert "20 jeunes" in text
    assert "deux années de sortie" in text and "comptent toutes deux les jeunes sortis en 2022" in text
    assert "Ce n’est donc pas un taux de chômage" in text
    # The cursus rule of the cards and the compare page (tests/web/test_cursus_figures.py) is said to visitors.
    assert "c’est celui du cursus habituel du diplôme" in text and "« voie scolaire, cursus en 2 ans »" in text


def test_names_the_sources_and_the_licence(client):
    text = parse(client.get("/comprendre/").content).text

    for source in ("InserJeunes", "DEPP", "DARES", "InserSup", "SIES", "Licence Ouverte / Etalab 2.0"):
        assert source in text


def test_last_update_comes_from_the_data(client):
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    for millesime in ("2021_2022", "2022_2023"):
        SchoolIndicators.objects.create(
            school=school, millesime=millesime, population=Population.ENSEMBLE, source="depp.csv"
        )
    run = ImportRun.objects.create(name="bcn", fingerprint="x")
    ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.make_aware(datetime.datetime(2026, 11, 2, 9, 30)))

    update = parse(client.get("/comprendre/").content).find("div", id="mise-a-jour").text

    assert "Chiffres les plus récents présents sur le site : jeunes sortis en 2022 et 2023" in update
    assert "mis à jour le 2 novembre 2026" in update


def test_the_newest_leavers_are_those_of_figures_pages_show_not_of_a_promotion_the_source_lacks(client):
    # Issue 23: /comprendre/ said "sortis en 2023 et 2024" while every page showed "2022 et 2023": the newer
    # promotion was only an answer "no data for this promotion" (404), or a regional list, held in the cache.
    now = timezone.now()
    for key, kind, status, millesime in (
        ("a", "regional", 200, "2022_2023"),
        ("b", "regional", 404, "2023_2024"),
        ("c", "regional_list", 200, "2023_2024"),
    ):
        CacheEntry.objects.create(
            key=key, kind=kind, status=status, payload={}, millesime=millesime, fetched_at=now, expires_at=now
        )

    update = parse(client.get("/comprendre/").content).find("div", id="mise-a-jour").text

    assert "jeunes sortis en 2022 et 2023" in update and "2024" not in update.split("présents sur le site")[1][:40]


def test_an_empty_site_says_the_data_is_not_loaded_yet(client):
    update = parse(client.get("/comprendre/").content).find("div", id="mise-a-jour").text

    assert "pas encore été chargées" in update
