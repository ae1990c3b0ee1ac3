"""Our client reads the answers the upstream API gives, as its own tests assert them.

The bodies are in tests/inserjeunes/upstream/answers.json, written from mission-apprentissage/trajectoires-pro
(v1.35) `server/tests/http/*-test.js`; each case there names its upstream test, and so does each test here. They are
served by an `httpx.MockTransport` at the path the upstream answers them on, so what is checked is the whole client:
the request it sends (upper-case codes only, prefixes, percent-encoding) and the dataclasses it builds.
"""

import copy
import json
from pathlib import Path

import httpx
import pytest

from guidance.inserjeunes.client import InserJeunesClient
from guidance.inserjeunes.codes import Filiere, Millesime, parse_certification, parse_millesime, parse_region, parse_uai
from guidance.inserjeunes.errors import NotFound, NotFoundReason
from guidance.inserjeunes.results import (
    FIGURE_FIELDS,
    CertificationFigures,
    DonneeSourceType,
    SchoolFigures,
    TerminalError,
    UaiType,
)

ANSWERS = Path(__file__).resolve().parent.parent / "inserjeunes" / "upstream" / "answers.json"
CASES: dict[str, dict] = json.loads(ANSWERS.read_text(encoding="utf-8"))["cases"]
BASE_URL = "https://inserjeunes.test"
SMALL_COHORT_MESSAGE = (
    "Les taux ne peuvent pas être affichés car il n'y a pas assez d'élèves pour fournir une information fiable."
)


class Upstream:
    """Answers one case's body (with its status, 200 unless the case says) on its route, whatever the query; an
    HTML 404 elsewhere; remembers the paths and queries asked, as sent."""

    def __init__(self, name: str, body: dict | None = None) -> None:
        self.route = CASES[name]["route"]
        self.status = CASES[name].get("status", 200)
        self.body = body if body is not None else copy.deepcopy(CASES[name]["body"])
        self.paths: list[str] = []
        self.queries: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        self.paths.append(path)
        self.queries.append(query)
        if path != self.route:
            return httpx.Response(404, text="<html>Not found</html>")
        return httpx.Response(self.status, json=self.body)


def client_for(upstream: Upstream) -> InserJeunesClient:
    return InserJeunesClient(BASE_URL, api_key="key", transport=httpx.MockTransport(upstream))


def body(name: str) -> dict:
    return copy.deepcopy(CASES[name]["body"])


def national(name: str, code: str, answer: dict | None = None):
    upstream = Upstream(name, answer)
    figures = client_for(upstream).national(parse_certification(code))
    return figures, upstream


def test_every_case_names_its_upstream_test():
    assert CASES and all(case["upstream"] and case["route"].startswith("/api/inserjeunes/") for case in CASES.values())


# certificationsRoutes-test.js › Obtention › « Vérifie qu'on peut obtenir la certification la plus récente »
def test_national_answer_keeps_every_figure_and_its_meta():
    figures, upstream = national("national_latest", "12345678")
    assert upstream.paths == ["/api/inserjeunes/certifications/CFD:12345678"]
    answer = CASES["national_latest"]["body"]
    sent = [name for name in FIGURE_FIELDS if name in answer]
    assert {name: getattr(figures, name) for name in sent} == {name: answer[name] for name in sent}
    assert figures.absent_fields == {"nb_diplome"}  # InserSup's count: never in InserJeunes answers
    assert (figures.millesime, figures.filiere, figures.filiere_kind) == (
        "2020",
        "apprentissage",
        Filiere.APPRENTISSAGE,
    )
    assert (figures.diplome.code, figures.diplome.libelle) == ("4", "BAC")
    assert figures.donnee_source.type is DonneeSourceType.SELF and not figures.donnee_source.is_carried_over
    # `_meta` is {titre, details}: no messages, no date_import.
    assert figures.meta.titre == "Certification 12345678"
    assert figures.meta.details.endswith("(BAC filière apprentissage) pour le millésime 2020")
    assert figures.meta.messages == ()


