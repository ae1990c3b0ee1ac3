from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("gestion/", admin.site.urls),
    path("", include("guidance.web.urls")),
]

handler400 = "guidance.web.errors.bad_request"
handler404 = "guidance.web.errors.page_not_found"
handler500 = "guidance.web.errors.server_error"
