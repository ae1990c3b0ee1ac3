from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.core.management import call_command

from guidance.catalog.api_sync import OLDEST_YEAR, every_millesime, sync_from_api
from guidance.catalog.models import Formation, Mef, Offer, School, SchoolKind, Source, Voie
from guidance.inserjeunes.client import InserJeunesClient
from guidance.inserjeunes.codes import Millesime
from tests.support import BASE_URL

pytestmark = pytest.mark.django_db


class ListRoutes:
    """The two authenticated list routes as upstream answers them (certificationsRoutes.js, formationsRoutes.js):
    without `millesimes`, the latest millésime only; with them, those millésimes (per school, a year also matches
    the period ending with it, and the other way round); paginated. Serves the real client through MockTransport."""

    def __init__(self, certifications=(), formations=()):
        self.items = {"certifications": list(certifications), "formations": list(formations)}
        self.asked: list[tuple[str, str | None]] = []  # (route, millesimes parameter)

    def client(self) -> InserJeunesClient:
        return InserJeunesClient(BASE_URL, api_key="key", transport=httpx.MockTransport(self))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        route = request.url.path.rsplit("/", 1)[-1]
        params = request.url.params
        self.asked.append((route, params.get("millesimes")))
        items = self.items[route]
        if params.get("millesimes"):
            wanted = set(params["millesimes"].split(","))
            if route == "formations":
                wanted |= {
                    Millesime(m).regional().value if "_" not in m else str(Millesime(m).last_year) for m in wanted
                }
        else:
            wanted = {max((i["millesime"] for i in items), key=lambda m: Millesime(m).sort_key)} if items else set()
        matching = [item for item in items if item["millesime"] in wanted]
        page, size = int(params.get("page", 1)), int(params.get("items_par_page", 10))
        pages = max(1, -(-len(matching) // size))
        return httpx.Response(
            200,
            json={
                route: matching[(page - 1) * size : page * size],
                "pagination": {"page": page, "items_par_page": size, "nombre_de_page": pages, "total": len(matching)},
            },
        )


def _school_item(uai, code, cfd, filiere, name, millesime="2022_2023"):
    return {
        "uai": uai,
        "code_certification": code,
        "code_formation_diplome": cfd,
        "filiere": filiere,
        "millesime": millesime,
        "libelle_etablissement": name,
        "region": {"code": "76", "nom": "Occitanie"},
        "academie": {"code": "16", "nom": "Toulouse"},
        "nb_annee_term": 30,
    }


def test_formations_list_adds_schools_offers_and_keeps_open_data(imported):
    known = Offer.objects.filter(source=Source.AFFELNET_2022).select_related("school", "formation").first()
    client = ListRoutes(
        formations=[
            _school_item("0319999Z", "40025214", "40025214", "apprentissage", "CFA de l'automobile"),
            _school_item(known.school.uai, known.mefstat11, known.formation.cfd, "pro", "Autre nom"),
        ]
    ).client()
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
    client = ListRoutes(
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
    ).client()
    sync_from_api(client, progress=False)
    created = Formation.objects.get(cfd="99999999")
    assert created.label == "Technicien de test" and created.has_figures_apprentissage


def _national(code, millesime, label="FORMATION"):
    return {
        "code_certification": code,
        "code_formation_diplome": code,
        "filiere": "apprentissage",
        "millesime": millesime,
        "libelle": label,
        "nb_annee_term": 25,
    }


def test_every_millesime_is_asked_for_since_the_lists_answer_the_latest_by_default(imported):
    routes = ListRoutes(
        certifications=[
            _national("99999991", "2023", "NOUVEAU LIBELLE"),
            _national("99999991", "2021", "ANCIEN LIBELLE"),
            _national("99999992", "2022"),
            _national("99999993", "2021"),
        ],
        formations=[
            _school_item("0319999Z", "99999993", "99999993", "apprentissage", "CFA ancien", millesime="2020_2021"),
            _school_item("0319998Y", "99999992", "99999992", "apprentissage", "CFA récent", millesime="2023"),
        ],
    )
    sync_from_api(routes.client(), progress=False)

    # A certification seen only in an older millésime is known, with its newest label.
    assert set(Formation.objects.filter(cfd__startswith="9999999").values_list("cfd", flat=True)) == {
        "99999991",
        "99999992",
        "99999993",
    }
    assert Formation.objects.get(cfd="99999991").label == "Nouveau libelle"
    assert set(School.objects.filter(uai__in=["0319999Z", "0319998Y"]).values_list("uai", flat=True)) == {
        "0319999Z",
        "0319998Y",
    }
    # Every question names its millésimes, both forms of a year, down to the oldest year (millésimes may skip years).
    asked = [m for route, m in routes.asked if route == "certifications"]
    assert all(millesimes for _, millesimes in routes.asked)
    assert "2023,2022_2023" in asked and asked[-1] == f"{OLDEST_YEAR},{OLDEST_YEAR - 1}_{OLDEST_YEAR}"


def test_the_walk_back_covers_every_year_down_to_the_oldest_newest_first():
    data = {"2024": ["a"], "2021_2022": ["b"], "2019": ["c"]}

    def route(*, millesimes):
        return iter(item for m in millesimes for item in data.get(m.value, []))

    assert list(every_millesime(route, newest_year=2026)) == ["a", "b", "c"]
    asked = []
    list(every_millesime(lambda *, millesimes: asked.append(millesimes) or iter(()), newest_year=2024))
    assert len(asked) == 2024 - OLDEST_YEAR + 1
    assert [m.value for m in asked[0]] == ["2024", "2023_2024"]


@pytest.mark.skipif(not settings.OPENDATA_DIR or not Path(settings.OPENDATA_DIR).is_dir(), reason="pas de réplique")
def test_command_against_the_offline_replica(imported, settings):
    settings.INSERJEUNES_API_URL = ""
    from guidance.indicators.upstream import get_client, reset_client

    reset_client()
    call_command("sync_catalog_from_api")
    assert (get_client().mode, get_client().token_requests) == ("gateway", 1)  # the replica's stand-in gateway
    finals = Mef.objects.filter(is_final_year=True).count()
    formations = Formation.objects.count()
    call_command("sync_catalog_from_api")
    assert Formation.objects.count() == formations and Mef.objects.filter(is_final_year=True).count() == finals
    assert Formation.objects.filter(has_figures_scolaire=True).exists()
    reset_client()


# certificationsRoutes.js / formationsRoutes.js: the list routes validate `universe` but do not filter on it, so
# InserSup records (filière `superieur`, bare SISE codes) come with the others; formationsRoutes-test.js « …les stats
# d'une formation agricole » gives the `agricole` filière, here with a letter-bearing MEFSTAT11 (validators.js).
def test_agricultural_codes_with_letters_are_scolaire_and_insersup_records_are_higher_education(imported):
    national = {**_national("23I01021235", "2023", "CAPA-A LAD CAV ENTRAIN."), "filiere": "agricole"}
    national["code_formation_diplome"] = "50321235"  # BCN nMef: MEF 2802123599, MEF_STAT_11 23I01021235
    agricultural = _school_item("0319997X", "23I01021235", "50321235", "agricole", "Lycée agricole")
    insersup = _school_item("0319996W", "2400019", None, "superieur", "Université", millesime="2022")
    routes = ListRoutes(certifications=[national], formations=[agricultural, insersup])
    report = sync_from_api(routes.client(), progress=False)

    offer = Offer.objects.get(school__uai="0319997X")
    assert (offer.voie, offer.mefstat11, offer.formation.cfd) == (Voie.SCOLAIRE, "23I01021235", "50321235")
    assert Mef.objects.get(mefstat11="23I01021235").formation.has_figures_scolaire
    # The InserSup record: a higher-education diploma delivered by a university, never an offer by voie.
    university = School.objects.get(uai="0319996W")
    assert university.kind == SchoolKind.SUPERIEUR and not university.offers.exists()
    higher = university.higher_offers.get()
    assert higher.formation.cfd == "2400019" and higher.formation.is_superieur and higher.region_code == "76"
    assert not report.rejected
