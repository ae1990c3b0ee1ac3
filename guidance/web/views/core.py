from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guidance.pagecache.markers import cache_page_view

STATIC_PAGES = {"accessibilite", "mentions_legales", "donnees_personnelles", "plan_du_site"}


@cache_page_view
@require_safe
def static_page(request, page: str):
    if page not in STATIC_PAGES:
        raise Http404
    return render(request, f"web/pages/{page}.html")


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers a trivial query, 503 otherwise. Never touches the upstream API."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
