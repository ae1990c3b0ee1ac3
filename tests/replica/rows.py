"""Read `ij_region_data.csv` independently of the replica's loader, to check the replica against the file."""

import csv
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from django.conf import settings


def region_rows() -> list[dict[str, str]]:
    path = Path(settings.OPENDATA_DIR) / "inserjeunes_regional_par_formation" / "ij_region_data.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def half_even(part: int, whole: int) -> int:
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def code_of(row: dict[str, str]) -> str:
    return row["mefstat11"] if row["voie"] == "scolaire" else row["cfd"]