# certificationsRoutes-test.js › Obtention › « Vérifie qu'on peut obtenir la certification agricole avec le format
# MEFSTAT11:XXXXXXXXXXX »
def test_an_agricultural_certification_says_agricole():
    figures, upstream = national("national_agricole", "MEFSTAT11:12345678910")
    assert upstream.paths == ["/api/inserjeunes/certifications/MEFSTAT11:12345678910"]
    assert (figures.filiere, figures.filiere_kind) == ("agricole", Filiere.AGRICOLE)
    assert figures.nb_annee_term == 100


# The same upstream test with a letter-bearing BCN code (validators.js MEF11_PATTERN `[0-9A-Z]{11}`): typed in lower
# case by a visitor, it is sent upper-case, since the API refuses lower-case codes.
def test_a_letter_bearing_mefstat11_is_asked_upper_case_and_read():
    figures, upstream = national("national_agricole_letters", "mefstat11:23i01021235")
    assert upstream.paths == ["/api/inserjeunes/certifications/MEFSTAT11:23I01021235"]
    assert (figures.code_certification, figures.filiere_kind) == ("23I01021235", Filiere.AGRICOLE)
    assert figures.taux_en_emploi_6_mois == 12 and figures.salaire_12_mois_q2 == 19


# certificationsRoutes-test.js › Obtention › « Vérifie qu'on peut obtenir une année non terminale : renvoi les stats la
# dernière année »
def test_a_non_final_year_answers_its_final_years_record_even_without_figures():
    figures, _ = national("national_non_final_year", "MEFSTAT11:12345678910")
    assert figures.code_certification == "32220000000"
    assert figures.absent_fields == frozenset(FIGURE_FIELDS)  # nothing to show, and not because of a small cohort
    assert not figures.too_few_learners and not figures.has_terminales


# certificationsRoutes-test.js at 8f30046 (v1.25) › « Vérifie qu'on peut obtenir une année non terminale »: the
# entries were bare `{code_certification}` references.
def test_older_certifications_terminales_are_references_not_errors():
    figures, _ = national("national_non_final_year_v1_25", "MEFSTAT11:12345678910")
    (entry,) = figures.certifications_terminales
    assert isinstance(entry, TerminalError)
    assert (entry.code_certification, entry.error, entry.millesimes) == ("32220000000", "", ())


# stats.js statsAnneeTerminale (the route's answer for a seconde commune since 9f14dbb): each speciality's figures,
# or `{error, millesimes, code_certification}`; an entry that gives its name keeps it, whatever its shape.
def test_a_seconde_commune_keeps_each_specialitys_code_and_name():
    answer = body("national_seconde_commune")
    answer["certificationsTerminales"][0]["libelle"] = "PATISSIER"  # an error entry that names its speciality
    figures, _ = national("national_seconde_commune", "MEFSTAT11:32210000000", answer)
    assert figures.is_annee_commune
    error, speciality = figures.certifications_terminales
    assert (error.code_certification, error.error, error.millesimes, error.libelle) == (
        "32220000002",
        "ErrorNoDataForMillesime",
        ("2020",),
        "PATISSIER",
    )
    assert isinstance(speciality, CertificationFigures)
    assert (speciality.libelle, speciality.code_certification, speciality.taux_en_emploi_6_mois) == (
        "BOULANGER",
        "32220000001",
        12,
    )


def test_a_speciality_that_does_not_repeat_its_millesime_is_read_with_its_parents():
    answer = body("national_seconde_commune")
    del answer["certificationsTerminales"][1]["millesime"]
    del answer["certificationsTerminales"][1]["filiere"]
    figures, _ = national("national_seconde_commune", "MEFSTAT11:32210000000", answer)
    speciality = figures.certifications_terminales[1]
    assert (speciality.millesime, speciality.filiere, speciality.libelle) == ("2020", "pro", "BOULANGER")


