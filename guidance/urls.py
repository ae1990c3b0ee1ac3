from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on pages that do not name one (the admin, raw files): send the DSFR's.
    return redirect(static("dsfr/dist/favicon/favicon.ico"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    path("gestion/", admin.site.urls),
    path("", include("guidance.web.urls")),
]

handler400 = "guidance.web.http.bad_request_handler"
handler404 = "guidance.web.http.page_not_found"
handler500 = "guidance.web.http.server_error"
