"""A school's figures for reuse: the embed and the SVG badge of a school × formation, the JSON/CSV exports of the
school page and of the school × formation page.

Each is built by the page's own assembly (`page.pair_blocks`, `views.school_figures`): the same questions, the same
panels, no second computation. The embed and the badge show, per voie, the school's figures or, when it has none,
its region's then France's, labelled as the fallback (`present.chain_of`, the rule of every page).
"""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from guidance.catalog.models import Formation, School
from guidance.pagecache.markers import cache_page_view
from guidance.web.figures.badge import badge
from guidance.web.figures.depp import depp_panel
from guidance.web.figures.export import Block, csv_text, json_document, numbered
from guidance.web.figures.models import EmbedEntry
from guidance.web.figures.present import chain_of
from guidance.web.figures.wording import ATTRIBUTION, BY_SPECIALITY, LICENCE_URL
from guidance.web.http import (
    EXPORT_CACHE_CONTROL,
    BadgeForm,
    EmbedError,
    EmbedForm,
    bad_request,
    csv_response,
    embeddable,
    first_error,
)
from guidance.web.schools.forms import VoieForm
from guidance.web.schools.page import VoieBlock, pair_blocks
from guidance.web.schools.views import _cfd_or_404, _uai_or_404, pair_or_404, school_figures, school_or_404


def _panels(block: VoieBlock):
    return tuple(p for p in (block.school_panel, block.region_panel, block.france_panel) if p is not None)


def entries(blocks: list[VoieBlock]) -> list[EmbedEntry]:
    """Per voie: the school's panel, its region's and France's (as on the page), and their chain."""
    return [EmbedEntry(block.voie_label, chain=chain_of(_panels(block)), panels=_panels(block)) for block in blocks]


def _read_pair(request, uai: str, cfd: str, form_class) -> tuple[School, Formation, dict, list[VoieBlock]]:
    school, formation = pair_or_404(_uai_or_404(uai).value, _cfd_or_404(cfd))
    form = form_class(request.GET)
    if not form.is_valid():
        raise EmbedError(first_error(form))
    blocks, _ = pair_blocks(school, formation, form.cleaned_data["voie"])
    if not blocks:
        raise EmbedError("Cette formation n’est pas proposée par cet établissement.", status=404)
    return school, formation, form.cleaned_data, blocks


def _page_url(school: School, formation: Formation) -> str:
    return reverse("web:school_formation", kwargs={"uai": school.uai, "cfd": formation.cfd})


def _place(school: School) -> str:
    return f"{school.display_name} ({school.town})" if school.town else school.display_name


@cache_page_view(params=EmbedForm.base_fields)
@embeddable()
def school_formation_embed(request, uai: str, cfd: str):
    school, formation, data, blocks = _read_pair(request, uai, cfd, EmbedForm)
    context = {
        "heading": formation.label,
        "place": _place(school),
        "entries": entries(blocks),
        "layout": data["layout"] or "compact",
        "page_url": request.build_absolute_uri(_page_url(school, formation)),
        "attribution": ATTRIBUTION,
        "licence_url": LICENCE_URL,
    }
    return render(request, "embeds/figures.html", context)


@cache_page_view(params=BadgeForm.base_fields)
@embeddable(badge=True)
def school_formation_badge(request, uai: str, cfd: str):
    school, formation, data, blocks = _read_pair(request, uai, cfd, BadgeForm)
    title = f"{formation.label} — {_place(school)} : que deviennent les jeunes ?"
    theme, direction = data["theme"] or "dsfr", data["direction"] or "horizontal"
    drawn = badge(title, entries(blocks), theme=theme, direction=direction)
    return render(request, "embeds/badge.svg", {"badge": drawn}, content_type="image/svg+xml; charset=utf-8")


def _answer(request, blocks: list[Block], *, title: str, page: str, filename: str, format: str):
    if format == "csv":
        response = csv_response(csv_text(blocks), filename)
    else:
        query = request.GET.urlencode()
        url = request.build_absolute_uri(page + (f"?{query}" if query else ""))
        response = JsonResponse(
            json_document(title=title, page_url=url, blocks=blocks), json_dumps_params={"ensure_ascii": False}
        )
    response["Cache-Control"] = EXPORT_CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it from a script
    return response


@cache_page_view(params=VoieForm.base_fields)
@require_safe
def school_formation_export(request, uai: str, cfd: str, format: str):
    """`export.json` / `export.csv` of `/etablissements/<uai>/formations/<cfd>/`: every panel, in the page's order."""
    try:
        school, formation, _data, voie_blocks = _read_pair(request, uai, cfd, VoieForm)
    except EmbedError as error:
        if error.status == 400:
            return bad_request(request, error.message)
        raise Http404(error.message) from None
    blocks = numbered(
        Block(0, formation.label, formation.cfd, panel, school=school.display_name, uai=school.uai)
        for block in voie_blocks
        for panel in _panels(block)
    )
    return _answer(
        request,
        blocks,
        title=f"{formation.label} — {_place(school)}",
        page=_page_url(school, formation),
        filename=f"etablissement-{school.uai}-formation-{formation.cfd}.{format}",
        format=format,
    )


@cache_page_view(params=VoieForm.base_fields)
@require_safe
def school_export(request, uai: str, format: str):
    """`export.json` / `export.csv` of `/etablissements/<uai>/`: the DEPP indicators, then every training's figure."""
    code = _uai_or_404(uai)
    school = school_or_404(code)
    form = VoieForm(request.GET)
    if not form.is_valid():
        return bad_request(request, first_error(form))
    _offers, rows, indicators = school_figures(school, form.cleaned_data["voie"])
    whole = "Ensemble des formations de l’établissement"
    found = [Block(0, whole, "", depp_panel(row, school), school.display_name, school.uai) for row in indicators]
    found += [
        Block(
            0,
            row.formation.label,
            row.formation.cfd,
            row.panel,
            school=school.display_name,
            uai=school.uai,
            is_fallback=row.chain.is_fallback,
            note=BY_SPECIALITY if row.formation.is_seconde_commune else "",
        )
        for row in rows
    ]
    return _answer(
        request,
        numbered(found),
        title=_place(school),
        page=reverse("web:school_detail", kwargs={"uai": school.uai}),
        filename=f"etablissement-{school.uai}.{format}",
        format=format,
    )