# formationsRoutes-test.js › Obtention › « Vérifie qu'on peut obtenir une formation »
def test_school_answer():
    upstream = Upstream("school_latest")
    figures = client_for(upstream).school(parse_uai("0751234j"), parse_certification("cfd:12345678"))
    assert upstream.paths == ["/api/inserjeunes/formations/0751234J-CFD:12345678"]
    assert isinstance(figures, SchoolFigures)
    assert (figures.uai, figures.libelle_etablissement, figures.millesime) == ("0751234J", "Lycée", "2018_2019")
    assert (figures.region.code, figures.academie.nom) == ("11", "Paris")
    assert figures.meta.details.endswith("dispensée par l'établissement 0751234J, pour le millésime 2018_2019")
    assert figures.uai_type is None and not figures.figures_from_other_uai


# formationsRoutes-test.js › « Vérifie qu'on peut exporter les données au format CSV » (columns uai_type, uai_donnee,
# uai_donnee_type) and the formationsStats.js schema: a scolaire record says where its figures come from too.
def test_a_scolaire_school_record_says_where_its_figures_come_from():
    upstream = Upstream("school_scolaire_uai_fields")
    figures = client_for(upstream).school(parse_uai("0751234J"), parse_certification("23830024202"))
    assert (figures.uai_type, figures.uai_donnee, figures.uai_donnee_type) == (
        UaiType.LIEU_FORMATION,
        "0751234J",
        UaiType.LIEU_FORMATION,
    )
    assert not figures.figures_from_other_uai
    assert figures.filiere_kind is Filiere.PRO and figures.millesime == "2019"


# formationsRoutes-test.js › Recherche › « Vérifie que l'on met les taux et les nombres à null pour les effectifs
# < 20 », with stats.js transformDisplayStat's message when uai_type and uai_donnee_type differ: lodash `merge`
# merges arrays by index, so that message replaces the small-cohort one. The count still tells.
def test_a_small_cohort_is_told_by_its_count_when_its_message_was_overwritten():
    upstream = Upstream("school_small_cohort")
    figures = client_for(upstream).school(parse_uai("0751234J"), parse_certification("12345678"))
    assert figures.too_few_learners and figures.nb_annee_term == 19
    assert figures.taux_en_emploi_6_mois is None and not figures.is_absent("taux_en_emploi_6_mois")
    (message,) = figures.meta.messages
    assert message != SMALL_COHORT_MESSAGE and "organisme gestionnaire" in message
    assert figures.uai_donnee_type is UaiType.GESTIONNAIRE


# regionalesRoutes-test.js › Obtention › « Vérifie qu'on peut obtenir la stats la plus récente »
def test_regional_answer_names_its_region_in_the_meta():
    upstream = Upstream("regional_latest")
    figures = client_for(upstream).regional(parse_certification("12345678"), parse_region("75011"))
    assert upstream.paths == ["/api/inserjeunes/regionales/11/certifications/CFD:12345678"]
    assert (figures.region.nom, figures.millesime) == ("Île-de-France", "2018_2019")
    assert figures.meta.details.endswith("pour le millésime 2018_2019 et la région Île-de-France")


# certificationsRoutes-test.js › Vue filières › « Vérifie qu'on peut obtenir les données pour deux filières (cfd) »
def test_filieres_view_of_one_cfd_has_its_labels_and_no_meta():
    upstream = Upstream("filieres_single_cfd")
    figures = client_for(upstream).filieres([parse_certification("23830024202"), parse_certification("12345678")])
    assert upstream.paths == ["/api/inserjeunes/certifications/CFD:12345678%7CMEFSTAT11:23830024202"]
    for voie in (figures.pro, figures.apprentissage):
        assert (voie.libelle, voie.libelle_ancien, voie.code_formation_diplome) == (
            "LIBELLE",
            "LIBELLE ANCIEN",
            "12345678",
        )
        assert voie.formation_fermee is False and voie.meta.titre == "" and voie.meta.messages == ()
        assert (voie.taux_en_emploi_6_mois, voie.taux_autres_24_mois) == (50, 70)
    assert figures.pro.codes_certifications == ("23830024202",)


