"""The outlines of the maps (projected and simplified once, committed) and the maps' view models (issue 22)."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from guidance.web.figures import maps, mapshapes

ROOT = Path(settings.OPENDATA_DIR) if settings.OPENDATA_DIR else None


def test_the_committed_shapes_hold_every_region_and_departement_in_a_few_tens_of_kb():
    data = maps.shapes()
    assert set(data["regions"]) == {"11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"}
    assert set(data["overseas"]) == {"01", "02", "03", "04", "06"}
    assert len(data["departements"]) == 96 and "012" in data["departements"] and "02A" in data["departements"]
    assert data["source"] == "IGN – Admin Express, INSEE"
    france_map = sum(len(s["d"]) for s in [*data["regions"].values(), *data["overseas"].values()])
    assert france_map < 30_000  # the path data of one France map


@pytest.mark.skipif(not ROOT or not (ROOT / mapshapes.REGIONS_FILE).is_file(), reason="geo/ absent")
def test_the_committed_shapes_are_what_the_build_gives_from_the_open_data():
    built = mapshapes.build(ROOT)
    assert json.loads(mapshapes.OUTPUT.read_text(encoding="utf-8")) == json.loads(json.dumps(built))


def test_douglas_peucker_keeps_corners_and_drops_what_lies_on_a_line():
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (2.0, 5.0)]
    assert mapshapes.simplify(line, 0.1) == [(0.0, 0.0), (2.0, 0.0), (2.0, 5.0)]
    assert mapshapes.path_data([[(0.0, 0.0), (10.0, 0.0), (10.0, 10.5)]]) == "M0 0l10 0 0 10.5z"


def test_points_fall_inside_their_region_on_the_map():
    millau = maps.project(44.09731, 3.11742, "76")
    min_x, min_y, max_x, max_y = maps.shapes()["regions"]["76"]["box"]
    assert min_x <= millau[0] <= max_x and min_y <= millau[1] <= max_y
    saint_denis = maps.project(-20.8823, 55.4504, "04")  # La Réunion, in its inset
    x, y, width, height = maps.shapes()["overseas"]["04"]["inset"]
    assert x <= saint_denis[0] <= x + width and y <= saint_denis[1] <= y + height


def test_the_nearby_map_numbers_schools_and_moves_a_number_off_another():
    place = ("Millau", "76", 44.09731, 3.11742, 30.0)
    schools = [
        (1, "Lycée A", "à environ 5 km", 44.090, 3.067, "76"),
        (1, "Lycée A", "à environ 5 km", 44.090, 3.067, "76"),  # a second voie of the same school: one dot
        (2, "Lycée B", "à environ 5 km", 44.0901, 3.0671, "76"),
        (3, "Lycée C", "distance inconnue", None, None, "76"),
        (4, "Lycée D", "à environ 600 km", 48.85, 2.35, "11"),  # outside the region's map
    ]
    nearby = maps.build_nearby_map(place, schools)
    assert [dot.number for dot in nearby.dots] == [1, 2]
    assert nearby.left_out == 2
    assert nearby.dots[1].moved  # the second number would have covered the first
    assert "Millau (losange) et 2 établissements de la liste" in nearby.description
    assert nearby.place_d.startswith("M")
