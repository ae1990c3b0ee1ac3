from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_index(sender, using="default", **kwargs):
    from django.db import connections

    from guidance.catalog.backends import ensure_sqlite_index

    ensure_sqlite_index(connections[using])


class CatalogConfig(AppConfig):
    name = "guidance.catalog"
    label = "catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from guidance.catalog import query

        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="catalog_search_index")
        query.connect_signals()
