"""The regions' map of a formation page (`figures.maps.RegionMap`): which voie it shows, its one question planned
with the page's first round, its links (each region's figures on this page, keeping the promotion and the place)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from guidance.indicators.service import Question
from guidance.inserjeunes.codes import Certification, Millesime, Region
from guidance.web.figures.maps import FILIERES, RegionMap, build_region_map, plan_region_map
from guidance.web.figures.questions import Answers
from guidance.web.figures.wording import VOIE_LABELS
from guidance.web.place import Near


def map_voies(certifications: Sequence[tuple[str, Certification]]) -> list[str]:
    """The voies the map can show: those the diploma has a code in, the voie scolaire first."""
    return [voie for voie in FILIERES if any(v == voie for v, _ in certifications)]


@dataclass(frozen=True)
class MapPlan:
    question: Question | None
    voie: str


def plan(
    certifications: Sequence[tuple[str, Certification]], millesime: Millesime | None, asked: str, answers: Answers
) -> MapPlan | None:
    voies = map_voies(certifications)
    if not voies:
        return None
    return MapPlan(plan_region_map(certifications, millesime, answers), asked if asked in voies else voies[0])


def context(
    map_plan: MapPlan | None,
    certifications: Sequence[tuple[str, Certification]],
    answers: Answers,
    *,
    path: str,
    millesime: Millesime | None,
    region: Region | None,
    near: Near | None,
) -> dict:
    """`region_map` and `map_voies` for the templates (nothing when the diploma has no code to map)."""
    if map_plan is None:
        return {"region_map": None, "map_voies": []}
    kept = {"millesime": str(millesime) if millesime else "", **(near.query if near else {})}

    def address(**extra: str) -> str:
        query = urlencode({k: v for k, v in {**kept, **extra}.items() if v})
        return f"{path}?{query}" if query else path

    voies = map_voies(certifications)
    region_code = region.code if region else ""
    links = []
    for voie in voies:
        url = address(region=region_code, carte=voie) + "#carte-regions-titre"
        links.append((voie, VOIE_LABELS.get(voie, voie), url, voie == map_plan.voie))
    region_map: RegionMap = build_region_map(
        map_plan.question, answers, voie=map_plan.voie, region=region, href=address(carte=map_plan.voie)
    )
    return {"region_map": region_map, "map_voies": links}
