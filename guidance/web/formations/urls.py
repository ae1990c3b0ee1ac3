"""Formation search and formation pages."""

from django.urls import path

from guidance.web.formations import reuse
from guidance.web.formations import views as formations

urlpatterns = [
    path("formations/", formations.search, name="formation_search"),
    path("formations/<str:cfd>/", formations.formation, name="formation"),
    path("formations/<str:cfd>/integrer/", reuse.formation_embed, name="formation_embed"),
    path("formations/<str:cfd>/badge.svg", reuse.formation_badge, name="formation_badge"),
    path("formations/<str:cfd>/export.json", reuse.formation_export, {"format": "json"}, name="formation_json"),
    path("formations/<str:cfd>/export.csv", reuse.formation_export, {"format": "csv"}, name="formation_csv"),
    path("formations/<str:cfd>/<path:rest>", formations.formation_redirect, name="formation_redirect"),
]
