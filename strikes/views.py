"""Pages of the strikes app: explore (map, timeline, list), the attack page, the analyst's
attack form and drafts, and the API-token page.

Views stay thin: filters are parsed by ``AttackFilterSet`` (the API's), writes go
through ``strikes.services`` and ``casualties.services``, and what a user may see is
``Attack.objects.visible_to(user)``.
"""

import functools
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import BooleanField, Count, F, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pghistory.models import Events
from rest_framework.authtoken.models import Token

from casualties.choices import Category
from casualties.models import Claim, Decision, PublishedFigure
from casualties.services import claim_record
from config.roles import can_decide, can_log
from sources.models import Article
from sources.services import article_submit_url
from strikes import services
from strikes.choices import AttackStatus, GeoPrecision, PlaceKind
from strikes.filtersets import AttackFilterSet
from strikes.forms import (
    EXPLORE_FILTERS,
    PASS_THROUGH_FILTERS,
    AttackForm,
    ClaimFormSet,
    ExploreFilterForm,
    RetractForm,
)
from strikes.models import Attack, AttackMunition, Place

# Up to this many located attacks the browser gets every point and clusters them itself;
# above it, the map asks /api/v1/map/ for server-side clusters of the current view.
EXPLORE_POINTS_MAX = 5000
LIST_PAGE_SIZE = 25
DRAFTS_PAGE_SIZE = 50
PLACE_SUGGESTIONS = 10
LANDMARKS = 25

# Marker radius in metres for each geo precision: the circle covers where the strike may be.
PRECISION_RADIUS_M = {
    GeoPrecision.EXACT: 50,
    GeoPrecision.NEAR: 500,
    GeoPrecision.DISTRICT: 2_000,
    GeoPrecision.CITY: 6_000,
    GeoPrecision.OBLAST: 40_000,
    GeoPrecision.COUNTRY: 150_000,
}

# The first map request at scale, for the default view (Ukraine): its bbox and zoom.
EARLY_MAP_VIEW = {"bbox": "20.0,43.0,42.5,53.5", "zoom": 5}

FILTER_NAMES = frozenset(EXPLORE_FILTERS) | frozenset(PASS_THROUGH_FILTERS)


# --- helpers ---


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _friendly_errors(view):
    """A refusal or a missing attack answers with a page in the site's look and a way on,
    not the bare server default."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render(request, "strikes/403.html", status=403)
        except Http404:
            return render(request, "strikes/404.html", status=404)

    return wrapped


def _log_required(view):
    """Analysts, editors and admins only; anonymous users go to the login page."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        _require(can_log(request.user))
        return view(request, *args, **kwargs)

    return _friendly_errors(wrapped)


def _filter_params(request) -> tuple[dict, list[str]]:
    """The query string's filters (API names, empty values dropped) and any unknown names.

    Staff see published attacks unless they ask for another status, so a page a staff
    member shares shows the public the same thing.
    """
    params, unknown = {}, []
    for name, value in request.GET.items():
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
    return paginator.get_page(request.GET.get("page"))


def _visible_attack(request, pk: int) -> Attack:
    """The attack if this user may see it; drafts and retractions are a 404 for the public."""
    return get_object_or_404(Attack.objects.visible_to(request.user).select_related("place", "place__oblast"), pk=pk)


# --- explore ---


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
        "explore_config": {
            "initial": totals,
            "dataUrl": reverse("explore-data"),
            "listUrl": reverse("explore-list"),
            "popupUrl": reverse("attack-popup", args=[0]).replace("/0/", "/{id}/"),
            "timelineUrl": reverse("api-timeline"),
            "mapUrl": reverse("api-map"),
            "apiUrl": _api_links({})["api"],
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "landmarks": _landmarks(),
            "precisionRadius": {str(k.value): v for k, v in PRECISION_RADIUS_M.items()},
            "pointsMax": EXPLORE_POINTS_MAX,
            "staff": staff,
            "filters": sorted(FILTER_NAMES),
        },
    }
    return render(request, "strikes/explore.html", context)


def _landmarks() -> list[list]:
    """The biggest cities, named on the map when no base map can be loaded."""
    cities = (
        Place.objects.filter(kind=PlaceKind.CITY, latitude__isnull=False)
        .order_by(F("population").desc(nulls_last=True), "name")
        .values_list("name", "latitude", "longitude")[:LANDMARKS]
    )
    return [list(city) for city in cities]


