"""Distances on the WGS84 points of the catalogue (schools) and of the communes: straight lines on the sphere.

- `haversine_km(lat1, lon1, lat2, lon2)`: the great-circle distance in km (a mean Earth radius: good to 0.5 %,
  far finer than a commune's point, which is 1.6 km from a school's address in the median).
- `bounding_box(lat, lon, km)`: the latitude and longitude limits of every point within `km` of a point, to
  prefilter on indexed columns before computing exact distances.

The distance a page shows is a straight line, never a travel time: pages say so once, and round it
(`guidance.web.place.distance_words`).
"""

import math
from typing import NamedTuple

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class Box(NamedTuple):
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def bounding_box(lat: float, lon: float, km: float) -> Box:
    """Limits that hold every point within `km` of (lat, lon), and more (the corners): a prefilter only.

    The longitude span widens with latitude (a degree of longitude is cos(latitude) × 111 km); near a pole, or
    when the circle crosses the antimeridian (never in France), every longitude is kept.
    """
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    min_lat, max_lat = lat - dlat, lat + dlat
    widest = max(abs(min_lat), abs(max_lat))
    if widest >= 89.0:
        return Box(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    dlon = math.degrees(km / (EARTH_RADIUS_KM * math.cos(math.radians(widest))))
    if lon - dlon < -180.0 or lon + dlon > 180.0:
        return Box(min_lat, max_lat, -180.0, 180.0)
    return Box(min_lat, max_lat, lon - dlon, lon + dlon)
