"""Each missing-data cause on the formation page, with the service answering real `IndicatorResult` objects."""

import datetime

import pytest

from guidance.catalog.models import Voie
from guidance.indicators.service import Absence, IndicatorResult, QuestionKind
from guidance.inserjeunes.parsing import parse_certification, parse_regional
from guidance.web.figures import questions
from guidance.web.figures.wording import MESSAGES, MissingCause
from tests.factories import make_formation, make_offer, make_school
from tests.web.html import parse

pytestmark = pytest.mark.django_db

FETCHED = datetime.datetime(2026, 6, 2, 10, 0, tzinfo=datetime.UTC)


def _body(question, **overrides):
    cert = question.certs[0]
    body = {
        "millesime": str(question.millesime) if question.millesime else "2023",
        "code_certification": cert.code,
        "filiere": "pro" if cert.kind.value == "MEFSTAT11" else "apprentissage",
        "nb_annee_term": 120,
        "nb_poursuite_etudes": 60,
        "nb_sortant": 60,
        "nb_en_emploi_6_mois": 24,
        "nb_en_emploi_12_mois": 30,
        "taux_en_emploi_6_mois": 20,
        "taux_en_emploi_12_mois": 25,
        "taux_en_formation": 50,
        "taux_autres_6_mois": 30,
        "taux_autres_12_mois": 25,
    }
    if question.kind is QuestionKind.REGIONAL:
        body["millesime"] = "2022_2023"
        body["region"] = {"code": question.region.code, "nom": question.region.nom}
    body.update(overrides)
    return body


def _serve(monkeypatch, answer, batches=None):
    """Make the page's `get_many` answer `answer(question)` for each question (an IndicatorResult)."""
    asked = []

    def fake_get_many(questions):
        asked.extend(questions)
        if batches is not None:
            batches.append(list(questions))
        return [answer(question) for question in questions]

    monkeypatch.setattr(questions, "get_many", fake_get_many)
    return asked


def _small_cohort(question, count):
    """A small cohort as the API sends it: every count and rate null but the number of final-year learners."""
    nulled = [name for name in _body(question) if name.startswith(("nb_", "taux_")) and name != "nb_annee_term"]
    return {**dict.fromkeys(nulled), "nb_annee_term": count}


def _figures(question, **overrides):
    body = _body(question, **overrides)
    if question.kind is QuestionKind.REGIONAL:
        return parse_regional(body)
    return parse_certification(body)


@pytest.fixture
def formation():
    return make_formation("4003100X", "Bac pro Essai", mefstat11="23830031000")


@pytest.mark.parametrize(
    ("absence", "cause"),
    [
        (Absence.UNKNOWN_CERTIFICATION, MissingCause.UNKNOWN),
        (Absence.NO_DATA, MissingCause.NO_DATA),
        (Absence.UNAVAILABLE, MissingCause.UNAVAILABLE),
    ],
)
def test_each_absence_shows_its_own_message_in_both_voies(client, monkeypatch, formation, absence, cause):
    _serve(monkeypatch, lambda q: IndicatorResult(q, absence=absence))

    tree = parse(client.get(f"/formations/{formation.cfd}/?region=11").content)

    messages = tree.find(id="devenir").find_all(class_="fig-missing")
    assert len(messages) == 4  # two voies, France and region
    assert {m.attrs["data-missing"] for m in messages} == {cause.value}
    assert MESSAGES[cause][0] in messages[0].text
    assert tree.find(class_="fig-evolution") is None


def test_small_cohort_says_fewer_than_20_with_the_cohort_size(client, monkeypatch, formation):
    def answer(q):
        small = _figures(q, **_small_cohort(q, 14))
        return IndicatorResult(q, figures=small, absence=Absence.SMALL_COHORT, fetched_at=FETCHED)

    _serve(monkeypatch, answer)

    tree = parse(client.get(f"/formations/{formation.cfd}/").content)

    message = tree.find(id="devenir").find(class_="fig-missing")
    assert message.attrs["data-missing"] == "small_cohort"
    assert "Moins de 20 jeunes" in message.text and "Effectif en dernière année : 14 jeunes" in message.text
    assert tree.find(id="devenir").find(class_="fig-shares") is None


def test_no_data_for_the_millesime_offers_the_available_ones_as_links(client, monkeypatch, formation):
    def answer(q):
        if q.millesime is not None and str(q.millesime) in ("2019", "2018_2019"):
            return IndicatorResult(q, absence=Absence.NO_DATA_FOR_MILLESIME, available_millesimes=("2023", "2022"))
        return IndicatorResult(q, figures=_figures(q), fetched_at=FETCHED)

    _serve(monkeypatch, answer)

    tree = parse(client.get(f"/formations/{formation.cfd}/?millesime=2019").content)

    message = tree.find(id="devenir").find(class_="fig-missing")
    assert message.attrs["data-missing"] == "no_data_for_millesime"
    assert [a.attrs["href"] for a in message.find_all("a")] == ["?millesime=2023", "?millesime=2022"]


def test_new_formation_without_a_finished_cohort_says_so(client, monkeypatch):
    this_year = datetime.date.today().year
    formation = make_formation("4003200X", "Bac pro Tout neuf", opened_on=datetime.date(this_year - 1, 9, 1))
    _serve(monkeypatch, lambda q: IndicatorResult(q, absence=Absence.UNKNOWN_CERTIFICATION))

    tree = parse(client.get(f"/formations/{formation.cfd}/").content)

    assert tree.find(id="devenir").find(class_="fig-missing").attrs["data-missing"] == "new_formation"


