"""Formation search and formation pages. Thin: forms validate the query string, `search_formations` finds,
`formations.page` asks the service and presents; the templates render (fragments for HTMX requests)."""

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from guidance.catalog import stats
from guidance.catalog.models import Formation, Level, Voie
from guidance.inserjeunes.codes import parse_cfd
from guidance.inserjeunes.territories import DEPARTEMENTS
from guidance.pagecache.markers import cache_page_view
from guidance.search.engine import search_formations
from guidance.web.formations import regionmap
from guidance.web.formations.assembly import formation_page, listed_schools, read_query
from guidance.web.formations.choose import formation_jobs, voie_choices
from guidance.web.formations.forms import FormationPageForm, FormationSearchForm
from guidance.web.formations.results import cards_page, order_by_outcome, search_region
from guidance.web.formations.schools import nearby_map
from guidance.web.forms import require_valid
from guidance.web.http import HtmxRequest, code_or_404, page_or_fragment, wants_fragment
from guidance.web.place import card_lines, near_of_words, read_place
from guidance.web.reuse.jsonld import program_json_ld
from guidance.web.reuse.links import reuse_links
from guidance.web.shortlist import ADD_LABELS, FormationItem, compare_links

RESULTS_PER_PAGE = 20
# Entry points of an empty search: the levels families look for most, each a plain filtered link.
LEVEL_SHORTCUTS = (
    ("3", "CAP"),
    ("4", "Bac pro, BP"),
    ("5", "BTS"),
    ("6", "Licence pro, BUT"),
    ("7", "Master"),
)


@cache_page_view(params=FormationSearchForm.base_fields)
@page_or_fragment
def search(request: HttpRequest) -> HttpResponse:
    form = FormationSearchForm(request.GET)
    data = require_valid(form)
    reading = read_place(form)
    results = search_formations(
        data["q"],
        niveau=data["niveau"] or None,
        voie=data["voie"] or None,
        domaine=data["domaine"] or None,
        region=data["region"] or None,
        use_place=True,
        around=reading.near.around if reading.near else None,
        **form.search_options(),
    )
    form.show_region(results.place_region)
    # The place asked (`lieu=` / `commune=`) filters by distance; a commune in the words only says distances.
    near = reading.near or near_of_words(results.place)
    region = search_region(data, results)
    objects: Sequence[Formation] = results
    rates: dict[int, int | None] = {}
    order, count = None, results.count
    voie = data["voie"] or None
    if form.wants_outcome_order:
        ordered, rates, order = order_by_outcome(
            results, region, voie=data["voie"], measure=form.measure, minimum=data["minimum"]
        )
        if order.sentence:
            objects, count, voie = ordered, len(ordered), data["voie"] or Voie.SCOLAIRE.value
    page_obj, cards = cards_page(
        objects, data["page"] or 1, RESULTS_PER_PAGE, region=region, voie=voie, rates=rates, others=results.others
    )
    context = {
        "form": form,
        "q": data["q"],
        "page_obj": page_obj,
        "cards": cards,
        "results": results,
        "search_region": region,
        "order": order,
        "result_count": count,
        "has_filters": form.has_filters,
        "level_shortcuts": [(value, label, dict(Level.choices)[value]) for value, label in LEVEL_SHORTCUTS],
        "popular_fields": popular_fields() if not data["q"] and not form.has_filters else [],
        "announcement": _count_sentence(count, "formation trouvée", "formations trouvées"),
        "near": near,
        "place_reading": reading,
        "near_filters": reading.near is not None,
        "near_lines": card_lines(near, [card.formation for card in cards]),
    }
    template = "formations/search_fragment.html" if wants_fragment(request) else "formations/search.html"
    return render(request, template, context)


def popular_fields(limit: int = 8) -> list[tuple[str, str]]:
    """The fields (NSF groups) offered in the most schools: entry points of an empty search (computed at import)."""
    return stats.current().popular_fields[:limit]


def _count_sentence(count: int, singular: str, plural: str) -> str:
    if count == 0:
        return f"Aucune {singular}."
    return f"{count} {singular if count == 1 else plural}."


