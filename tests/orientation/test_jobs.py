"""Jobs ↔ diplomas on real rows: a job word not in any diploma label finds the diploma Certif Info links to it."""

import pytest

from guidance.catalog.models import Formation
from guidance.orientation.jobs import (
    FRANCE_TRAVAIL_URL,
    ONISEP_CREDIT,
    jobs_for_formation,
    onisep_formation,
)
from guidance.search.engine import search_formations
from guidance.search.jobs import gender_root, match_job_words
from tests.orientation.conftest import fixture_rows

pytestmark = pytest.mark.django_db


def cfds(results) -> list[str]:
    return [formation.cfd for formation in results]


def test_cariste_finds_the_bp_conducteur_d_engins_that_does_not_name_it(imported):
    # certif_info.csv: "BP conducteur d'engins : travaux publics et carrières" (45023105) declares F1302 and N1101;
    # metier.csv: "Cariste" is a title of N1101.
    bp = Formation.objects.get(cfd="45023105")
    assert "cariste" not in bp.label.lower()
    found = cfds(search_formations("cariste", include_closed=True))
    # Both diplomas of N1101: the BP, alive with figures, before the closed "Cariste d'entrepôt (TP)" that
    # has the word in its label but no figures nor schools; the closed one only when closed diplomas are asked.
    assert found == ["45023105", "56T31105"]
    assert cfds(search_formations("cariste")) == ["45023105"]
    assert "Cariste" in search_formations("cariste").job_titles


def test_assistante_maternelle_reaches_the_cap_through_the_parent_fiche(imported):
    # "Assistant maternel / Assistante maternelle" is K1310, a sub-code of K1303, which the CAP AEPE declares.
    cap = Formation.objects.get(cfd="50033205")
    assert "maternel" not in cap.label.lower()
    assert cfds(search_formations("assistante maternelle"))[:1] == ["50033205"]
    assert match_job_words("assistant maternel").cfds["50033205"] == pytest.approx(0.8)


def test_plombier_and_mecanicien_poids_lourds(imported):
    assert "40022707" in cfds(search_formations("plombier"))  # Bac pro installateur en chauffage…: F1603
    trucks = search_formations("mécanicien poids lourds")
    assert trucks
    declared = {
        row["Code_Scolarité"]
        for row in fixture_rows("formations_metiers_rome/certif_info.csv")
        if any(row[f"Code_Rome_{n}"] == "I1604" for n in range(1, 6))
    }
    assert set(cfds(trucks)) <= declared
    assert all("véhicules" in formation.label for formation in trucks[:3])


def test_a_diploma_type_typed_with_a_job_keeps_that_type(imported):
    results = search_formations("bp cariste")
    assert cfds(results) == ["45023105"]


def test_training_words_are_not_job_titles(imported):
    # "cuisine" names no title whole ("Chef de cuisine" has another word): no diploma is added by the job data.
    assert not match_job_words("cuisine")
    assert not match_job_words("bac pro")


def test_gender_forms_share_a_root():
    assert gender_root("coiffeuse") == gender_root("coiffeur")
    assert gender_root("agricultrice") == gender_root("agriculteur")
    assert gender_root("mecanicienne") == gender_root("mecanicien")


def test_jobs_for_formation_gives_rome_france_travail_and_onisep(imported):
    jobs = jobs_for_formation(Formation.objects.get(cfd="50033205"))
    referential = {
        row["code_rome"]: row["libelle_rome"]
        for row in fixture_rows("formations_metiers_rome/unix_referentiel_code_rome_v460_utf8.csv", delimiter=",")
    }
    assert [job.rome_code for job in jobs] == ["K1303"]
    job = jobs[0]
    assert job.label == referential["K1303"]
    assert job.france_travail_url == FRANCE_TRAVAIL_URL.format(code="K1303")
    onisep = {
        (row["libellé métier onisep"], row["lien site onisep.fr"])
        for row in fixture_rows("formations_metiers_rome/romeMetier.csv")
        if row["Code ROME"] == "K1303" and row["lien site onisep.fr"]
    }
    assert {(link.label, link.url) for link in job.onisep} == onisep
    assert "Certif Info" in job.source


def test_jobs_follow_the_certif_info_order(imported):
    jobs = jobs_for_formation("45023105")
    assert [job.rome_code for job in jobs] == ["F1302", "N1101"]
    assert jobs_for_formation("99999999") == []


def test_onisep_page_of_a_formation(imported):
    page = onisep_formation(Formation.objects.get(cfd="50022137"))  # CAP boulanger, codeIdeo2 FOR.2246
    assert page.ideo_id == "FOR.2246"
    assert page.url == "https://www.onisep.fr/http/redirection/formation/slug/FOR.2246"
    assert page.label == "CAP Boulanger"
    assert page.credit == ONISEP_CREDIT and "ODbL" in page.credit
    assert onisep_formation("99999999") is None
