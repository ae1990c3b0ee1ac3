"""Error pages in the site's layout. The 500 page renders from a template that needs no database."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No request context: context processors could touch the database or the session, which may be what failed.
    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(template.render({"SITE_NAME": settings.SITE_NAME}))
