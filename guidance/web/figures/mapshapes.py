"""France's outlines for the maps the pages draw (`maps.py`), projected and simplified once, at build time.

`manage.py build_map_shapes` reads the IGN Admin Express outlines of `geo/` (see its PROVENANCE.md: 13 mainland
regions, 96 départements, the 5 overseas regions) and writes `france_shapes.json`, committed next to this module, so
that no page ever reads a GeoJSON file: a page only places the committed paths in an SVG.

- Mainland France: a Lambert conformal conic projection on the sphere (the parallels and centre of Lambert-93),
  1 unit = 1 km, north up. Overseas regions: each its own local projection, scaled into an inset box of the band
  under the mainland (their scales differ: the maps say so).
- Simplified with Douglas-Peucker (`REGION_TOLERANCE` km for the regions, `DEPARTEMENT_TOLERANCE` for the
  départements drawn when a map zooms on a region); islands smaller than `MIN_RING_AREA` are left out.
- Paths are written with relative moves and one decimal, so the whole file stays a few tens of KB.

`test_map_shapes` rebuilds the file from the open-data folder when it is there and checks it has not drifted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

from guidance.catalog.geo import EARTH_RADIUS_KM

OUTPUT = Path(__file__).resolve().parent / "france_shapes.json"
REGIONS_FILE = "geo/regions-version-simplifiee.geojson"
DEPARTEMENTS_FILE = "geo/departements-version-simplifiee.geojson"
OVERSEAS_FILES = {
    "01": "geo/region-guadeloupe.geojson",
    "02": "geo/region-martinique.geojson",
    "03": "geo/region-guyane.geojson",
    "04": "geo/region-la-reunion.geojson",
    "06": "geo/region-mayotte.geojson",
}
REGION_TOLERANCE = 2.0  # km, on the France map (about 1 px on a phone)
DEPARTEMENT_TOLERANCE = 1.0  # km, drawn when a map zooms on one region (3 to 6 times larger)
INSET_TOLERANCE = 0.8  # inset units
MIN_RING_AREA = 4.0  # square units: smaller islands are not drawn
MARGIN = 10.0
INSET_SIZE = (196.0, 150.0)  # width, height of each overseas box
INSET_GAP = 12.0

# Lambert-93's parameters (EPSG:2154), on a sphere: the shapes of a map, not a survey.
_PHI1, _PHI2, _PHI0, _LAMBDA0 = (math.radians(value) for value in (44.0, 49.0, 46.5, 3.0))
_N = math.log(math.cos(_PHI1) / math.cos(_PHI2)) / math.log(
    math.tan(math.pi / 4 + _PHI2 / 2) / math.tan(math.pi / 4 + _PHI1 / 2)
)
_F = math.cos(_PHI1) * math.tan(math.pi / 4 + _PHI1 / 2) ** _N / _N


def _rho(phi: float) -> float:
    return EARTH_RADIUS_KM * _F / math.tan(math.pi / 4 + phi / 2) ** _N


def lambert(latitude: float, longitude: float) -> tuple[float, float]:
    """(x, y) in km east and north of Lambert-93's origin (46.5° N, 3° E)."""
    rho, theta = _rho(math.radians(latitude)), _N * (math.radians(longitude) - _LAMBDA0)
    return rho * math.sin(theta), _rho(_PHI0) - rho * math.cos(theta)


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unexpected geometry {geometry['type']}")


def simplify(points: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the points of the polyline kept within `tolerance` of the original (ends kept)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            distance = abs(dy * (px - x1) - dx * (py - y1)) / length if length else math.hypot(px - x1, py - y1)
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _area(ring: Sequence[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True))) / 2


def _ring(points: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]] | None:
    if _area(points) < MIN_RING_AREA:
        return None
    # A closed ring simplified as two halves, so its first point is not the only one kept for sure.
    middle = len(points) // 2
    ring = simplify(points[: middle + 1], tolerance)[:-1] + simplify(points[middle:], tolerance)
    ring = [point for index, point in enumerate(ring) if index == 0 or point != ring[index - 1]]
    return ring if len(ring) >= 4 else None


def path_data(rings: Sequence[Sequence[tuple[float, float]]]) -> str:
    """SVG path data: each ring an absolute move, then relative lines, one decimal, closed."""
    parts = []
    for ring in rings:
        x0, y0 = round(ring[0][0], 1), round(ring[0][1], 1)
        steps, (px, py) = [], (x0, y0)
        for x, y in ring[1:]:
            x, y = round(x, 1), round(y, 1)
            steps.append(f"{_num(x - px)} {_num(y - py)}")
            px, py = x, y
        parts.append(f"M{_num(x0)} {_num(y0)}l" + " ".join(steps) + "z")
    return "".join(parts)


