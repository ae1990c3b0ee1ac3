"""The answer first (issue 23): the employment rate among leavers, the ten people, the newest 24-month figure with
its promotion, the word against comparable diplomas; unit rules, then the real rows of the sample."""

from dataclasses import replace

import pytest

from guidance.indicators import peers
from guidance.inserjeunes.codes import Millesime
from guidance.web.figures.answer import leavers_rate, out_of_ten, place_answer, share_of
from guidance.web.figures.models import Evolution, FigureChain, FigurePanel, Horizon, ScopeKind
from guidance.web.figures.peerword import HIGH, LOW, MIDDLE, word_for
from guidance.web.figures.present import shares
from guidance.web.figures.wording import CARRIED_OVER_NO_POSITION, SCHOOL_FIGURES_OFFLINE, people_sentence
from tests.web.html import parse


def _panel(millesime: str, *, leavers=344, at_6=173, at_12=224, at_24=None, rates=(21, 59, 20)) -> FigurePanel:
    return FigurePanel(
        "Occitanie",
        ScopeKind.REGION,
        "Voie scolaire",
        millesime=Millesime(millesime),
        cohort=840,
        leavers=leavers,
        shares=shares(zip(("emploi", "formation", "autres"), rates, (at_6, None, None), strict=True)),
        horizons=(
            Horizon(6, rates[0], at_6, rates[2]),
            Horizon(12, 27, at_12, 14),
            Horizon(18, None, None, None, not_yet_measured=at_24 is None),
            Horizon(24, None if at_24 is None else 27, at_24, None, not_yet_measured=at_24 is None),
        ),
    )


def test_the_rate_among_leavers_divides_by_those_who_left_not_by_the_final_year():
    rate = leavers_rate(_panel("2022_2023"), 6)
    assert (rate.rate, rate.employed, rate.leavers, rate.of_everyone) == (50, 173, 344, 21)
    assert rate.out_of_ten == 5 and rate.years == "2022 et 2023"
    assert share_of(1, 0) is None and share_of(None, 3) is None


def test_ten_people_add_up_to_ten_and_read_in_plain_words():
    people = out_of_ten(_panel("2022_2023"))
    assert [(p.key, p.count) for p in people] == [("emploi", 2), ("formation", 6), ("autres", 2)]
    assert people_sentence((p.key, p.count) for p in people) == (
        "2 travaillent, 6 continuent leurs études et 2 sont dans une autre situation"
    )
    assert people_sentence([("emploi", 1), ("formation", 9), ("autres", 0)]) == (
        "1 travaille et 9 continuent leurs études"
    )


def test_the_24_month_figure_is_the_newest_promotion_that_has_it_and_says_which():
    latest, middle, oldest = _panel("2022_2023"), _panel("2021_2022"), _panel("2020_2021", leavers=373, at_24=238)
    answer = place_answer("Voie scolaire", FigureChain(latest), [oldest, middle])
    assert answer.at_12 is not None and answer.at_12.years == "2022 et 2023"
    assert answer.at_24 is not None and (answer.at_24.rate, answer.at_24.years) == (64, "2020 et 2021")
    assert answer.at_24_is_older
    # An older promotion asked: nothing newer than it is used.
    assert place_answer("Voie scolaire", FigureChain(oldest), [latest]).at_12.years == "2020 et 2021"


def test_a_word_needs_a_clear_position_and_is_one_of_three():
    assert word_for(lower=52, equal=3, higher=19) == HIGH
    assert word_for(lower=17, equal=0, higher=10) == MIDDLE
    assert word_for(lower=2, equal=1, higher=20) == LOW


@pytest.mark.django_db
def test_bac_pro_cuisine_in_occitanie_answers_first_with_the_rate_among_leavers(client, imported):
    tree = parse(client.get("/formations/40022106/", {"region": "76"}).content)
    block = tree.find("section", class_="fig-answer")
    scolaire = block.find(class_="fig-answer__voie", data_voie="Voie scolaire")
    # 173 of the 344 who left (the DEPP's rate), not 173 of the 840 of the final year (21 %).
    assert "50 % des jeunes sortis de formation avaient un emploi salarié 6 mois après, soit 5 sur 10" in scolaire.text
    assert "173 sur 344" in scolaire.text
    assert "2 travaillent, 6 continuent leurs études et 2 sont dans une autre situation" in scolaire.text
    later = scolaire.find("li", data_months="24").text
    assert "64 %" in later and "238 sur 373" in later and "jeunes sortis en 2020 et 2021" in later
    assert "pas encore mesuré" not in later
    word = scolaire.find(class_="fig-answer__word").text
    assert "Par rapport aux formations comparables de la région, ce taux est plutôt haut" in word
    assert f"Sans au moins {peers.MIN_PEERS} formations comparables" in scolaire.find("details").text
    assert "Salaires : les données ouvertes utilisées par ce site n’en contiennent pas" in scolaire.text
    assert "Pourquoi l’apprentissage et la voie scolaire" in block.text


