"""What the upstream API's own tests assert about its records, checked against the replica.

Each test names the upstream test (mission-apprentissage/trajectoires-pro, server/tests/http/*) or source it comes
from. The replica serves the open data plus the "formation fine" fixtures of tests/fixtures/replica (test counts).
"""

from datetime import date, datetime

import pytest
from django.conf import settings

from guidance.replica import routes
from guidance.replica.dataset import load_dataset
from guidance.replica.errors import ApiError
from guidance.replica.figures import NATIONAL_MESSAGE, SMALL_COHORT_MESSAGE, diplome
from tests.replica.rows import code_of, region_rows
from tests.replica.support import PREFIX, replica_client, replica_dataset

TP_TERMINALE, TP_PREMIERE = "23830023102", "23820023102"  # bac pro Travaux publics, final and first year
AGRI_MEF = "23831021405"  # TLPROA AMENAGEMENTS PAYSAGERS (CFD 40321405, managed by the agriculture ministry)
AGRI_SCHOOL = "0341001D"  # Lycée professionnel agricole Honoré de Balzac (fixture row)


@pytest.fixture(scope="module")
def dataset():
    if not settings.OPENDATA_DIR:
        pytest.skip("OPENDATA_DIR is not set: the contract tests need the open data")
    return replica_dataset()


@pytest.fixture
def client(dataset):
    with replica_client() as client:
        yield client


def get(client, path: str, **params) -> dict:
    response = client.get(f"{PREFIX}{path}", params=params)
    assert response.status_code == 200, response.text[:300]
    return response.json()


# --- per school millésime (formationsRoutes.js: default = latest year, [year, period] newest first) ---------------


def test_school_answer_meta_is_worded_as_upstream(client):
    # formationsRoutes-test "Vérifie qu'on peut obtenir une formation": default millésime, exact _meta, no messages.
    body = get(client, f"/formations/0010001W-{TP_TERMINALE}")

    assert body["millesime"] == "2022_2023"
    assert body["_meta"] == {
        "titre": f"Certification {TP_TERMINALE}, établissement 0010001W",
        "details": f"Données InserJeunes pour la certification {TP_TERMINALE} (BAC PRO filière pro) "
        "dispensée par l'établissement 0010001W, pour le millésime 2022_2023",
    }


@pytest.mark.parametrize("asked", ["2023", "2022_2023"])
def test_school_year_or_period_finds_the_period(client, asked):
    # formationsRoutes-test "…un millésime aggregé en demandant un millesime unique" (and the reverse).
    assert get(client, f"/formations/0010001W-{TP_TERMINALE}", millesime=asked)["millesime"] == "2022_2023"


HEADER = "Année;UAI;Libellé;Code formation diplôme;Nombre d'élèves en année terminale"


@pytest.mark.parametrize("asked", [None, "2023", "2022_2023"])
def test_school_year_is_preferred_over_its_period(tmp_path, asked):
    # formationsRoutes-test "Vérifie que l'on retourne en priorité un millésime unique si disponible" and "…en
    # demandant un millésime unique si les données sont disponibles également en aggrégés": the default is the
    # latest year, and of [year, period] the year wins (formationStats sorts millésimes descending).
    path = tmp_path / "fr-en-inserjeunes-cfa-formation_fine.csv"
    path.write_text(f"{HEADER}\ncumul 2022-2023;0932492D;CFA;40025214;50\n2023;0932492D;CFA;40025214;30\n")
    small = load_dataset(None, formation_files=[path])

    body = routes.formation(small, "0932492D", "40025214", asked)

    assert (body["millesime"], body["nb_annee_term"]) == ("2023", 30)


def test_school_404_reports_the_year_asked(client):
    # formationsRoutes-test "Ne retourne pas de stats en demandant un millésime unique si il ne correspond pas à la
    # dernière année d'un millésime aggregé".
    response = client.get(f"{PREFIX}/formations/0010001W-{TP_TERMINALE}", params={"millesime": "2021"})

    assert response.status_code == 404
    assert response.json()["data"] == {"millesime": "2021", "millesimesDisponible": ["2022_2023", "2021_2022"]}


def test_school_small_cohort_has_only_its_message(client):
    # formationsRoutes-test "Vérifie que l'on met les taux et les nombres à null pour les effectifs < 20".
    body = get(client, "/formations/0310024H-23830031212")

    assert body["_meta"]["messages"] == [SMALL_COHORT_MESSAGE]
    assert body["nb_sortant"] is None and body["taux_en_formation"] is None


