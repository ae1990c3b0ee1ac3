from django.apps import AppConfig


class PagecacheConfig(AppConfig):
    name = "guidance.pagecache"
    label = "pagecache"
    verbose_name = "Cache des pages"
    default_auto_field = "django.db.models.BigAutoField"
