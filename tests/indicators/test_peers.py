"""Position of a regional figure among its peers, through the API's list route (the offline replica here), checked
against a count made by hand on the real ij_region_data.csv."""

import csv
import datetime
from fractions import Fraction
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from guidance.catalog.models import Formation
from guidance.indicators import memo, peers
from guidance.indicators.circuit import breaker
from guidance.indicators.models import CacheEntry
from guidance.indicators.upstream import get_client, reset_client
from guidance.inserjeunes.errors import Unavailable, UnavailableCause
from guidance.pagecache import markers
from guidance.search.diplomas import AFTER_3E_DIPLOMA_CODES, enters_after_3e

ROOT = Path(settings.OPENDATA_DIR) if settings.OPENDATA_DIR else None
pytestmark = [pytest.mark.skipif(not ROOT or not ROOT.is_dir(), reason="OPENDATA_DIR absent"), pytest.mark.django_db]
MILLESIME, REGION = "2022_2023", "76"


@pytest.fixture(autouse=True)
def _replica(settings):
    """The in-process replica of the API (no key needed offline), on the full open-data folder."""
    settings.INSERJEUNES_API_URL = ""
    reset_client()
    cache.clear()
    yield
    cache.clear()
    reset_client()


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _by_hand(voie: str) -> dict[str, tuple[str, int]]:
    """code → (BCN diploma type, employment rate at 6 months of nb_annee_term, rounded half to even as the API),
    for the rows of ij_region_data.csv of the region, voie and millésime with at least 20 final-year learners."""
    cfd_of_mef = {row["MEF_STAT_11"]: row["FORMATION_DIPLOME"] for row in _read(ROOT / "bcn" / "nMef.csv")}
    niveau_of = {
        row["FORMATION_DIPLOME"]: row["NIVEAU_FORMATION_DIPLOME"] for row in _read(ROOT / "bcn/vFormationDiplome_.csv")
    }
    types = {
        row["NIVEAU_FORMATION_DIPLOME"]: row["LIBELLE_COURT"]
        for row in _read(ROOT / "bcn/nNiveauFormationDiplome_.csv")
    }
    found = {}
    for row in _read(ROOT / "inserjeunes_regional_par_formation" / "ij_region_data.csv"):
        if (row["millesime"], row["code_region"], row["voie"]) != (MILLESIME, REGION, voie):
            continue
        total, employed = row["nb_annee_term"], row["nb_en_emploi_6_mois"]
        if not total or not employed or int(total) < 20:
            continue
        code = row["mefstat11"] if voie == "scolaire" else row["cfd"]
        cfd = cfd_of_mef[code] if voie == "scolaire" else code
        found[code] = (types[niveau_of[cfd]], round(Fraction(100 * int(employed), int(total))))
    return found


def test_position_recomputed_by_hand_from_ij_region_data():
    hand = _by_hand("scolaire")
    # Bac pro cuisine, voie scolaire (final-year MEFSTAT11 23830022106) in Occitanie, 2022_2023.
    code = "23830022106"
    kind, value = hand[code]
    others = [rate for other, (other_kind, rate) in hand.items() if other_kind == kind and other != code]
    reading = peers.position_for(code, REGION, "scolaire", MILLESIME)
    assert kind == "BAC PRO" and len(others) >= peers.MIN_PEERS
    assert reading.figure.taux_en_emploi_6_mois == value
    assert reading.position == peers.position(value, others)
    assert reading.position.total == len(others)
    lower, equal, higher = (
        sum(r < value for r in others),
        sum(r == value for r in others),
        sum(r > value for r in others),
    )
    assert lower > 1 and equal > 1 and higher > 1  # Bac pro cuisine sits in the middle: all three counts are said
    assert reading.sentence == (
        f"Parmi les {len(others)} autres bac pro de la voie scolaire en Occitanie dont le taux d’emploi à 6 mois "
        f"est publié, {lower} ont un chiffre plus bas, {equal} ont le même et {higher} ont un chiffre plus haut "
        f"({value} % ici)."
    )
    assert reading.millesime == "2022_2023"


