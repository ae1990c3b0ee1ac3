from django.apps import AppConfig
from django.core.signals import request_finished, request_started

from guidance.indicators import budget


class IndicatorsConfig(AppConfig):
    name = "guidance.indicators"
    label = "indicators"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each request is one page with one deadline for all its upstream work (`budget`).
        request_started.connect(budget.start_page, dispatch_uid="indicators_page_budget_start")
        request_finished.connect(budget.end_page, dispatch_uid="indicators_page_budget_end")
