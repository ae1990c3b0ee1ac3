"""National and regional single-certification routes: final years, familles de métiers, continuum, closing, 404s."""

from datetime import date, datetime

from guidance.replica.figures import SMALL_COHORT_MESSAGE
from tests.replica.rows import code_of, half_even, region_rows
from tests.replica.support import PREFIX

TP_PREMIERE = "23820023102"  # 1ERPRO TRAVAUX PUBLICS
TP_TERMINALE = "23830023102"  # TLEPRO TRAVAUX PUBLICS
SECONDE_COMMUNE = "23810031211"  # 2NDPRO MÉTIERS DE LA RELATION CLIENT, 2nde commune


def test_a_non_final_year_answers_its_final_years_figures(client):
    asked = client.get(f"{PREFIX}/certifications/MEFSTAT11:{TP_PREMIERE}").json()
    final = client.get(f"{PREFIX}/certifications/{TP_TERMINALE}").json()

    assert asked["code_certification"] == TP_TERMINALE
    assert asked == final


def test_a_seconde_commune_answers_its_specialities_with_figures_sorted_by_label(client, dataset):
    # importSecondeCommune.js lists the specialities with figures of their own; stats.js statsAnneeTerminale sorts
    # them by libelle and gives them without titre/details (only a small cohort's message).
    body = client.get(f"{PREFIX}/certifications/{SECONDE_COMMUNE}").json()

    assert body["familleMetier"]["isAnneeCommune"] is True
    assert "taux_en_formation" not in body and "nb_annee_term" not in body
    assert "donnee_source" not in body  # the API's seconde commune records have none
    with_rows = {code_of(r) for r in region_rows() if r["millesime"] == dataset.latest_period}
    expected = [code for code in dataset.familles[SECONDE_COMMUNE].specialites if code in with_rows]
    entries = body["certificationsTerminales"]
    assert sorted(entry["code_certification"] for entry in entries) == sorted(expected)
    assert [entry["libelle"] for entry in entries] == sorted(entry["libelle"] for entry in entries)
    for entry in entries:
        own = client.get(f"{PREFIX}/certifications/{entry['code_certification']}").json()
        messages = [m for m in own.pop("_meta").get("messages", []) if m == SMALL_COHORT_MESSAGE]
        if messages:
            own["_meta"] = {"messages": messages}
        assert entry == own


def test_a_closed_mef_says_so_from_its_own_bcn_closing_date(client, dataset):
    body = client.get(f"{PREFIX}/certifications/{TP_TERMINALE}").json()

    closing = dataset.mefs[TP_TERMINALE].date_fermeture
    assert datetime.fromisoformat(body["date_fermeture"]).date() == closing
    assert body["formation_fermee"] is (closing < date.today())


def test_figures_of_a_renamed_diploma_are_carried_over_and_labelled(client, dataset):
    code, stat = next(
        (code, stat)
        for code, stats in sorted(dataset.national.items())
        for stat in stats.values()
        if stat.source_type == "ancienne" and len(code) == 8
    )
    carried = client.get(f"{PREFIX}/certifications/{code}", params={"millesime": stat.millesime}).json()
    former = client.get(f"{PREFIX}/certifications/{stat.source_code}", params={"millesime": stat.millesime}).json()

    assert carried["donnee_source"] == {"code_certification": stat.source_code, "type": "ancienne"}
    assert carried["code_certification"] == code
    assert carried["libelle_ancien"] == former["libelle"]
    assert former["donnee_source"]["type"] == "self"
    for key in ("nb_annee_term", "nb_poursuite_etudes", "taux_en_formation", "taux_en_emploi_6_mois"):
        assert carried.get(key) == former.get(key)


def test_an_unknown_certification_is_certification_inconnue(client):
    response = client.get(f"{PREFIX}/certifications/00000000")

    assert response.status_code == 404
    assert response.json() == {"statusCode": 404, "error": "Not Found", "message": "Certification inconnue"}


def test_a_millesime_without_figures_offers_the_available_ones_newest_first(client, dataset):
    response = client.get(f"{PREFIX}/certifications/{TP_TERMINALE}", params={"millesime": "2015"})

    assert response.status_code == 404
    body = response.json()
    assert body["message"] == "Pas de données pour le millésime"
    assert body["data"]["millesime"] == "2015"
    assert body["data"]["millesimesDisponible"] == sorted(dataset.national[TP_TERMINALE], reverse=True)