def _totals(filterset: AttackFilterSet) -> dict:
    """How many attacks match, with and without coordinates (one query)."""
    totals = filterset.qs.order_by().aggregate(count=Count("pk"), located=Count("pk", filter=Q(latitude__isnull=False)))
    return {**totals, "unlocated": totals["count"] - totals["located"]}


@require_GET
def explore_data(request):
    """How many attacks match (with and without coordinates) and, when few enough, their points.

    JSON for the explore map: ``points`` is ``[[id, lat, lon, geo_precision, disputed], ...]``,
    or ``null`` when there are more than ``EXPLORE_POINTS_MAX`` located attacks and the map
    should ask ``/api/v1/map/`` for clusters instead.
    """
    params, unknown = _filter_params(request)
    if unknown:
        return JsonResponse(
            {"errors": {name: ["Unknown filter."] for name in unknown}, "valid": sorted(FILTER_NAMES)}, status=400
        )
    filterset = _filterset(request, params, ordered=False)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors, "valid": sorted(FILTER_NAMES)}, status=400)
    totals = _totals(filterset)
    points = None
    if totals["located"] <= EXPLORE_POINTS_MAX:
        points = list(
            filterset.qs.order_by()
            .filter(latitude__isnull=False)
            .values_list("pk", "latitude", "longitude", "geo_precision", "disputed")
        )
    return JsonResponse({**totals, "points": points})


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


# --- the attack page ---


def _figures_context(attack: Attack) -> list[dict]:
    """Each published figure with its claims and its decisions (current first), in category order."""
    figures = {f.category: f for f in PublishedFigure.objects.filter(attack=attack).select_related("decision")}
    claims = defaultdict(list)
    for claim in Claim.objects.filter(attack=attack).select_related("article", "article__outlet", "created_by"):
        claims[claim.category].append(claim)
    decisions = defaultdict(list)
    for decision in Decision.objects.filter(attack=attack).select_related("decided_by").order_by("-version"):
        decisions[decision.category].append(decision)
    rows = []
    for category, label in Category.choices:
        if category not in figures and category not in claims and category not in decisions:
            continue
        rows.append(
            {
                "category": category,
                "label": label,
                "figure": figures.get(category),
                "claims": claims.get(category, []),
                "decisions": decisions.get(category, []),
            }
        )
    return rows


def _change_log(attack: Attack) -> list[dict]:
    """The history of the attack and of the claims and decisions about it, newest first."""
    events = list(
        Events.objects.references(attack).order_by("-pgh_created_at", "-pgh_id")[:200]  # a page's worth
    )
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context and e.pgh_context.get("user")}
    users = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    what = {"strikes.AttackEvent": "attack", "casualties.ClaimEvent": "claim", "casualties.DecisionEvent": "decision"}
    log = []
    for event in events:
        ctx = event.pgh_context or {}
        diff = event.pgh_diff or {}
        hidden = {"updated_at", "created_at", "search_vector"}
        changes = [
            {"field": field, "old": values[0], "new": values[1]}
            for field, values in sorted(diff.items())
            if field not in hidden and isinstance(values, list | tuple) and len(values) == 2
        ]
        model = what.get(event.pgh_model, event.pgh_model.rsplit(".", 1)[-1])
        if event.pgh_label == "update" and not changes and ctx.get("service") != "attack_update":
            # Only a timestamp moved (figures recomputed to the same values): noise in the log.
            continue
        log.append(
            {
                "at": event.pgh_created_at,
                "label": event.pgh_label,
                "model": model,
                "object_id": event.pgh_obj_id,
                "user": users.get(ctx.get("user"), "system" if not ctx.get("user") else f"user {ctx.get('user')}"),
                "service": ctx.get("service", ""),
                "changes": changes,
                "summary": _event_summary(model, event.pgh_data or {}) if event.pgh_label == "insert" else "",
            }
        )
    return log


def _event_summary(model: str, data: dict) -> str:
    """What a new claim or decision said, for the change log."""
    if model == "claim":
        return f"{data.get('category')} {data.get('qualifier', '').replace('_', ' ')} {data.get('value')}"
    if model == "decision":
        high = "no upper bound" if data.get("high") is None else data.get("high")
        best, low = data.get("best"), data.get("low")
        return f"{data.get('category')} v{data.get('version')}: best {best} (range {low} to {high})"
    return ""


