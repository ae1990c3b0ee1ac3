from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_migrate, post_save


def _ensure_search_index(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from django.db import connections

    from guidance.search.backends import ensure_sqlite_index

    ensure_sqlite_index(connections[using])


def _forget_vocabulary(**kwargs: object) -> None:
    from guidance.search.query import forget_vocabulary

    forget_vocabulary()


class SearchConfig(AppConfig):
    """The search engine over the catalogue and orientation. It has no model of its own: it indexes theirs (the
    `search_text` columns, the full-text tables of catalog migration 0002) and follows their changes by signals."""

    name = "guidance.search"
    label = "search"

    def ready(self) -> None:
        from guidance.catalog.models import Formation
        from guidance.catalog.signals import catalog_changed
        from guidance.search.indexing import refresh_index

        # post_migrate is sent per app that has models: the catalogue's owns the full-text tables.
        post_migrate.connect(_ensure_search_index, sender=apps.get_app_config("catalog"), dispatch_uid="search_index")
        # A formation saved or deleted one by one changes the vocabulary (bulk writes send catalog_changed).
        post_save.connect(_forget_vocabulary, sender=Formation, dispatch_uid="search_vocabulary_save")
        post_delete.connect(_forget_vocabulary, sender=Formation, dispatch_uid="search_vocabulary_delete")
        catalog_changed.connect(refresh_index, dispatch_uid="search_refresh_index")