def _canonical(cfd: str) -> str:
    return reverse("web:formation", kwargs={"cfd": cfd})


def _redirect_canonical(request: HttpRequest, cfd: str) -> HttpResponsePermanentRedirect:
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(_canonical(cfd) + (f"?{query}" if query else ""))


@require_safe
def formation_redirect(request: HttpRequest, cfd: str, rest: str = "") -> HttpResponse:
    """Old or decorated addresses (`/formations/<cfd>/<slug>/`, lower-case CFD) → the canonical page."""
    cert = code_or_404(parse_cfd, cfd)
    get_object_or_404(Formation.objects.only("pk"), cfd=cert.code)
    return _redirect_canonical(request, cert.code)


# The schools' list is a fragment of its own (`HX-Target: ecoles`); any other target gets the devenir.
@cache_page_view(params=FormationPageForm.base_fields, targets=("ecoles",))
@page_or_fragment
def formation(request: HtmxRequest, cfd: str) -> HttpResponse:
    cert = code_or_404(parse_cfd, cfd)
    if cfd != cert.code:
        return formation_redirect(request, cfd)
    formation = get_object_or_404(Formation.objects.prefetch_related("mefs"), cfd=cert.code)
    query = read_query(request.GET)
    form, data, reading, near, region = query.form, query.data, query.reading, query.near, query.region
    millesime = data["millesime"]
    canonical_path = _canonical(formation.cfd)

    fragment = ("ecoles" if request.htmx.target == "ecoles" else "devenir") if wants_fragment(request) else None

    schools = listed_schools(formation, query)
    # The schools' fragment (their filter, their pages) does not show the devenir nor the map: not asked.
    page = formation_page(
        formation,
        region=region,
        millesime=millesime,
        schools=schools,
        devenir=fragment != "ecoles",
        map_voie=None if fragment == "ecoles" else data["carte"],
    )
    figures, certifications, school_rows = page.figures, page.certifications, list(page.school_rows)
    choices = voie_choices(formation, figures, region) if figures is not None else ()

    context = {
        "formation": formation,
        "form": form,
        "figures": figures,
        "choices": choices,
        "jobs": formation_jobs(formation) if fragment is None else None,
        "region": region,
        "departement_name": DEPARTEMENTS[data["departement"]][0] if data["departement"] else "",
        "near": near,
        "place_reading": reading,
        "schools": schools,
        "schools_page": schools.page,
        "school_rows": school_rows,
        "nearby_map": nearby_map(near, school_rows),
        **regionmap.context(
            page.map_plan,
            certifications,
            page.answers,
            path=canonical_path,
            millesime=millesime,
            region=region,
            near=near,
        ),
        "former": list(formation.former_formations()) if formation.former_cfds else [],
        "newer": list(formation.new_formations()) if formation.new_cfds else [],
        "canonical_path": canonical_path,
        "reuse": reuse_links(
            request,
            canonical_path,
            formation.label,
            {"region": data["region"], "millesime": request.GET.get("millesime", "")},
        ),
        "json_ld": _json_ld(request, formation),
        "compare": compare_links(
            request,
            [
                (FormationItem(formation.cfd, voie), ADD_LABELS[voie])
                for voie in dict.fromkeys(v for v, _ in certifications)
            ],
        ),
    }
    if fragment is None:
        return render(request, "formations/detail.html", context)
    if fragment == "ecoles":
        context["schools_announcement"] = _count_sentence(
            schools.schools, "établissement trouvé", "établissements trouvés"
        )
        return render(request, "formations/ecoles_fragment.html", context)
    # The region changes the schools' figures too: the devenir fragment brings their list along, out of band.
    assert figures is not None  # asked for every fragment but the schools'
    places = f"la France et la région {region.nom}" if region else "la France"
    context["announcement"] = f"Chiffres affichés pour {places} : {figures.leavers_sentence}."
    return render(request, "formations/devenir_fragment.html", context)


def _json_ld(request: HttpRequest, formation: Formation) -> dict:
    return program_json_ld(
        request, formation, _canonical(formation.cfd), identifier=formation.cfd, category=formation.field_label
    )
