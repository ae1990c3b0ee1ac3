"""The two sources that say where schools are (issue 22) are checked like every other: present, with their
columns, not cut short, not shrunk; a refusal changes nothing."""

import pytest

from tests.opendata.sources import copy_sample, keep_lines, truncate
from tests.opendata.test_refusals import _refused

pytestmark = pytest.mark.django_db

IPS = "etablissements_ips_lycees/fr-en-ips_lycees.csv"
POSITIONS = "geo/communes_positions.csv"


@pytest.mark.parametrize("relative", [IPS, POSITIONS])
def test_a_missing_position_source_is_refused(imported, tmp_path, relative):
    root = copy_sample(tmp_path)
    (root / relative).unlink()
    message = _refused(root)
    assert relative in message and "absent" in message


@pytest.mark.parametrize(("relative", "column"), [(IPS, "code_insee_de_la_commune"), (POSITIONS, "latitude")])
def test_a_position_source_without_its_column_is_refused(imported, tmp_path, relative, column):
    root = copy_sample(tmp_path)
    path = root / relative
    path.write_bytes(path.read_bytes().replace(column.encode(), b"renamed", 1))
    message = _refused(root)
    assert relative in message and f"« {column} »" in message


def test_a_positions_file_cut_mid_line_is_refused(imported, tmp_path):
    root = copy_sample(tmp_path)
    path = root / POSITIONS
    data = path.read_bytes()
    cut = data.rindex(b",", 0, len(data) // 2)  # inside a row, before its last cells
    path.write_bytes(data[:cut])
    message = _refused(root)
    assert POSITIONS in message and "tronqué" in message


@pytest.mark.parametrize("relative", [IPS, POSITIONS])
def test_a_position_source_that_lost_half_its_rows_is_refused(imported, tmp_path, relative):
    from django.core.management import call_command

    root = copy_sample(tmp_path)
    call_command("import_opendata", "--dir", str(root), stdout=None, stderr=None)  # the yardstick of the shrink rule
    keep_lines(root / relative, 0.5)
    message = _refused(root)
    assert relative in message and "--allow-shrink" in message


def test_the_ips_file_cut_short_is_refused(imported, tmp_path):
    root = copy_sample(tmp_path)
    truncate(root / IPS, 0.5)
    message = _refused(root)
    assert IPS in message
