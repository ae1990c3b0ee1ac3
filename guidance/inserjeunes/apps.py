from django.apps import AppConfig


class InserjeunesConfig(AppConfig):
    name = "guidance.inserjeunes"
    label = "inserjeunes"
    default_auto_field = "django.db.models.BigAutoField"
