"""The higher-education diplomas of `bcn_sise/` (issue 25): readable labels, type, level, discipline and field, the
open codes of the types a student chooses, and the refusals of a damaged file."""

import bz2
import csv
import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from guidance.catalog.models import SUPERIEUR, CodeType, Formation, Voie
from guidance.catalog.sise_labels import SISE_TYPES
from guidance.inserjeunes.codes import CodeKind
from guidance.opendata.pipeline import run_import
from tests.opendata.sources import copy_sample, database_rows, truncate

pytestmark = pytest.mark.django_db

SISE_FILE = "bcn_sise/BCN_n_diplome_sise.csv.bz2"


def sample_rows(root) -> list[dict[str, str]]:
    text = bz2.decompress((root / SISE_FILE).read_bytes()).decode("latin-1")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_a_licence_and_a_master_read_as_a_student_says_them(imported):
    licence = Formation.objects.get(cfd="2300030")
    assert licence.code_type == CodeType.SISE and licence.is_superieur
    assert licence.label == "Licence Informatique"
    assert (licence.diploma_type, licence.diploma_code, licence.level, licence.duration_years) == (
        "Licence",
        "XA",
        "6",
        3,
    )
    assert (licence.discipline_code, licence.discipline_label) == ("14", "Informatique")
    assert licence.field_code == "326" and licence.field_label.startswith("Informatique")
    assert licence.opened_on.isoformat() == "2014-09-01" and licence.closed_on is None
    master = Formation.objects.get(cfd="2500164")
    assert (master.label, master.level, master.duration_years) == ("Master Informatique", "7", 2)
    assert Formation.objects.get(cfd="2500054").label == "Master Droit notarial"
    assert Formation.objects.get(cfd="2400152").label == (
        "Licence pro Métiers du numérique : conception, rédaction et réalisation web"
    )
    assert Formation.objects.get(cfd="2300002").discipline_label == "Sciences juridiques"


def test_an_engineering_diploma_reads_as_its_school_names_it(imported):
    engineering = Formation.objects.get(cfd="6000088")
    assert engineering.label == (
        "Diplôme d’ingénieur de l’École nationale supérieure agronomique de Toulouse "
        "de l’Institut national polytechnique de Toulouse"
    )
    assert (engineering.diploma_type, engineering.level) == ("Diplôme d’ingénieur", "7")


def test_the_sise_code_is_the_insersup_key_and_no_inserjeunes_one(imported):
    licence = Formation.objects.get(cfd="2300030")
    cert = licence.sise_certification()
    assert (cert.kind, cert.code, cert.prefixed) == (CodeKind.SISE, "2300030", "SISE:2300030")
    assert licence.certification_for(SUPERIEUR) == cert
    assert licence.certifications() == [] and licence.certification_for(Voie.APPRENTISSAGE) is None
    assert licence.code_label == "SISE:2300030"
    cap = Formation.objects.get(cfd="50022139")
    assert cap.sise_certification() is None and cap.certification_for(SUPERIEUR) is None


def test_only_open_codes_of_the_chosen_types_and_of_the_2014_mentions_are_kept(imported, fixture_dir):
    rows = sample_rows(fixture_dir)
    imported_codes = set(Formation.objects.filter(code_type=CodeType.SISE).values_list("cfd", flat=True))
    closed = [r["DIPLOME_SISE"] for r in rows if r["DATE_FERMETURE"]]
    other_types = [r["DIPLOME_SISE"] for r in rows if r["TYPE_DIPLOME_SISE"] not in SISE_TYPES]
    replaced = [
        r["DIPLOME_SISE"]
        for r in rows
        if r["TYPE_DIPLOME_SISE"] in {"XA", "XB"} and r["DIPLOME_SISE"][:2] in {"21", "22"}
    ]
    kept = [
        r["DIPLOME_SISE"]
        for r in rows
        if not r["DATE_FERMETURE"]
        and r["TYPE_DIPLOME_SISE"] in SISE_TYPES
        and r["DIPLOME_SISE"].startswith(SISE_TYPES[r["TYPE_DIPLOME_SISE"]].national_prefix)
    ]
    assert closed and other_types and replaced and kept  # the sample holds each case
    assert imported_codes == set(kept)
    assert not imported_codes & {*closed, *other_types, *replaced}


def test_a_diploma_of_a_type_the_bcn_closed_is_closed(imported):
    dut = Formation.objects.filter(code_type=CodeType.SISE, diploma_type="DUT").first()
    assert dut is not None and dut.is_closed and dut.closed_on.isoformat() == "2023-08-31"
    assert not Formation.objects.filter(code_type=CodeType.SISE, diploma_type="BUT", closed_on__isnull=False).exists()


def test_the_import_reports_how_many_diplomas_of_each_type(imported):
    counts = {key: value for key, value in imported.written.items() if key.startswith("Formation (SISE : ")}
    assert counts["Formation (SISE : Licence)"] == Formation.objects.filter(diploma_type="Licence").count() > 0
    assert counts["Formation (SISE : Master)"] == Formation.objects.filter(diploma_type="Master").count() > 0
    assert sum(counts.values()) == imported.written["Formation (SISE)"]


def test_a_second_import_keeps_what_the_api_said(imported, fixture_dir):
    Formation.objects.filter(cfd="2300030").update(has_figures=True, offer_count=12)
    run_import(fixture_dir)
    licence = Formation.objects.get(cfd="2300030")
    assert (licence.has_figures, licence.offer_count) == (True, 0)  # the count follows the offers, the flag the API


def _refused(root) -> str:
    before = database_rows()
    with pytest.raises(CommandError) as refusal:
        call_command("import_opendata", "--dir", str(root), stdout=None, stderr=None)
    assert database_rows() == before
    return str(refusal.value)


def test_a_sise_file_cut_short_is_refused(imported, tmp_path):
    root = copy_sample(tmp_path)
    truncate(root / SISE_FILE, 0.5)
    message = _refused(root)
    assert SISE_FILE in message and "bzip2" in message and "tronqué" in message


def test_a_missing_sise_folder_is_refused(imported, tmp_path):
    root = copy_sample(tmp_path)
    shutil.rmtree(root / "bcn_sise")
    message = _refused(root)
    assert SISE_FILE in message and "absent" in message


def test_a_sise_file_without_its_type_column_is_refused(imported, tmp_path):
    root = copy_sample(tmp_path)
    text = bz2.decompress((root / SISE_FILE).read_bytes()).decode("latin-1")
    (root / SISE_FILE).write_bytes(bz2.compress(text.replace("TYPE_DIPLOME_SISE", "TYPE", 1).encode("latin-1")))
    message = _refused(root)
    assert "« TYPE_DIPLOME_SISE » absente" in message
