from django.apps import AppConfig


class OrientationConfig(AppConfig):
    """Data that help choose: jobs ↔ diplomas (ROME, Certif Info, Onisep), places (communes), admission pressure."""

    name = "guidance.orientation"
    label = "orientation"
    default_auto_field = "django.db.models.BigAutoField"