def test_school_track_record_names_the_uai_role(client):
    # server/src/jobs/stats/computeUAI.js: in the school track the UAI is the place of training, formateur and
    # gestionnaire; "a school record carries uai_type / uai_donnee / uai_donnee_type".
    body = get(client, f"/formations/0010001W-{TP_TERMINALE}")

    assert (body["uai_type"], body["uai_donnee"], body["uai_donnee_type"]) == (
        "lieu_formation",
        "0010001W",
        "lieu_formation",
    )
    assert body["uai_formateur"] == body["uai_gestionnaire"] == ["0010001W"]


# --- agricole (InserJeunes.js voie_pro_sco_agri → agricole; importRegionalesStats.js leaves it out) --------------


def test_agricultural_school_record_says_agricole(client):
    # formationsRoutes-test "Vérifie qu'on peut obtenir les stats d'une formation agricole".
    body = get(client, f"/formations/{AGRI_SCHOOL}-MEFSTAT11:{AGRI_MEF}")

    assert body["filiere"] == "agricole"
    assert body["code_certification_type"] == "mef11"
    assert body["code_formation_diplome"] == "40321405"
    assert body["uai_type"] == "lieu_formation"
    assert "(BAC PRO AG filière agricole)" in body["_meta"]["details"]


def test_agricultural_school_rows_stay_out_of_regional_and_national_figures(client):
    # importRegionalesStats.js "Filtre la filiere agricole": the EN regional rows of the same code stay `pro`.
    rows = [r for r in region_rows() if code_of(r) == AGRI_MEF and r["millesime"] == "2022_2023"]
    national = get(client, f"/certifications/{AGRI_MEF}", millesime="2022_2023")

    assert rows and national["filiere"] == "pro"
    assert national["nb_annee_term"] == sum(int(r["nb_annee_term"]) for r in rows)
    region = rows[0]["code_region"].zfill(2)
    assert get(client, f"/regionales/{region}/certifications/{AGRI_MEF}")["filiere"] == "pro"


def test_filieres_view_keys_are_pro_and_apprentissage(client):
    # base.js _getFilieresStats: omitNil({pro, apprentissage}).
    body = get(client, "/certifications/40321405", vue="filieres")

    assert body and set(body) <= {"pro", "apprentissage"}


def test_a_letter_bearing_mefstat11_is_known_to_the_bcn(dataset):
    # validators.js accepts [0-9A-Z]{11}: the code must reach the BCN check and fail later, on the missing figures.
    assert dataset.knows("23I01021235")
    with pytest.raises(ApiError) as raised:
        routes.formation(dataset, "0010001W", "23I01021235", None)
    assert raised.value.name == "ErrorFormationNotFound"


# --- _meta (stats.js buildDescription, responseUtils.js sendStats) -------------------------------------------------


def test_national_meta_is_worded_as_upstream_with_the_replicas_note(client):
    # certificationsRoutes-test "Vérifie qu'on peut obtenir la certification la plus récente".
    body = get(client, f"/certifications/{TP_TERMINALE}")

    assert body["_meta"]["titre"] == f"Certification {TP_TERMINALE}"
    assert body["_meta"]["details"] == (
        f"Données InserJeunes pour la certification {TP_TERMINALE} (BAC PRO filière pro) "
        f"pour le millésime {body['millesime']}"
    )
    assert body["_meta"]["messages"] == [NATIONAL_MESSAGE]
    assert "date_import" not in body["_meta"]


def test_regional_meta_names_the_region(client):
    # regionalesRoutes-test "Vérifie qu'on peut obtenir la stats la plus récente".
    body = get(client, f"/regionales/11/certifications/{TP_TERMINALE}")

    assert body["_meta"] == {
        "titre": f"Certification {TP_TERMINALE}",
        "details": f"Données InserJeunes pour la certification {TP_TERMINALE} (BAC PRO filière pro) "
        f"pour le millésime {body['millesime']} et la région Île-de-France",
    }


def test_a_non_final_year_is_described_by_its_final_year(client):
    # certificationsRoutes-test "Vérifie qu'on peut obtenir une année non terminale".
    body = get(client, f"/regionales/11/certifications/{TP_PREMIERE}")

    assert body["code_certification"] == TP_TERMINALE
    assert body["_meta"]["titre"] == f"Certification {TP_TERMINALE}"


# --- filières view (base.js _getFilieresStats, stats.js transformDisplayStat) --------------------------------------


