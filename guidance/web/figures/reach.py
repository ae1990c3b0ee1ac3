"""What this installation's figures can hold: the real API, or the offline replica built from the open data."""

from django.conf import settings


def is_offline() -> bool:
    """True when the figures come from the offline replica (open data): no salaries and no figures per school and
    per formation, by construction."""
    return not settings.INSERJEUNES_API_URL
