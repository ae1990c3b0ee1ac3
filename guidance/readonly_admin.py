"""What operators see in the admin of data that only commands write (imports, the page cache generations)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the importers and the cache only: the admin shows them and runs the model's actions."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
