from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("dsfr/breadcrumb.html")
def breadcrumb(current: str, *pairs: str) -> dict:
    """The DSFR breadcrumb: Accueil › links… › `current`. `pairs` alternate a URL and its title.

    Usage: `{% url "web:school_search" as schools_url %}`
    then `{% breadcrumb school.display_name schools_url "Établissements" %}`
    """
    if len(pairs) % 2:
        raise template.TemplateSyntaxError("breadcrumb takes the current title, then URL and title pairs")
    links = [{"url": url, "title": title} for url, title in zip(pairs[::2], pairs[1::2], strict=True)]
    # A fixed id (not django-dsfr's random one) keeps pages byte-stable, so HTMX fragments equal full-page regions.
    return {"self": {"id": "fil-ariane", "links": links, "current": current, "root_dir": reverse("web:home")}}
