"""The cache of upstream answers: one row per canonical upstream request (`Question.cache_key`).

Only answers worth keeping are stored: 200s and JSON 404s ("no data", "unknown certification"…). Timeouts, 5xx
and 400s never create a row; when they happen to a key we have, the row keeps its last good answer and records
`last_error` (stale-if-error).
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone


class CacheEntryQuerySet(models.QuerySet["CacheEntry"]):
    def fetched_before(self, moment: datetime) -> CacheEntryQuerySet:
        return self.filter(fetched_at__lt=moment)


class CacheEntry(models.Model):
    key = models.CharField(max_length=1000, unique=True)  # path + sorted query string, never a secret
    kind = models.CharField(max_length=16)  # a QuestionKind: national, regional, school, filieres, regional_list
    status = models.PositiveSmallIntegerField()  # 200 or 404
    payload = models.JSONField()  # the upstream body as received
    etag = models.CharField(max_length=200, blank=True)
    # The millésime the answer holds (or the one asked, for 404s): what `indicators_purge --millesime` targets.
    millesime = models.CharField(max_length=9, blank=True)
    fetched_at = models.DateTimeField()  # when the upstream last confirmed this answer (200 or 304)
    expires_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CacheEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "réponse InserJeunes en cache"
        verbose_name_plural = "réponses InserJeunes en cache"
        ordering = ["-fetched_at"]
        indexes = [
            models.Index(fields=["expires_at"], name="cacheentry_expires_idx"),
            models.Index(fields=["fetched_at"], name="cacheentry_fetched_idx"),
            models.Index(fields=["millesime"], name="cacheentry_millesime_idx"),
        ]

    def __str__(self) -> str:
        return self.key

    def is_fresh(self, now: datetime | None = None) -> bool:
        return self.expires_at > (now or timezone.now())