def test_the_sentence_reads_well_for_every_count():
    figure = peers.PeerFigure("40022106", "40022106", "apprentissage", "CAP", "", 30, 50, 20)
    reading = peers.PositionReading(
        figure, "taux_en_formation", peers.Position(20, 0, 1, 12), "04", "apprentissage", "2022_2023"
    )
    assert reading.sentence == (
        "Parmi les 13 autres CAP en apprentissage à La Réunion dont la part en poursuite d’études est publiée, "
        "aucun n’a un chiffre plus bas, 1 a le même et 12 ont un chiffre plus haut (20 % ici)."
    )


def test_position_is_a_plain_count():
    assert peers.position(50, [10, 50, 60, None, 70]) == peers.Position(50, lower=1, equal=1, higher=2)
    assert peers.position(50, []).total == 0


def test_no_position_without_enough_peers(monkeypatch):
    monkeypatch.setattr(peers, "MIN_PEERS", 10_000)
    assert peers.position_for("23830022106", REGION, "scolaire", MILLESIME) is None
    assert peers.position_for("00000000", REGION, "apprentissage", MILLESIME) is None  # no figure at all


def test_peers_are_asked_through_the_service_once_then_served_from_its_caches(upstream_calls):
    first = peers.regional_peers(REGION, MILLESIME)
    assert first and all(f.filiere in {"pro", "apprentissage"} for f in first)
    pages = -(-sum(1 for _ in first) // peers.PAGE_SIZE)  # at least as many pages as it takes to hold them
    assert len(upstream_calls) >= pages >= 2
    assert all(f"/regionales/{REGION}?" in key and "items_par_page=500" in key for key in upstream_calls)
    # Stored as any figure is: one cache row per list page.
    assert CacheEntry.objects.filter(kind="regional_list").count() == len(upstream_calls)

    asked = len(upstream_calls)
    assert peers.regional_peers(REGION, MILLESIME) == first  # the compact list, from Django's cache
    cache.clear()
    assert peers.regional_peers(REGION, MILLESIME) == first  # rebuilt from the service's database cache
    assert len(upstream_calls) == asked
    assert peers.regional_peers("zz", MILLESIME) is None  # not a region: no call, no figures


def test_without_access_to_the_private_lists_peers_are_not_asked(upstream_calls, settings):
    settings.INSERJEUNES_API_URL, settings.INSERJEUNES_API_KEY = "https://self-hosted.test", ""  # direct, no key
    reset_client()
    assert peers.regional_peers(REGION, MILLESIME) is None and peers.latest_millesime(REGION) is None
    assert upstream_calls == []


def test_peers_answer_nothing_while_the_circuit_is_open_and_the_page_is_not_cached(upstream_calls, settings):
    settings.INSERJEUNES_CIRCUIT_FAILURES = 1
    breaker.record_failure()
    token = markers.watch()
    try:
        assert peers.regional_peers(REGION, MILLESIME) is None
        assert "figures unavailable" in markers.reasons()
    finally:
        markers.unwatch(token)
    assert upstream_calls == []


def test_peers_are_served_stale_when_the_upstream_fails(monkeypatch):
    first = peers.regional_peers(REGION, MILLESIME)
    CacheEntry.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    cache.clear()
    memo.forget()  # another process, or this one after the data generation moved: the list is asked again

    def down(*args, **kwargs):
        raise Unavailable(UnavailableCause.SERVER_ERROR, "test", route=f"/regionales/{REGION}")

    monkeypatch.setattr(get_client(), "fetch", down)
    token = markers.watch()
    try:
        assert peers.regional_peers(REGION, MILLESIME) == first  # the last good pages, however old
        assert "stale figures" in markers.reasons()
    finally:
        markers.unwatch(token)
    assert CacheEntry.objects.filter(kind="regional_list").exclude(last_error="").exists()


@pytest.fixture
def catalogue(imported):
    return imported


def test_sort_by_outcome_and_alternatives(catalogue):
    formations = list(Formation.objects.filter(field_code="221").prefetch_related("mefs"))
    ranked = peers.sort_by_outcome(formations, REGION, "scolaire", MILLESIME)
    values = [r.figure.taux_en_emploi_6_mois for r in ranked if r.figure]
    assert values and values == sorted(values, reverse=True)
    assert len(ranked) == len(formations)
    assert all(r.figure is None for r in ranked[len(values) :])
    kept = peers.sort_by_outcome(formations, REGION, "scolaire", MILLESIME, minimum=values[0])
    assert kept and all(r.figure.taux_en_emploi_6_mois >= values[0] for r in kept)

    # The lowest-placed CAP of the field has better-placed alternatives of the same field and level.
    caps = [r for r in ranked if r.figure and r.formation.level == "3"]
    lowest = caps[-1]
    found = peers.alternatives(lowest.formation, REGION, "scolaire", MILLESIME)
    assert found.reference == lowest.figure
    assert 0 < len(found.items) <= peers.MAX_ALTERNATIVES
    for item in found.items:
        assert item.formation.field_code == "221" and item.formation.level == "3"
        assert item.figure.taux_en_emploi_6_mois > lowest.figure.taux_en_emploi_6_mois
        assert item.figure.nb_annee_term >= peers.MIN_COHORT
    # The best-placed one has none, and says why.
    best = peers.alternatives(caps[0].formation, REGION, "scolaire", MILLESIME)
    assert best.items == () and best.reason


def test_when_the_api_does_not_answer_nothing_is_said(monkeypatch, catalogue):
    def down(*args, **kwargs):
        raise Unavailable(UnavailableCause.TIMEOUT, "test", route="/regionales/76")

    monkeypatch.setattr(get_client(), "fetch", down)
    assert peers.regional_peers(REGION, MILLESIME) is None
    assert peers.position_for("23830022106", REGION, "scolaire", MILLESIME) is None
    formation = Formation.objects.get(cfd="40022106")
    assert peers.alternatives(formation, REGION, "scolaire", MILLESIME).reason.startswith("Les chiffres régionaux")
    ranked = peers.sort_by_outcome([formation], REGION, "scolaire", MILLESIME)
    assert [r.figure for r in ranked] == [None]


def test_alternatives_of_a_cap_are_chosen_among_diplomas_entered_after_3e(catalogue):
    # CAP Pâtissier in Occitanie: MCs of its field (which need a CAP first) are among the best placed; a pupil in 3e
    # cannot enter them, so they are left out before the 5 are kept, and 5 CAPs remain.
    formation = Formation.objects.prefetch_related("mefs").get(cfd="50022141")
    every = peers.alternatives(formation, REGION, "scolaire", MILLESIME)
    assert any(not enters_after_3e(r.formation.diploma_code) for r in every.items)
    found = peers.alternatives(formation, REGION, "scolaire", MILLESIME, kinds=AFTER_3E_DIPLOMA_CODES)
    assert len(found.items) == peers.MAX_ALTERNATIVES
    assert all(enters_after_3e(r.formation.diploma_code) for r in found.items)
    # The 5 best placed of those a pupil can enter, counted on the whole ranking of the field and level.
    same = Formation.objects.filter(field_code=formation.field_code, level=formation.level).exclude(pk=formation.pk)
    ranked = peers.sort_by_outcome(same.prefetch_related("mefs"), REGION, "scolaire", MILLESIME)
    own = found.reference.taux_en_emploi_6_mois
    eligible = [
        r.formation.cfd
        for r in ranked
        if r.figure
        and r.figure.taux_en_emploi_6_mois > own
        and r.figure.nb_annee_term >= peers.MIN_COHORT
        and enters_after_3e(r.formation.diploma_code)
    ]
    assert [r.formation.cfd for r in found.items] == eligible[: peers.MAX_ALTERNATIVES]
    # Each choice of kinds is its own memo entry, by position or by name.
    assert peers.alternatives(formation, REGION, "scolaire", MILLESIME) is every
    assert (
        peers.alternatives(formation, REGION, "scolaire", MILLESIME, "taux_en_emploi_6_mois", AFTER_3E_DIPLOMA_CODES)
        is found
    )


def test_a_cap_whose_better_placed_peers_all_need_a_first_diploma_says_so(catalogue):
    formation = Formation.objects.prefetch_related("mefs").get(cfd="50022141")
    found = peers.alternatives(formation, REGION, "scolaire", MILLESIME, kinds=frozenset())
    assert found.items == () and found.reason == peers.NO_ELIGIBLE_ALTERNATIVE
