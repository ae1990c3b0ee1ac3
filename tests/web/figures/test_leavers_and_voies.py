"""Which leavers a millésime counts, and the agricultural voie by its name: the one wording of every page."""

import datetime

import pytest

from guidance.indicators.service import Absence, IndicatorResult, Question
from guidance.inserjeunes.codes import parse_certification
from guidance.inserjeunes.parsing import parse_certification as parse_national
from guidance.web.figures import present as presenters
from guidance.web.figures import wording
from tests.inserjeunes.conftest import payload

CFD = parse_certification("CFD:40031212")


def _result(millesime: str, **changes) -> IndicatorResult:
    body = {**payload("national_apprentissage"), "millesime": millesime, **changes}
    return IndicatorResult(
        question=Question.national(CFD),
        figures=parse_national(body),
        fetched_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC),
    )


def test_a_year_counts_one_cohort_and_a_period_two_added_together():
    assert wording.leavers_sentence("2023") == "jeunes sortis en 2023"
    assert wording.leavers_sentence("2022_2023") == "jeunes sortis en 2022 et 2023"
    assert wording.leavers_sentence("2022-2023") == "jeunes sortis en 2022 et 2023"  # its label reads the same
    assert wording.leavers_sentence("") == ""
    assert wording.leavers_note("2023") == "Chiffres des jeunes sortis en 2023"
    assert wording.leavers_note("2022_2023") == (
        "Chiffres des jeunes sortis en 2022 et 2023 (deux années de sortie additionnées)"
    )


def test_a_national_year_and_a_national_period_each_say_their_own_leavers():
    year = presenters.present(_result("2023"), scope="France", scope_kind="france", voie="Apprentissage")
    period = presenters.present(_result("2022_2023"), scope="France", scope_kind="france", voie="Apprentissage")

    assert year.leavers_sentence == "jeunes sortis en 2023"
    assert year.source.leavers == "Chiffres des jeunes sortis en 2023"
    assert period.leavers_sentence == "jeunes sortis en 2022 et 2023"
    assert "deux années de sortie additionnées" in period.source.leavers
    assert "romotion" not in year.source.leavers + period.source.leavers


def test_the_evolution_says_that_successive_periods_share_a_cohort():
    periods = {m: _result(m) for m in ("2022_2023", "2021_2022", "2020_2021")}
    years = {m: _result(m) for m in ("2023", "2022", "2021")}

    by_period = presenters.present_evolution([("Apprentissage", periods)])
    by_year = presenters.present_evolution([("Apprentissage", years)])

    assert [row.years for row in by_period.rows] == ["2022 et 2023", "2021 et 2022", "2020 et 2021"]
    assert "« 2021 et 2022 » et « 2022 et 2023 » comptent toutes deux les jeunes sortis en 2022" in (
        by_period.shared_cohorts
    )
    assert [row.years for row in by_year.rows] == ["2023", "2022", "2021"]
    assert by_year.shared_cohorts == ""  # one cohort per year: nothing shared


def test_an_agricultural_record_names_its_voie_never_the_general_voie_scolaire():
    panel = presenters.present(
        _result("2023", filiere="agricole"), scope="France", scope_kind="france", voie="Voie scolaire, cursus en 2 ans"
    )
    general = presenters.present(
        _result("2023", filiere="pro"), scope="France", scope_kind="france", voie="Voie scolaire"
    )

    assert panel.voie == "Voie scolaire agricole, cursus en 2 ans" and panel.is_agricole
    assert general.voie == "Voie scolaire" and not general.is_agricole
    assert presenters.voie_named("Voie scolaire", [None, panel]) == wording.AGRICOLE_LABEL
    assert presenters.voie_named("Voie scolaire", [general]) == "Voie scolaire"
    assert wording.voie_label_for("", "agricole") == wording.AGRICOLE_LABEL


@pytest.mark.parametrize(
    "label",
    ["Voie scolaire", "Voie scolaire, cursus en 2 ans", "Apprentissage"],
)
def test_naming_a_voie_agricultural_twice_changes_nothing(label):
    once = wording.voie_label_for(label, "agricole")

    assert wording.voie_label_for(once, "agricole") == once
    assert "agricole" in once and once.count("agricole") == 1


def test_the_panels_of_an_agricultural_voie_are_all_named_so_and_a_regions_gap_says_why():
    agricultural = _result("2023", filiere="agricole")
    no_data = IndicatorResult(question=Question.national(CFD), absence=Absence.NO_DATA)
    france = presenters.present(agricultural, scope="France", scope_kind="france", voie="Voie scolaire")
    region = presenters.present(no_data, scope="Bretagne", scope_kind="region", voie="Voie scolaire")

    named_france, named_region = presenters.agricultural_regions([france, region])

    assert named_france.voie == named_region.voie == wording.AGRICOLE_LABEL
    assert named_france.has_figures and named_region.missing.cause is wording.MissingCause.NOT_REGIONAL_AGRICOLE
    # Without an agricultural record, the region keeps its own reason.
    assert presenters.agricultural_regions([region]) == (region,)
