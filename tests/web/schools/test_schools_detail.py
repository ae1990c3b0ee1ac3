"""The school page: identity, DEPP school-level figures, every training with its figure or the labelled fallback."""

import datetime

import pytest

from guidance.catalog.models import Population, SchoolIndicators, Voie
from guidance.indicators.service import Absence, IndicatorResult, QuestionKind
from guidance.inserjeunes.results import CertificationFigures, RegionalFigures
from guidance.inserjeunes.territories import REGIONS
from guidance.web.figures import questions
from guidance.web.figures.depp import IndicatorRow
from guidance.web.figures.wording import MESSAGES, MissingCause
from tests.factories import make_formation, make_offer, make_school, real_bac_pro
from tests.support import HTMX
from tests.web.html import inner_html, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def real():
    return real_bac_pro()


@pytest.fixture
def region_with_both_voies(real):
    """A region (and one of its départements) where the open data has the bac pro in both voies."""
    from guidance.inserjeunes.territories import DEPARTEMENTS

    def big_enough(voie, region):
        row = real.rows.get((voie, region))
        return row is not None and int(row["nb_annee_term"]) >= 20 and row["nb_en_emploi_6_mois"] != ""

    region = min(r for _, r in real.rows if big_enough("scolaire", r) and big_enough("apprentissage", r))
    departement = min(code for code, (_, _, reg) in DEPARTEMENTS.items() if reg == region)
    return region, departement


@pytest.fixture
def school_with_real_offers(real, region_with_both_voies):
    region, departement = region_with_both_voies
    formation = make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)
    school = make_school("0999001A", "Lycée des métiers Réel", departement_code=departement, town="Quelque part")
    make_offer(school, formation, Voie.SCOLAIRE, mefstat11=real.mefstat11)
    make_offer(school, formation, Voie.APPRENTISSAGE)
    return school, formation, region


def _row(tree, voie):
    table = tree.find("div", class_="school-offers")
    return table.find("tr", data_voie=voie)


# --- Real replica, real open data ------------------------------------------------------------------------------


def test_each_training_shows_the_real_regional_figure_labelled_as_a_fallback(client, real, school_with_real_offers):
    school, formation, region = school_with_real_offers

    response = client.get(f"/etablissements/{school.uai}/")

    assert response.status_code == 200
    tree = parse(response.content)
    for voie in ("scolaire", "apprentissage"):
        row = _row(tree, voie)
        open_data = real.rows[(voie, region)]
        cells = [td.text for td in row.find_all("td")]
        assert row.attrs["data-fallback"] == "true" and row.attrs["data-scope"] == "region"
        assert cells[0] == {"scolaire": "Voie scolaire", "apprentissage": "Apprentissage"}[voie]
        assert cells[4].startswith("À défaut : la même formation dans la région " + REGIONS[region])
        # Cohort size and employment share: exactly the open-data row of that region and millésime.
        assert cells[3].replace(" ", "") == open_data["nb_annee_term"]
        share = 100 * int(open_data["nb_en_emploi_6_mois"]) / int(open_data["nb_annee_term"])
        assert abs(int(cells[1].removesuffix(" %")) - share) <= 1  # a share of the cohort, as the API computes it
        assert "Jeunes sortis en " + real.millesime.replace("_", " et ") in cells[4]
        link = row.find("a")
        assert link.attrs["href"] == f"/etablissements/{school.uai}/formations/{formation.cfd}/?voie={voie}"


def test_page_asks_each_question_once_and_nothing_when_cached(
    client, school_with_real_offers, upstream_calls, django_assert_max_num_queries
):
    school, _, _ = school_with_real_offers

    client.get(f"/etablissements/{school.uai}/")
    # Per voie: the school (unknown in the open data) and the region; France is not needed (the region has figures).
    assert len(upstream_calls) == len(set(upstream_calls)) == 4
    assert not any(key.startswith("/api/inserjeunes/certifications/") for key in upstream_calls)

    upstream_calls.clear()
    with django_assert_max_num_queries(12):
        client.get(f"/etablissements/{school.uai}/")
    assert upstream_calls == []


# --- Identity and DEPP indicators ------------------------------------------------------------------------------


def test_identity_card(client):
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031", town="Toulouse")
    school.address, school.postal_code = "1 rue de la République", "31000"
    school.save()

    tree = parse(client.get("/etablissements/0310024H/").content)

    assert tree.find("h1").text == "Lycée Jean Jaurès"
    identity = tree.find("dl", class_="school-identity").text
    for expected in ("1 rue de la République", "31000 Toulouse", "Haute-Garonne", "Toulouse", "Occitanie", "Public"):
        assert expected in identity
    assert "0310024H" in identity
    assert "Lycée professionnel" in tree.find("ul", class_="fr-badges-group").text


