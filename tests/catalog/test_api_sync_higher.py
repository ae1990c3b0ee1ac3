"""`sync_catalog_from_api` adds and refreshes the higher-education diplomas and their schools from the list routes
(issue 25): here the list routes of the replica fed the tests' own InserSup file (TEST DATA)."""

from io import StringIO

import pytest
from django.core.management import call_command

from guidance.catalog.models import CodeType, Formation, HigherEducationOffer, School, SchoolKind
from guidance.indicators import upstream
from tests.insersup import UNIVERSITY, UNIVERSITY_NAME, install_replica, opendata_with_insersup

pytestmark = pytest.mark.django_db


@pytest.fixture
def insersup_lists(monkeypatch, settings, tmp_path):
    install_replica(monkeypatch, settings, opendata_with_insersup(tmp_path))
    yield
    upstream.reset_client()


def _rows():
    return (
        sorted(Formation.objects.filter(code_type=CodeType.SISE, has_figures=True).values_list("cfd", flat=True)),
        sorted(HigherEducationOffer.objects.values_list("school__uai", "formation__cfd", "region_code")),
    )


def test_the_sync_flags_the_followed_diplomas_and_adds_their_universities_once(imported, insersup_lists):
    out = StringIO()
    call_command("sync_catalog_from_api", stdout=out)
    followed, offers = _rows()
    assert followed == ["2300030", "2400152", "2500164"]  # the codes the InserSup file has figures for
    assert offers == [(UNIVERSITY, "2300030", "93")]
    university = School.objects.get(uai=UNIVERSITY)
    assert (university.name, university.kind, university.academie_code) == (UNIVERSITY_NAME, SchoolKind.SUPERIEUR, "23")
    assert Formation.objects.get(cfd="2300030").offer_count == 1
    assert "HigherEducationOffer (créées): 1" in out.getvalue()

    call_command("sync_catalog_from_api", stdout=StringIO())
    assert _rows() == (followed, offers)  # running it twice writes the same rows
    assert Formation.objects.get(cfd="2300030").label == "Licence Informatique"  # the BCN's label is kept
