"""A formation's figures for reuse: the embed (a page other sites frame), the SVG badge and the JSON/CSV exports.

Each is built by the page's own assembly (`page.build_formation_figures`, and for the exports the schools of the
visible page through `page.plan_offer_rows` / `page.build_offer_rows`): the same questions, the same panels, no
second computation. The embed and the badge show, per voie, the place asked (the region, else France) or, when it
has no figures, France labelled as the fallback (`present.chain_of`, the rule of every page).
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from guidance.catalog.models import Formation
from guidance.inserjeunes.codes import parse_cfd, region_from_code
from guidance.pagecache.markers import cache_page_view
from guidance.web.figures.models import EmbedEntry
from guidance.web.figures.present import chain_of
from guidance.web.figures.questions import Answers
from guidance.web.figures.wording import ATTRIBUTION, LICENCE_URL
from guidance.web.formations.forms import FormationBadgeForm, FormationEmbedForm, FormationPageForm
from guidance.web.formations.page import (
    FormationFigures,
    build_formation_figures,
    page_certifications,
)
from guidance.web.formations.schools import build_rows, plan_rows
from guidance.web.formations.views import _canonical, schools_page_of
from guidance.web.forms import require_valid
from guidance.web.http import code_or_404
from guidance.web.place import read_place
from guidance.web.reuse.badge import badge
from guidance.web.reuse.embed import embeddable
from guidance.web.reuse.export import (
    EXPORT_CACHE_CONTROL,
    Block,
    csv_response,
    csv_text,
    evolution_dict,
    json_document,
    numbered,
)


def _formation_or_404(cfd: str) -> Formation:
    # No redirect to the canonical spelling: a frame or an <img> shows the figures of any spelling of the code.
    cert = code_or_404(parse_cfd, cfd)
    return get_object_or_404(Formation.objects.prefetch_related("mefs"), cfd=cert.code)


def entries(figures: FormationFigures, voie: str = "") -> list[EmbedEntry]:
    """Per voie (only `voie` when given) and cursus: the region's panel then France's, and their chain."""
    found = []
    for block in figures.voies:
        if voie and block.voie != voie:
            continue
        if block.not_offered:
            found.append(EmbedEntry(block.label, note=block.not_offered))
            continue
        for index, france in enumerate(block.france):
            panels = (block.region[index], france) if block.region else (france,)
            found.append(EmbedEntry(france.voie or block.label, chain=chain_of(panels), panels=panels))
    return found


def _read(request: HttpRequest, cfd: str, form_class: type[FormationEmbedForm | FormationBadgeForm]):
    formation = _formation_or_404(cfd)
    form = form_class(request.GET)
    data = require_valid(form)
    region = region_from_code(data["region"]) if data["region"] else None
    figures = build_formation_figures(
        formation, page_certifications(formation), region=region, millesime=data["millesime"], answers=Answers()
    )
    return formation, data, region, figures


@cache_page_view(params=FormationEmbedForm.base_fields)
@embeddable()
def formation_embed(request: HttpRequest, cfd: str) -> HttpResponse:
    formation, data, region, figures = _read(request, cfd, FormationEmbedForm)
    query = f"?region={region.code}" if region else ""
    context = {
        "heading": formation.label,
        "place": f"En {region.nom}" if region else "En France",
        "entries": entries(figures, data["voie"]),
        "layout": data["layout"] or "compact",
        "page_url": request.build_absolute_uri(_canonical(formation.cfd) + query),
        "attribution": ATTRIBUTION,
        "licence_url": LICENCE_URL,
    }
    return render(request, "embeds/figures.html", context)


@cache_page_view(params=FormationBadgeForm.base_fields)
@embeddable(badge=True)
def formation_badge(request: HttpRequest, cfd: str) -> HttpResponse:
    formation, data, region, figures = _read(request, cfd, FormationBadgeForm)
    title = f"{formation.label} — {region.nom if region else 'France'} : que deviennent les jeunes ?"
    drawn = badge(
        title,
        entries(figures, data["voie"]),
        theme=data["theme"] or "dsfr",
        direction=data["direction"] or "horizontal",
    )
    return render(request, "embeds/badge.svg", {"badge": drawn}, content_type="image/svg+xml; charset=utf-8")


def blocks(formation: Formation, figures: FormationFigures, offer_rows) -> list[Block]:
    """The figure blocks of the page in its order: France per voie, the region per voie, the schools listed."""
    panels = [p for voie in figures.voies for p in voie.france] + [p for voie in figures.voies for p in voie.region]
    found = [Block(0, formation.label, formation.cfd, panel) for panel in panels]
    found += [
        Block(
            0,
            formation.label,
            formation.cfd,
            row.chain.shown,
            school=row.offer.school.display_name,
            uai=row.offer.school.uai,
            is_fallback=row.chain.is_fallback,
        )
        for row in offer_rows
        if row.chain is not None
    ]
    return numbered(found)


@cache_page_view(params=FormationPageForm.base_fields)
@require_safe
def formation_export(request: HttpRequest, cfd: str, format: str) -> HttpResponse:
    """`export.json` / `export.csv`: the figures of `/formations/<cfd>/` for the same query string."""
    formation = _formation_or_404(cfd)
    form = FormationPageForm(request.GET)
    data = require_valid(form)
    region = region_from_code(data["region"]) if data["region"] else None
    certifications = page_certifications(formation)
    schools = schools_page_of(formation, data, region, read_place(form).near)
    answers = Answers()
    rows_plan = plan_rows(schools, formation, certifications, millesime=data["millesime"], answers=answers)
    figures = build_formation_figures(
        formation, certifications, region=region, millesime=data["millesime"], answers=answers
    )
    found = blocks(formation, figures, [row for _entry, row in build_rows(schools, rows_plan, answers=answers)])
    if format == "csv":
        response = csv_response(csv_text(found), f"formation-{formation.cfd}.csv")
    else:
        query = request.GET.urlencode()
        document = json_document(
            title=formation.label,
            page_url=request.build_absolute_uri(_canonical(formation.cfd) + (f"?{query}" if query else "")),
            blocks=found,
        )
        document["evolution_france"] = evolution_dict(figures.evolution)
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = EXPORT_CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it from a script
    return response