def test_the_filieres_view_sums_its_voies_from_the_file(client, dataset):
    rows = [r for r in region_rows() if r["millesime"] == dataset.latest_period and r["nb_poursuite_etudes"]]
    by_cfd: dict[str, dict[str, list]] = {}
    for row in rows:
        by_cfd.setdefault(dataset.cfd_of(code_of(row)), {}).setdefault(row["voie"], []).append(row)
    cfd = next(cfd for cfd, voies in sorted(by_cfd.items()) if len(voies) == 2)

    body = client.get(f"{PREFIX}/certifications/CFD:{cfd}", params={"vue": "filieres"}).json()

    assert set(body) == {"pro", "apprentissage"}
    for filiere, voie in (("pro", "scolaire"), ("apprentissage", "apprentissage")):
        own = [r for r in region_rows() if r["millesime"] == dataset.latest_period and r["voie"] == voie]
        own = [r for r in own if dataset.cfd_of(code_of(r)) == cfd]
        total = sum(int(r["nb_annee_term"]) for r in own)
        study = sum(int(r["nb_poursuite_etudes"] or 0) for r in own)
        assert body[filiere]["nb_annee_term"] == total
        assert body[filiere]["codes_certifications"] == sorted({code_of(r) for r in own})
        if total >= 20:
            assert body[filiere]["nb_poursuite_etudes"] == study
            assert body[filiere]["taux_en_formation"] == half_even(study, total)
        assert body[filiere]["code_formation_diplome"] == cfd
        assert not any(key.startswith("salaire") for key in body[filiere])


def test_several_codes_give_the_filieres_view(client):
    several = client.get(f"{PREFIX}/certifications/{TP_TERMINALE}|CFD:40023102").json()
    view = client.get(f"{PREFIX}/certifications/40023102", params={"vue": "filieres"}).json()

    assert several == view


def test_a_filieres_view_of_unknown_codes_is_certifications_inconnues(client):
    response = client.get(f"{PREFIX}/certifications/00000000|00000001")

    assert response.status_code == 404
    assert response.json()["message"] == "Certifications inconnues"


def test_regional_404s_come_in_the_apis_order(client, dataset):
    unknown = client.get(f"{PREFIX}/regionales/11/certifications/00000000")
    assert unknown.json()["message"] == "Formation inconnue"

    region, code = next(
        (region, code)
        for code in sorted(dataset.national)
        for region in ("94", "03", "02")
        if (region, code) not in dataset.regional and dataset.knows(code)
    )
    absent = client.get(f"{PREFIX}/regionales/{region}/certifications/{code}")
    assert absent.status_code == 404
    assert absent.json()["message"] == "Pas de données disponibles"

    older = client.get(f"{PREFIX}/regionales/11/certifications/{TP_TERMINALE}", params={"millesime": "2015_2016"})
    assert older.status_code == 404
    assert older.json()["data"] == {
        "millesime": "2015_2016",
        "millesimesDisponible": sorted(dataset.regional[("11", TP_TERMINALE)], reverse=True),
    }


def test_a_regional_filieres_view_without_figures_is_pas_de_donnees(client):
    unknown = client.get(f"{PREFIX}/regionales/11/certifications/00000000|00000001")
    old = client.get(
        f"{PREFIX}/regionales/11/certifications/{TP_TERMINALE}", params={"vue": "filieres", "millesime": "2015_2016"}
    )

    assert unknown.json()["message"] == "Formation inconnue"
    assert old.json()["message"] == "Pas de données disponibles"


def test_a_single_answer_carries_a_weak_etag_and_honours_if_none_match(client):
    first = client.get(f"{PREFIX}/certifications/{TP_TERMINALE}")
    again = client.get(f"{PREFIX}/certifications/{TP_TERMINALE}", headers={"If-None-Match": first.headers["etag"]})

    assert first.headers["etag"].startswith('W/"')
    assert again.status_code == 304
    assert again.content == b""


# certificationsRoutes-test.js › « Lorsque que les certifications ont plusieurs CFD »: two CFDs asked together
# (`/certifications/12345678,87654321`) give each voie summed over both, with `codes_formation_diplome` but no
# `code_formation_diplome`, `libelle`, `libelle_ancien`, and (« on n'obtient pas les informations de fermeture ») no
# closing information, even when both CFDs closed on the same day; one CFD keeps its own.
def test_two_cfds_asked_together_are_aggregated_without_closing_information(client, dataset):
    closed = {}
    for code in sorted(dataset.national):
        on = dataset.date_fermeture_of(code) if len(code) == 8 else None
        stat = dataset.national[code].get(dataset.latest_national)
        if on and stat and stat.source_type == "self":  # own figures (a filières view sums only those)
            closed.setdefault(on, []).append(code)
    shared, (first, second) = next((on, codes[:2]) for on, codes in sorted(closed.items()) if len(codes) >= 2)

    alone = [client.get(f"{PREFIX}/certifications/{cfd}", params={"vue": "filieres"}).json() for cfd in (first, second)]
    together = client.get(f"{PREFIX}/certifications/{first},{second}").json()

    assert set(together) <= {"pro", "apprentissage"} and together
    for filiere, view in together.items():
        assert view["codes_formation_diplome"] == sorted(
            {first, second} & {v[filiere]["code_formation_diplome"] for v in alone if filiere in v}
        )
        assert not {"date_fermeture", "formation_fermee", "code_formation_diplome", "libelle"} & set(view)
        parts = [v[filiere]["nb_annee_term"] for v in alone if filiere in v]
        assert view["nb_annee_term"] == sum(parts)
    for view in alone:  # one CFD: its closing date (shared by the two CFDs) and that it is closed
        for voie in view.values():
            assert voie["formation_fermee"] is True and voie["date_fermeture"].startswith(shared.isoformat())
