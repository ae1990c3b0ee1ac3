"""Presenters: IndicatorResult → what the figure templates show, and the includes that render them."""

import datetime

import pytest
from django.template import engines
from django.test import RequestFactory

from guidance.indicators.service import Absence, IndicatorResult, Question
from guidance.inserjeunes.codes import Certification, CodeKind, Millesime, region_from_code
from guidance.inserjeunes.parsing import parse_certification, parse_regional
from guidance.web.figures import present as presenters
from guidance.web.figures.models import ScopeKind
from guidance.web.figures.wording import SCHOOL_FIGURES_OFFLINE, MissingCause

CERT = Certification(CodeKind.MEFSTAT11, "32221022002")
FETCHED = datetime.datetime(2026, 11, 20, 8, 30, tzinfo=datetime.UTC)


def _payload(**overrides):
    body = {
        "millesime": "2021_2022",
        "code_certification": CERT.code,
        "filiere": "pro",
        "nb_annee_term": 52,
        "nb_poursuite_etudes": 31,
        "nb_sortant": 21,
        "nb_en_emploi_6_mois": 9,
        "nb_en_emploi_12_mois": 12,
        "nb_en_emploi_18_mois": 12,
        "nb_en_emploi_24_mois": 15,
        "taux_en_emploi_6_mois": 17,
        "taux_en_emploi_12_mois": 23,
        "taux_en_emploi_18_mois": 23,
        "taux_en_emploi_24_mois": 29,
        "taux_en_formation": 60,
        "taux_autres_6_mois": 23,
        "taux_autres_12_mois": 17,
        "taux_autres_18_mois": 17,
        "taux_autres_24_mois": 11,
        "region": {"code": "11", "nom": "Île-de-France"},
    }
    body.update(overrides)
    return body


def _small(count, **overrides):
    """A small cohort as the API sends it: every count and rate null but the number of final-year learners."""
    nulled = {name: None for name in _payload() if name.startswith(("nb_", "taux_")) and name != "nb_annee_term"}
    return _payload(nb_annee_term=count, **{**nulled, **overrides})


def _result(figures=None, absence=None, **kwargs):
    question = Question.regional(CERT, region_from_code("11"), kwargs.pop("millesime", None))
    return IndicatorResult(question=question, figures=figures, absence=absence, fetched_at=FETCHED, **kwargs)


def test_panel_with_figures_has_three_shares_horizons_counts_and_source():
    result = _result(parse_regional(_payload()), available_millesimes=("2021_2022", "2020_2021"))

    panel = presenters.present(result, scope="Île-de-France", scope_kind=ScopeKind.REGION, voie="Voie scolaire")

    assert panel.has_figures and panel.missing is None
    assert [(s.key, s.rate, s.count) for s in panel.shares] == [
        ("emploi", 17, 9),
        ("formation", 60, 31),
        ("autres", 23, None),
    ]
    assert [(s.x, s.width) for s in panel.shares] == [(0.0, 17.0), (17.0, 60.0), (77.0, 23.0)]
    assert [(h.months, h.employment_rate, h.employment_count) for h in panel.horizons] == [
        (6, 17, 9),
        (12, 23, 12),
        (18, 23, 12),
        (24, 29, 15),
    ]
    assert (panel.cohort, panel.leavers, panel.in_study) == (52, 21, 31)
    assert panel.millesime_label == "2021-2022"
    assert panel.source.millesime_label == "2021-2022" and panel.source.fetched_at == FETCHED
    assert panel.leavers_sentence == "jeunes sortis en 2021 et 2022"
    assert [(link.label, link.is_current) for link in panel.millesimes] == [
        ("2021 et 2022", True),
        ("2020 et 2021", False),
    ]
    assert panel.salaries is None  # regional figures carry no salaries


def test_shares_that_round_above_100_are_clamped_in_the_drawing_but_not_in_the_text():
    panel = presenters.present(
        _result(parse_regional(_payload(taux_en_emploi_6_mois=41, taux_en_formation=60, taux_autres_6_mois=0))),
        scope="Île-de-France",
        scope_kind="region",
    )

    assert [s.rate for s in panel.shares] == [41, 60, 0]
    assert sum(s.width for s in panel.shares) == 100.0


