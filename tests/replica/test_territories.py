"""The replica places a school by the site's one UAI → département rule: Corsican UAIs (620…, 720…) are in Corsica."""

from types import SimpleNamespace

from guidance.replica import lists


def test_the_school_list_filters_corsican_schools_by_their_region_and_academie():
    stat = object()
    dataset = SimpleNamespace(
        formations={("6200001A", "23830031212"): {"2022_2023": stat}, ("0310024H", "23830031212"): {"2022_2023": stat}},
        latest_period="2022_2023",
    )

    in_corsica = lists.formations(dataset, ["2022_2023"], [], [], regions=["94"], academies=[])
    in_its_academie = lists.formations(dataset, ["2022_2023"], [], [], regions=[], academies=["27"])

    assert in_corsica == [stat] and in_its_academie == [stat]