@_friendly_errors
@require_GET
def attack_detail(request, pk: int):
    """Everything known about one attack."""
    attack = _visible_attack(request, pk)
    articles = attack.articles.select_related("outlet").order_by("published_at", "id")
    context = {
        "attack": attack,
        "munitions": attack.attack_munitions.select_related("munition"),
        "figures": _figures_context(attack),
        "articles": articles,
        "change_log": _change_log(attack) if Attack.objects.shows_unpublished_to(request.user) else None,
        "map_config": {
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "landmarks": _landmarks(),
        },
        "radius": PRECISION_RADIUS_M.get(attack.geo_precision, 5000),
        "can_publish": can_decide(request.user) and attack.status != AttackStatus.PUBLISHED,
        "can_retract": can_decide(request.user) and attack.status == AttackStatus.PUBLISHED,
    }
    return render(request, "strikes/attack_detail.html", context)


@_friendly_errors
@require_GET
def attack_popup(request, pk: int):
    """The map popup of one attack (HTML fragment)."""
    attack = _visible_attack(request, pk)
    figures = PublishedFigure.objects.filter(attack=attack).order_by("category")
    order = {c: i for i, c in enumerate(Category.values)}
    return render(
        request,
        "strikes/_attack_popup.html",
        {
            "attack": attack,
            "munitions": attack.attack_munitions.select_related("munition"),
            "figures": sorted(figures, key=lambda f: order.get(f.category, 99)),
        },
    )


@_friendly_errors
@login_required
@require_POST
def attack_publish(request, pk: int):
    """An editor makes the attack public."""
    _require(can_decide(request.user))
    attack = get_object_or_404(Attack, pk=pk)
    try:
        services.attack_publish(attack=attack, by=request.user)
    except ValidationError as exc:
        messages.error(request, "Not published: " + " ".join(exc.messages))
    else:
        messages.success(request, "Published.")
    return redirect("attack-detail", pk=pk)


