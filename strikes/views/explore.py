"""The explore page: map, timeline, filter panel and list, and the JSON and fragments it asks for.

Filters are parsed by ``AttackFilterSet`` (the API's), and what a user may see is
``Attack.objects.visible_to(user)``.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from strikes.choices import AttackStatus, EvidenceGrade
from strikes.filtersets import AttackFilterSet
from strikes.forms import EXPLORE_FILTERS, PASS_THROUGH_FILTERS, ExploreFilterForm
from strikes.models import Attack, AttackMunition
from strikes.views._common import PRECISION_RADIUS_M, landmarks

# Up to this many located attacks the browser gets every point and clusters them itself;
# above it, the map asks /api/v1/map/ for server-side clusters of the current view.
EXPLORE_POINTS_MAX = 5000
LIST_PAGE_SIZE = 25

# The first map request at scale, for the default view (Ukraine): its bbox and zoom.
EARLY_MAP_VIEW = {"bbox": "20.0,43.0,42.5,53.5", "zoom": 5}

FILTER_NAMES = frozenset(EXPLORE_FILTERS) | frozenset(PASS_THROUGH_FILTERS)
# Filters the panel shows as several checkboxes of one name.
LIST_FILTERS = frozenset({"grade"})


def _filter_params(request) -> tuple[dict, list[str]]:
    """The query string's filters (API names, empty values dropped) and any unknown names.

    Staff see published attacks unless they ask for another status, so a page a staff
    member shares shows the public the same thing.
    """
    params, unknown = {}, []
    for name, value in request.GET.items():
        if name in LIST_FILTERS:
            # The panel's checkboxes without JavaScript send grade=a&grade=b: the API's grade=a,b.
            value = ",".join(v.strip() for v in request.GET.getlist(name) if v.strip())
        if name in FILTER_NAMES:
            if value.strip():
                params[name] = value.strip()
        elif name not in {"page", "view", "tl"}:
            unknown.append(name)
    if "status" not in params and Attack.objects.shows_unpublished_to(request.user):
        params["status"] = AttackStatus.PUBLISHED
    return params, unknown


def _filterset(request, params: dict, *, ordered: bool = True) -> AttackFilterSet:
    filterset = AttackFilterSet(params, queryset=Attack.objects.all(), request=request)
    filterset.apply_ordering = ordered
    return filterset


def _api_links(params: dict) -> dict:
    """The API URLs that answer the same question as the page."""
    base = reverse("api-attack-list")
    query = urlencode(params)
    sep = "?" if query else ""
    and_ = "&" if query else ""
    return {
        "api": f"{base}{sep}{query}",
        "csv": f"{base}?format=csv{and_}{query}",
        "geojson": f"{base}?format=geojson{and_}{query}",
    }


def _list_page(request, filterset: AttackFilterSet, count: int | None = None):
    """One page of the explore list: newest first (or the ``ordering`` asked for).

    ``count``, when the caller already has it, saves the paginator a second count query.
    """
    qs = filterset.qs.select_related("place", "place__oblast").prefetch_related(
        Prefetch("attack_munitions", queryset=AttackMunition.objects.select_related("munition"))
    )
    paginator = Paginator(qs, LIST_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached_property: this value is used instead of a query
    page = paginator.get_page(request.GET.get("page"))
    # Numbers as the page writes every count: "Page 1 of 4,000".
    page.number_display = f"{page.number:,}"
    page.num_pages_display = f"{paginator.num_pages:,}"
    return page


@require_GET
def explore(request):
    """The map, the timeline, the filter panel and the list, on one page.

    The counts come with the page, so at scale the map asks for its clusters straight
    away instead of first asking how many attacks there are.
    """
    params, unknown = _filter_params(request)
    filterset = _filterset(request, params)
    valid = filterset.is_valid()
    staff = Attack.objects.shows_unpublished_to(request.user)
    totals = _totals(filterset) if valid else None
    early_map = None
    if totals and totals["located"] > EXPLORE_POINTS_MAX and "view" not in request.GET:
        # The country's clusters, asked for while the page loads (see explore.js).
        early_map = reverse("api-map") + "?" + urlencode({**params, **EARLY_MAP_VIEW})
    context = {
        "early_map_url": early_map,
        "form": ExploreFilterForm(params, staff=staff),
        "filter_errors": filterset.errors if not valid else {},
        "unknown_params": unknown,
        "params": params,
        "query": urlencode(params),
        "links": _api_links(params),
        "page": _list_page(request, filterset, count=totals["count"]) if valid else None,
        "count_display": f"{totals['count']:,}" if totals else "0",
        "explore_config": {
            "initial": totals,
            "dataUrl": reverse("explore-data"),
            "listUrl": reverse("explore-list"),
            "popupUrl": reverse("attack-popup", args=[0]).replace("/0/", "/{id}/"),
            "timelineUrl": reverse("api-timeline"),
            "mapUrl": reverse("api-map"),
            "facetsUrl": reverse("api-facets"),
            "today": timezone.localdate().isoformat(),
            "grades": dict(EvidenceGrade.choices),
            "apiUrl": _api_links({})["api"],
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "landmarks": landmarks(),
            "precisionRadius": {str(k.value): v for k, v in PRECISION_RADIUS_M.items()},
            "pointsMax": EXPLORE_POINTS_MAX,
            "staff": staff,
            "filters": sorted(FILTER_NAMES),
        },
    }
    return render(request, "strikes/explore.html", context)


def _totals(filterset: AttackFilterSet, *, bounds: bool = False) -> dict:
    """How many attacks match, with and without coordinates (one query); with ``bounds``,
    also the box of the located ones (south, west, north, east), in the same query."""
    extent = (
        {"south": Min("latitude"), "west": Min("longitude"), "north": Max("latitude"), "east": Max("longitude")}
        if bounds
        else {}
    )
    totals = filterset.qs.order_by().aggregate(
        count=Count("pk"), located=Count("pk", filter=Q(latitude__isnull=False)), **extent
    )
    return {**totals, "unlocated": totals["count"] - totals["located"]}


@require_GET
def explore_data(request):
    """How many attacks match (with and without coordinates) and, when few enough, their points.

    JSON for the explore map: ``points`` is ``[[id, lat, lon, geo_precision, disputed, grade], ...]``,
    or ``null`` when there are more than ``EXPLORE_POINTS_MAX`` located attacks and the map
    should ask ``/api/v1/map/`` for clusters instead. ``bounds`` (``[south, west, north, east]``
    of the located attacks, or ``null``) lets the map zoom to the results.
    """
    params, unknown = _filter_params(request)
    if unknown:
        return JsonResponse(
            {"errors": {name: ["Unknown filter."] for name in unknown}, "valid": sorted(FILTER_NAMES)}, status=400
        )
    filterset = _filterset(request, params, ordered=False)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors, "valid": sorted(FILTER_NAMES)}, status=400)
    totals = _totals(filterset, bounds=True)
    box = [totals.pop(k) for k in ("south", "west", "north", "east")]
    points = None
    if totals["located"] <= EXPLORE_POINTS_MAX:
        points = list(
            filterset.qs.order_by()
            .filter(latitude__isnull=False)
            .values_list("pk", "latitude", "longitude", "geo_precision", "disputed", "grade")
        )
    return JsonResponse({**totals, "points": points, "bounds": box if box[0] is not None else None})


@require_GET
def explore_list(request):
    """The list under the map, as an HTML fragment for htmx (paged)."""
    params, _unknown = _filter_params(request)
    filterset = _filterset(request, params)
    if not filterset.is_valid():
        return render(request, "strikes/_explore_list.html", {"page": None, "filter_errors": filterset.errors})
    return render(
        request,
        "strikes/_explore_list.html",
        {"page": _list_page(request, filterset), "params": params, "query": urlencode(params)},
    )