def test_small_cohort_hides_rates_and_salaries_and_keeps_the_cohort_size():
    small = parse_certification(_small(12, salaire_12_mois_q2=1500))

    panel = presenters.present(_result(small, Absence.SMALL_COHORT), scope="France", scope_kind="france")

    assert panel.missing.cause is MissingCause.SMALL_COHORT
    assert panel.missing.cohort == 12
    assert not panel.has_figures and panel.salaries is None and panel.shares == ()


@pytest.mark.parametrize(
    ("absence", "cause"),
    [
        (Absence.UNKNOWN_CERTIFICATION, MissingCause.UNKNOWN),
        (Absence.UNKNOWN_FORMATION, MissingCause.UNKNOWN),
        (Absence.UNKNOWN_SCHOOL, MissingCause.UNKNOWN),
        (Absence.NO_DATA, MissingCause.NO_DATA),
        (Absence.UNAVAILABLE, MissingCause.UNAVAILABLE),
        (Absence.INVALID_REQUEST, MissingCause.UNAVAILABLE),
        (Absence.NO_DATA_FOR_MILLESIME, MissingCause.NO_DATA_FOR_MILLESIME),
    ],
)
def test_every_absence_has_its_own_cause(absence, cause):
    panel = presenters.present(_result(absence=absence), scope="France", scope_kind="france")

    assert panel.missing.cause is cause
    assert panel.missing.title == presenters.MESSAGES[cause][0]


def test_all_causes_have_distinct_messages():
    titles = [title for title, _ in presenters.MESSAGES.values()]
    texts = [text for _, text in presenters.MESSAGES.values()]

    assert set(presenters.MESSAGES) == set(MissingCause)
    assert len(set(titles)) == len(titles) and len(set(texts)) == len(texts)


def test_no_data_for_millesime_offers_the_available_ones_newest_first():
    result = _result(
        absence=Absence.NO_DATA_FOR_MILLESIME,
        millesime=Millesime("2018_2019"),
        available_millesimes=("2020_2021", "2022_2023", "2021_2022"),
    )

    panel = presenters.present(result, scope="Île-de-France", scope_kind="region")

    assert [link.value for link in panel.missing.millesimes] == ["2022_2023", "2021_2022", "2020_2021"]
    assert panel.millesime_label == "2018-2019"


def test_new_formation_turns_unknown_into_the_new_training_message():
    panel = presenters.present(
        _result(absence=Absence.UNKNOWN_CERTIFICATION), scope="France", scope_kind="france", is_new_formation=True
    )

    assert panel.missing.cause is MissingCause.NEW_FORMATION


def test_carried_over_figures_say_from_which_diploma():
    figures = parse_regional(_payload(donnee_source={"code_certification": "32221022001", "type": "ancienne"}))

    panel = presenters.present(_result(figures), scope="Île-de-France", scope_kind="region")

    assert panel.carried_over == presenters.CarriedOver(code="32221022001", is_former=True)


def test_seconde_commune_gives_one_panel_per_speciality():
    figures = parse_certification(
        {
            "millesime": "2022",
            "code_certification": "32322000000",
            "filiere": "pro",
            "familleMetier": {"code": "X", "libelle": "Métiers de la relation client", "isAnneeCommune": True},
            "certificationsTerminales": [
                _payload(code_certification="40031211", libelle="BAC PRO COMMERCE"),
                {"code_certification": "40031212", "error": "ErrorNoDataForMillesime", "millesimes": ["2022"]},
            ],
        }
    )

    panel = presenters.present(_result(figures), scope="France", scope_kind="france")

    assert [sub.speciality for sub in panel.terminales] == ["BAC PRO COMMERCE", "40031212"]
    assert panel.terminales[0].has_figures
    assert panel.terminales[1].missing.cause is MissingCause.NO_DATA_FOR_MILLESIME
    assert panel.terminales[1].missing.millesimes == ()  # upstream echoes the asked millésime: no offer