@_friendly_errors
@login_required
@require_http_methods(["GET", "POST"])
def attack_retract(request, pk: int):
    """An editor withdraws the attack from public view, giving a reason."""
    _require(can_decide(request.user))
    attack = get_object_or_404(Attack, pk=pk)
    form = RetractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attack_retract(attack=attack, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "Retracted. The attack stays visible to staff with its reason.")
            return redirect("attack-detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "strikes/attack_retract.html", {"attack": attack, "form": form}, status=status)


# --- the analyst's pages ---


def _attack_initial(attack: Attack) -> dict:
    from django.utils import timezone

    return {
        "place": attack.place_id,
        "place_search": attack.place.name if attack.place_id else "",
        "latitude": attack.latitude,
        "longitude": attack.longitude,
        "geo_precision": attack.geo_precision,
        "occurred_at": timezone.localtime(attack.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "time_precision": attack.time_precision,
        "target_type": attack.target_type,
        "munitions": list(attack.attack_munitions.values_list("munition_id", flat=True)),
        "description": attack.description,
    }


def _apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (the rest on top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _save_claims(*, attack: Attack, claim_forms, by) -> int:
    """Record each filled claim row (fetching its article by URL); returns how many."""
    saved = 0
    for claim_form in claim_forms:
        if not claim_form.has_claim():
            continue
        fields = claim_form.service_fields()
        article = None
        url = claim_form.cleaned_data.get("article_url")
        if url:
            try:
                article, _created = article_submit_url(url=url, by=by)
            except ValidationError as exc:
                claim_form.add_error("article_url", exc.messages)
                raise
        try:
            claim_record(attack=attack, article=article, origin="entered", by=by, **fields)
        except ValidationError as exc:
            _apply_service_errors(claim_form, exc)
            raise
        saved += 1
    return saved


def _attack_form_page(request, attack: Attack | None):
    initial = _attack_initial(attack) if attack else {}
    form = AttackForm(request.POST or None, initial=initial)
    claims = ClaimFormSet(request.POST or None, prefix="claims")
    publish = "publish" in request.POST
    if publish:
        _require(can_decide(request.user))
    if request.method == "POST" and form.is_valid() and claims.is_valid():
        munitions = [m.pk for m in form.cleaned_data["munitions"]]
        try:
            with transaction.atomic():
                if attack is None:
                    attack = services.attack_create(by=request.user, munitions=munitions, **form.service_fields())
                else:
                    services.attack_update(attack=attack, by=request.user, munitions=munitions, **form.service_fields())
                count = _save_claims(attack=attack, claim_forms=claims.forms, by=request.user)
                if publish:
                    services.attack_publish(attack=attack, by=request.user)
        except ValidationError as exc:
            if not any(f.errors for f in claims.forms):
                _apply_service_errors(form, exc)
            # Everything was rolled back: show the attack as stored (none, for a new one).
            attack = Attack.objects.select_related("place").filter(pk=attack.pk).first() if attack else None
        else:
            done = "Published" if publish else "Saved as draft" if attack.status == AttackStatus.DRAFT else "Saved"
            messages.success(request, f"{done}{f', with {count} claim(s)' if count else ''}.")
            return redirect("attack-detail", pk=attack.pk)
    place = form["place"].value()
    context = {
        "form": form,
        "claims": claims,
        "attack": attack,
        "place_obj": Place.objects.filter(pk=place).first() if str(place or "").isdigit() else None,
        "existing_claims": Claim.objects.filter(attack=attack).select_related("article") if attack else [],
        "map_config": {
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "landmarks": _landmarks(),
            "suggestUrl": reverse("place-suggest"),
        },
    }
    return render(request, "strikes/attack_form.html", context, status=400 if request.method == "POST" else 200)


@_log_required
@require_http_methods(["GET", "POST"])
def attack_create(request):
    """An analyst logs a new attack with its figures and sources."""
    return _attack_form_page(request, None)


@_log_required
@require_http_methods(["GET", "POST"])
def attack_edit(request, pk: int):
    """An analyst corrects an attack and adds claims to it."""
    attack = get_object_or_404(Attack.objects.select_related("place"), pk=pk)
    return _attack_form_page(request, attack)


@_log_required
@require_GET
def place_suggest(request):
    """Gazetteer suggestions for the place field (HTML fragment for htmx)."""
    q = request.GET.get("place_search", request.GET.get("q", "")).strip()
    places = []
    if len(q) >= 2 and "\x00" not in q:
        prefix = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # Any spelling (English, Ukrainian, Russian) that starts with the typed text.
        alias_hit = RawSQL(
            "EXISTS (SELECT 1 FROM unnest(strikes_place.aliases) AS alias WHERE lower(alias) LIKE %s)",
            (prefix,),
            output_field=BooleanField(),
        )
        places = list(
            Place.objects.annotate(_alias_hit=alias_hit)
            .filter(Q(name__icontains=q) | Q(_alias_hit=True))
            .select_related("oblast")
            .order_by(F("population").desc(nulls_last=True), "name")[: PLACE_SUGGESTIONS * 3]
        )
        # Names starting with the text first, then the rest; bigger places first within each.
        places.sort(key=lambda p: (not p.name.lower().startswith(q.lower()), -(p.population or 0), p.name))
        places = places[:PLACE_SUGGESTIONS]
    return render(request, "strikes/_place_suggestions.html", {"places": places, "q": q})


@_log_required
@require_GET
def drafts(request):
    """What the pipeline (or an analyst) proposed and nobody has published yet, newest first."""
    qs = (
        Attack.objects.filter(status=AttackStatus.DRAFT)
        .select_related("place", "place__oblast", "created_by")
        .prefetch_related(
            Prefetch("articles", queryset=Article.objects.select_related("outlet").order_by("id")),
            Prefetch("attack_munitions", queryset=AttackMunition.objects.select_related("munition")),
        )
        .order_by("-created_at", "-id")
    )
    page = Paginator(qs, DRAFTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "strikes/drafts.html", {"page": page})


# --- the API token ---


@_friendly_errors
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The user's API token: shown, created, or regenerated (the old one stops working)."""
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in {"create", "regenerate"}:
            return HttpResponseBadRequest("Unknown action: use create or regenerate.")
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            token = Token.objects.create(user=request.user)
        messages.success(request, "New token created." if action == "create" else "Token regenerated.")
        return redirect("profile")
    return render(request, "strikes/profile.html", {"token": token})
