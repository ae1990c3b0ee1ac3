"""Distance search over the catalogue: which schools, and which formations they teach, are around a point.

Public interface (pages reach it through `guidance.web.place`, which resolves the visitor's place to a point):
- `Around(latitude, longitude, km)`: a point and a radius.
- `schools_within(around, queryset=None) -> dict[school id, km]`: the schools whose point lies within the radius.
- `schools_by_distance(around, queryset=None) -> list[(school id, km)]`: the same, nearest first.
- `formations_taught_within(around) -> set[formation id]`: the formations a school within the radius teaches, in
  either voie, with the current version of a renewed diploma whose former version is taught there.
- `teaching_near(around, formation ids) -> {formation id: Teaching}`: for each formation (and its former
  versions), how many schools teach it within the radius and how far the nearest one is, wherever it is.
- `order_by_distance(items, around, point)`: items with a point nearest first, then those without one.
- `schools_teaching_within(around, formation ids) -> list[(school id, km)]`: the schools around teaching them.
- `unplaced_in_departement(code) -> int`: the schools of a département a distance search cannot place.

How: a bounding box on the indexed `School.latitude` / `.longitude` (`school_position_idx`) selects the
candidates, then the exact great-circle distance (`guidance.catalog.geo.haversine_km`) keeps those within the
radius. The same rows and order on SQLite and PostgreSQL: the database only filters, Python measures and sorts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from guidance.catalog.geo import bounding_box, haversine_km
from guidance.catalog.models import Formation, Offer, School

RENEWAL_DEPTH = 3  # a diploma renewed twice still finds the schools of its grandparent's offers


@dataclass(frozen=True, slots=True)
class Around:
    latitude: float
    longitude: float
    km: float

    def distance(self, latitude: float | None, longitude: float | None) -> float | None:
        if latitude is None or longitude is None:
            return None
        return haversine_km(self.latitude, self.longitude, latitude, longitude)


@dataclass(frozen=True, slots=True)
class Teaching:
    """Schools teaching a formation (or its former versions) around a point."""

    within: int  # distinct schools within the radius
    nearest_km: float | None  # the nearest school with a known point, wherever it is; None when none has one


def _in_box(queryset: QuerySet[School], around: Around) -> QuerySet[School]:
    box = bounding_box(around.latitude, around.longitude, around.km)
    return queryset.filter(latitude__range=(box.min_lat, box.max_lat), longitude__range=(box.min_lon, box.max_lon))


def schools_within(around: Around, queryset: QuerySet[School] | None = None) -> dict[int, float]:
    """{school id: km} of the schools (of `queryset`, all by default) whose point is within `around.km`."""
    rows = _in_box(School.objects.all() if queryset is None else queryset, around).values_list(
        "pk", "latitude", "longitude"
    )
    found: dict[int, float] = {}
    for pk, latitude, longitude in rows:
        if latitude is None or longitude is None:  # excluded by the box; said for the type checker
            continue
        km = haversine_km(around.latitude, around.longitude, latitude, longitude)
        if km <= around.km:
            found[pk] = km
    return found


def schools_by_distance(around: Around, queryset: QuerySet[School] | None = None) -> list[tuple[int, float]]:
    """(school id, km) within the radius, nearest first (ties by id, the same order on every database)."""
    return sorted(schools_within(around, queryset).items(), key=lambda item: (item[1], item[0]))


def current_versions(formation_ids: Iterable[int]) -> set[int]:
    """The ids of the newer versions of these formations (renewed diplomas, up to `RENEWAL_DEPTH` renewals)."""
    found: set[int] = set()
    frontier = set(formation_ids)
    for _ in range(RENEWAL_DEPTH):
        cfds = {
            cfd for new in Formation.objects.filter(pk__in=frontier).values_list("new_cfds", flat=True) for cfd in new
        }
        if not cfds:
            break
        frontier = set(Formation.objects.filter(cfd__in=cfds).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def former_versions(formations: Iterable[Formation]) -> dict[int, set[int]]:
    """{formation id: ids of its former versions} (up to `RENEWAL_DEPTH` renewals back), for formations that
    have some."""
    found: dict[int, set[int]] = {}
    for formation in formations:
        cfds: set[str] = set(formation.former_cfds or ())
        seen: set[int] = set()
        for _ in range(RENEWAL_DEPTH):
            if not cfds:
                break
            rows = list(Formation.objects.filter(cfd__in=cfds).values_list("pk", "former_cfds"))
            ids = {pk for pk, _ in rows} - seen - {formation.pk}
            seen |= ids
            cfds = {cfd for pk, formers in rows if pk in ids for cfd in formers or ()}
        if seen:
            found[formation.pk] = seen
    return found


def formations_taught_within(around: Around) -> set[int]:
    """Ids of the formations taught (either voie) by a school within the radius, and of their current versions."""
    schools = schools_within(around)
    if not schools:
        return set()
    taught = set(Offer.objects.filter(school_id__in=list(schools)).values_list("formation_id", flat=True).distinct())
    return taught | current_versions(taught)


def teaching_near(around: Around, formations: Sequence[Formation]) -> dict[int, Teaching]:
    """For each of `formations` (a page of results): the schools teaching it or a former version of it within the
    radius, and the distance of the nearest one anywhere.

    Two queries at most: the offers at schools inside the bounding box (what a page around a place needs: every
    card there has a school within the radius), then, only for the formations with none, all their offers to find
    the nearest one farther away."""
    formers = former_versions(formations)
    owner: dict[int, set[int]] = {}
    for formation in formations:
        for pk in {formation.pk, *formers.get(formation.pk, ())}:
            owner.setdefault(pk, set()).add(formation.pk)
    box = bounding_box(around.latitude, around.longitude, around.km)
    within: dict[int, set[int]] = {f.pk: set() for f in formations}
    nearest: dict[int, float] = {}

    def measure(offers: QuerySet[Offer]) -> None:
        rows = offers.values_list("formation_id", "school_id", "school__latitude", "school__longitude").distinct()
        for formation_id, school_id, latitude, longitude in rows:
            if latitude is None or longitude is None:
                continue
            km = haversine_km(around.latitude, around.longitude, latitude, longitude)
            for pk in owner[formation_id]:
                if km <= around.km:
                    within[pk].add(school_id)
                if pk not in nearest or km < nearest[pk]:
                    nearest[pk] = km

    measure(
        Offer.objects.filter(
            formation_id__in=list(owner),
            school__latitude__range=(box.min_lat, box.max_lat),
            school__longitude__range=(box.min_lon, box.max_lon),
        )
    )
    farther = {pk for pk, schools in within.items() if not schools}
    if farther:
        ids = [pk for pk, owners in owner.items() if owners & farther]
        measure(Offer.objects.filter(formation_id__in=ids, school__latitude__isnull=False))
    return {pk: Teaching(len(schools), nearest.get(pk)) for pk, schools in within.items()}


def order_by_distance[T](
    items: Iterable[T], around: Around, point: Callable[[T], tuple[float | None, float | None]]
) -> list[tuple[T, float | None]]:
    """(item, km) nearest first; items whose `point` is unknown come last, in their given order (km None)."""
    measured = [(item, around.distance(*point(item))) for item in items]
    known = sorted(((i, km) for i, km in measured if km is not None), key=lambda pair: pair[1])
    return known + [(item, km) for item, km in measured if km is None]


def unplaced_in_departement(departement_code: str) -> int:
    """Schools of a département without a known point: a distance search cannot place them, so a page says how
    many there are (and how to list them) rather than drop them silently."""
    return School.objects.filter(departement_code=departement_code, latitude__isnull=True).count()


def schools_teaching_within(around: Around, formation_ids: Iterable[int]) -> list[tuple[int, float]]:
    """(school id, km) of the schools within the radius that teach one of `formation_ids` (or one of their former
    versions), nearest first: "cuisine millau" on the home page."""
    wanted = set(formation_ids)
    if not wanted:
        return []
    formers = former_versions(Formation.objects.filter(pk__in=wanted))
    wanted |= {pk for ids in formers.values() for pk in ids}
    teaching = Offer.objects.filter(formation_id__in=wanted).values("school_id")
    return schools_by_distance(around, School.objects.filter(pk__in=teaching))
