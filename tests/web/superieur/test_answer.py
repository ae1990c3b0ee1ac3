"""The answer-first facts of InserSup's figures (`web.superieur.answer`), computed from a panel's own counts."""

from guidance.inserjeunes.codes import Millesime
from guidance.web.figures.models import FigurePanel, Horizon, Salaries, ScopeKind
from guidance.web.figures.present import shares
from guidance.web.superieur.answer import answer_facts, out_of_ten, share_of


def panel(rates=(10, 80, 10)) -> FigurePanel:
    return FigurePanel(
        scope="France",
        scope_kind=ScopeKind.FRANCE,
        voie="Enseignement supérieur",
        millesime=Millesime("2023"),
        cohort=4210,
        leavers=842,
        in_study=3368,
        shares=shares(zip(("emploi", "formation", "autres"), rates, (421, 3368, None), strict=True)),
        horizons=tuple(Horizon(m, None, n, None) for m, n in ((6, 421), (12, 505), (18, 539), (24, 556))),
    )


def test_ten_students_add_up_to_ten_by_the_largest_remainders():
    assert [(p.key, p.count) for p in out_of_ten(panel((10, 80, 10)))] == [
        ("emploi", 1),
        ("formation", 8),
        ("autres", 1),
    ]
    assert sum(p.count for p in out_of_ten(panel((34, 33, 33)))) == 10
    assert [p.count for p in out_of_ten(panel((15, 70, 15)))] == [2, 7, 1]  # ties: the first share


def test_employment_among_leavers_is_computed_from_the_counts_half_to_even():
    facts = answer_facts(panel(), salaries=Salaries(1450, 1720, 2050))
    assert (facts.at_12.rate, facts.at_12.employed, facts.at_12.leavers) == (60, 505, 842)
    assert facts.at_24.rate == share_of(556, 842) == 66
    assert facts.people == ("emploi", *("formation",) * 8, "autres")
    assert facts.promotion == "promotion 2023" and facts.salaries.median == 1720
    assert share_of(1, 8) == 12 and share_of(3, 8) == 38  # 12.5 → 12, 37.5 → 38
    assert share_of(None, 8) is None and share_of(1, 0) is None
