"""Our client reads InserSup's answers (filière `superieur`, SISE codes) as upstream builds them (issue 25).

The bodies are in tests/inserjeunes/upstream/insersup_answers.json: the records upstream's InserSup importers write
(counts from its own fixtures `server/tests/fixtures/files/inserSup/*.json`), as its routes answer them; each case
says where it comes from, and which values are test data. Served by an `httpx.MockTransport` at their route.
"""

import copy
import json
from pathlib import Path

import httpx
import pytest

from guidance.inserjeunes.client import InserJeunesClient
from guidance.inserjeunes.codes import Filiere, parse_certification, parse_uai
from guidance.inserjeunes.errors import Unavailable, UnavailableCause
from guidance.inserjeunes.results import FIGURE_FIELDS
from tests.contract.contract import check

ANSWERS = Path(__file__).resolve().parent.parent / "inserjeunes" / "upstream" / "insersup_answers.json"
CASES: dict[str, dict] = json.loads(ANSWERS.read_text(encoding="utf-8"))["cases"]
BASE_URL = "https://inserjeunes.test"


class Upstream:
    def __init__(self, name: str, body: dict | None = None) -> None:
        self.route = CASES[name]["route"]
        self.body = body if body is not None else copy.deepcopy(CASES[name]["body"])
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        self.requests.append(f"{path}?{query}" if query else path)
        if path != self.route:
            return httpx.Response(404, text="<html>Not found</html>")
        return httpx.Response(200, json=self.body)


def client(upstream: Upstream) -> InserJeunesClient:
    return InserJeunesClient(BASE_URL, api_key="key", transport=httpx.MockTransport(upstream))


def body(name: str) -> dict:
    return copy.deepcopy(CASES[name]["body"])


# The list case is upstream's CSV test record, whose rates are arbitrary numbers (not computed from its counts).
@pytest.mark.parametrize("name", sorted(set(CASES) - {"list_formations_superieur"}))
def test_every_insersup_case_follows_the_contract_and_names_its_origin(name):
    assert CASES[name]["upstream"] and CASES[name]["route"].startswith("/api/inserjeunes/")
    check(CASES[name]["body"])


def test_a_sise_certification_is_asked_with_its_prefix_and_read_whole():
    upstream = Upstream("national_superieur")
    figures = client(upstream).national(parse_certification("SISE:2300030"))
    assert upstream.requests == ["/api/inserjeunes/certifications/SISE:2300030"]
    answer = CASES["national_superieur"]["body"]
    sent = [name for name in FIGURE_FIELDS if name in answer]
    assert {name: getattr(figures, name) for name in sent} == {name: answer[name] for name in sent}
    assert (figures.filiere, figures.filiere_kind, figures.millesime) == ("superieur", Filiere.SUPERIEUR, "2023")
    # nb_annee_term = leavers + those going on (importCertificationsSupStats.js / InserSup.js)
    assert figures.nb_annee_term == figures.nb_sortant + figures.nb_poursuite_etudes
    assert figures.has_salaries and (figures.salaire_12_mois_q1, figures.salaire_12_mois_q3) == (1450, 2050)
    assert figures.is_absent("nb_diplome")  # national InserSup records have no graduates' count
    assert figures.meta.insersup is None and figures.meta.details.startswith("Données InserSup")


def test_insersup_meta_is_read_when_the_answer_carries_it():
    figures = client(Upstream("national_superieur_insersup_meta")).national(parse_certification("SISE:2300030"))
    insersup = figures.meta.insersup
    assert insersup is not None
    assert (insersup.type_diplome, insersup.domaine, insersup.secteur) == ("licence_generale", "STS", "INFORMATIQUE")
    assert insersup.discipline == "Sciences fondamentales et applications"


def test_an_odd_insersup_meta_never_costs_the_figures():
    answer = body("national_superieur_insersup_meta")
    answer["_meta"]["insersup"] = ["not", "an", "object"]
    figures = client(Upstream("national_superieur_insersup_meta", answer)).national(parse_certification("SISE:2300030"))
    assert figures.meta.insersup is None and figures.taux_en_emploi_12_mois == answer["taux_en_emploi_12_mois"]


def test_a_small_insersup_cohort_hides_its_salaries_too():
    figures = client(Upstream("national_superieur_small_cohort")).national(parse_certification("SISE:2500164"))
    assert figures.too_few_learners and figures.nb_annee_term == 12
    assert figures.salaire_12_mois_q2 is None and not figures.has_salaries  # the API leaves them


@pytest.mark.parametrize(
    ("name", "code", "millesime"),
    [("school_superieur", "2400074", "2021"), ("school_superieur_cumul", "2400075", "2020_2021")],
)
def test_a_sise_diploma_at_a_school_is_asked_uai_dash_prefixed_code(name, code, millesime):
    upstream = Upstream(name)
    figures = client(upstream).school(parse_uai("0062205P"), parse_certification(f"SISE:{code}"))
    assert upstream.requests == [f"/api/inserjeunes/formations/0062205P-SISE:{code}"]
    assert (figures.uai, figures.code_certification, figures.millesime) == ("0062205P", code, millesime)
    assert figures.nb_diplome == 101 and figures.libelle_etablissement == "UNIVERSITE COTE D'AZUR"
    assert figures.nb_sortant + figures.nb_poursuite_etudes == figures.nb_annee_term


def test_the_list_routes_take_sise_codes():
    upstream = Upstream("list_formations_superieur")
    (item,) = client(upstream).iter_formations(certs=[parse_certification("SISE:2500200")])
    assert upstream.requests[0].startswith("/api/inserjeunes/formations?")
    assert "code_certifications=SISE%3A2500200" in upstream.requests[0]
    assert (item.filiere_kind, item.code_certification, item.uai) == (Filiere.SUPERIEUR, "2500200", "0062205P")


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("nb_en_emploi_12_mois", 60, "above nb_sortant"),  # 54 left: 60 of them cannot be employed
        ("nb_poursuite_etudes", 70, "nb_sortant + nb_poursuite_etudes"),  # 54 + 70 > 119 students
        ("nb_diplome", 120, "above nb_annee_term"),  # more graduates than students
        ("taux_en_emploi_6_mois", 101, "outside 0-100"),
    ],
)
def test_impossible_insersup_figures_make_the_answer_malformed(field, value, said):
    answer = body("school_superieur")
    answer[field] = value
    with pytest.raises(Unavailable) as refused:
        client(Upstream("school_superieur", answer)).school(parse_uai("0062205P"), parse_certification("SISE:2400074"))
    assert refused.value.cause is UnavailableCause.MALFORMED and said in str(refused.value)
