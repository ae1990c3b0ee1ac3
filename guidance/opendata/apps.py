from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "guidance.opendata"
    label = "opendata"
    verbose_name = "Import des données ouvertes"
