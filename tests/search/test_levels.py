"""The ranking additions of the higher-education search (`search.levels`), as plain functions."""

from guidance.search.levels import defer_unfollowed_higher_education, level_intent, prefer_levels, typed_levels
from guidance.search.query import ParsedQuery, Term


def test_the_level_asked_comes_first_in_relevance_order():
    level_of = {1: "5", 2: "6", 3: "7", 4: "6"}
    assert prefer_levels([1, 2, 3, 4], frozenset({"6"}), level_of) == [2, 4, 1, 3]
    assert prefer_levels([1, 2, 3, 4], frozenset(), level_of) == [1, 2, 3, 4]


def test_at_a_higher_level_the_followed_diplomas_come_before_the_cfds_nobody_follows():
    # 2: a CFD licence InserJeunes does not follow; 4: the SISE licence of the same name.
    level_of = {2: "6", 4: "6", 5: "3"}
    assert prefer_levels([2, 4], frozenset({"6"}), level_of, followed={4}) == [4, 2]
    assert prefer_levels([5, 2], frozenset({"3"}), level_of, followed=set()) == [5, 2]  # pupils' levels: unchanged


def test_unfollowed_higher_education_waits_unless_the_words_name_a_level():
    assert defer_unfollowed_higher_education([7, 8, 9], frozenset(), {7}) == [8, 9, 7]
    assert defer_unfollowed_higher_education([7, 8, 9], frozenset({"7"}), {7}) == [7, 8, 9]


def test_a_typed_diploma_type_names_its_level():
    parsed = ParsedQuery(((Term("master"),), (Term("droit", prefix=True),)), ("master", "droit"))
    assert typed_levels(parsed) == {"7"}
    assert level_intent("informatique").levels == frozenset() and level_intent("informatique").words == "informatique"
