"""The generation counters of the page cache: one row per thing whose change makes every cached page stale."""

from django.db import models


class Generation(models.Model):
    """`catalog` (an import), `figures` (a refresh that changed a stored answer), `purge` (an operator's purge)."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "génération du cache des pages"
        verbose_name_plural = "générations du cache des pages"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"
