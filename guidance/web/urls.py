"""Public URLs, one module per page area (`<area>/urls.py`), all under the `web` namespace."""

from django.urls import include, path

app_name = "web"

urlpatterns = [
    path("", include("guidance.web.pages.urls")),
    # Before the formations and schools: a SISE code's addresses are theirs (see guidance.web.superieur.urls).
    path("", include("guidance.web.superieur.urls")),
    path("", include("guidance.web.formations.urls")),
    path("", include("guidance.web.schools.urls")),
    path("", include("guidance.web.compare.urls")),
]
