from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from guidance.indicators.models import CacheEntry
from guidance.pagecache import generations

if TYPE_CHECKING:  # django-stubs' generic admin; at run time ModelAdmin takes no type argument
    _Admin = admin.ModelAdmin[CacheEntry]
else:
    _Admin = admin.ModelAdmin


@admin.register(CacheEntry)
class CacheEntryAdmin(_Admin):
    list_display = ["key", "kind", "status", "millesime", "fetched_at", "expires_at", "last_error"]
    list_filter = ["kind", "status", "millesime"]
    search_fields = ["key"]
    date_hierarchy = "fetched_at"
    ordering = ["-fetched_at"]
    readonly_fields = [f.name for f in CacheEntry._meta.fields]
    actions = ["purge", "expire"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CacheEntry | None = None) -> bool:
        return False

    @admin.action(description="Purger les entrées sélectionnées (la prochaine visite interroge l'API)")
    def purge(self, request: HttpRequest, queryset: QuerySet[CacheEntry]) -> None:
        count, _ = queryset.delete()
        generations.bump("figures")  # the pages that showed them ask again too
        self.message_user(request, f"{count} entrée(s) purgée(s).", messages.SUCCESS)

    @admin.action(description="Marquer comme expirées (servies encore, rafraîchies à la prochaine visite)")
    def expire(self, request: HttpRequest, queryset: QuerySet[CacheEntry]) -> None:
        count = queryset.update(expires_at=timezone.now())
        self.message_user(request, f"{count} entrée(s) marquée(s) expirée(s).", messages.SUCCESS)
