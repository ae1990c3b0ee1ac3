from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from guidance.web.shortlist import MAX_ITEMS, current_selection


def site(request: HttpRequest) -> dict[str, Any]:
    # `near`: the place a page centres on (`guidance.web.place`); the views that read one give their own.
    return {"SITE_NAME": settings.SITE_NAME, "SITE_TAGLINE": settings.SITE_TAGLINE, "near": None}


@dataclass(frozen=True)
class Shortlist:
    count: int
    max_items: int = MAX_ITEMS


def shortlist(request: HttpRequest) -> dict[str, Any]:
    """`shortlist.count` for the header: read from the cookie only when a template shows it (lazy), so a response
    that never shows it does not vary on the cookie."""
    return {"shortlist": SimpleLazyObject(lambda: Shortlist(len(current_selection(request))))}
