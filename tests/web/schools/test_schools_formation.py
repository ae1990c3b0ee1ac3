"""One training in one school: the school's figures next to the region's and France's, and where they come from."""

import datetime

import pytest
from django.utils import timezone

from guidance.catalog.models import Voie
from guidance.indicators.service import Absence, IndicatorResult, QuestionKind
from guidance.inserjeunes.results import CertificationFigures, RegionalFigures, SchoolFigures, UaiType
from guidance.inserjeunes.territories import REGIONS
from guidance.web.figures import questions
from guidance.web.figures.wording import MESSAGES, SCHOOL_FIGURES_OFFLINE, MissingCause
from tests.factories import make_formation, make_offer, make_school
from tests.support import HTMX
from tests.web.html import inner_html, parse

pytestmark = pytest.mark.django_db


def _count(panel, name):
    node = panel.find("dd", data_count=name)
    return None if node is None else int(node.text.replace(" ", ""))


def _panel(tree, voie, scope):
    return tree.find("section", data_voie=voie).find("div", class_="fig-panel", data_scope=scope)


# --- Real replica, real open data ------------------------------------------------------------------------------


def test_school_region_and_france_side_by_side_from_the_open_data(client, real_pair):
    real, region, school, formation = real_pair

    response = client.get(f"/etablissements/{school.uai}/formations/{formation.cfd}/")

    assert response.status_code == 200
    tree = parse(response.content)
    # The open data has no per-school figures: the page says so, and the school panel gives the source's reason.
    school_panel = _panel(tree, "scolaire", "school")
    assert school_panel.find("div", data_missing=MissingCause.SCHOOL_OFFLINE.value) is not None
    assert SCHOOL_FIGURES_OFFLINE in tree.find("section", data_voie="scolaire").text
    region_panel = _panel(tree, "scolaire", "region")
    assert region_panel.find("h3").text == f"En {REGIONS[region]}"
    assert _count(region_panel, "nb_annee_term") == int(real.rows[("scolaire", region)]["nb_annee_term"])
    assert _count(region_panel, "nb_poursuite_etudes") == int(real.rows[("scolaire", region)]["nb_poursuite_etudes"])
    france = _panel(tree, "scolaire", "france")
    national = sum(int(row["nb_annee_term"]) for (voie, _), row in real.rows.items() if voie == "scolaire")
    assert _count(france, "nb_annee_term") == national
    # Only the voie the school offers is shown, and the page links the formation and the school.
    assert tree.find("section", data_voie="apprentissage") is None
    hrefs = {a.attrs.get("href") for a in tree.find_all("a")}
    assert f"/formations/{formation.cfd}/" in hrefs and f"/etablissements/{school.uai}/" in hrefs


def test_voie_switch_fragment_equals_the_region_of_the_full_page(client, real_pair):
    _, _, school, formation = real_pair
    make_offer(school, formation, Voie.APPRENTISSAGE)
    url = f"/etablissements/{school.uai}/formations/{formation.cfd}/"

    both = parse(client.get(url).content)
    assert [s.attrs["data-voie"] for s in both.find_all("section", class_="school-formation")] == [
        "scolaire",
        "apprentissage",
    ]
    full = client.get(url, {"voie": "apprentissage"})
    fragment = client.get(url, {"voie": "apprentissage"}, **HTMX)

    assert fragment.content.decode().strip() == inner_html(full.content, "chiffres").strip()
    sections = parse(fragment.content).find_all("section", class_="school-formation")
    assert [s.attrs["data-voie"] for s in sections] == ["apprentissage"]
    assert "HX-Request" in fragment["Vary"]


# --- Where the school's figures come from ----------------------------------------------------------------------


def _school_figures(uai, code, **extra):
    return SchoolFigures(
        uai=uai,
        millesime="2022_2023",
        code_certification=code,
        filiere="apprentissage",
        nb_annee_term=48,
        nb_en_emploi_6_mois=30,
        nb_poursuite_etudes=10,
        taux_en_emploi_6_mois=62,
        taux_en_formation=21,
        taux_autres_6_mois=17,
        **extra,
    )


