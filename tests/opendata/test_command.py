"""`manage.py import_opendata` (moved from the catalogue to `guidance.opendata`): its summary, `--if-changed`, the
folder it reads, and one transaction for the whole import, the page cache's generation included."""

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guidance.catalog.models import CatalogStats, Formation, ImportRun
from guidance.opendata import pipeline
from guidance.pagecache import generations
from guidance.pagecache.models import Generation
from tests.opendata.sources import CONSTAT, copy_sample, database_rows

pytestmark = pytest.mark.django_db


def _append(path, line: str) -> None:
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(line + "\n")


def test_command_prints_summary_and_if_changed_skips_unchanged_files(tmp_path):
    root = copy_sample(tmp_path)
    out = StringIO()
    call_command("import_opendata", "--dir", str(root), "--if-changed", stdout=out)
    assert "Sources vérifiées : 32 fichiers" in out.getvalue()
    assert "Formation: 176 lignes écrites" in out.getvalue()
    summary = ImportRun.objects.get(name="opendata").summary
    assert summary["written"]["Formation"] == 176
    assert summary["sources"]["offre_formation_constat_2020/constat_2020.csv"] == 315  # the shrink check's yardstick

    out = StringIO()
    started = time.monotonic()
    call_command("import_opendata", "--dir", str(root), "--if-changed", stdout=out)
    assert time.monotonic() - started < 0.5
    assert "à jour" in out.getvalue()

    _append(root / CONSTAT, "2020;0310017A;23830025214;12")
    out = StringIO()
    call_command("import_opendata", "--dir", str(root), "--if-changed", stdout=out)
    assert "Import terminé" in out.getvalue()
    assert ImportRun.objects.get(name="opendata").summary["sources"][str(CONSTAT)] == 316


def test_command_explains_a_missing_directory(tmp_path):
    with pytest.raises(CommandError, match="introuvable.*--dir ou la variable OPENDATA_DIR"):
        call_command("import_opendata", "--dir", str(tmp_path / "absent"))
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_opendata", "--dir", str(tmp_path / "absent"), "--if-changed")


def test_command_defaults_to_opendata_dir_setting(settings, tmp_path):
    settings.OPENDATA_DIR = str(tmp_path)
    with pytest.raises(CommandError, match=r"ij_region_data.csv : fichier absent \(et 27 autre\(s\) problème\(s\)\)"):
        call_command("import_opendata")


def test_an_import_moves_the_page_cache_generation_once_with_its_aggregates(tmp_path):
    root = copy_sample(tmp_path)
    before = generations.current()
    pipeline.run_import(root)
    assert Generation.objects.get(name="catalog").value == 1
    assert generations.current() != before  # seen at once in this process
    assert CatalogStats.objects.get(pk=1).data["diploma_counts"]


def test_an_import_failing_midway_leaves_every_table_and_the_generation_as_they_were(imported, tmp_path, monkeypatch):
    root = copy_sample(tmp_path)
    Formation.objects.update(label="Intitulé d'avant")
    before = database_rows()

    def broken(root, report):
        raise RuntimeError("the orientation step fails after the catalogue was written")

    monkeypatch.setattr(pipeline, "import_orientation", broken)
    with pytest.raises(RuntimeError):
        pipeline.run_import(root)
    assert database_rows() == before


def test_a_file_changed_during_the_import_cancels_it(imported, tmp_path, monkeypatch):
    root = copy_sample(tmp_path)
    before = database_rows()
    real = pipeline.import_orientation

    def changing(root, report):
        real(root, report)
        _append(root / CONSTAT, "2020;0310017A;23830025214;12")  # a download still being written

    monkeypatch.setattr(pipeline, "import_orientation", changing)
    with pytest.raises(pipeline.ImportRefused, match="ont changé pendant l'import"):
        pipeline.run_import(root)
    assert database_rows() == before
