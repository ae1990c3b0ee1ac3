from django import template
from django.urls import reverse
from django.utils.html import format_html

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


@register.simple_tag
def live_get_form(url: str, target: str, trigger: str, swap: str = "") -> str:
    """The attributes of a GET form that HTMX sends in place: the same address with or without JavaScript (`action`
    and `hx-get`), its answer swapped into `target`, and the address pushed so it can be shared and reloaded.

    Usage: `<form class="…" {% live_get_form canonical_path "#devenir" "change, submit" %} hx-indicator="…">`
    """
    html = format_html(
        'action="{url}" method="get" hx-get="{url}" hx-target="{target}" hx-push-url="true" hx-trigger="{trigger}"',
        url=url,
        target=target,
        trigger=trigger,
    )
    return html + format_html(' hx-swap="{}"', swap) if swap else html
