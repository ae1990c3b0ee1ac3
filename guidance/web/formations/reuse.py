"""A formation's figures for reuse: the embed (a page other sites frame), the SVG badge and the JSON/CSV exports.

Each is built by the page's own assembly call (`assembly.formation_page`, the exports with the schools the page
lists, `assembly.listed_schools`, for the same query read the same way, `assembly.read_query`): the same questions,
the same panels, no second computation. The embed and the badge show, per voie, the place asked (the region, else
France) or, when it has no figures, France labelled as the fallback (`FormationPage.entries`).
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from guidance.catalog.models import Formation
from guidance.inserjeunes.codes import parse_cfd, region_from_code
from guidance.pagecache.markers import cache_page_view
from guidance.web.figures.wording import ATTRIBUTION, LICENCE_URL
from guidance.web.formations.assembly import formation_page, listed_schools, read_query
from guidance.web.formations.forms import FormationBadgeForm, FormationEmbedForm, FormationPageForm
from guidance.web.formations.views import _canonical
from guidance.web.forms import require_valid
from guidance.web.http import code_or_404
from guidance.web.reuse.badge import badge
from guidance.web.reuse.embed import embeddable
from guidance.web.reuse.export import (
    EXPORT_CACHE_CONTROL,
    csv_response,
    csv_text,
    evolution_dict,
    json_document,
)


def _formation_or_404(cfd: str) -> Formation:
    # No redirect to the canonical spelling: a frame or an <img> shows the figures of any spelling of the code.
    cert = code_or_404(parse_cfd, cfd)
    return get_object_or_404(Formation.objects.prefetch_related("mefs"), cfd=cert.code)


def _read(request: HttpRequest, cfd: str, form_class: type[FormationEmbedForm | FormationBadgeForm]):
    formation = _formation_or_404(cfd)
    form = form_class(request.GET)
    data = require_valid(form)
    region = region_from_code(data["region"]) if data["region"] else None
    return formation, data, region, formation_page(formation, region=region, millesime=data["millesime"])


@cache_page_view(params=FormationEmbedForm.base_fields)
@embeddable()
def formation_embed(request: HttpRequest, cfd: str) -> HttpResponse:
    formation, data, region, page = _read(request, cfd, FormationEmbedForm)
    query = f"?region={region.code}" if region else ""
    context = {
        "heading": formation.label,
        "place": f"En {region.nom}" if region else "En France",
        "entries": page.entries(data["voie"]),
        "layout": data["layout"] or "compact",
        "page_url": request.build_absolute_uri(_canonical(formation.cfd) + query),
        "attribution": ATTRIBUTION,
        "licence_url": LICENCE_URL,
    }
    return render(request, "embeds/figures.html", context)


@cache_page_view(params=FormationBadgeForm.base_fields)
@embeddable(badge=True)
def formation_badge(request: HttpRequest, cfd: str) -> HttpResponse:
    formation, data, region, page = _read(request, cfd, FormationBadgeForm)
    title = f"{formation.label} — {region.nom if region else 'France'} : que deviennent les jeunes ?"
    drawn = badge(
        title,
        page.entries(data["voie"]),
        theme=data["theme"] or "dsfr",
        direction=data["direction"] or "horizontal",
    )
    return render(request, "embeds/badge.svg", {"badge": drawn}, content_type="image/svg+xml; charset=utf-8")


@cache_page_view(params=FormationPageForm.base_fields)
@require_safe
def formation_export(request: HttpRequest, cfd: str, format: str) -> HttpResponse:
    """`export.json` / `export.csv`: the figures of `/formations/<cfd>/` for the same query string."""
    formation = _formation_or_404(cfd)
    query = read_query(request.GET)
    page = formation_page(
        formation,
        region=query.region,
        millesime=query.data["millesime"],
        schools=listed_schools(formation, query),
    )
    found, figures = page.blocks(), page.figures
    assert figures is not None  # the devenir is asked
    if format == "csv":
        response = csv_response(csv_text(found), f"formation-{formation.cfd}.csv")
    else:
        asked = request.GET.urlencode()
        document = json_document(
            title=formation.label,
            page_url=request.build_absolute_uri(_canonical(formation.cfd) + (f"?{asked}" if asked else "")),
            blocks=found,
        )
        document["evolution_france"] = evolution_dict(figures.evolution)
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = EXPORT_CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it from a script
    return response
