"""The compare page (a shortlist carried by the address or kept in the selection cookie) and its CSV export."""

from django.urls import path

from guidance.web.compare import views as compare
from guidance.web.compare.selection import selection

urlpatterns = [
    path("comparer/", compare.compare_page, name="compare"),
    path("comparer/export.csv", compare.compare_csv, name="compare_csv"),
    path("comparer/selection/", selection, name="compare_selection"),
]
