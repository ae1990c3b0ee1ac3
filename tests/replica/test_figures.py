"""Figures computed as the API computes them, checked against the rows of ij_region_data.csv."""

import random

import pytest

from guidance.replica.figures import (
    SMALL_COHORT_MESSAGE,
    aggregate_stats,
    compute_stats,
    mask_small_cohort,
    percentage,
)
from tests.replica.rows import code_of, half_even, region_rows
from tests.replica.support import PREFIX

HORIZONS = (6, 12, 18, 24)


@pytest.mark.parametrize(("part", "whole", "expected"), [(1, 8, 12), (3, 8, 38), (5, 40, 12), (7, 40, 18), (1, 3, 33)])
def test_rates_are_whole_percentages_rounded_half_to_even(part, whole, expected):
    assert percentage(part, whole) == expected


def test_other_situations_are_what_employment_and_study_leave_floored_at_zero():
    # 60 % in study and 45 % in a job (counted on different people in the source) cannot leave −5 %.
    stats = compute_stats((100, 60, 40, 45, 30, None, None))

    assert stats["taux_autres_6_mois"] == 0
    assert stats["taux_autres_12_mois"] == 10
    assert "taux_autres_18_mois" not in stats  # no count, no rate: absent, not null
    assert "nb_en_emploi_18_mois" not in stats


def test_a_filieres_view_has_no_other_situations_rate_when_neither_count_says_anything():
    # stats.js percentageAndSubtract (aggregate): $removeWhenAllNull wraps the rate in `$not` of each count, true for
    # 0 as for null, so no one in a job and no one in study gives null, not 100 %.
    stats = aggregate_stats([100, 0, 100, 0, 5, None, None])

    assert stats["taux_autres_6_mois"] is None  # 0 employed, 0 in study
    assert stats["taux_autres_12_mois"] == 95  # 5 employed, 0 in study
    assert stats["taux_autres_18_mois"] is None  # no count, 0 in study
    assert (stats["taux_en_emploi_6_mois"], stats["taux_en_formation"]) == (0, 0)


def test_a_small_cohort_keeps_only_its_size():
    record = mask_small_cohort({"nb_annee_term": 19, **compute_stats((19, 4, 15, 6, 7, 8, 9))})

    assert record["nb_annee_term"] == 19
    assert all(value is None for key, value in record.items() if key.startswith(("nb_en", "nb_p", "nb_s", "taux")))
    assert record["_meta"]["messages"] == [SMALL_COHORT_MESSAGE]


def _pick_rows(count: int) -> list[dict[str, str]]:
    rows = [row for row in region_rows() if row["nb_annee_term"]]
    return random.Random(20241128).sample(rows, count)


def test_the_regional_answer_reproduces_rows_of_the_file(client):
    for row in _pick_rows(40):
        response = client.get(
            f"{PREFIX}/regionales/{row['code_region']}/certifications/{code_of(row)}",
            params={"millesime": row["millesime"]},
        )
        assert response.status_code == 200, row["id"]
        body = response.json()
        total = int(row["nb_annee_term"])
        assert body["nb_annee_term"] == total
        assert body["millesime"] == row["millesime"]
        assert body["filiere"] == ("pro" if row["voie"] == "scolaire" else "apprentissage")
        assert body["donnee_source"] == {"code_certification": code_of(row), "type": "self"}
        if not row["nb_poursuite_etudes"]:  # a count the file lacks: absent, and so are its rates
            assert "nb_poursuite_etudes" not in body and "taux_en_formation" not in body, row["id"]
            continue
        if total < 20:
            assert body["taux_en_formation"] is None and body["nb_poursuite_etudes"] is None, row["id"]
            continue
        assert body["nb_poursuite_etudes"] == int(row["nb_poursuite_etudes"])
        assert body["nb_sortant"] == int(row["nb_sortant"])
        formation = half_even(int(row["nb_poursuite_etudes"]), total)
        assert body["taux_en_formation"] == formation
        # The file's own rate of further study has the same denominator (its rounding may differ on x.5).
        if row["taux_poursuite_etudes"]:
            assert abs(body["taux_en_formation"] - int(row["taux_poursuite_etudes"])) <= 1
        for horizon in HORIZONS:
            raw = row[f"nb_en_emploi_{horizon}_mois"]
            if not raw:
                assert f"taux_en_emploi_{horizon}_mois" not in body
                continue
            assert body[f"nb_en_emploi_{horizon}_mois"] == int(raw)
            employed = half_even(int(raw), total)
            assert body[f"taux_en_emploi_{horizon}_mois"] == employed
            assert body[f"taux_autres_{horizon}_mois"] == max(0, 100 - employed - formation)


def test_the_national_answer_sums_the_regions_of_the_same_period_and_names_that_period(client):
    rows = region_rows()
    for row in _pick_rows(10):
        same = [r for r in rows if code_of(r) == code_of(row) and r["millesime"] == row["millesime"]]
        period = row["millesime"]
        response = client.get(f"{PREFIX}/certifications/{code_of(row)}", params={"millesime": period})
        assert response.status_code == 200
        body = response.json()
        total = sum(int(r["nb_annee_term"]) for r in same)
        assert body["nb_annee_term"] == total
        # Two cohorts added together: labelled with the period, never with its last year alone.
        assert body["millesime"] == period
        if total >= 20 and any(r["nb_poursuite_etudes"] for r in same):
            assert body["nb_poursuite_etudes"] == sum(int(r["nb_poursuite_etudes"] or 0) for r in same)
            assert body["taux_en_formation"] == half_even(body["nb_poursuite_etudes"], total)
        assert any("France entière : somme des régions" in message for message in body["_meta"]["messages"])


def test_a_small_regional_cohort_answers_nulls_and_the_message(client):
    row = next(r for r in region_rows() if r["nb_poursuite_etudes"] and int(r["nb_annee_term"]) < 20)

    body = client.get(
        f"{PREFIX}/regionales/{row['code_region']}/certifications/{code_of(row)}",
        params={"millesime": row["millesime"]},
    ).json()

    assert body["nb_annee_term"] == int(row["nb_annee_term"])
    for key in ("nb_poursuite_etudes", "nb_sortant", "nb_en_emploi_6_mois", "taux_en_formation", "taux_autres_6_mois"):
        assert body[key] is None
    assert SMALL_COHORT_MESSAGE in body["_meta"]["messages"]
    assert not any(key.startswith("salaire") for key in body)


def test_the_national_route_defaults_to_the_latest_period_and_refuses_a_year_with_the_periods_it_has(client, dataset):
    code = next(code for code, stats in sorted(dataset.national.items()) if dataset.latest_period in stats)

    default = client.get(f"{PREFIX}/certifications/{code}")
    year = client.get(f"{PREFIX}/certifications/{code}", params={"millesime": dataset.latest_year})

    assert default.status_code == 200 and default.json()["millesime"] == dataset.latest_period
    assert year.status_code == 404
    body = year.json()
    assert body["message"] == "Pas de données pour le millésime"
    assert body["data"]["millesime"] == dataset.latest_year
    assert dataset.latest_period in body["data"]["millesimesDisponible"]
    assert all("_" in millesime for millesime in body["data"]["millesimesDisponible"])
