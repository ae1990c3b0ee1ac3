"""The compare page (a shortlist carried by the address) and its CSV export."""

from django.urls import path

from guidance.web.compare import views as compare

urlpatterns = [
    path("comparer/", compare.compare_page, name="compare"),
    path("comparer/export.csv", compare.compare_csv, name="compare_csv"),
]
