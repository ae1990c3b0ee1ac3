"""Per-school InserJeunes figures: the DEPP files (`inserjeunes_etablissements_depp/`) and the CFA dataset
(`inserjeunes_cfa/`). They also name the schools and give their région (used by `schools.py`)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from guidance.catalog.importers.base import Report, RowRejected, parse_rate, read_csv, upsert
from guidance.catalog.models import Population, SchoolIndicators
from guidance.inserjeunes.codes import InvalidCode, parse_uai

_DEPP_NAME = re.compile(r"depp-\d+-etablissements-(\d{4}_\d{4})-(pro|apprentissage)\.csv$")
_POPULATIONS = {
    "ensemble": Population.ENSEMBLE,
    "dont élèves en voie pro sco": Population.SCOLAIRE,
    "dont apprentis": Population.APPRENTIS,
}
_RATES = (
    "continuation_rate",
    "employment_rate_6m",
    "expected_rate",
    "value_added",
    "share_in_study",
    "share_in_employment",
    "share_other",
    "employment_rate_12m",
    "employment_rate_18m",
    "employment_rate_24m",
    "interrupted_contracts_share",
)

# Column positions after UAI, libellé, région (and the population column of the -pro files).
# 2018_2019 and 2019_2020 have blank header cells: their meaning is positional (see the folder's PROVENANCE.md).
_LAYOUTS = {
    ("2018_2019", "apprentissage"): (
        "interrupted_contracts_share",
        "continuation_rate",
        "employment_rate_6m",
        "expected_rate",
        "value_added",
        "employment_rate_12m",
        "employment_rate_18m",
        "employment_rate_24m",
    ),
    ("2019_2020", "apprentissage"): (
        "interrupted_contracts_share",
        "continuation_rate",
        "employment_rate_6m",
        "expected_rate",
        "value_added",
        "employment_rate_12m",
    ),
    ("2018_2019", "pro"): (
        "continuation_rate",
        "employment_rate_6m",
        "expected_rate",
        "value_added",
        "employment_rate_12m",
        "employment_rate_18m",
        "employment_rate_24m",
    ),
    ("2019_2020", "pro"): (
        "continuation_rate",
        "employment_rate_6m",
        "expected_rate",
        "value_added",
        "employment_rate_12m",
    ),
}
_LATER_LAYOUT = (
    "continuation_rate",
    "employment_rate_6m",
    "expected_rate",
    "value_added",
    "share_in_study",
    "share_in_employment",
    "share_other",
)
_CFA_COLUMNS = {
    "DEVENIR Part poursuite études": "share_in_study",
    "DEVENIR Part en emploi 6 mois": "share_in_employment",
    "DEVENIR Part autre situation 6 mois": "share_other",
    "Part contrats apprentissage interrompus": "interrupted_contracts_share",
    "Taux poursuite études": "continuation_rate",
    "Taux emploi 6 mois": "employment_rate_6m",
    "Taux emploi 6 mois attendu": "expected_rate",
    "VA emploi 6 mois": "value_added",
    "Taux emploi 12 mois": "employment_rate_12m",
    "Taux emploi 18 mois": "employment_rate_18m",
    "Taux emploi 24 mois": "employment_rate_24m",
}


@dataclass
class IndicatorRow:
    uai: str
    name: str
    region_name: str
    millesime: str
    population: str
    is_cfa: bool  # from an apprenticeship file: the school is a CFA
    source: str
    values: dict[str, float | None] = field(default_factory=dict)


DEPP_GLOB = "depp-*-etablissements-*.csv"


def depp_width(path: Path) -> int | None:
    """Cells of every row of a DEPP per-school file, from its name (None: not a DEPP file name)."""
    match = _DEPP_NAME.search(path.name)
    if not match:
        return None
    millesime, track = match.groups()
    return 3 + (track == "pro") + len(_LAYOUTS.get((millesime, track), _LATER_LAYOUT))


def _depp_rows(path: Path, report: Report) -> list[IndicatorRow]:
    match = _DEPP_NAME.search(path.name)
    if not match:
        return []
    millesime, track = match.groups()
    layout = _LAYOUTS.get((millesime, track), _LATER_LAYOUT)
    has_population = track == "pro"
    expected = depp_width(path)
    rows = []
    for number, cells in read_csv(path):
        cells = [cell.strip() for cell in cells]
        if len(cells) != expected:
            report.reject(path.name, number, f"{len(cells)} colonnes au lieu de {expected}")
            continue
        try:
            uai = parse_uai(cells[0]).value
            population = Population.APPRENTIS
            if has_population:
                if cells[3] not in _POPULATIONS:
                    raise RowRejected("population inconnue")
                population = _POPULATIONS[cells[3]]
            offset = 3 + has_population
            values = {name: parse_rate(cells[offset + i], name) for i, name in enumerate(layout)}
        except (InvalidCode, RowRejected) as error:
            report.reject_error(path.name, number, error)
            continue
        rows.append(
            IndicatorRow(uai, cells[1], cells[2], millesime, population, track == "apprentissage", path.name, values)
        )
    return rows


def _cfa_rows(path: Path, report: Report) -> list[IndicatorRow]:
    rows = []
    header: list[str] | None = None
    for number, cells in read_csv(path, encoding="utf-8"):
        if header is None:
            header = [cell.strip() for cell in _header(path)]
        if len(cells) != len(header):
            report.reject(path.name, number, f"{len(cells)} colonnes au lieu de {len(header)}")
            continue
        row = dict(zip(header, (cell.strip() for cell in cells), strict=True))
        try:
            uai = parse_uai(row["UAI"]).value
            year = re.fullmatch(r"cumul (\d{4})-(\d{4})", row["Année"])
            if not year:
                raise RowRejected("année illisible")
            values = {name: parse_rate(row[column], name) for column, name in _CFA_COLUMNS.items()}
        except (InvalidCode, RowRejected) as error:
            report.reject_error(path.name, number, error)
            continue
        millesime = f"{year.group(1)}_{year.group(2)}"
        rows.append(
            IndicatorRow(uai, row["Libellé"], row["Région"], millesime, Population.APPRENTIS, True, path.name, values)
        )
    return rows


def _header(path: Path) -> list[str]:
    from guidance.catalog.importers.base import read_header

    return read_header(path, encoding="utf-8")


def read_indicators(root: Path, report: Report) -> list[IndicatorRow]:
    """Every per-school row, DEPP files first (oldest millésime first), then the CFA dataset."""
    rows: list[IndicatorRow] = []
    folder = root / "inserjeunes_etablissements_depp"
    for path in sorted(folder.glob(DEPP_GLOB)):
        rows += _depp_rows(path, report)
    cfa = root / "inserjeunes_cfa" / "fr-en-inserjeunes-cfa.csv"
    if cfa.exists():
        rows += _cfa_rows(cfa, report)
    return rows


def import_indicators(rows: list[IndicatorRow], school_ids: dict[str, int], report: Report) -> None:
    """One SchoolIndicators per (school, millésime, population); the CFA dataset completes the DEPP figures
    (it adds the 12/18/24-month rates) and wins where both give a value, being the official later revision."""
    merged: dict[tuple[str, str, str], dict] = {}
    for row in rows:
        key = (row.uai, row.millesime, row.population)
        current = merged.setdefault(key, {"sources": []})
        for name, value in row.values.items():
            if value is not None:
                current[name] = value
        if row.source not in current["sources"]:
            current["sources"].append(row.source)
    objects = []
    for (uai, millesime, population), values in merged.items():
        sources = values.pop("sources")
        objects.append(
            SchoolIndicators(
                school_id=school_ids[uai],
                millesime=millesime,
                population=population,
                source=", ".join(sources)[:200],
                **{name: values.get(name) for name in _RATES},
            )
        )
    update = [*_RATES, "cohort_size", "source"]
    report.written["SchoolIndicators"] += upsert(
        SchoolIndicators, objects, ["school", "millesime", "population"], update
    )
    keep = {(school_ids[uai], millesime, population) for uai, millesime, population in merged}
    stale = [
        pk
        for pk, school_id, millesime, population in SchoolIndicators.objects.values_list(
            "pk", "school_id", "millesime", "population"
        )
        if (school_id, millesime, population) not in keep
    ]
    if stale:
        SchoolIndicators.objects.filter(pk__in=stale).delete()
        report.deleted["SchoolIndicators"] += len(stale)
