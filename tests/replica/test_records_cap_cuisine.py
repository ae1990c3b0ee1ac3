"""Issue #13, "Honest millésimes": CAP Cuisine's national figures are the regional rows of ij_region_data.csv summed
for one period, labelled with that period (the leavers of two years), and the national route answers and defaults to
it. The CFD, its MEFSTAT11 codes and the sums are read here from the BCN and the CSV with the csv module, never through
the replica's loaders."""

import csv
from pathlib import Path

import pytest
from django.conf import settings

from tests.replica.rows import half_even, region_rows
from tests.replica.support import PREFIX

PERIOD = "2022_2023"
COUNTS = (
    "nb_annee_term",
    "nb_poursuite_etudes",
    "nb_sortant",
    "nb_en_emploi_6_mois",
    "nb_en_emploi_12_mois",
    "nb_en_emploi_18_mois",
    "nb_en_emploi_24_mois",
)


def _bcn(name: str) -> list[dict[str, str]]:
    path = Path(settings.OPENDATA_DIR) / "bcn" / name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.fixture(scope="module")
def cap_cuisine() -> tuple[str, set[str], list[dict], list[dict]]:
    """(CFD, its MEFSTAT11 codes, apprenticeship rows, school rows) of the CAP Cuisine the CSV has for PERIOD."""
    rows = [row for row in region_rows() if row["millesime"] == PERIOD]
    cfds = {
        row["FORMATION_DIPLOME"]
        for row in _bcn("vFormationDiplome_.csv")
        if row["LIBELLE_LONG_200"] == "CUISINE (CAP)" and row["NIVEAU_FORMATION_DIPLOME"] == "500"
    }
    with_rows = sorted(cfds & {row["cfd"] for row in rows})
    assert len(with_rows) == 1, with_rows
    cfd = with_rows[0]
    mefs = {row["MEF_STAT_11"] for row in _bcn("nMef.csv") if row["FORMATION_DIPLOME"] == cfd and row["MEF_STAT_11"]}
    apprentissage = [row for row in rows if row["voie"] == "apprentissage" and row["cfd"] == cfd]
    scolaire = [row for row in rows if row["voie"] == "scolaire" and row["mefstat11"] in mefs]
    assert apprentissage and scolaire
    return cfd, mefs, apprentissage, scolaire


def _sums(rows: list[dict]) -> dict[str, int | None]:
    """Each count summed over the rows that give it; None when no row does."""
    sums: dict[str, int | None] = {}
    for name in COUNTS:
        given = [int(row[name]) for row in rows if row[name]]
        sums[name] = sum(given) if given else None
    return sums


def _assert_sum_of(body: dict, rows: list[dict]) -> None:
    expected = _sums(rows)
    assert {name: body.get(name) for name in COUNTS} == expected
    assert body["taux_en_formation"] == half_even(expected["nb_poursuite_etudes"], expected["nb_annee_term"])
    assert body["taux_en_emploi_6_mois"] == half_even(expected["nb_en_emploi_6_mois"], expected["nb_annee_term"])


def test_cap_cuisine_apprenticeship_national_figures_are_the_regional_rows_of_the_period(client, cap_cuisine):
    cfd, _, apprentissage, _ = cap_cuisine

    default = client.get(f"{PREFIX}/certifications/CFD:{cfd}")
    asked = client.get(f"{PREFIX}/certifications/CFD:{cfd}", params={"millesime": PERIOD})

    assert default.status_code == asked.status_code == 200
    assert default.json() == asked.json()
    body = asked.json()
    assert (body["millesime"], body["filiere"]) == (PERIOD, "apprentissage")
    _assert_sum_of(body, apprentissage)
    assert body["_meta"]["details"].endswith(f"pour le millésime {PERIOD}")
    assert any("France entière : somme des régions" in message for message in body["_meta"]["messages"])


def test_cap_cuisine_school_national_figures_are_the_regional_rows_of_the_period(client, cap_cuisine):
    _, _, _, scolaire = cap_cuisine
    for code in sorted({row["mefstat11"] for row in scolaire}):
        body = client.get(f"{PREFIX}/certifications/MEFSTAT11:{code}", params={"millesime": PERIOD}).json()
        assert (body["code_certification"], body["millesime"], body["filiere"]) == (code, PERIOD, "pro")
        _assert_sum_of(body, [row for row in scolaire if row["mefstat11"] == code])


def test_cap_cuisine_filieres_view_sums_both_voies_of_the_period(client, cap_cuisine):
    cfd, _, apprentissage, scolaire = cap_cuisine

    body = client.get(f"{PREFIX}/certifications/CFD:{cfd}", params={"vue": "filieres"}).json()

    assert set(body) == {"pro", "apprentissage"}
    assert body["apprentissage"]["millesime"] == body["pro"]["millesime"] == PERIOD
    _assert_sum_of(body["apprentissage"], apprentissage)
    _assert_sum_of(body["pro"], scolaire)
    assert body["pro"]["codes_certifications"] == sorted({row["mefstat11"] for row in scolaire})


def test_cap_cuisine_national_route_refuses_the_last_year_alone(client, cap_cuisine):
    # A year would read as one cohort: the national sums exist only under their period.
    cfd, _, _, _ = cap_cuisine

    response = client.get(f"{PREFIX}/certifications/CFD:{cfd}", params={"millesime": PERIOD[-4:]})

    assert response.status_code == 404
    assert PERIOD in response.json()["data"]["millesimesDisponible"]