def test_filieres_entries_have_no_meta_and_a_single_cfds_fields(client, dataset):
    # certificationsRoutes-test "Vérifie qu'on peut obtenir les stats avec une vue".
    body = get(client, "/certifications/40025214", vue="filieres")

    for filiere, entry in body.items():
        assert entry["filiere"] == filiere
        assert "_meta" not in entry or entry["_meta"] == {"messages": [SMALL_COHORT_MESSAGE]}
        assert entry["code_formation_diplome"] == "40025214" and entry["codes_formation_diplome"] == ["40025214"]
        assert entry["libelle"] == dataset.libelle_of("40025214")
        assert isinstance(entry["formation_fermee"], bool)
        # "…pour deux filières (cfd)": libelle_ancien when a single CFD has one.
        assert entry["libelle_ancien"] == dataset.libelle_ancien_of("40025214") is not None


def test_filieres_over_several_cfds_drop_the_single_cfd_fields(client):
    # certificationsRoutes-test "Lorsque que les certifications ont plusieurs CFD".
    body = get(client, f"/certifications/40023102|{TP_TERMINALE}|40031212")

    for entry in body.values():
        assert not {"code_formation_diplome", "libelle", "libelle_ancien", "formation_fermee"} & set(entry)
        assert len(entry["codes_formation_diplome"]) >= 1


def test_filieres_give_null_for_a_count_no_certification_has(client):
    # base.js $sumOfArray (null when every value is null) and $percentage of null → null.
    body = get(client, "/certifications/40031212", vue="filieres")

    lacking = [(f, h) for f, entry in body.items() for h in (6, 12, 18, 24) if entry[f"nb_en_emploi_{h}_mois"] is None]
    assert lacking, "the open data has no 18/24-month follow-up for recent periods"
    for filiere, horizon in lacking:
        if body[filiere]["nb_annee_term"] >= 20:
            assert body[filiere][f"taux_en_emploi_{horizon}_mois"] is None


# --- fields (bcn.js getDiplome, importBCN.js streamMefs) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("cfd", "code"),
    [("50022141", "3"), ("40025214", "4"), ("32022709", "5"), ("25010999", "6"), ("10012201", "7"), ("01025118", "0")],
)
def test_diplome_code_is_the_first_digit_of_the_cfd_mapped(dataset, cfd, code):
    # bcn.js ANCIENS_NIVEAUX_MAPPER: 5 → "3" (CAP), 4 → "4", 3 → "5" (BTS), 2 → "6" (licence pro), 1 → "7"
    # (master, doctorate: 10012201 is a DOCTORAT), 0 → "0" (mention complémentaire).
    found = diplome(dataset, cfd)
    assert found is not None and found["code"] == code
    assert found["libelle"] == dataset.niveaux[cfd[:3]]


def test_a_mefstat11_closes_on_its_own_mef_date(client, dataset):
    # importBCN.js streamMefs: a MEF's date_fermeture is the N_MEF row's, not its diploma's.
    code = "23110025218"  # 1CAP1 MAINT.VEHIC. OPTA: the MEF closes 2026-08-31, its CFD 2027-08-31
    body = get(client, f"/certifications/{code}", millesime="2021_2022")

    closing = dataset.mefs[code].date_fermeture
    assert closing != dataset.diplomas[dataset.cfd_of(code)].date_fermeture
    assert datetime.fromisoformat(body["date_fermeture"]).date() == closing
    assert body["formation_fermee"] is (closing < date.today())


# --- region (importRegionalesStats.js keeps code_region_academique; importFormationsStats.js only code and nom) -----


def test_regional_records_carry_the_inserjeunes_region_code(client):
    # importRegionalesStats.js: `region: pick(region, ["code", "nom", "code_region_academique"])`, the InserJeunes
    # region code the file names `code_region_ij`; the filières view takes `$first: "$region"` (base.js).
    row = next(r for r in region_rows() if r["voie"] == "scolaire" and r["code_region"] == "84")
    expected = {"code": "84", "nom": "Auvergne-Rhône-Alpes", "code_region_academique": row["code_region_ij"]}

    single = get(client, f"/regionales/84/certifications/{code_of(row)}", millesime=row["millesime"])
    view = get(client, f"/regionales/84/certifications/{code_of(row)}", millesime=row["millesime"], vue="filieres")

    assert single["region"] == expected
    assert view["pro"]["region"] == expected


def test_school_records_keep_only_the_region_code_and_name(client):
    # importFormationsStats.js: `region: pick(params.region, ["code", "nom"])`.
    body = get(client, f"/formations/0010001W-{TP_TERMINALE}")

    assert body["region"] == {"code": "84", "nom": "Auvergne-Rhône-Alpes"}
