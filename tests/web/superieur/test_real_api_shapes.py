"""Acceptance against a stand-in of the real API (issue 25): a test server on loopback answering
`certifications/SISE:2300030` with the record upstream's InserSup importer writes (tests/inserjeunes/upstream/
insersup_answers.json, TEST DATA values): the page shows the cohort, the rates and the salaries as given; an answer
whose figures cannot be is never shown."""

import copy
import json
from pathlib import Path

import pytest

from guidance.indicators.upstream import reset_client
from tests.loopback import Loopback, answer_json
from tests.web.html import parse

pytestmark = pytest.mark.django_db

CASES = json.loads(
    (Path(__file__).resolve().parents[2] / "inserjeunes" / "upstream" / "insersup_answers.json").read_text("utf-8")
)["cases"]
NATIONAL = CASES["national_superieur"]["body"]


@pytest.fixture
def real_api(settings):
    """A direct upstream (the self-hosted API's mode) answering every route with `body`."""

    def serve(body: dict, status: int = 200):
        server = Loopback(answer_json(body, status=status))
        server.__enter__()
        settings.INSERJEUNES_API_URL = server.url
        settings.INSERJEUNES_CLIENT_ID = ""
        reset_client()
        servers.append(server)
        return server

    servers: list = []
    yield serve
    for server in servers:
        server.__exit__(None, None, None)
    reset_client()


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def test_the_page_shows_the_cohort_rates_and_salaries_as_the_api_gives_them(client, imported, real_api):
    real_api(NATIONAL)
    section = parse(client.get("/formations/2300030/").content).find("section", id="devenir")
    panel = section.find("div", class_="sup-figures", data_scope="france")
    counts = {dd.attrs["data-count"]: _digits(dd.text) for dd in panel.find_all("dd")}
    assert counts == {
        "nb_annee_term": str(NATIONAL["nb_annee_term"]),
        "nb_poursuite_etudes": str(NATIONAL["nb_poursuite_etudes"]),
        "nb_sortant": str(NATIONAL["nb_sortant"]),
    }
    shares = {li.attrs["data-share"]: li.find("strong").text for li in panel.find_all("li", class_="fig-legend__item")}
    assert shares == {
        "emploi": f"{NATIONAL['taux_en_emploi_6_mois']} %",
        "formation": f"{NATIONAL['taux_en_formation']} %",
        "autres": f"{NATIONAL['taux_autres_6_mois']} %",
    }
    everyone = panel.find("tr", data_horizon="12").find("td", data_rate="tous").text
    assert everyone == f"{NATIONAL['taux_en_emploi_12_mois']} %"
    salary = panel.find("p", class_="sup-salary").text
    q1, median, q3 = (f"{NATIONAL[f'salaire_12_mois_q{q}']:,} €".replace(",", " ") for q in (1, 2, 3))
    assert f"plus de {median}" in salary and f"entre {q1} et {q3}" in salary
    assert "2023" in panel.find("p", class_="fig-source").text


def test_an_answer_with_impossible_figures_is_not_shown(client, imported, real_api):
    broken = copy.deepcopy(NATIONAL)
    broken["nb_en_emploi_12_mois"] = broken["nb_sortant"] + 1  # more employed leavers than leavers
    real_api(broken)
    section = parse(client.get("/formations/2300030/").content).find("section", id="devenir")
    assert section.find(class_="fig-missing").attrs["data-missing"] == "unavailable"
    assert "%" not in section.find("div", class_="sup-figures").text


def test_the_apis_no_data_answer_says_insersup_does_not_follow_the_diploma(client, imported, real_api):
    real_api({"statusCode": 404, "error": "Not Found", "message": "Certification inconnue"}, status=404)
    section = parse(client.get("/formations/2500164/").content).find("section", id="devenir")
    assert section.find(class_="fig-missing").attrs["data-missing"] == "insersup_unknown"
