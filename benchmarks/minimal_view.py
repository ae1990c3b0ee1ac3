"""The bench's yardstick: the smallest Django view, behind the same middleware and gunicorn as the pages.

Routed only when `BENCH_MINIMAL_VIEW=1` (guidance/urls.py), never in a real deployment.
"""

from django.http import HttpResponse


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")
