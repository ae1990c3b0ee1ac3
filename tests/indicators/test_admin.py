from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guidance.indicators.models import CacheEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    now = timezone.now()
    return [
        CacheEntry.objects.create(
            key=f"/api/inserjeunes/certifications/CFD:4003121{n}",
            kind="national",
            status=200,
            payload={"millesime": "2023"},
            millesime="2023",
            fetched_at=now,
            expires_at=now + timedelta(days=1),
            last_error="Unavailable: timeout" if n == 1 else "",
        )
        for n in range(3)
    ]


def test_changelist_shows_key_status_dates_hits_and_last_error(admin_client, entries):
    response = admin_client.get(reverse("admin:indicators_cacheentry_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "/api/inserjeunes/certifications/CFD:40031211" in content
    assert "Unavailable: timeout" in content


def test_purge_action_deletes_the_selected_entries(admin_client, entries):
    response = admin_client.post(
        reverse("admin:indicators_cacheentry_changelist"),
        {"action": "purge", "_selected_action": [entries[0].pk, entries[1].pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert list(CacheEntry.objects.values_list("pk", flat=True)) == [entries[2].pk]


def test_expire_action_keeps_entries_but_marks_them_expired(admin_client, entries):
    admin_client.post(
        reverse("admin:indicators_cacheentry_changelist"),
        {"action": "expire", "_selected_action": [entries[0].pk]},
    )
    assert not CacheEntry.objects.get(pk=entries[0].pk).is_fresh()
    assert CacheEntry.objects.get(pk=entries[1].pk).is_fresh()
