"""Search rules of issue 23 (and 22), on the real-data sample: one card per diploma, closed diplomas out unless asked,
initial training before adult titles, the "après la 3e" filter, job words, a town's schools first."""

from collections import Counter

import pytest

from guidance.catalog.labels import fold
from guidance.catalog.models import Formation, School
from guidance.search.diplomas import enters_after_3e, is_adult_title, is_open
from guidance.search.engine import field_choices, search_formations, search_schools
from guidance.search.fields import FIELD_GROUPS

pytestmark = pytest.mark.django_db


def test_aide_soignant_lists_one_card_per_title_and_keeps_the_other_code_reachable(imported):
    results = search_formations("aide-soignant")
    titles = Counter(f.label for f in results)
    assert titles and max(titles.values()) == 1, titles
    current = Formation.objects.get(cfd="46033104")  # level 4 since 2021, the former level 3 code 56033102
    assert current in list(results)
    assert results.others[current.pk] == (Formation.objects.get(cfd="56033102").pk,)


def test_boulanger_shows_at_most_one_closed_diploma_in_its_first_ten(imported):
    closed = [f.cfd for f in search_formations("boulanger")[:10] if not is_open(f.closed_on)]
    assert len(closed) <= 1, closed
    with_closed = search_formations("boulanger", include_closed=True)
    assert any(not is_open(f.closed_on) for f in with_closed)  # asked: they are there
    assert search_formations("boulanger").closed_left_out > 0


def test_only_closed_diplomas_matching_are_shown_and_said(imported):
    results = search_formations("mc")  # every MC closed in 2024 (replaced by the CS)
    assert results and results.closed_fallback
    assert {f.diploma_type for f in results} == {"MC"}


def test_cap_cuisine_shows_the_current_version_first(imported):
    results = search_formations("cap cuisine")
    cfds = [f.cfd for f in results]
    assert cfds[0] == "50022146"
    assert "50022139" not in cfds  # folded into its successor's card…
    assert Formation.objects.get(cfd="50022139").pk in results.others[results[0].pk]  # …and reachable from it


def test_electricien_finds_bac_pro_melec_among_the_first(imported):
    first = [f.cfd for f in search_formations("electricien")[:5]]
    assert "40025520" in first, first


def test_adult_titles_come_after_initial_diplomas_of_the_same_words(imported):
    results = list(search_formations("electricien"))
    positions = {f.cfd: index for index, f in enumerate(results)}
    assert positions["45025517"] < positions["56T25506"]  # BP Électricien before the TP of the ministry of labour
    assert is_adult_title("56T") and is_adult_title("36M") and not is_adult_title("500")


def test_after_3e_filter_keeps_cap_bac_pro_and_secondes_communes(imported):
    results = list(search_formations("", after_3e=True))
    assert results and all(enters_after_3e(f.diploma_code) for f in results)
    assert {"CAP", "Bac pro"} <= {f.diploma_type for f in results}
    assert not any(f.diploma_type in {"MC", "BP", "BTS"} or is_adult_title(f.diploma_code) for f in results)


def test_sorting_level_3_by_default_has_no_closed_diploma(imported):
    assert not [f.cfd for f in search_formations("", niveau="3") if not is_open(f.closed_on)]


def test_domain_filter_reads_grouped_plain_labels(imported):
    choices = field_choices()
    labels = [label for _, label in choices]
    assert len(labels) == len(set(labels)) and all(code in FIELD_GROUPS for code, _ in choices)
    assert not any("constuction" in label or "generales" in label for label in labels)
    assert labels == sorted(labels, key=fold)  # alphabetical as a reader sorts, accents aside
    in_group = search_formations("", domaine="22", include_closed=True)
    assert in_group and all(f.field_code.startswith("22") for f in in_group)


def test_lyon_puts_the_lycees_of_lyon_on_the_first_page(imported):
    school = School.objects.get(uai="0690043X")
    assert (school.town, school.postal_code) == ("Lyon 1er Arrondissement", "69001")
    found = search_schools("lyon", use_place=True)
    assert school in list(found[:20]), [s.uai for s in found[:20]]
    assert all("lyon" in s.town.lower() for s in found[:10])  # the schools in Lyon before those named after it
    assert search_schools("lycee flesselles lyon", use_place=True)[0] == school