# certificationsRoutes-test.js › Vue filières › « Vérifie qu'on peut obtenir les données aggregées (cfd) »
def test_filieres_view_of_several_cfds_sums_counts_without_single_cfd_fields():
    upstream = Upstream("filieres_several_cfds")
    figures = client_for(upstream).filieres([parse_certification("12345678"), parse_certification("87654321")])
    assert upstream.paths == ["/api/inserjeunes/certifications/CFD:12345678%7CCFD:87654321"]
    assert figures.apprentissage.nb_annee_term == 200 and figures.pro.nb_en_emploi_6_mois == 100
    assert (figures.pro.libelle, figures.pro.code_formation_diplome, figures.pro.formation_fermee) == (None, None, None)
    assert figures.pro.codes_formation_diplome == ("87654321", "12345678")


# base.js _getFilieresStats: counts a certification lacks are null in the filières view, and so are the rates built
# on them; with a cohort of 100, that null cannot mean "too few learners".
def test_filieres_view_nulls_are_figures_that_cannot_be_computed():
    upstream = Upstream("filieres_counts_lacking")
    figures = client_for(upstream).filieres([parse_certification("12345678"), parse_certification("23830024202")])
    voie = figures.apprentissage
    assert figures.pro is None
    assert voie.nb_en_emploi_24_mois is None and voie.taux_en_emploi_18_mois is None
    assert voie.is_absent("nb_en_emploi_24_mois") and voie.is_absent("taux_en_emploi_18_mois")
    assert not voie.too_few_learners and voie.taux_en_emploi_6_mois == 50


# Issue 13: the offline replica labels national figures (a sum of regional rows) with the regional period.
def test_a_national_answer_labelled_with_a_period_parses():
    upstream = Upstream("national_period_millesime")
    figures = client_for(upstream).national(parse_certification("12345678"), Millesime("2022_2023"))
    assert figures.millesime == "2022_2023" and Millesime(figures.millesime).is_period
    assert figures.nb_annee_term == 100


class TestWhatOnlyDescribesTheFiguresNeverDropsThem:
    """Changes of the certificationsRoutes-test.js « …la plus récente » answer (issue 13 point 9)."""

    def test_an_unknown_source_type_of_the_own_code_is_the_records_own(self):
        answer = body("national_latest")
        answer["donnee_source"]["type"] = "recalculee"
        figures, _ = national("national_latest", "12345678", answer)
        assert figures.donnee_source.type is DonneeSourceType.SELF
        assert figures.taux_en_emploi_6_mois == 12

    @pytest.mark.parametrize("source_type", ["fusion", None, ["ancienne"], {"nom": "ancienne"}])
    def test_an_unknown_source_type_of_another_code_is_carried_over_in_an_unknown_direction(self, source_type):
        answer = body("national_latest")
        answer["donnee_source"] = {"code_certification": "12345679", "type": source_type}
        figures, _ = national("national_latest", "12345678", answer)
        assert figures.donnee_source.type is DonneeSourceType.OTHER
        assert figures.donnee_source.is_carried_over and figures.donnee_source.code_certification == "12345679"
        assert figures.nb_annee_term == 100

    # continuumSchema.js requires `type` whenever `donnee_source` is there; should one come without it, it says nothing
    # about the direction, and figures of another code are still not the record's own.
    def test_a_source_without_a_type_is_the_records_own_only_for_its_own_code(self):
        own, other = body("national_latest"), body("national_latest")
        own["donnee_source"] = {"code_certification": "12345678"}
        other["donnee_source"] = {"code_certification": "12345679"}
        assert national("national_latest", "12345678", own)[0].donnee_source.type is DonneeSourceType.SELF
        assert national("national_latest", "12345678", other)[0].donnee_source.is_carried_over

    @pytest.mark.parametrize(
        ("meta", "messages"),
        [
            ({"titre": "T", "details": "D", "messages": [None, SMALL_COHORT_MESSAGE]}, (SMALL_COHORT_MESSAGE,)),
            ({"titre": "T", "details": "D", "messages": None}, ()),
            ({"titre": "T", "details": "D", "messages": "Un seul message"}, ("Un seul message",)),
            (None, ()),
            ([], ()),
        ],
    )
    def test_an_odd_meta_is_read_as_far_as_it_goes(self, meta, messages):
        answer = body("national_latest")
        answer["_meta"] = meta
        figures, _ = national("national_latest", "12345678", answer)
        assert figures.meta.messages == messages
        assert figures.salaire_12_mois_q3 == 20

    # `diplome.code` is the CFD's first character: "0" for a mention complémentaire, "7" for a doctorate.
    @pytest.mark.parametrize(("code", "read"), [("0", "0"), ("7", "7"), (0, "0")])
    def test_diplome_codes_zero_and_seven(self, code, read):
        answer = body("national_latest")
        answer["diplome"] = {"code": code, "libelle": "MC4"}
        figures, _ = national("national_latest", "12345678", answer)
        assert (figures.diplome.code, figures.diplome.libelle) == (read, "MC4")


