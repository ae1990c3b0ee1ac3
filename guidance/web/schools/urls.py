"""School search, school pages, school × formation pages."""

from django.urls import path

from guidance.web.schools import views

urlpatterns = [
    path("etablissements/", views.school_search, name="school_search"),
    path("etablissements/<str:uai>/", views.school_detail, name="school_detail"),
    path("etablissements/<str:uai>/formations/<str:cfd>/", views.school_formation, name="school_formation"),
]
