"""Secondes communes as the API stores them (server/src/jobs/stats/importSecondeCommune.js) and answers them
(server/src/common/stats.js statsAnneeTerminale): one record per scope and millésime in which at least one speciality
has figures of its own, listing only those specialities, sorted by libelle; otherwise the 404 of the seconde commune's
own code. Expected sets come from the rows of ij_region_data.csv, not from the replica's indexes."""

from guidance.replica.figures import SMALL_COHORT_MESSAGE
from tests.replica.rows import code_of, region_rows
from tests.replica.support import PREFIX


def _rows_by_region_and_period() -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for row in region_rows():
        found.setdefault((row["code_region"].zfill(2), row["millesime"]), set()).add(code_of(row))
    return found


def _communes(dataset) -> dict:
    return {famille.commun: famille for famille in dataset.familles.values()}


def test_a_regional_seconde_commune_lists_only_the_specialities_with_regional_figures(client, dataset):
    rows = _rows_by_region_and_period()
    period = dataset.latest_period
    partial = [
        (region, commun, famille)
        for commun, famille in sorted(_communes(dataset).items())
        for region in sorted({region for region, _ in rows})
        if 0 < len(set(famille.specialites) & rows.get((region, period), set())) < len(famille.specialites)
    ]
    assert partial, "the open data has regions where only some specialities of a famille have figures"
    for region, commun, famille in partial[:5]:
        response = client.get(f"{PREFIX}/regionales/{region}/certifications/{commun}")
        assert response.status_code == 200, (region, commun)
        body = response.json()
        entries = body["certificationsTerminales"]
        expected = set(famille.specialites) & rows[(region, period)]
        assert {entry["code_certification"] for entry in entries} == expected, (region, commun)
        assert [entry["libelle"] for entry in entries] == sorted(entry["libelle"] for entry in entries)
        assert all("error" not in entry for entry in entries)
        assert body["millesime"] == period and "donnee_source" not in body
        assert body["region"]["code"] == region
        for entry in entries:
            own = client.get(f"{PREFIX}/regionales/{region}/certifications/{entry['code_certification']}").json()
            messages = [m for m in own.pop("_meta").get("messages", []) if m == SMALL_COHORT_MESSAGE]
            assert entry == ({**own, "_meta": {"messages": messages}} if messages else own)


def test_a_seconde_commune_without_speciality_figures_answers_its_own_404(client, dataset):
    # regionalesRoutes.js regionaleStats: the seconde commune has no record → BCN check, then "Pas de données
    # disponibles" when no millésime has one, else "Pas de données pour le millésime" with those it has.
    rows = _rows_by_region_and_period()
    periods = sorted({period for _, period in rows}, reverse=True)
    regions = sorted({region for region, _ in rows})
    never, older = None, None
    for commun, famille in sorted(_communes(dataset).items()):
        for region in regions:
            having = [p for p in periods if set(famille.specialites) & rows.get((region, p), set())]
            if not having and never is None:
                never = (region, commun)
            if having and dataset.latest_period not in having and older is None:
                older = (region, commun, having)
    assert never and older, "the open data has both cases"

    response = client.get(f"{PREFIX}/regionales/{never[0]}/certifications/{never[1]}")
    assert response.status_code == 404
    assert response.json() == {"statusCode": 404, "error": "Not Found", "message": "Pas de données disponibles"}

    region, commun, having = older
    response = client.get(f"{PREFIX}/regionales/{region}/certifications/{commun}")
    assert response.status_code == 404
    assert response.json()["data"] == {"millesime": dataset.latest_period, "millesimesDisponible": having}


def test_a_school_seconde_commune_answers_the_millesime_of_its_specialities(client):
    # Fixture: 0310024H has Métiers de l'accueil (23830031212) for 2022_2023 only. Asked by default (the year 2023),
    # the API finds the record stored under 2022_2023 and answers that millésime.
    body = client.get(f"{PREFIX}/formations/0310024H-23810031211").json()

    assert body["millesime"] == "2022_2023"
    assert [entry["code_certification"] for entry in body["certificationsTerminales"]] == ["23830031212"]
    assert body["certificationsTerminales"][0]["_meta"] == {"messages": [SMALL_COHORT_MESSAGE]}
    assert body["uai"] == "0310024H" and body["uai_type"] == body["uai_donnee_type"] == "lieu_formation"
    assert body["_meta"]["details"].endswith("dispensée par l'établissement 0310024H, pour le millésime 2022_2023")


def test_a_school_seconde_commune_without_figures_for_the_millesime_is_a_404(client):
    # Fixture: 0010001W has Métiers de l'accueil for 2021_2022 only; the default (2023) finds nothing.
    response = client.get(f"{PREFIX}/formations/0010001W-23810031211")

    assert response.status_code == 404
    assert response.json()["data"] == {"millesime": "2023", "millesimesDisponible": ["2021_2022"]}