def test_depp_figures_per_millesime_with_the_value_added_in_one_sentence(client):
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    for millesime, (employment, expected) in {"2021_2022": (54, 45), "2022_2023": (51, 41)}.items():
        SchoolIndicators.objects.create(
            school=school,
            millesime=millesime,
            population=Population.ENSEMBLE,
            share_in_employment=23,
            share_in_study=54,
            share_other=23,
            employment_rate_6m=employment,
            expected_rate=expected,
            value_added=employment - expected,
            source="depp.csv",
        )

    tree = parse(client.get("/etablissements/0310024H/").content)

    section = tree.find("section", aria_labelledby="titre-devenir")
    sentence = section.find("div", class_="school-value-added").text
    # (Node.text folds the narrow no-break spaces into plain spaces.)
    assert "51 % des jeunes sortis" in sentence and "contre 41 % attendus" in sentence
    assert "plus que prévu" in sentence and "+10 points" in sentence
    rows = section.find("table").find("tbody").find_all("tr")
    assert [row.attrs["data-millesime"] for row in rows] == ["2022_2023", "2021_2022"]
    assert [td.text for td in rows[1].find_all("td")][-3:] == ["54 %", "45 %", "+9"]
    assert "Chiffres des jeunes sortis en 2022 et 2023 (deux années de sortie additionnées)" in (
        section.find("p", class_="fig-source").text
    )
    assert [s.attrs["width"] for s in section.find("svg").find_all("rect")[1:]] == ["23", "54", "23"]


def test_negative_value_added_reads_as_less_than_expected():
    row = SchoolIndicators(employment_rate_6m=38, expected_rate=45, value_added=-7)

    sentence = IndicatorRow("2023", "Ensemble", row).value_added_sentence

    assert "38\u202f%" in sentence and "45\u202f%" in sentence
    assert "moins que prévu" in sentence and "−7\u00a0points" in sentence


def test_school_without_depp_figures_says_so(client):
    make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")

    text = parse(client.get("/etablissements/0310024H/").content).find("section", aria_labelledby="titre-devenir").text

    assert "ne publie pas d’indicateurs d’ensemble" in text


# --- Missing figures: the message of each cause ----------------------------------------------------------------


def _answer_everything_with(monkeypatch, absence, *, small_cohort=False, available=()):
    def fake_get_many(questions, **kwargs):
        results = []
        for question in questions:
            figures = None
            if small_cohort:
                cls = RegionalFigures if question.kind is QuestionKind.REGIONAL else CertificationFigures
                figures = cls(
                    millesime="2022_2023",
                    code_certification=question.certs[0].code,
                    filiere="pro",
                    nb_annee_term=12,
                )
            results.append(IndicatorResult(question, figures=figures, absence=absence, available_millesimes=available))
        return results

    monkeypatch.setattr(questions, "get_many", fake_get_many)


@pytest.mark.parametrize(
    ("absence", "cause", "small_cohort"),
    [
        (Absence.SMALL_COHORT, MissingCause.SMALL_COHORT, True),
        (Absence.NO_DATA_FOR_MILLESIME, MissingCause.NO_DATA_FOR_MILLESIME, False),
        (Absence.UNKNOWN_CERTIFICATION, MissingCause.UNKNOWN, False),
        (Absence.NO_DATA, MissingCause.NO_DATA, False),
        (Absence.UNAVAILABLE, MissingCause.UNAVAILABLE, False),
    ],
)
def test_a_training_without_any_figure_shows_the_message_of_its_cause(
    client, monkeypatch, through_the_api, absence, cause, small_cohort
):
    formation = make_formation("40025214", "Bac pro Commerce", mefstat11="24024021211")
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    make_offer(school, formation, Voie.SCOLAIRE, mefstat11="24024021211")
    _answer_everything_with(monkeypatch, absence, small_cohort=small_cohort, available=("2021_2022",))

    cell = _row(parse(client.get("/etablissements/0310024H/").content), "scolaire").find("td", data_missing=cause.value)

    assert cell is not None
    assert MESSAGES[cause][0] in cell.text
    if small_cohort:
        assert "(12 jeunes)" in cell.text


