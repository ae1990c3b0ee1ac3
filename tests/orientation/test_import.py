"""Import of the orientation files: idempotent, rejected rows counted with reasons, part of `--if-changed`."""

import os
import shutil

import pytest

from guidance.opendata.checks import ImportRefused
from guidance.opendata.pipeline import is_up_to_date, run_import
from guidance.orientation.models import (
    AdmissionPressure,
    Commune,
    FormationJob,
    JobTitle,
    OnisepFormation,
    OnisepJob,
    RomeCode,
)
from tests.orientation.conftest import fixture_rows

pytestmark = pytest.mark.django_db
MODELS = [RomeCode, JobTitle, OnisepJob, FormationJob, OnisepFormation, Commune, AdmissionPressure]


def _snapshot():
    return {
        model.__name__: sorted(tuple(row) for row in model.objects.values_list(*_fields(model))) for model in MODELS
    }


def _fields(model):
    return [f.name for f in model._meta.concrete_fields if f.name != "id"]


def test_a_second_import_gives_the_same_rows(imported, fixture_dir):
    first = _snapshot()
    assert all(first[name] for name in first), {name: len(rows) for name, rows in first.items()}
    run_import(fixture_dir)
    assert _snapshot() == first


def test_every_row_of_the_job_files_is_imported(imported):
    assert JobTitle.objects.count() == len(fixture_rows("formations_metiers_rome/metier.csv"))
    referential = fixture_rows("formations_metiers_rome/unix_referentiel_code_rome_v460_utf8.csv", delimiter=",")
    assert RomeCode.objects.count() == len(referential) == 1584
    # One FormationJob per (CFD, ROME) of Certif Info, whatever the number of rows a CFD has.
    declared = {
        (row["Code_Scolarité"], row[f"Code_Rome_{n}"])
        for row in fixture_rows("formations_metiers_rome/certif_info.csv")
        for n in range(1, 6)
        if row[f"Code_Rome_{n}"]
    }
    assert set(FormationJob.objects.values_list("cfd", "rome_code")) == declared


def _copy(src, tmp_path):
    root = tmp_path / "opendata"
    shutil.copytree(src, root)
    return root


def test_malformed_rows_are_counted_with_their_reason(db, fixture_dir, tmp_path):
    root = _copy(fixture_dir, tmp_path)
    with (root / "formations_metiers_rome" / "metier.csv").open("a", encoding="utf-8") as handle:
        handle.write("99999;Métier inventé;Métier inventé;ZZ999;;;;;;SYNONYME;\n")
    with (root / "offre_formation_affelnet_parcoursup" / "parcoursup_bts_attractivite_capacite_2024.csv").open(
        "a", encoding="utf-8"
    ) as handle:
        handle.write("0310017A;BTS - x;32031213;12;Hybride;24\n")
    report = run_import(root)
    assert report.rejected[("metier.csv", "code ROME invalide")] == 1
    assert report.rejected[("parcoursup_bts_attractivite_capacite_2024.csv (pression)", "statut inconnu")] == 1
    assert not JobTitle.objects.filter(ogr_code="99999").exists()
    assert any("code ROME invalide" in line for line in report.lines())


def test_a_changed_orientation_file_is_seen_by_if_changed(db, fixture_dir, tmp_path):
    root = _copy(fixture_dir, tmp_path)
    run_import(root)
    assert is_up_to_date(root)
    communes = root / "communes" / "communes.json"
    stat = communes.stat()
    os.utime(communes, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert not is_up_to_date(root)


def test_a_missing_orientation_folder_refuses_the_import(imported, fixture_dir, tmp_path):
    root = _copy(fixture_dir, tmp_path)
    shutil.rmtree(root / "communes")
    communes = Commune.objects.count()
    with pytest.raises(ImportRefused, match="communes/communes.json : fichier absent"):
        run_import(root)
    assert Commune.objects.count() == communes > 0  # the communes of the previous import are still there