def _num(value: float) -> str:
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _shape(geometry: dict, project, tolerance: float) -> tuple[str, list[float]]:
    rings = []
    for polygon in _polygons(geometry):
        for index, ring in enumerate(polygon):
            projected = [project(lat, lon) for lon, lat in ring]
            if index and _area(projected) < MIN_RING_AREA * 4:
                continue  # small holes (enclaves) are not worth their bytes at these scales
            simplified = _ring(projected, tolerance)
            if simplified:
                rings.append(simplified)
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    box = [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]
    return path_data(rings), box


def _features(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["features"] if data.get("type") == "FeatureCollection" else [data]


def build(root: Path) -> dict:
    """The shapes document (see the module docstring) from the open-data folder `root`."""
    regions = _features(root / REGIONS_FILE)
    corners = [lambert(lat, lon) for f in regions for poly in _polygons(f["geometry"]) for lon, lat in poly[0]]
    min_x, max_y = min(x for x, _ in corners), max(y for _, y in corners)
    width = max(x for x, _ in corners) - min_x + 2 * MARGIN
    height = max_y - min(y for _, y in corners) + 2 * MARGIN
    mainland = {"x": round(MARGIN - min_x, 3), "y": round(max_y + MARGIN, 3)}

    def project(lat: float, lon: float) -> tuple[float, float]:
        x, y = lambert(lat, lon)
        return x + mainland["x"], mainland["y"] - y

    shapes: dict[str, dict] = {}
    for feature in regions:
        d, box = _shape(feature["geometry"], project, REGION_TOLERANCE)
        shapes[feature["properties"]["code"]] = {"name": feature["properties"]["nom"], "d": d, "box": box}
    departements = {}
    for feature in _features(root / DEPARTEMENTS_FILE):
        d, box = _shape(feature["geometry"], project, DEPARTEMENT_TOLERANCE)
        code = feature["properties"]["code"]
        departements[code.zfill(3)] = {"name": feature["properties"]["nom"], "d": d, "box": box}

    insets = {}
    band_top = height + INSET_GAP
    inset_w, inset_h = INSET_SIZE
    total = len(OVERSEAS_FILES) * inset_w + (len(OVERSEAS_FILES) - 1) * INSET_GAP
    left = (width - total) / 2
    for index, (code, name) in enumerate(sorted(OVERSEAS_FILES.items())):
        feature = _features(root / name)[0]
        lonlat = [p for poly in _polygons(feature["geometry"]) for ring in poly for p in ring]
        lat0 = (min(p[1] for p in lonlat) + max(p[1] for p in lonlat)) / 2
        lon0 = (min(p[0] for p in lonlat) + max(p[0] for p in lonlat)) / 2
        local = [_local(lat, lon, lat0, lon0) for lon, lat in lonlat]
        span_x = max(x for x, _ in local) - min(x for x, _ in local)
        span_y = max(y for _, y in local) - min(y for _, y in local)
        scale = min((inset_w - 16) / span_x, (inset_h - 16) / span_y)
        box_x = left + index * (inset_w + INSET_GAP)
        frame = {
            "lat0": lat0,
            "lon0": lon0,
            "scale": round(scale, 6),
            "x": round(box_x + inset_w / 2, 3),
            "y": round(band_top + inset_h / 2, 3),
        }

        def project_inset(lat: float, lon: float, frame: dict = frame) -> tuple[float, float]:
            return inset_point(frame, lat, lon)

        d, box = _shape(feature["geometry"], project_inset, INSET_TOLERANCE)
        insets[code] = {
            "name": feature["properties"]["nom"],
            "d": d,
            "box": box,
            "frame": frame,
            "inset": [round(box_x, 1), round(band_top, 1), inset_w, inset_h],
        }
    return {
        "source": "IGN – Admin Express, INSEE",
        "viewbox": [0, 0, round(width, 1), round(band_top + inset_h + MARGIN, 1)],
        "mainland": mainland,
        "regions": shapes,
        "overseas": insets,
        "departements": departements,
    }


def _local(lat: float, lon: float, lat0: float, lon0: float) -> tuple[float, float]:
    """km east and north of (lat0, lon0) (an equirectangular projection: fine across an island)."""
    return (
        EARTH_RADIUS_KM * math.radians(lon - lon0) * math.cos(math.radians(lat0)),
        EARTH_RADIUS_KM * math.radians(lat - lat0),
    )


def inset_point(frame: dict, lat: float, lon: float) -> tuple[float, float]:
    """A point of an overseas region in its inset's units."""
    x, y = _local(lat, lon, frame["lat0"], frame["lon0"])
    return frame["x"] + frame["scale"] * x, frame["y"] - frame["scale"] * y


def write(root: Path) -> Path:
    OUTPUT.write_text(json.dumps(build(root), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return OUTPUT