def test_chain_falls_back_to_the_first_scope_with_figures(through_the_api):
    school = _result(absence=Absence.UNKNOWN_FORMATION)
    region = _result(absence=Absence.SMALL_COHORT, figures=parse_regional(_small(8)))
    france = _result(parse_certification(_payload()))

    chain = presenters.present_chain(
        [(school, "Lycée Test", "school"), (region, "Île-de-France", "region"), (france, "France", "france")]
    )

    assert chain.is_fallback
    assert chain.asked.missing.cause is MissingCause.UNKNOWN
    assert chain.fallback.scope == "France" and chain.shown is chain.fallback


def test_offline_a_school_without_figures_is_the_open_data_gap_not_a_training_the_source_ignores():
    # Issue 23: one wording of that fact on every page (school, school × formation, compare, embeds).
    school = _result(absence=Absence.UNKNOWN_FORMATION)
    panel = presenters.present(school, scope="Lycée Test", scope_kind="school")
    assert panel.missing.cause is MissingCause.SCHOOL_OFFLINE
    assert panel.missing.text == SCHOOL_FIGURES_OFFLINE


def test_chain_without_any_figure_keeps_the_asked_message():
    chain = presenters.present_chain([(_result(absence=Absence.UNAVAILABLE), "Lycée Test", "school")])

    assert not chain.is_fallback and chain.shown.missing.cause is MissingCause.UNAVAILABLE


def test_evolution_has_a_row_per_millesime_and_a_column_per_voie():
    scolaire = {"2021_2022": _result(parse_regional(_payload())), "2020_2021": _result(absence=Absence.NO_DATA)}
    apprentissage = {"2021_2022": _result(parse_regional(_small(5)))}

    evolution = presenters.present_evolution([("Voie scolaire", scolaire), ("Apprentissage", apprentissage)])

    assert evolution.columns == ("Voie scolaire", "Apprentissage")
    assert [row.millesime for row in evolution.rows] == ["2021-2022", "2020-2021"]
    first, second = evolution.rows
    assert (first.cells[0].employment_rate, first.cells[0].cohort) == (17, 52)
    assert first.cells[1].missing == "moins de 20 jeunes"
    assert second.cells[0].missing and second.cells[1].missing == "—"


# --- The includes ---------------------------------------------------------------------------------------------


def _render(template_code, **context):
    request = RequestFactory().get("/formations/32221022/", {"region": "11"})
    return engines["django"].from_string(template_code).render({"request": request, **context}, request)


def test_panel_include_writes_every_number_in_text_and_draws_the_bar():
    panel = presenters.present(_result(parse_regional(_payload())), scope="Île-de-France", scope_kind="region")

    html = _render('{% include "includes/figures/panel.html" %}', panel=panel)

    assert 'role="img"' in html and 'width="60"' in html and 'x="17"' in html
    assert "17\u202f%" in html and "60\u202f%" in html and "23\u202f%" in html
    assert "(9 jeunes)" in html and "(31 jeunes)" in html
    assert "Chiffres des jeunes sortis en 2021 et 2022 (deux années de sortie additionnées)" in html
    assert "20 novembre 2026" in html and "romotion" not in html
    assert 'style="' not in html


def test_missing_include_offers_millesime_links_that_keep_the_query_string():
    result = _result(absence=Absence.NO_DATA_FOR_MILLESIME, available_millesimes=("2022_2023",))
    panel = presenters.present(result, scope="Île-de-France", scope_kind="region")

    html = _render('{% include "includes/figures/panel.html" %}', panel=panel)

    assert 'data-missing="no_data_for_millesime"' in html
    assert 'href="?region=11&amp;millesime=2022_2023"' in html


