"""National millésimes as the source has them: years from the real API, periods from the offline replica.

The page asks France the millésime as chosen; when the source answers "no data for this millésime" and lists the
other form of the same leavers (`2023` ↔ `2022_2023`), it asks that form, and labels the figures with the
millésime of the record returned. Each case is checked on the full page and on its HTMX fragment.
"""

import csv
import re
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from guidance.catalog.models import Formation
from guidance.indicators.upstream import reset_client
from tests.factories import make_formation
from tests.inserjeunes.conftest import payload
from tests.support import BASE_URL, HTMX
from tests.web.html import parse

# CAP Cuisine in the BCN (`CUISINE (CAP)`, opened 2016): the apprentissage figures of the open data are its CFD's.
CAP_CUISINE = "50022139"
ACCUEIL = "40031212"  # the bac pro of the recorded national answer (tests/fixtures/inserjeunes)
FRAGMENT = {**HTMX, "HTTP_HX_TARGET": "devenir"}


def _count(panel, name: str) -> int:
    return int(re.sub(r"\D", "", panel.find("dd", data_count=name).text))


def _france_panel(content: bytes, voie: str):
    return parse(content).find("div", data_scope="france").find("div", class_="fig-panel", data_voie=voie)


# --- The offline site (replica on the real open data): national figures are sums of regions, per period ----------


def _regional_sums(cfd: str, period: str) -> dict[str, int]:
    path = Path(settings.OPENDATA_DIR, "inserjeunes_regional_par_formation", "ij_region_data.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            row
            for row in csv.DictReader(handle, delimiter=";")
            if row["voie"] == "apprentissage" and row["cfd"] == cfd and row["millesime"] == period
        ]
    assert rows, "the open data has regional rows for CAP Cuisine apprentissage"
    fields = ("nb_annee_term", "nb_poursuite_etudes", "nb_sortant")
    return {field: sum(int(row[field]) for row in rows if row[field]) for field in fields}


@pytest.mark.parametrize("headers", [{}, FRAGMENT], ids=["page", "htmx"])
def test_cap_cuisine_in_france_counts_the_leavers_of_2022_and_2023_summed_from_the_regions(client, imported, headers):
    assert "cuisine" in Formation.objects.get(cfd=CAP_CUISINE).label.lower()
    expected = _regional_sums(CAP_CUISINE, "2022_2023")

    response = client.get(f"/formations/{CAP_CUISINE}/", **headers)

    assert response.status_code == 200
    panel = _france_panel(response.content, "Apprentissage")
    source = panel.find("p", class_="fig-source").text
    assert "Chiffres des jeunes sortis en 2022 et 2023 (deux années de sortie additionnées)" in source
    assert "France entière : somme des régions" in source  # the replica's own note: computed, not published
    for field, total in expected.items():
        assert _count(panel, field) == total, field
    assert "romotion 2023" not in response.content.decode()


@pytest.mark.parametrize("headers", [{}, FRAGMENT], ids=["page", "htmx"])
def test_a_year_asked_of_the_replica_shows_the_period_it_has(client, imported, headers):
    response = client.get(f"/formations/{CAP_CUISINE}/", {"millesime": "2023"}, **headers)

    panel = _france_panel(response.content, "Apprentissage")
    assert "Chiffres des jeunes sortis en 2022 et 2023" in panel.find("p", class_="fig-source").text
    assert panel.find(class_="fig-missing") is None
    assert _count(panel, "nb_annee_term") == _regional_sums(CAP_CUISINE, "2022_2023")["nb_annee_term"]


def test_the_replica_evolution_offers_periods_and_says_they_share_a_cohort(client, imported):
    tree = parse(client.get(f"/formations/{CAP_CUISINE}/").content)

    links = [a.text for a in tree.find("nav", class_="fig-millesimes").find_all("a")]
    assert links[:2] == ["2022 et 2023", "2021 et 2022"]
    evolution = tree.find("div", class_="fig-evolution")
    assert [row.find("th").text for row in evolution.find("tbody").find_all("tr")][:2] == links[:2]
    assert "« 2021 et 2022 » et « 2022 et 2023 » comptent toutes deux les jeunes sortis en 2022" in tree.text


# --- The real API (recorded answers): national figures per year ---------------------------------------------------


@pytest.fixture
def real_api(settings, upstream):
    """The site aimed at a mocked real API whose national figures of the bac pro are per year (2020 to 2023)."""
    settings.INSERJEUNES_API_URL = BASE_URL
    reset_client()
    years = ("2023", "2022", "2021", "2020")
    asked = []

    def national(request):
        asked.append(request.url.params.get("millesime", ""))
        millesime = asked[-1] or years[0]
        if millesime not in years:
            body = {**payload("404_millesime"), "data": {"millesime": millesime, "millesimesDisponible": list(years)}}
            return httpx.Response(404, json=body)
        return httpx.Response(200, json={**payload("national_apprentissage"), "millesime": millesime})

    upstream.get(f"/api/inserjeunes/certifications/CFD:{ACCUEIL}").mock(side_effect=national)
    upstream.route().mock(return_value=httpx.Response(404, json=payload("404_certification_inconnue")))
    yield asked
    reset_client()


@pytest.fixture
def accueil(db):
    return make_formation(ACCUEIL, "Bac pro Métiers de l’accueil")


@pytest.mark.parametrize("headers", [{}, FRAGMENT], ids=["page", "htmx"])
def test_the_real_api_latest_national_year_says_one_cohort(client, accueil, real_api, headers):
    response = client.get(f"/formations/{ACCUEIL}/", **headers)

    panel = _france_panel(response.content, "Apprentissage")
    source = panel.find("p", class_="fig-source").text
    assert "Chiffres des jeunes sortis en 2023." in source and "2022 et 2023" not in source
    assert _count(panel, "nb_annee_term") == payload("national_apprentissage")["nb_annee_term"]
    assert "2022_2023" not in real_api  # the default asks no millésime: the API's latest year answers


@pytest.mark.parametrize("headers", [{}, FRAGMENT], ids=["page", "htmx"])
def test_a_period_asked_of_the_real_api_shows_the_year_it_has(client, accueil, real_api, headers):
    response = client.get(f"/formations/{ACCUEIL}/", {"millesime": "2022_2023"}, **headers)

    panel = _france_panel(response.content, "Apprentissage")
    assert panel.find(class_="fig-missing") is None
    assert "Chiffres des jeunes sortis en 2023." in panel.find("p", class_="fig-source").text
    # Asked as chosen, then in the form the 404 listed (once: the retry is not asked again for the evolution).
    assert real_api.index("2022_2023") < real_api.index("2023") and real_api.count("2023") == 1


def test_the_real_api_evolution_is_per_year_with_nothing_shared(client, accueil, real_api):
    tree = parse(client.get(f"/formations/{ACCUEIL}/").content)

    links = [a.text for a in tree.find("nav", class_="fig-millesimes").find_all("a")]
    assert links == ["2023", "2022", "2021", "2020"]
    rows = tree.find("div", class_="fig-evolution").find("tbody").find_all("tr")
    assert [row.find("th").text for row in rows] == links
    assert "comptent toutes deux" not in tree.text
