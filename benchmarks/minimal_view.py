"""The bench's yardstick: the smallest Django view, behind the same middleware and gunicorn as the pages.

Routed only by the bench's own URLconf (`benchmarks/urls.py`, served with `benchmarks.settings`): the production
URLconf (`guidance/urls.py`) never imports the benchmarks.
"""

from django.http import HttpRequest, HttpResponse


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")
