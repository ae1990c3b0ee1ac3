"""The bench's URLconf: the site's own URLs and error handlers, plus the minimal view pages are measured against."""

from django.urls import path

from benchmarks.minimal_view import minimal
from guidance.urls import handler400, handler404, handler500
from guidance.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]

urlpatterns = [path("__bench__/minimal/", minimal), *site_urlpatterns]