def test_chain_include_labels_the_fallback():
    chain = presenters.present_chain(
        [
            (_result(absence=Absence.UNKNOWN_FORMATION), "Lycée Test", "school"),
            (_result(parse_regional(_payload())), "Île-de-France", "region"),
        ]
    )

    html = _render('{% include "includes/figures/compact.html" %}', chain=chain)

    assert "À défaut : la même formation dans la région" in html
    assert 'data-missing="school_offline"' in html and "17\u202f%" in html


def test_stale_source_says_from_when():
    panel = presenters.present(
        _result(parse_regional(_payload()), is_stale=True), scope="Île-de-France", scope_kind="region"
    )

    html = _render('{% include "includes/figures/source.html" with source=panel.source %}', panel=panel)

    assert "ne répond pas en ce moment" in html and "20 novembre 2026" in html


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ 1234|number }}", "1\u202f234"),
        ("{{ 43|percent }}", "43\u202f%"),
        ("{{ 1450.4|euros }}", "1\u202f450\u202f€"),
        ("{{ missing|percent }}{{ missing|number }}{{ missing|euros }}", "———"),
        ("{{ 12.345|svg_number }} {{ 0|svg_number }} {{ 60|svg_number }}", "12.35 0 60"),
    ],
)
def test_figure_filters_write_numbers_the_french_way(template, expected):
    assert _render("{% load figures %}" + template, missing=None) == expected


def test_a_speciality_without_figures_keeps_the_name_its_entry_gives():
    # Older answers list a speciality as a bare reference with its name; the name reads better than its code.
    figures = _seconde(
        [
            {"code_certification": "40031212", "libelle": "BAC PRO ACCUEIL"},
            {"code_certification": "40031211", "error": "ErrorNoDataForMillesime", "millesimes": ["2023"]},
        ]
    )

    panel = presenters.present(_result(figures), scope="France", scope_kind="france")

    assert [(sub.speciality, sub.speciality_code) for sub in panel.terminales] == [
        ("BAC PRO ACCUEIL", "40031212"),
        ("40031211", "40031211"),
    ]
    assert not any(sub.has_figures for sub in panel.terminales)


def _seconde(terminales):
    return parse_certification(
        {
            "millesime": "2023",
            "code_certification": "23810031211",
            "filiere": "pro",
            "familleMetier": {"code": "003", "libelle": "RELATION CLIENT", "isAnneeCommune": True},
            "certificationsTerminales": terminales,
        }
    )


def test_chain_keeps_a_seconde_commune_with_one_speciality_figure_and_lists_them_compactly():
    figures = _seconde(
        [
            _payload(code_certification="23830031213", libelle="TLEPRO COMMERCE"),
            {"code_certification": "23830031214", "error": "ErrorFormationNotFound"},
        ]
    )
    chain = presenters.present_chain([(_result(figures), "Lycée Test", "school")])

    html = _render('{% include "includes/figures/compact.html" %}', chain=chain)

    assert not chain.is_fallback and chain.asked.has_any_figures
    assert "TLEPRO COMMERCE" in html and "17\u202f%" in html and "pas de chiffres disponibles" in html


def test_chain_falls_back_when_no_speciality_of_the_school_has_figures():
    school = _seconde([{"code_certification": "23830031214", "error": "ErrorFormationNotFound"}])
    region = parse_regional(_payload())

    chain = presenters.present_chain(
        [(_result(school), "Lycée Test", "school"), (_result(region), "Île-de-France", "region")]
    )
    html = _render('{% include "includes/figures/compact.html" %}', chain=chain)

    assert chain.is_fallback and chain.fallback.scope == "Île-de-France"
    assert 'data-missing="specialities"' in html and "À défaut : la même formation dans la région Île-de-France" in html


def test_speciality_names_come_from_the_catalogue_with_their_page():
    figures = _seconde([_payload(code_certification="23830031213", libelle="TLEPRO COMMERCE")])
    panel = presenters.present(_result(figures), scope="France", scope_kind="france")

    page = ("Bac pro Commerce", "/formations/40031213/")
    named = presenters.name_specialities(panel, {"23830031213": page})

    assert [(s.speciality, s.speciality_url) for s in named.terminales] == [page]
