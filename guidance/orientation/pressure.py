"""How hard a training is to get into: places and wishes of one school's offer, as the Affelnet 2022 and
Parcoursup 2024 files give them (`AdmissionPressure`, one row per source row).

Public interface:
- `pressure_for(school, formation, voie) -> Pressure`: every source row of that school × formation × voie.
- `pressures_for_school(school) -> dict[(cfd, voie), Pressure]`: the same for all of a school's offers, one query.
- `pressures_for(keys) -> dict[(uai, cfd, voie), Pressure]`: the same for many schools × trainings, one query.

Nothing is summed: when a file lists a school's training twice (two sections), both rows are given, each with its
own sentence. The reading compares the file's two numbers of a row and nothing else.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from guidance.orientation.models import AdmissionPressure, PressureSource, WishKind

_YEARS = {PressureSource.AFFELNET_2022: "2022", PressureSource.PARCOURSUP_2024: "2024"}
LIMITS: dict[str, str] = {
    PressureSource.AFFELNET_2022: (
        "Une seule année (campagne Affelnet 2022, entrée après la 3e). Seuls les premiers vœux sont comptés : "
        "d’autres élèves ont pu demander cette formation en 2e ou 3e vœu. Les places sont celles de la carte "
        "scolaire ; cela ne dit pas qui a été admis."
    ),
    PressureSource.PARCOURSUP_2024: (
        "Une seule année (Parcoursup 2024). Les vœux confirmés comptent les candidatures : chaque candidat en "
        "fait plusieurs, ce n’est donc pas un nombre de candidats par place ; cela ne dit pas qui a été admis."
    ),
}


_SINGULAR: dict[str, str] = {WishKind.FIRST: "premier vœu", WishKind.CONFIRMED: "vœu confirmé"}


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _plural(count: int, singular: str, plural: str) -> str:
    return singular if count <= 1 else plural


@dataclass(frozen=True, slots=True)
class PressureRow:
    """One source row: its numbers, and what they say in words."""

    source: str  # PressureSource value
    source_label: str  # "Affelnet 2022"
    year: str
    line: int  # line of the source file (header = 1)
    places: int | None
    wishes: int | None
    wish_kind: str  # WishKind value
    wish_label: str  # "premiers vœux" / "vœux confirmés"
    label: str  # the row's own label (Parcoursup) or famille de métiers (Affelnet), may be ""

    @property
    def sentence(self) -> str:
        """ "12 premiers vœux pour 24 places (Affelnet 2022)"; "" when the row lacks one of the numbers."""
        if self.places is None or self.wishes is None:
            return ""
        kind = self.wish_label if self.wishes > 1 else _SINGULAR[self.wish_kind]
        places = _plural(self.places, "place", "places")
        return f"{_number(self.wishes)} {kind} pour {_number(self.places)} {places} ({self.source_label})"

    @property
    def reading(self) -> str:
        """The two numbers compared in plain words: "moins de demandes que de places", "3 demandes pour 1 place"."""
        if self.places is None or self.wishes is None:
            return "Nombre de places ou de vœux non renseigné par la source."
        if self.places == 0:
            return "Aucune place indiquée par la source pour cette offre."
        ratio = Fraction(self.wishes, self.places)
        if ratio < 1:
            return "moins de demandes que de places"
        if ratio == 1:
            return "autant de demandes que de places"
        if ratio.denominator == 1:
            return f"{ratio.numerator} demandes pour 1 place"
        # French takes the singular below 2: "environ 1,1 demande pour 1 place".
        value = f"{float(ratio):.1f}"
        word = "demande" if float(value) < 2 else "demandes"
        return f"environ {value.replace('.', ',')} {word} pour 1 place"

    @property
    def limits(self) -> str:
        return LIMITS[self.source]


@dataclass(frozen=True, slots=True)
class Pressure:
    rows: tuple[PressureRow, ...]

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def several_rows(self) -> bool:
        """The file lists this training more than once for the school (e.g. two sections): each row is shown."""
        return len(self.rows) > 1

    @property
    def missing_reason(self) -> str:
        if self.rows:
            return ""
        return (
            "Pas de données d’affectation pour cette offre : seules celles d’Affelnet 2022 (après la 3e, voie "
            "scolaire) et Parcoursup 2024 (BTS) sont disponibles."
        )


def _row(record: AdmissionPressure) -> PressureRow:
    return PressureRow(
        source=record.source,
        source_label=PressureSource(record.source).label,
        year=_YEARS[PressureSource(record.source)],
        line=record.line,
        places=record.places,
        wishes=record.wishes,
        wish_kind=record.wish_kind,
        wish_label=WishKind(record.wish_kind).label,
        label=record.label,
    )


def _code(value, attribute: str) -> str:
    return value if isinstance(value, str) else getattr(value, attribute)


def pressure_for(school, formation, voie: str) -> Pressure:
    """The admission rows of `school` (School or UAI) × `formation` (Formation or CFD) in `voie`, by source and
    file line; an empty `Pressure` (with `missing_reason`) when the files have none."""
    records = AdmissionPressure.objects.filter(
        uai=_code(school, "uai"), cfd=_code(formation, "cfd"), voie=voie
    ).order_by("source", "line")
    return Pressure(tuple(_row(record) for record in records))


def pressures_for_school(school) -> dict[tuple[str, str], Pressure]:
    """(CFD, voie) → Pressure for every admission row of the school, in one query (a school's training list)."""
    grouped: dict[tuple[str, str], list[PressureRow]] = {}
    for record in AdmissionPressure.objects.filter(uai=_code(school, "uai")).order_by("cfd", "voie", "source", "line"):
        grouped.setdefault((record.cfd, record.voie), []).append(_row(record))
    return {key: Pressure(tuple(rows)) for key, rows in grouped.items()}


def pressures_for(keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], Pressure]:
    """(UAI, CFD, voie) → Pressure of each key (empty when the files have none), in one query: the admission
    pressure beside each school of a list."""
    wanted = set(keys)
    grouped: dict[tuple[str, str, str], list[PressureRow]] = {key: [] for key in wanted}
    if not wanted:
        return {}
    records = AdmissionPressure.objects.filter(
        uai__in={uai for uai, _, _ in wanted}, cfd__in={cfd for _, cfd, _ in wanted}
    ).order_by("uai", "cfd", "voie", "source", "line")
    for record in records:
        key = (record.uai, record.cfd, record.voie)
        if key in grouped:
            grouped[key].append(_row(record))
    return {key: Pressure(tuple(rows)) for key, rows in grouped.items()}
