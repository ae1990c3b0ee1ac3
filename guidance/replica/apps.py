from django.apps import AppConfig


class ReplicaConfig(AppConfig):
    name = "guidance.replica"
    label = "replica"
    default_auto_field = "django.db.models.BigAutoField"
