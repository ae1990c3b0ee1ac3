"""Where each school is (issue 22): a point and its precision at import, names, towns and postal codes filled from
the IPS file of lycées and the communes' points, on the real rows of the sample."""

import pytest

from guidance.catalog.geo import bounding_box, haversine_km
from guidance.catalog.importers.base import Report
from guidance.catalog.importers.locations import read_commune_points, read_lycees, school_name_case
from guidance.catalog.importers.schools import MAX_OWN_OFFSET_KM, SchoolDraft, position
from guidance.catalog.models import PositionPrecision, School
from tests.factories import FIXTURE_DIR


def test_haversine_gives_known_distances():
    # Paris (Notre-Dame) – Lyon (Bellecour): 392 km as the crow flies; a degree of latitude: 111.2 km.
    assert haversine_km(48.8530, 2.3499, 45.7578, 4.8320) == pytest.approx(392, abs=2)
    assert haversine_km(44.0, 3.0, 45.0, 3.0) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(44.0, 3.0, 44.0, 3.0) == 0


def test_a_bounding_box_holds_every_point_of_its_circle():
    lat, lon, km = 44.09731, 3.11742, 30.0
    box = bounding_box(lat, lon, km)
    for bearing in range(0, 360, 15):
        # A point about `km` away along each bearing (small-distance approximation, 0.5 % inside the circle).
        import math

        dlat = km * 0.995 / 111.2 * math.cos(math.radians(bearing))
        dlon = km * 0.995 / (111.2 * math.cos(math.radians(lat))) * math.sin(math.radians(bearing))
        assert haversine_km(lat, lon, lat + dlat, lon + dlon) <= km
        assert box.min_lat <= lat + dlat <= box.max_lat and box.min_lon <= lon + dlon <= box.max_lon


def test_ips_names_written_in_capitals_become_readable():
    assert school_name_case("LYCEE PROFESSIONNEL DE L YSER") == "Lycée professionnel de l’Yser"
    assert school_name_case("LYCEE GENERAL ET TECHNOLOGIQUE PRIVE SAINTE-MARIE") == (
        "Lycée général et technologique privé Sainte-Marie"
    )
    assert school_name_case("Lycée Jean Vigo") == "Lycée Jean Vigo"  # mixed case is kept


def test_the_ips_file_gives_the_latest_real_name_and_the_commune_of_each_lycee():
    lycees = read_lycees(FIXTURE_DIR, Report())
    assert lycees, "the sample holds IPS rows"
    vigo = lycees["0120014A"]
    assert (vigo.name, vigo.commune_code, vigo.kind, vigo.sector) == (
        "Lycée professionnel Jean Vigo",
        "12145",
        "lp",
        "public",
    )
    assert lycees["0690043X"].commune_code == "69381"


def test_own_coordinates_far_from_the_commune_give_way_to_the_commune_point():
    points = read_commune_points(FIXTURE_DIR, Report())
    millau = points["12145"]
    near = SchoolDraft("0120014A")
    near.offer(0, latitude=44.090, longitude=3.067, commune_code="12145")
    assert position(near, points, Report()) == (44.090, 3.067, PositionPrecision.ADDRESS)

    far = SchoolDraft("0129999Z")
    far.offer(0, latitude=48.85, longitude=2.35, commune_code="12145")  # Paris's coordinates for a Millau school
    report = Report()
    assert haversine_km(48.85, 2.35, millau.latitude, millau.longitude) > MAX_OWN_OFFSET_KM
    assert position(far, points, report) == (millau.latitude, millau.longitude, PositionPrecision.COMMUNE)
    assert report.rejected_total == 1

    unknown = SchoolDraft("0129998Y")
    assert position(unknown, points, Report()) == (None, None, "")


@pytest.mark.django_db
def test_each_school_gets_a_point_and_its_precision_at_import(imported):
    vigo = School.objects.get(uai="0120014A")  # the Occitanie directory's own coordinates
    assert vigo.position_precision == PositionPrecision.ADDRESS and not vigo.position_is_approximate
    assert vigo.commune_code == "12145"
    lyon = School.objects.get(uai="0690043X")  # only the IPS file says where it is: its commune's point
    assert lyon.position_precision == PositionPrecision.COMMUNE and lyon.position_is_approximate
    assert (lyon.town, lyon.postal_code, lyon.commune_code) == ("Lyon 1er Arrondissement", "69001", "69381")
    assert lyon.name.startswith("Lycée professionnel Jacques de Flesselles")
    by_precision = {
        precision: School.objects.filter(position_precision=precision).count()
        for precision in ("adresse", "commune", "")
    }
    assert by_precision["adresse"] > 100 and by_precision["commune"] >= 1 and by_precision[""] >= 1
    # A school without a point has none of its coordinates; a school with one has both.
    assert not School.objects.filter(position_precision="", latitude__isnull=False).exists()
    assert not School.objects.exclude(position_precision="").filter(longitude__isnull=True).exists()
