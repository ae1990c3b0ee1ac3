from django.contrib import admin, messages

from guidance.pagecache.models import Generation
from guidance.pagecache.purge import purge


@admin.register(Generation)
class GenerationAdmin(admin.ModelAdmin):
    list_display = ["name", "value", "changed_at"]
    readonly_fields = ["name", "value", "changed_at"]
    actions = ["purge_pages"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Vider le cache des pages (toutes les pages seront recalculées)")
    def purge_pages(self, request, queryset):
        purge()
        self.message_user(request, "Cache des pages vidé.", messages.SUCCESS)
