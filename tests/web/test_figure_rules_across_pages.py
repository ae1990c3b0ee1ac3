"""The figure rules every page shares, checked across the pages: the same formation on the same day gets the same
message on the formation, school, school × formation and compare pages; and no page (nor the cache warmer) sends
an unparsed catalogue code upstream."""

import datetime

import pytest
from django.utils import timezone

from guidance.catalog.models import Level, Voie
from guidance.indicators.management.commands.indicators_warm import offer_questions
from guidance.indicators.service import Absence, IndicatorResult
from guidance.inserjeunes.codes import parse_certification
from guidance.web.figures import questions
from guidance.web.figures.wording import MESSAGES, MissingCause
from tests.factories import make_formation, make_offer, make_school

pytestmark = pytest.mark.django_db

CFD = "32031213"
MEFSTAT11 = "31131213211"
MALFORMED = "311312132-X"  # 11 characters, not 11 digits or upper-case letters: a bad row of an offers file
UAI = "0310024H"


@pytest.fixture
def bts():
    formation = make_formation(
        CFD,
        "BTS Commerce international",
        mefstat11=MEFSTAT11,
        diploma_type="BTS",
        level=Level.LEVEL_5,
        duration_years=2,
        opened_on=datetime.date(2023, 9, 1),
    )
    school = make_school(UAI, "Lycée Jean Jaurès", departement_code="031")
    make_offer(school, formation, Voie.SCOLAIRE, mefstat11=MEFSTAT11)
    return formation, school


@pytest.fixture
def asked(monkeypatch):
    """Every question the pages send; the source has no figures for any of them."""
    sent = []

    def no_figures(batch, **kwargs):
        sent.extend(batch)
        return [IndicatorResult(question, absence=Absence.NO_DATA) for question in batch]

    monkeypatch.setattr(questions, "get_many", no_figures)
    return sent


def _pages():
    return [
        f"/formations/{CFD}/",
        f"/etablissements/{UAI}/",
        f"/etablissements/{UAI}/formations/{CFD}/",
        f"/comparer/?item=f:{CFD}:scolaire&item=e:{UAI}:{CFD}:scolaire",
    ]


def _seen_on(client, monkeypatch, day: datetime.date) -> dict[str, str]:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    pages = {}
    for url in _pages():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode().lower()
    return pages


@pytest.mark.parametrize(
    ("day", "shown", "not_shown"),
    [
        # Opened 2023-09-01 for two years: the first cohort left in 2025 and was measured six months later.
        (datetime.date(2026, 6, 1), MissingCause.NO_DATA, MissingCause.NEW_FORMATION),
        # Before that measure no figure can exist: "trop récente" is the true reason, on every page.
        (datetime.date(2025, 12, 1), MissingCause.NEW_FORMATION, MissingCause.NO_DATA),
    ],
)
def test_a_formation_gets_the_same_message_on_every_page_the_same_day(
    client, monkeypatch, through_the_api, bts, asked, day, shown, not_shown
):
    pages = _seen_on(client, monkeypatch, day)

    for url, html in pages.items():
        assert MESSAGES[shown][0].lower() in html, url
        assert MESSAGES[not_shown][0].lower() not in html, url


def test_is_new_is_the_catalogue_rule(bts):
    formation, _ = bts
    # Two years of cursus from 2023-09-01, then six months of follow-up: 2026-03-01.
    assert formation.is_new(datetime.date(2026, 2, 28))
    assert not formation.is_new(datetime.date(2026, 3, 1))
    assert not formation.is_new(datetime.date(2026, 6, 1))


def test_no_page_sends_an_unparsed_code_upstream(client, bts, asked):
    formation, school = bts
    other = make_school("0310025J", "Lycée Déodat de Séverac", departement_code="031")
    make_offer(other, formation, Voie.SCOLAIRE, mefstat11=MALFORMED)

    for url in [*_pages(), f"/etablissements/{other.uai}/", f"/etablissements/{other.uai}/formations/{CFD}/"]:
        assert client.get(url).status_code == 200, url
    sent = [*asked, *offer_questions()]

    certs = {cert for question in sent for cert in question.certs}
    assert certs, "the pages asked the source"
    assert MALFORMED not in {cert.code for cert in certs}
    # Every code sent is what the parsers make of it: the malformed offer falls back to the formation's own code.
    assert all(parse_certification(cert.prefixed) == cert for cert in certs)
    assert {cert.code for cert in certs} == {MEFSTAT11, CFD}