def test_stale_figures_say_from_when(client, monkeypatch, formation):
    _serve(monkeypatch, lambda q: IndicatorResult(q, figures=_figures(q), fetched_at=FETCHED, is_stale=True))

    tree = parse(client.get(f"/formations/{formation.cfd}/").content)

    source = tree.find(id="devenir").find(class_="fig-source").text
    assert "ne répond pas en ce moment" in source and "2 juin 2026" in source


def test_carried_over_figures_name_the_former_diploma(client, monkeypatch, formation):
    carried = {"donnee_source": {"code_certification": "40025214", "type": "ancienne"}}
    _serve(monkeypatch, lambda q: IndicatorResult(q, figures=_figures(q, **carried), fetched_at=FETCHED))

    tree = parse(client.get(f"/formations/{formation.cfd}/").content)

    notice = tree.find(id="devenir").find(class_="fig-carried-over").text
    assert "version précédente" in notice and "40025214" in notice


def test_figures_carried_over_in_a_way_the_site_does_not_know_say_so_neutrally(client, monkeypatch, formation):
    # A donnee_source.type the API may add later: the figures stay, the page names the other code without guessing
    carried = {"donnee_source": {"code_certification": "40025214", "type": "equivalente"}}
    _serve(monkeypatch, lambda q: IndicatorResult(q, figures=_figures(q, **carried), fetched_at=FETCHED))

    tree = parse(client.get(f"/formations/{formation.cfd}/").content)

    notice = tree.find(id="devenir").find(class_="fig-carried-over").text
    assert "autre version" in notice and "40025214" in notice
    assert "précédente" not in notice and "nouvelle" not in notice


def test_seconde_commune_has_one_block_per_speciality(client, monkeypatch):
    formation = make_formation("3203100X", "Seconde pro Métiers de la relation client", mefstat11="24731000000")
    formation.is_seconde_commune = True
    formation.save()

    def answer(q):
        body = {
            "millesime": "2023",
            "code_certification": q.certs[0].code,
            "filiere": "pro",
            "familleMetier": {"code": "RC", "libelle": "Relation client", "isAnneeCommune": True},
            "certificationsTerminales": [
                _body(q, code_certification="40031211", libelle="BAC PRO METIERS DE L'ACCUEIL"),
                _body(q, code_certification="40031212", libelle="BAC PRO METIERS DU COMMERCE", **_small_cohort(q, 9)),
                # upstream stats.js statsAnneeTerminale: `error` is the error's name, `millesimes` the asked one
                {"code_certification": "40031213", "error": "ErrorNoDataForMillesime", "millesimes": ["2023"]},
            ],
        }
        return IndicatorResult(q, figures=parse_certification(body), fetched_at=FETCHED)

    _serve(monkeypatch, answer)

    tree = parse(client.get(f"/formations/{formation.cfd}/").content)

    scolaire = tree.find(id="devenir").find("div", class_="fig-panel", data_voie="Voie scolaire")
    blocks = scolaire.find(class_="fig-terminales").find_all("div", class_="fig-panel")
    assert [b.find("h5").text for b in blocks] == [
        "BAC PRO METIERS DE L'ACCUEIL",
        "BAC PRO METIERS DU COMMERCE",
        "40031213",
    ]
    assert blocks[0].find(class_="fig-shares") is not None
    assert blocks[1].find(class_="fig-missing").attrs["data-missing"] == "small_cohort"
    assert blocks[2].find(class_="fig-missing").attrs["data-missing"] == "no_data_for_millesime"
    assert not blocks[2].find(class_="fig-missing").find_all("a")  # the echoed millésime is not an offer
    assert "seconde est commune" in tree.text


def test_salaries_show_median_and_quartiles_when_present(client, monkeypatch, formation):
    salaries = {"salaire_12_mois_q1": 1250, "salaire_12_mois_q2": 1480, "salaire_12_mois_q3": 1700}
    _serve(monkeypatch, lambda q: IndicatorResult(q, figures=_figures(q, **salaries), fetched_at=FETCHED))

    tree = parse(client.get(f"/formations/{formation.cfd}/").content)

    text = tree.find(id="devenir").find(class_="fig-salaries").text
    assert "1 480 €" in text and "1 250 €" in text and "1 700 €" in text


def test_every_figure_of_the_page_comes_in_two_rounds_each_question_once(client, monkeypatch, formation):
    for index in range(3):
        school = make_school(f"07500{index:02d}A", f"Lycée {index}")
        make_offer(school, formation, Voie.APPRENTISSAGE)
    batches = []
    asked = _serve(monkeypatch, lambda q: IndicatorResult(q, figures=_figures(q), fetched_at=FETCHED), batches)

    client.get(f"/formations/{formation.cfd}/?region=11")

    assert len(asked) == len(set(asked))
    first, evolution = batches  # devenir + schools together, then the older promotions (France's and the region's)
    # The regions' map asks one list across regions, in the same first round (issue 22).
    assert {q.kind for q in first} == {
        QuestionKind.NATIONAL,
        QuestionKind.REGIONAL,
        QuestionKind.SCHOOL,
        QuestionKind.ACROSS_REGIONS,
    }
    assert sum(1 for q in first if q.kind is QuestionKind.ACROSS_REGIONS) == 1
    # The region's older promotions go with France's (the answer block's 24-month figure, the region's evolution).
    assert {q.kind for q in evolution} == {QuestionKind.NATIONAL, QuestionKind.REGIONAL}
    assert all(q.millesime for q in evolution)
