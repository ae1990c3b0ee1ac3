"""Distance search (issue 22) on the real rows of the sample: schools and formations around Millau."""

import pytest

from guidance.catalog.geo import haversine_km
from guidance.catalog.models import Formation, Offer, School
from guidance.orientation.places import commune_by_code
from guidance.search.engine import search_formations, search_schools
from guidance.search.nearby import (
    Around,
    formations_taught_within,
    order_by_distance,
    schools_by_distance,
    schools_teaching_within,
    schools_within,
    teaching_near,
)

pytestmark = pytest.mark.django_db


def around_millau(km: float) -> Around:
    millau = commune_by_code("12145")
    assert millau is not None and millau.has_position
    return Around(millau.latitude, millau.longitude, km)


def test_schools_within_keeps_exactly_the_schools_whose_point_is_within_the_radius(imported):
    around = around_millau(10)
    found = schools_within(around)
    assert found, "the sample holds Millau's lycées"
    every = School.objects.exclude(latitude=None).values_list("pk", "latitude", "longitude")
    expected = {pk for pk, lat, lon in every if haversine_km(around.latitude, around.longitude, lat, lon) <= 10}
    assert set(found) == expected
    assert School.objects.get(uai="0120014A").pk in found
    assert all(km <= 10 for km in found.values())


def test_schools_by_distance_come_nearest_first(imported):
    ordered = schools_by_distance(around_millau(100))
    assert len(ordered) >= 3
    assert [km for _, km in ordered] == sorted(km for _, km in ordered)
    uais = dict(School.objects.values_list("pk", "uai"))
    ranked = [uais[pk] for pk, _ in ordered]
    assert ranked.index("0120014A") < ranked.index("0480019K")


def test_formations_taught_around_include_the_current_version_of_a_renewed_diploma(imported):
    taught = formations_taught_within(around_millau(30))
    bac_pro_cuisine = Formation.objects.get(cfd="40022106")
    assert bac_pro_cuisine.pk in taught
    far = formations_taught_within(around_millau(100))
    cap_old, cap_new = Formation.objects.get(cfd="50022139"), Formation.objects.get(cfd="50022146")
    assert not Offer.objects.filter(formation=cap_new).exists()  # the new CAP Cuisine has no offer of its own
    assert cap_old.pk in far and cap_new.pk in far  # taught as its former version within 100 km


def test_teaching_near_counts_schools_within_and_measures_the_nearest(imported):
    bac_pro_cuisine = Formation.objects.get(cfd="40022106")
    cap_new = Formation.objects.get(cfd="50022146")
    found = teaching_near(around_millau(30), [bac_pro_cuisine, cap_new])
    assert found[bac_pro_cuisine.pk].within == 1  # LP Jean Vigo
    assert found[bac_pro_cuisine.pk].nearest_km == pytest.approx(5.0, abs=0.5)
    assert found[cap_new.pk].within == 0 and found[cap_new.pk].nearest_km > 30  # its former version's schools


def test_schools_teaching_within_finds_the_schools_around_that_teach_a_formation(imported):
    bac_pro_cuisine = Formation.objects.get(cfd="40022106")
    found = schools_teaching_within(around_millau(30), [bac_pro_cuisine.pk])
    assert [School.objects.get(pk=pk).uai for pk, _ in found] == ["0120014A"]


def test_items_without_a_point_come_last_in_their_order():
    around = Around(44.0, 3.0, 30)
    items = [("far", 45.0, 3.0), ("none", None, None), ("near", 44.01, 3.0), ("also none", None, 2.0)]
    ordered = order_by_distance(items, around, lambda item: (item[1], item[2]))
    assert [item[0] for item, _ in ordered] == ["near", "far", "none", "also none"]
    assert ordered[-1][1] is None


def test_the_engine_narrows_to_the_radius(imported):
    around = around_millau(10)
    schools = search_schools("", around=around)
    assert schools.ids == [pk for pk, _ in schools_by_distance(around)]
    assert search_schools("jean vigo", around=around).ids == [School.objects.get(uai="0120014A").pk]
    formations = search_formations("cuisine", around=around_millau(30))
    assert Formation.objects.get(cfd="40022106").pk in formations.ids
    assert set(formations.ids) <= formations_taught_within(around_millau(30))
