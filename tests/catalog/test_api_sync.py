from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from guidance.catalog.api_sync import sync_from_api
from guidance.catalog.models import Formation, Mef, Offer, School, SchoolKind, Source, Voie
from guidance.inserjeunes import parsing

pytestmark = pytest.mark.django_db


class ListsOnlyClient:
    """Stands in for the client's two list iterators with answers parsed by the real result parsers."""

    def __init__(self, certifications=(), formations=()):
        self.certifications = [parsing.parse_certification(item) for item in certifications]
        self.formations = [parsing.parse_school(item) for item in formations]

    def iter_certifications(self):
        return iter(self.certifications)

    def iter_formations(self):
        return iter(self.formations)


def _school_item(uai, code, cfd, filiere, name):
    return {
        "uai": uai,
        "code_certification": code,
        "code_formation_diplome": cfd,
        "filiere": filiere,
        "millesime": "2022_2023",
        "libelle_etablissement": name,
        "region": {"code": "76", "nom": "Occitanie"},
        "academie": {"code": "16", "nom": "Toulouse"},
        "nb_annee_term": 30,
    }


def test_formations_list_adds_schools_offers_and_keeps_open_data(imported):
    known = Offer.objects.filter(source=Source.AFFELNET_2022).select_related("school", "formation").first()
    client = ListsOnlyClient(
        formations=[
            _school_item("0319999Z", "40025214", "40025214", "apprentissage", "CFA de l'automobile"),
            _school_item(known.school.uai, known.mefstat11, known.formation.cfd, "pro", "Autre nom"),
        ]
    )
    report = sync_from_api(client, progress=False)

    cfa = School.objects.get(uai="0319999Z")
    assert (cfa.name, cfa.kind, cfa.region_code, cfa.departement_code) == (
        "CFA de l'automobile",
        SchoolKind.CFA,
        "76",
        "031",
    )
    offer = Offer.objects.get(school=cfa, voie=Voie.APPRENTISSAGE)
    assert offer.source == Source.API and offer.formation.cfd == "40025214"
    known.refresh_from_db()
    assert known.source == Source.AFFELNET_2022 and known.school.name != "Autre nom"
    assert report.written["School (créés)"] == 1

    again = sync_from_api(client, progress=False)
    assert again.written["School (créés)"] == 0 and again.written["Offer (créées)"] == 0


def test_certifications_list_raises_figures_flags_and_creates_unknown_codes(imported):
    client = ListsOnlyClient(
        certifications=[
            {
                "code_certification": "99999999",
                "code_formation_diplome": "99999999",
                "filiere": "apprentissage",
                "millesime": "2022_2023",
                "libelle": "TECHNICIEN DE TEST",
                "nb_annee_term": 25,
            },
        ]
    )
    sync_from_api(client, progress=False)
    created = Formation.objects.get(cfd="99999999")
    assert created.label == "Technicien de test" and created.has_figures_apprentissage


@pytest.mark.skipif(not settings.OPENDATA_DIR or not Path(settings.OPENDATA_DIR).is_dir(), reason="pas de réplique")
def test_command_against_the_offline_replica(imported, settings):
    settings.INSERJEUNES_API_URL = ""
    from guidance.inserjeunes.client import reset_client

    reset_client()
    call_command("sync_catalog_from_api")
    finals = Mef.objects.filter(is_final_year=True).count()
    formations = Formation.objects.count()
    call_command("sync_catalog_from_api")
    assert Formation.objects.count() == formations and Mef.objects.filter(is_final_year=True).count() == finals
    assert Formation.objects.filter(has_figures_scolaire=True).exists()
    reset_client()
