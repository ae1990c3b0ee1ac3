"""Formation search and formation pages."""

from django.urls import path

from guidance.web.formations import views as formations

urlpatterns = [
    path("formations/", formations.search, name="formation_search"),
    path("formations/<str:cfd>/", formations.formation, name="formation"),
    path("formations/<str:cfd>/<path:rest>", formations.formation_redirect, name="formation_redirect"),
]
