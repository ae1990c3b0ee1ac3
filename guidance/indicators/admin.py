from django.contrib import admin, messages
from django.utils import timezone

from guidance.indicators.models import CacheEntry
from guidance.pagecache import generations


@admin.register(CacheEntry)
class CacheEntryAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "status", "millesime", "fetched_at", "expires_at", "last_error"]
    list_filter = ["kind", "status", "millesime"]
    search_fields = ["key"]
    date_hierarchy = "fetched_at"
    ordering = ["-fetched_at"]
    readonly_fields = [f.name for f in CacheEntry._meta.fields]
    actions = ["purge", "expire"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Purger les entrées sélectionnées (la prochaine visite interroge l'API)")
    def purge(self, request, queryset):
        count, _ = queryset.delete()
        generations.bump("figures")  # the pages that showed them ask again too
        self.message_user(request, f"{count} entrée(s) purgée(s).", messages.SUCCESS)

    @admin.action(description="Marquer comme expirées (servies encore, rafraîchies à la prochaine visite)")
    def expire(self, request, queryset):
        count = queryset.update(expires_at=timezone.now())
        self.message_user(request, f"{count} entrée(s) marquée(s) expirée(s).", messages.SUCCESS)
