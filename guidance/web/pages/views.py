"""Home page, "comprendre les chiffres", the static pages, robots.txt and the health check."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from guidance.catalog import stats
from guidance.catalog.models import ImportRun, School, SchoolIndicators
from guidance.indicators.models import CacheEntry
from guidance.inserjeunes.codes import InvalidCode, parse_millesime
from guidance.inserjeunes.routes import QuestionKind
from guidance.orientation.places import nearest_commune
from guidance.pagecache.markers import cache_page_view
from guidance.search.engine import search_formations, search_schools
from guidance.search.nearby import schools_teaching_within
from guidance.web.figures.wording import SHARE_LABELS, leavers_sentence
from guidance.web.forms import require_valid
from guidance.web.http import page_or_fragment, wants_fragment
from guidance.web.pages.forms import HomeSearchForm, NearMeForm
from guidance.web.place import near_of_words

STATIC_PAGES = {"accessibilite", "mentions_legales", "donnees_personnelles", "plan_du_site"}
PREVIEW_SIZE = 5

# Diploma types in the order a reader climbs them; types missing from the catalogue are not shown.
DIPLOMA_ORDER = (
    "CAP",
    "CAPA",
    "Bac pro",
    "Bac pro agricole",
    "BP",
    "BPA",
    "MC",
    "BMA",
    "BTS",
    "BTSA",
    "DN MADE",
    "BUT",
    "DUT",
    "Licence pro",
    "Licence",
    "Master",
    "Master pro",
    "Diplôme d’ingénieur",
    "Diplôme d’école de management",
)


@cache_page_view(params=HomeSearchForm.base_fields)
@page_or_fragment
def home(request: HttpRequest) -> HttpResponse:
    form = HomeSearchForm(request.GET)
    require_valid(form)
    query = form.cleaned_data["q"]
    preview = _preview(query) if query else None
    near = preview["near"] if preview else None
    if wants_fragment(request):
        return render(request, "web/home.html#preview", {"query": query, "preview": preview, "near": near})
    context = {
        "near": near,
        "form": form,
        "query": query,
        "preview": preview,
        "diplomas": diploma_shortcuts(),
        "fields": field_shortcuts(),
        "shares": [SHARE_LABELS[key] for key in ("emploi", "formation", "autres")],
        "json_ld": _website_json_ld(request),
    }
    return render(request, "web/home.html", context)


def _preview(query: str) -> dict:
    # Places are understood as on the search pages ("cuisine millau", "31000"), each preview saying so.
    formations = search_formations(query, use_place=True)
    near = near_of_words(formations.place)
    if near is not None and formations:
        # "cuisine millau": the schools around the commune that teach the formations found, nearest first.
        around = schools_teaching_within(near.around, formations.ids)
        by_id = School.objects.in_bulk([pk for pk, _km in around[:PREVIEW_SIZE]])
        school_list = [by_id[pk] for pk, _km in around[:PREVIEW_SIZE] if pk in by_id]
        school_total = len(around)
        school_place = f"Établissements à moins de {near.radius} km de {near.label} qui proposent ces formations."
    else:
        schools = search_schools(query, use_place=True)
        school_list, school_total = schools[:PREVIEW_SIZE], schools.count
        school_place = schools.place.departement_sentence if schools.place else ""
    return {
        "formation_place": formations.place.region_sentence if formations.place and formations.place_region else "",
        "school_place": school_place,
        "formations": formations[:PREVIEW_SIZE],
        "formation_total": formations.count,
        "schools": school_list,
        "school_total": school_total,
        "near": near,
    }


def diploma_shortcuts() -> list[dict]:
    """The diploma types of the catalogue that have figures or schools, in climbing order, with their count."""
    counts = stats.current().diploma_counts
    return [{"label": label, "count": counts[label]} for label in DIPLOMA_ORDER if counts.get(label)]


def field_shortcuts() -> list[dict]:
    """The fields (NSF groups) with the most trainings that have figures, alphabetically."""
    return sorted(stats.current().top_fields, key=lambda item: item["label"])


def _website_json_ld(request: HttpRequest) -> dict:
    home = request.build_absolute_uri(reverse("web:home"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "url": home,
        "name": settings.SITE_NAME,
        "inLanguage": "fr",
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{home}?q={{q}}"},
            "query-input": "required name=q",
        },
    }


@cache_page_view
@require_safe
def comprendre(request: HttpRequest) -> HttpResponse:
    return render(request, "web/comprendre.html", {"freshness": data_freshness()})


# The answers pages show as figures (not the lists of a region's peers, whose newest period may hold no figure here).
FIGURE_KINDS = (QuestionKind.NATIONAL, QuestionKind.REGIONAL, QuestionKind.SCHOOL, QuestionKind.FILIERES)


def data_freshness() -> dict:
    """What the data on the site is as of: last catalogue import, newest millésimes held, last source answer."""
    millesimes = set(SchoolIndicators.objects.values_list("millesime", flat=True).distinct())
    # Only answers that hold figures: a "no data for 2023_2024" answer (404) names a promotion no page shows.
    held = CacheEntry.objects.filter(status=200, kind__in=FIGURE_KINDS).exclude(millesime="")
    millesimes |= set(held.values_list("millesime", flat=True).distinct())
    parsed = []
    for value in millesimes:
        try:
            parsed.append(parse_millesime(value))
        except InvalidCode:
            continue
    newest = max(parsed, key=lambda m: m.sort_key, default=None)
    imports = ImportRun.objects.aggregate(last=Max("finished_at"))
    fetched = CacheEntry.objects.aggregate(last=Max("fetched_at"))
    return {
        "newest_leavers": leavers_sentence(newest) if newest else "",
        "last_import": imports["last"],
        "last_fetch": fetched["last"],
    }


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("web:sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /gestion/",
        "Disallow: /healthz",
        "Disallow: /lieux/",
        "Allow: /",
        "",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@cache_page_view
@require_safe
def static_page(request: HttpRequest, page: str) -> HttpResponse:
    if page not in STATIC_PAGES:
        raise Http404
    return render(request, f"web/pages/{page}.html")


@never_cache
@require_safe
def place_near_me(request: HttpRequest) -> HttpResponse:
    """ "Autour de moi": the commune nearest to a browser's position (JSON: `commune`, `nom`), for place.js.

    The position is rounded to 0.01° (about a kilometre) before it is used, never stored, never logged by us, and
    the answer is never cached (`never_cache`: neither by us nor by a proxy).
    """
    form = NearMeForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"erreur": "Position illisible."}, status=400)
    latitude, longitude = round(form.cleaned_data["lat"], 2), round(form.cleaned_data["lon"], 2)
    commune = nearest_commune(latitude, longitude)
    if commune is None:
        return JsonResponse({"erreur": "Aucune commune connue près de cette position."}, status=404)
    return JsonResponse({"commune": commune.insee_code, "nom": commune.name})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a trivial query, 503 otherwise. Never touches the upstream API."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
