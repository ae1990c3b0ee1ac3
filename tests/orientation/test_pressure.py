"""Admission pressure: every figure is the one of its source row; several rows of one offer are all shown."""

import pytest

from guidance.catalog.models import Mef, Voie
from guidance.orientation.models import AdmissionPressure, PressureSource, WishKind
from guidance.orientation.pressure import PressureRow, pressure_for, pressures_for_school
from tests.orientation.conftest import fixture_rows

pytestmark = pytest.mark.django_db
FOLDER = "offre_formation_affelnet_parcoursup/"


def test_each_affelnet_figure_equals_its_source_row(imported):
    rows = fixture_rows(FOLDER + "affelnet_attractivite_capacite_2022.csv")
    cfd_of = dict(Mef.objects.values_list("mefstat11", "formation__cfd"))
    checked = 0
    for row in rows:
        stored = AdmissionPressure.objects.get(source=PressureSource.AFFELNET_2022, line=row["_line"])
        assert (stored.uai, stored.mefstat11) == (row["Etablissement d'accueil"], row["MEF STAT 11"])
        assert stored.places == int(row["Capacité carte scolaire"])
        assert stored.wishes == int(row["Demandes vœux 1"])
        assert stored.cfd == cfd_of[row["MEF STAT 11"]]
        shown = pressure_for(stored.uai, stored.cfd, Voie.SCOLAIRE)
        sentences = [r.sentence for r in shown.rows]
        expected = (
            f"{row['Demandes vœux 1']} premiers vœux pour {row['Capacité carte scolaire']} places (Affelnet 2022)"
        )
        if int(row["Demandes vœux 1"]) > 1 and int(row["Capacité carte scolaire"]) > 1:
            assert expected in sentences
            checked += 1
    assert checked > 50


def test_a_training_listed_twice_shows_both_rows_never_their_sum(imported):
    # affelnet_attractivite_capacite_2022.csv, lines 2 and 3: 0060002V × 23210025217, 7 places / 15 first wishes
    # and 3 places / 7 first wishes (nb_apparitions_uai_mefstat = 2).
    cfd = Mef.objects.get(mefstat11="23210025217").formation.cfd
    shown = pressure_for("0060002V", cfd, Voie.SCOLAIRE)
    assert shown.several_rows
    assert [(r.line, r.places, r.wishes) for r in shown.rows] == [(2, 7, 15), (3, 3, 7)]
    assert [r.sentence for r in shown.rows] == [
        "15 premiers vœux pour 7 places (Affelnet 2022)",
        "7 premiers vœux pour 3 places (Affelnet 2022)",
    ]
    assert [r.reading for r in shown.rows] == ["environ 2,1 demandes pour 1 place", "environ 2,3 demandes pour 1 place"]
    assert "premiers vœux" in shown.rows[0].limits and "Une seule année" in shown.rows[0].limits


def test_a_parcoursup_row_says_confirmed_wishes(imported):
    row = next(
        r
        for r in fixture_rows(FOLDER + "parcoursup_bts_attractivite_capacite_2024.csv")
        if AdmissionPressure.objects.filter(source=PressureSource.PARCOURSUP_2024, line=r["_line"]).exists()
    )
    stored = AdmissionPressure.objects.get(source=PressureSource.PARCOURSUP_2024, line=row["_line"])
    voie = Voie.SCOLAIRE if row["STATUT"] == "Scolaire" else Voie.APPRENTISSAGE
    shown = pressure_for(row["UAI"], stored.cfd, voie)
    match = [r for r in shown.rows if r.line == row["_line"]]
    assert match and match[0].wishes == int(row["NB_VOEUX_CONFIRMES"]) and match[0].places == int(row["CAPACITEPSUP"])
    assert match[0].label == row["LIBELLÉFORMATION"]
    assert "vœux confirmés" in match[0].sentence or "vœu confirmé" in match[0].sentence
    assert "(Parcoursup 2024)" in match[0].sentence
    assert (stored.cfd, voie) in pressures_for_school(row["UAI"])


def test_no_row_no_figure(imported):
    shown = pressure_for("0000000A", "50022137", Voie.SCOLAIRE)
    assert not shown and shown.rows == ()
    assert "Affelnet 2022" in shown.missing_reason


def _row(places, wishes):
    return PressureRow(
        PressureSource.AFFELNET_2022, "Affelnet 2022", "2022", 2, places, wishes, WishKind.FIRST, "premiers vœux", ""
    )


def test_plain_words_reading():
    assert _row(24, 12).sentence == "12 premiers vœux pour 24 places (Affelnet 2022)"
    assert _row(24, 12).reading == "moins de demandes que de places"
    assert _row(1, 3).reading == "3 demandes pour 1 place"
    # Issue 23: "1,1 demandes" was wrong French: the singular below 2.
    assert _row(10, 11).reading == "environ 1,1 demande pour 1 place"
    assert _row(10, 25).reading == "environ 2,5 demandes pour 1 place"
    assert _row(10, 10).reading == "autant de demandes que de places"
    assert _row(1, 1).sentence == "1 premier vœu pour 1 place (Affelnet 2022)"
    assert _row(None, 4).sentence == "" and "non renseigné" in _row(None, 4).reading
    assert _row(0, 4).reading.startswith("Aucune place")
