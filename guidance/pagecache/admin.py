from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from guidance.pagecache.models import Generation
from guidance.pagecache.purge import purge
from guidance.readonly_admin import ReadOnlyAdmin


@admin.register(Generation)
class GenerationAdmin(ReadOnlyAdmin):
    list_display = ["name", "value", "changed_at"]
    readonly_fields = ["name", "value", "changed_at"]
    actions = ["purge_pages"]

    @admin.action(description="Vider le cache des pages (toutes les pages seront recalculées)")
    def purge_pages(self, request: HttpRequest, queryset: QuerySet[Generation]) -> None:
        purge()
        self.message_user(request, "Cache des pages vidé.", messages.SUCCESS)
