"""`indicators_warm` asks InserSup's national figures of the SISE diplomas the API said it follows, and the figures
of each university × diploma the sync listed; never regional ones (InserSup publishes none) (issue 25)."""

import pytest

from guidance.catalog.models import CodeType, Formation, HigherEducationOffer, School, SchoolKind
from guidance.indicators.management.commands.indicators_warm import formation_questions, offer_questions
from guidance.inserjeunes.routes import QuestionKind

pytestmark = pytest.mark.django_db


def test_followed_sise_diplomas_and_their_universities_are_warmed(imported):
    Formation.objects.filter(cfd="2300030").update(has_figures=True)
    university = School.objects.create(uai="0062205P", name="Université", slug="universite", kind=SchoolKind.SUPERIEUR)
    HigherEducationOffer.objects.create(school=university, formation=Formation.objects.get(cfd="2300030"))

    questions = formation_questions({"national", "regional"}, all_regions=True)
    sise = [q for q in questions if q.certs and q.certs[0].prefixed.startswith("SISE:")]
    assert [(q.kind, q.certs[0].code) for q in sise] == [(QuestionKind.NATIONAL, "2300030")]
    assert Formation.objects.filter(code_type=CodeType.SISE, has_figures=False).count() > 100  # not asked
    schools = [q for q in offer_questions() if q.uai is not None and q.uai.value == "0062205P"]
    assert [q.cache_key for q in schools] == ["/api/inserjeunes/formations/0062205P-SISE:2300030"]