def test_a_new_training_says_it_is_too_recent(client, monkeypatch):
    formation = make_formation(
        "40025299", "Bac pro Tout neuf", mefstat11="24024099911", opened_on=datetime.date.today()
    )
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    make_offer(school, formation, Voie.SCOLAIRE, mefstat11="24024099911")
    _answer_everything_with(monkeypatch, Absence.NO_DATA)

    cell = _row(parse(client.get("/etablissements/0310024H/").content), "scolaire").find(
        "td", data_missing="new_formation"
    )

    assert MESSAGES[MissingCause.NEW_FORMATION][0] in cell.text


def test_a_seconde_commune_points_to_its_specialities_without_asking_the_source(client, monkeypatch):
    formation = make_formation(
        "32031309", "Bac pro Métiers de la relation client 2nde commune", is_seconde_commune=True
    )
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    make_offer(school, formation, Voie.SCOLAIRE)
    asked = []
    monkeypatch.setattr(questions, "get_many", lambda questions, **kw: asked.extend(questions) or [])

    row = _row(parse(client.get("/etablissements/0310024H/").content), "scolaire")

    assert "Seconde commune à plusieurs spécialités" in row.text
    assert row.find("td", colspan="4").find("a").attrs["href"] == "/formations/32031309/"
    assert asked == []


# --- HTMX, redirects, errors -----------------------------------------------------------------------------------


def test_voie_filter_fragment_equals_the_region_of_the_full_page(client, school_with_real_offers):
    school, _, _ = school_with_real_offers
    url = f"/etablissements/{school.uai}/"

    full = client.get(url, {"voie": "apprentissage"})
    fragment = client.get(url, {"voie": "apprentissage"}, **HTMX)

    assert fragment.content.decode().strip() == inner_html(full.content, "formations-proposees").strip()
    tree = parse(fragment.content)
    assert [tr.attrs["data-voie"] for tr in tree.find("tbody").find_all("tr")] == ["apprentissage"]
    current = tree.find("a", aria_current="true")
    assert current.text == "Apprentissage" and current.attrs["hx-get"] == "?voie=apprentissage"
    assert "HX-Request" in full["Vary"]


def test_lower_case_uai_redirects_permanently_to_the_canonical_address(client):
    make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")

    response = client.get("/etablissements/0310024h/")

    assert response.status_code == 301
    assert response["Location"] == "/etablissements/0310024H/"
    assert (
        client.get("/etablissements/0310024h/?voie=scolaire")["Location"] == "/etablissements/0310024H/?voie=scolaire"
    )


@pytest.mark.parametrize("uai", ["0310024", "ABCDEFGH", "0310024H1", "9999999Z"])
def test_malformed_or_unknown_uai_is_the_styled_404_with_a_search(client, uai):
    response = client.get(f"/etablissements/{uai}/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert parse(response.content).find("form", role="search") is not None


def test_unknown_voie_is_a_clear_400(client):
    make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")

    response = client.get("/etablissements/0310024H/", {"voie": "alternance"})

    assert response.status_code == 400
    assert "La voie doit être « scolaire » ou « apprentissage »." in response.content.decode()


def test_a_malformed_catalogue_code_never_reaches_the_source(client, monkeypatch):
    # A bad row of an offers file (a MEFSTAT11 is 11 digits or upper-case letters; 32A31031403 would be a real
    # one): the row says there is nothing, nothing is asked.
    formation = make_formation("32A31031", "BTS Code étrange")
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031")
    make_offer(school, formation, Voie.SCOLAIRE, mefstat11="32A3103140-")
    asked = []
    monkeypatch.setattr(questions, "get_many", lambda questions, **kw: asked.extend(questions) or [])

    row = _row(parse(client.get("/etablissements/0310024H/").content), "scolaire")

    assert row.find("td", data_missing=MissingCause.UNKNOWN.value) is not None
    assert asked == []


def test_a_school_known_only_by_its_uai_is_named_by_it_everywhere(client):
    # Some UAIs appear only in the offer files, which give no name: pages say so plainly, never an empty title.
    formation = make_formation("40031213", "Bac pro Commerce")
    school = make_school("0750099Z", "")
    make_offer(school, formation)

    page = parse(client.get("/etablissements/0750099Z/").content)
    pair = parse(client.get("/etablissements/0750099Z/formations/40031213/").content)

    assert page.find("h1").text == "Établissement 0750099Z"
    assert "Établissement 0750099Z" in pair.find("h1").text + pair.text
    assert "Établissement 0750099Z" in page.find("title").text