# certificationsRoutes-test.js › Recherche › « Vérifie qu'on peut obtenir les stats d'une certification » and
# formationsRoutes-test.js › Recherche › « Vérifie qu'on peut obtenir les stats d'une formation agricole »
@pytest.mark.parametrize(
    ("name", "method"),
    [("list_certifications", "iter_certifications"), ("list_formations_agricole", "iter_formations")],
)
def test_list_items_parse(name, method):
    upstream = Upstream(name)
    (item,) = list(getattr(client_for(upstream), method)(millesimes=[Millesime("2020")]))
    expected = CASES[name]["body"][name.split("_")[1]][0]
    assert (item.code_certification, item.filiere, item.millesime) == (
        expected["code_certification"],
        expected["filiere"],
        expected["millesime"],
    )
    assert item.nb_annee_term == 100 and item.meta.titre == ""  # list items carry no _meta


# formationsRoutes-test.js › Obtention › « Ne retourne pas de stats par défaut si il n'y a pas de données pour le
# millésime le plus récent » and « …en demandant un millésime agregé si sa dernière année ne correspond pas à un
# millésime unique »: per school the default is the latest *year*, and the 404 names what was looked up.
@pytest.mark.parametrize(
    ("name", "asked", "query", "reported", "available"),
    [
        ("school_404_default_year", None, "", "2019", ("2017_2018",)),
        ("school_404_period_asked", "2019_2020", "millesime=2019_2020", "2019_2020", ("2019",)),
    ],
)
def test_a_school_without_figures_for_the_millesime_offers_the_available_ones(name, asked, query, reported, available):
    upstream = Upstream(name)
    millesime = parse_millesime(asked) if asked else None
    with pytest.raises(NotFound) as raised:
        client_for(upstream).school(parse_uai("0751234J"), parse_certification("12345678"), millesime)
    assert upstream.queries == [query]  # no millésime sent unless one is asked: the API picks its latest year
    error = raised.value
    assert (error.reason, error.millesime, error.available_millesimes) == (
        NotFoundReason.NO_DATA_FOR_MILLESIME,
        reported,
        available,
    )


# certificationStats.js findMillesime lists one millésime per record, and the unique key of certificationsStats.js
# includes the filière: a code with `pro` and `agricole` records names each millésime twice. The site offers each once.
def test_available_millesimes_are_offered_once_each_newest_first():
    upstream = Upstream("national_404_pro_and_agricole")
    with pytest.raises(NotFound) as raised:
        client_for(upstream).national(parse_certification("mefstat11:23i01021235"), Millesime("2019"))
    assert upstream.paths == ["/api/inserjeunes/certifications/MEFSTAT11:23I01021235"]
    assert raised.value.available_millesimes == ("2024", "2023")
    assert raised.value.payload == CASES["national_404_pro_and_agricole"]["body"]  # kept whole for the cache