def _fake_service(monkeypatch, school_answer):
    """School questions get `school_answer(question)`; region and France get plain figures."""

    def fake_get_many(questions, **kwargs):
        results = []
        for question in questions:
            if question.kind is QuestionKind.SCHOOL:
                results.append(school_answer(question))
                continue
            cls = RegionalFigures if question.kind is QuestionKind.REGIONAL else CertificationFigures
            figures = cls(
                millesime="2022_2023",
                code_certification=question.certs[0].code,
                filiere="apprentissage",
                nb_annee_term=500,
                taux_en_emploi_6_mois=50,
                taux_en_formation=30,
                taux_autres_6_mois=20,
            )
            results.append(IndicatorResult(question, figures=figures, fetched_at=timezone.now()))
        return results

    monkeypatch.setattr(questions, "get_many", fake_get_many)


def test_figures_of_the_formateur_are_said_and_linked(client, monkeypatch):
    formation = make_formation("40025214", "Bac pro Commerce")
    cfa = make_school("0312345X", "CFA gestionnaire", departement_code="031")
    lieu = make_school("0310024H", "Site de formation de Toulouse", departement_code="031")
    make_offer(lieu, formation, Voie.APPRENTISSAGE)
    _fake_service(
        monkeypatch,
        lambda q: IndicatorResult(
            q,
            figures=_school_figures(
                q.uai.value,
                q.certs[0].code,
                uai_type=UaiType.LIEU_FORMATION,
                uai_donnee=cfa.uai,
                uai_donnee_type=UaiType.FORMATEUR,
                libelle_etablissement=cfa.name,
                uai_lieu_formation=(lieu.uai,),
                uai_formateur=(cfa.uai, "0319999Z"),
            ),
        ),
    )

    tree = parse(client.get(f"/etablissements/{lieu.uai}/formations/40025214/").content)

    notice = tree.find("div", class_="school-provenance").text
    assert "Les chiffres de l’établissement sont ceux de l’organisme formateur" in notice
    assert tree.find("div", class_="school-provenance").find("a").attrs["href"] == f"/etablissements/{cfa.uai}/"
    listing = tree.find("dl", class_="school-provenance__list").text
    assert "Lieu de formation" in listing and "Organismes formateurs" in listing and "UAI 0319999Z" in listing
    school_panel = _panel(tree, "apprentissage", "school")
    assert "62 %" in school_panel.find("figure", class_="fig-shares").text
    assert _count(school_panel, "nb_annee_term") == 48


def test_without_an_offer_the_page_exists_only_when_the_school_has_figures(client, monkeypatch):
    make_formation("40025214", "Bac pro Commerce")
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    url = f"/etablissements/{school.uai}/formations/40025214/"

    _fake_service(monkeypatch, lambda q: IndicatorResult(q, absence=Absence.UNKNOWN_FORMATION))
    assert client.get(url).status_code == 404

    _fake_service(monkeypatch, lambda q: IndicatorResult(q, figures=_school_figures(q.uai.value, q.certs[0].code)))
    response = client.get(url)
    assert response.status_code == 200
    assert "Notre catalogue ne recense pas cette formation" in response.content.decode()


# --- Missing figures at the school: the message of each cause --------------------------------------------------