@pytest.mark.django_db
def test_the_answer_comes_before_the_identity_and_the_embed_code_comes_last(client, imported):
    html = client.get("/formations/40022106/", {"region": "76"}).content.decode()
    markers = ("<h1", "fig-answer", "Code du diplôme", "ecoles-titre", 'id="integrer-titre"')
    order = [html.index(marker) for marker in markers]
    assert order == sorted(order)


@pytest.mark.django_db
def test_the_school_formation_page_answers_first_with_the_nearest_figures_said_as_such(client, imported):
    tree = parse(client.get("/etablissements/0120014A/formations/40022106/", {"voie": "scolaire"}).content)
    block = tree.find("section", class_="fig-answer")
    text = block.text
    assert "À défaut : la même formation dans la région Occitanie" in text
    assert "50 % des jeunes sortis de formation avaient un emploi salarié 6 mois après" in text
    assert "64 %" in block.find("li", data_months="24").text
    html = client.get("/etablissements/0120014A/formations/40022106/", {"voie": "scolaire"}).content.decode()
    assert html.index("fig-answer") < html.index("Dans cet établissement") < html.index('id="integrer-titre"')


@pytest.mark.django_db
def test_the_school_page_answers_first_with_the_depp_rate_among_leavers_and_names_each_group(client, imported):
    tree = parse(client.get("/etablissements/0120014A/").content)
    block = tree.find("section", class_="fig-answer")
    assert "51 % des jeunes sortis de formation avaient un emploi salarié 6 mois après" in block.text
    assert "Sur 10 jeunes en dernière année, 6 mois après : 3 travaillent" in block.text
    at_24 = block.find("li", data_months="24").text
    assert "62 %" in at_24 and "2018 et 2019" in at_24
    # Below, the 27 % "en emploi" says it counts every young person of the final year, not the leavers (51 %).
    devenir = tree.find("section", aria_labelledby="titre-devenir").text
    assert "sur 100 jeunes en dernière année (qu’ils aient quitté l’école ou non)" in devenir
    assert "51 % des jeunes sortis de l’établissement avaient un emploi" in devenir


@pytest.mark.django_db
def test_a_school_without_figures_of_its_own_is_said_in_one_sentence_on_both_school_pages(client, imported):
    # Issue 23: the school × formation page said "aucun chiffre n’existe pour elle", the school page "les données
    # ouvertes ne donnent pas encore ces chiffres": offline, both say the one sentence of `wording`.
    pair = parse(client.get("/etablissements/0120014A/formations/40022106/", {"voie": "scolaire"}).content).text
    school = parse(client.get("/etablissements/0120014A/").content).text
    assert SCHOOL_FIGURES_OFFLINE in pair and SCHOOL_FIGURES_OFFLINE in school
    assert "aucun chiffre n’existe pour elle" not in pair
    assert "ne donnent pas encore ces chiffres" not in school


def test_a_renewed_diploma_shown_with_its_former_figures_is_not_said_to_have_no_figure():
    # Issue 23: MELEC 40025520 read "19 % en emploi", then "pas de chiffre publié pour cette promotion" under it:
    # its figures are the former version's, which the region's list does not lend it.
    from guidance.catalog.models import Formation
    from guidance.inserjeunes.codes import region_from_code
    from guidance.web.figures.models import CarriedOver
    from guidance.web.formations.choose import voie_choices
    from guidance.web.formations.page import FormationFigures, VoiePanels

    panel = replace(_panel("2022_2023"), carried_over=CarriedOver("40025510", is_former=True))
    voie = VoiePanels("scolaire", "Voie scolaire", (), (panel,), codes=("23830025520",))
    figures = FormationFigures((voie,), region_from_code("76"), (), "2022-2023", Evolution((), ()), 0)

    (choice,) = voie_choices(Formation(cfd="40025520", label="Bac pro MELEC"), figures, region_from_code("76"))

    assert choice.reason == CARRIED_OVER_NO_POSITION
    assert "pas de chiffre publié" not in choice.reason


@pytest.mark.django_db
def test_the_chosen_region_has_its_evolution_table_too(client, imported):
    tree = parse(client.get("/formations/40022106/", {"region": "76"}).content)
    region = tree.find(class_="fig-evolution-region")
    assert region.find("h3").text == "D’une année de sortie à l’autre, en Occitanie"
    rows = region.find_all("tr")
    assert any("2020 et 2021" in row.text for row in rows) and any("2022 et 2023" in row.text for row in rows)
    # Without a region, France's only.
    assert parse(client.get("/formations/40022106/").content).find(class_="fig-evolution-region") is None
