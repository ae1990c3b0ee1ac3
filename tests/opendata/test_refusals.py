"""An import that meets a missing, truncated, shrunk, re-encoded or reshaped file refuses to run, says why in one
line (which file, which rule) and changes nothing (issue 20, findings 4 and 8)."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from guidance.catalog.models import Offer, SchoolIndicators, Source
from tests.opendata.sources import CONSTAT, copy_sample, database_rows, keep_lines, truncate

pytestmark = pytest.mark.django_db


def _refused(root, *options) -> str:
    before = database_rows()
    with pytest.raises(CommandError) as refusal:
        call_command("import_opendata", "--dir", str(root), *options, stdout=None, stderr=None)
    message = str(refusal.value)
    assert "\n" not in message  # one line
    assert database_rows() == before  # nothing changed, the page cache's generation included
    return message


def test_a_missing_constat_file_is_refused_and_deletes_no_offer(imported, tmp_path):
    root = copy_sample(tmp_path)
    (root / CONSTAT).unlink()
    offers = Offer.objects.count()
    message = _refused(root)
    assert "offre_formation_constat_2020/constat_2020.csv" in message and "absent" in message
    assert Offer.objects.count() == offers and Offer.objects.filter(source=Source.CONSTAT_2020).exists()


def test_a_constat_file_cut_mid_line_is_refused(imported, tmp_path):
    root = copy_sample(tmp_path)
    truncate(root / CONSTAT, 0.42)  # mid-line: the last row lacks cells
    message = _refused(root)
    assert "constat_2020.csv" in message and "tronqué" in message


def test_a_source_that_lost_over_a_fifth_of_its_rows_is_refused_unless_allowed(imported, tmp_path):
    root = copy_sample(tmp_path)
    keep_lines(root / CONSTAT, 0.5)  # cut on a line break: only the count tells
    message = _refused(root)
    assert "constat_2020.csv" in message and "20 %" in message and "--allow-shrink" in message

    call_command("import_opendata", "--dir", str(root), "--allow-shrink", stdout=None, stderr=None)
    assert Offer.objects.filter(source=Source.CONSTAT_2020).count() < 180


def test_a_source_that_lost_a_few_rows_is_imported(imported, tmp_path):
    root = copy_sample(tmp_path)
    keep_lines(root / CONSTAT, 0.9)
    call_command("import_opendata", "--dir", str(root), stdout=None, stderr=None)


def test_a_missing_orientation_file_is_refused_on_a_first_import_too(db, tmp_path):
    root = copy_sample(tmp_path)
    shutil.rmtree(root / "communes")
    message = _refused(root)
    assert "communes/communes.json" in message


def test_a_non_utf8_byte_is_refused_with_the_file_and_the_line(imported, tmp_path):
    root = copy_sample(tmp_path)
    path = root / "formations_metiers_rome" / "metier.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[4] = lines[4].replace(b"e", b"\xe9", 1)  # a Latin-1 "é" in a UTF-8 file
    path.write_bytes(b"".join(lines))
    message = _refused(root)
    assert "formations_metiers_rome/metier.csv" in message and "ligne 5" in message and "UTF-8" in message


def test_a_file_without_an_expected_column_is_refused(imported, tmp_path):
    root = copy_sample(tmp_path)
    path = root / CONSTAT
    path.write_bytes(path.read_bytes().replace(b"Mef Bcp 11", b"Mef", 1))
    message = _refused(root)
    assert "constat_2020.csv" in message and "« Mef Bcp 11 »" in message


def test_a_depp_file_read_last_time_and_now_gone_is_refused_unless_allowed(imported, tmp_path):
    root = copy_sample(tmp_path)
    gone = root / "inserjeunes_etablissements_depp" / "depp-2022-etablissements-2018_2019-pro.csv"
    gone.unlink()
    message = _refused(root)
    assert "depp-2022-etablissements-2018_2019-pro.csv : fichier absent (il était là au dernier import)" in message

    call_command("import_opendata", "--dir", str(root), "--allow-shrink", stdout=None, stderr=None)
    assert not SchoolIndicators.objects.filter(millesime="2018_2019", population__in=["ensemble", "scolaire"]).exists()


@pytest.mark.parametrize(
    ("relative", "rule"),
    [
        ("communes/communes.json", "JSON illisible"),
        ("etablissements_catalogue_apprentissage/catalogue_etablissement_apprentissage_20221010.zip", "ZIP illisible"),
        ("formations_metiers_rome/unix_referentiel_code_rome_v460_utf8.csv", "fichier tronqué"),
    ],
)
def test_a_json_a_zip_or_a_csv_cut_short_is_refused(imported, tmp_path, relative, rule):
    root = copy_sample(tmp_path)
    truncate(root / relative, 0.5)
    message = _refused(root)
    assert relative in message and rule in message