@pytest.mark.parametrize(
    ("absence", "cause"),
    [
        (Absence.SMALL_COHORT, MissingCause.SMALL_COHORT),
        (Absence.NO_DATA_FOR_MILLESIME, MissingCause.NO_DATA_FOR_MILLESIME),
        (Absence.UNKNOWN_FORMATION, MissingCause.UNKNOWN),
        (Absence.NO_DATA, MissingCause.NO_DATA),
        (Absence.UNAVAILABLE, MissingCause.UNAVAILABLE),
    ],
)
def test_school_panel_says_why_it_has_no_figure_next_to_the_region_and_france(
    client, monkeypatch, through_the_api, absence, cause
):
    formation = make_formation("40025214", "Bac pro Commerce")
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    make_offer(school, formation, Voie.APPRENTISSAGE)

    def answer(question):
        figures = None
        if absence is Absence.SMALL_COHORT:
            figures = SchoolFigures(
                uai=question.uai.value,
                millesime="2022_2023",
                code_certification=question.certs[0].code,
                filiere="apprentissage",
                nb_annee_term=14,
            )
        return IndicatorResult(question, figures=figures, absence=absence, available_millesimes=("2021_2022",))

    _fake_service(monkeypatch, answer)

    tree = parse(client.get(f"/etablissements/{school.uai}/formations/40025214/").content)

    message = _panel(tree, "apprentissage", "school").find("div", data_missing=cause.value)
    assert MESSAGES[cause][0] in message.text
    if cause is MissingCause.SMALL_COHORT:
        assert "14 jeunes" in message.text
    if cause is MissingCause.NO_DATA_FOR_MILLESIME:
        assert message.find("a").attrs["href"] == "?millesime=2021_2022"
    # The region and France keep their figures next to it.
    assert "50 %" in _panel(tree, "apprentissage", "region").text
    assert "50 %" in _panel(tree, "apprentissage", "france").text


def test_a_new_training_says_it_is_too_recent(client, monkeypatch):
    formation = make_formation("40025299", "Bac pro Tout neuf", opened_on=datetime.date.today())
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    make_offer(school, formation, Voie.APPRENTISSAGE)
    _fake_service(monkeypatch, lambda q: IndicatorResult(q, absence=Absence.NO_DATA))

    tree = parse(client.get(f"/etablissements/{school.uai}/formations/40025299/").content)

    assert _panel(tree, "apprentissage", "school").find("div", data_missing="new_formation") is not None


def test_stale_school_figures_say_from_when_they_are(client, monkeypatch):
    formation = make_formation("40025214", "Bac pro Commerce")
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    make_offer(school, formation, Voie.APPRENTISSAGE)
    fetched = timezone.make_aware(datetime.datetime(2026, 3, 14, 10, 0))
    _fake_service(
        monkeypatch,
        lambda q: IndicatorResult(
            q, figures=_school_figures(q.uai.value, q.certs[0].code), fetched_at=fetched, is_stale=True
        ),
    )

    tree = parse(client.get(f"/etablissements/{school.uai}/formations/40025214/").content)

    stale = _panel(tree, "apprentissage", "school").find("span", class_="fig-stale")
    assert "14 mars 2026" in stale.text


# --- Redirects and errors --------------------------------------------------------------------------------------


def test_lower_case_codes_redirect_permanently_keeping_the_query(client):
    make_formation("4002521A", "Bac pro Commerce")
    make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")

    response = client.get("/etablissements/0310024h/formations/4002521a/", {"voie": "apprentissage"})

    assert response.status_code == 301
    assert response["Location"] == "/etablissements/0310024H/formations/4002521A/?voie=apprentissage"


@pytest.mark.parametrize(
    "path",
    [
        "/etablissements/0310024H/formations/123/",  # malformed CFD
        "/etablissements/0310024H/formations/99999999/",  # unknown CFD
        "/etablissements/9999999Z/formations/40025214/",  # unknown UAI
        "/etablissements/031/formations/40025214/",  # malformed UAI
    ],
)
def test_unknown_or_malformed_codes_are_the_styled_404(client, path):
    make_formation("40025214", "Bac pro Commerce")
    make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")

    response = client.get(path)

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_unknown_voie_is_a_clear_400(client):
    formation = make_formation("40025214", "Bac pro Commerce")
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    make_offer(school, formation, Voie.SCOLAIRE)

    response = client.get(f"/etablissements/{school.uai}/formations/40025214/", {"voie": "toutes"})

    assert response.status_code == 400
    assert "La voie doit être" in response.content.decode()
