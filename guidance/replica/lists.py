"""The authenticated list routes (`/certifications`, `/regionales`, `/regionales/{region}`, `/formations`):
filters, pagination (`page` default 1, `items_par_page` default 10, no maximum; 0 means the default) and the JSON
or `;`-separated CSV body.

No sort order is promised by the API; the replica sorts by code, scope and millésime so pages are stable.
"""

import math
from collections.abc import Iterable, Sequence
from datetime import date

from guidance.inserjeunes.codes import departement_of_uai
from guidance.inserjeunes.territories import DEPARTEMENTS
from guidance.replica.dataset import Dataset, Stat
from guidance.replica.figures import STAT_COLUMNS, csv_value, stat_record
from guidance.replica.routes import millesime_variants


def certifications(dataset: Dataset, millesimes: list[str], codes: list[str]) -> list[Stat]:
    # Without millésimes: the latest of InserJeunes and the latest of InserSup (upstream `millesimeSco` /
    # `millesimeSup`); each certification is listed in the millésimes of its own filière.
    wanted = set(millesimes or [dataset.latest_national, dataset.latest_sup_year])
    return [
        stat
        for code in sorted(codes or dataset.national)
        for millesime, stat in sorted(dataset.national.get(code, {}).items())
        if millesime in wanted
    ]


def regionales(dataset: Dataset, millesimes: list[str], codes: list[str], regions: list[str]) -> list[Stat]:
    wanted = set(millesimes or [dataset.latest_period])
    code_filter, region_filter = set(codes), set(regions)
    return [
        stat
        for (region, code) in sorted(dataset.regional)
        if (not code_filter or code in code_filter) and (not region_filter or region in region_filter)
        for millesime, stat in sorted(dataset.regional[(region, code)].items())
        if millesime in wanted
    ]


def formations(
    dataset: Dataset,
    millesimes: list[str],
    codes: list[str],
    uais: list[str],
    regions: list[str],
    academies: list[str],
) -> list[Stat]:
    asked = millesimes or [dataset.latest_period, dataset.latest_sup_school_year]  # InserJeunes' and InserSup's
    wanted = {variant for m in asked if m for variant in millesime_variants(m)}
    code_filter, uai_filter = set(codes), set(uais)
    region_filter, academie_filter = set(regions), set(academies)
    selected: list[Stat] = []
    for uai, code in sorted(dataset.formations):
        if (code_filter and code not in code_filter) or (uai_filter and uai not in uai_filter):
            continue
        departement = DEPARTEMENTS.get(departement_of_uai(uai), ("", "", ""))
        if (region_filter and departement[2] not in region_filter) or (
            academie_filter and departement[1] not in academie_filter
        ):
            continue
        selected.extend(stat for m, stat in sorted(dataset.formations[(uai, code)].items()) if m in wanted)
    return selected


def paginate[T](items: Sequence[T], page: int, items_par_page: int) -> tuple[Sequence[T], dict]:
    start = (page - 1) * items_par_page
    pagination = {
        "page": page,
        "items_par_page": items_par_page,
        "nombre_de_page": math.ceil(len(items) / items_par_page) if items else 1,
        "total": len(items),
    }
    return items[start : start + items_par_page], pagination


def records(dataset: Dataset, stats: Iterable[Stat], *, national: bool = False) -> list[dict]:
    return [stat_record(dataset, stat, national=national, with_meta=False) for stat in stats]


_LEADING_COLUMNS = {
    "certifications": ("code_certification", "code_formation_diplome", "filiere", "millesime"),
    "regionales": ("region", "code_certification", "code_formation_diplome", "filiere", "millesime"),
    "formations": (
        "uai",
        "uai_type",
        "uai_donnee",
        "uai_donnee_type",
        "code_certification",
        "code_formation_diplome",
        "filiere",
        "millesime",
    ),
}


# Only the national list has salary columns (the API's regional and per school CSV leave them out); within each,
# the statistics come in the API's order: their names sorted.
SALARY_COLUMNS = ("salaire_12_mois_q1", "salaire_12_mois_q2", "salaire_12_mois_q3")
_STAT_COLUMNS = {
    "certifications": tuple(sorted([*STAT_COLUMNS, *SALARY_COLUMNS])),
    "regionales": tuple(STAT_COLUMNS),
    "formations": tuple(STAT_COLUMNS),
}


def csv_headers(today: date | None = None) -> list[tuple[str, str]]:
    """The API's CSV headers: an attachment named after the day (`export-2026-01-31.csv`)."""
    day = (today or date.today()).isoformat()
    return [
        ("Content-Disposition", f"attachment; filename=export-{day}.csv"),
        ("Content-Type", "text/csv; charset=UTF-8"),
    ]


def to_csv(kind: str, rows: list[dict]) -> str:
    """The API's CSV: `;`-separated, a header line, null written as `null`, an absent value left empty."""
    source_columns = ("donnee_source_type", "donnee_source_code_certification")
    columns = [*_LEADING_COLUMNS[kind], *source_columns, *_STAT_COLUMNS[kind]]
    lines = [";".join(columns)]
    for row in rows:
        flat = dict(row)
        flat["donnee_source_type"] = row["donnee_source"]["type"]
        flat["donnee_source_code_certification"] = row["donnee_source"]["code_certification"]
        if "region" in row:
            flat["region"] = row["region"]["nom"]
        lines.append(";".join(csv_value(flat[c]) if c in flat else "" for c in columns))
    return "\n".join(lines) + "\n"
