"""The analyst's pages: the attack form (new and edit, with claim rows), place suggestions, drafts.

Writes go through ``strikes.services`` and ``casualties.services``.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from casualties import services as figures
from casualties.models import Claim, Proposal
from config.forms import apply_service_errors
from config.roles import can_decide, log_required, require
from sources.models import Article
from sources.services import article_submit_url
from strikes import services
from strikes.choices import AttackStatus
from strikes.forms import AttackForm, ClaimFormSet
from strikes.models import Attack, AttackMunition, Place
from strikes.views._common import landmarks

DRAFTS_PAGE_SIZE = 50
PLACE_SUGGESTIONS = 10


def _attack_initial(attack: Attack) -> dict:

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
        "munition_counts": dict(attack.attack_munitions.values_list("munition_id", "count")),
        "description": attack.description,
    }


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
            figures.claim_record(attack=attack, article=article, origin="entered", by=by, **fields)
        except ValidationError as exc:
            apply_service_errors(claim_form, exc)
            raise
        saved += 1
    return saved


def _new_place_errors(exc: ValidationError) -> dict:
    """``place_add``'s field errors named as the attack form's fields, so each shows on its field."""
    names = {"name": "new_place_name", "oblast": "new_place_oblast", "latitude": "latitude"}
    return {names.get(field, field): errors for field, errors in exc.message_dict.items()}


def _attack_form_page(request, attack: Attack | None):
    initial = _attack_initial(attack) if attack else {}
    form = AttackForm(request.POST or None, initial=initial)
    claims = ClaimFormSet(request.POST or None, prefix="claims")
    publish = "publish" in request.POST
    if publish:
        require(can_decide(request.user))
    if request.method == "POST" and form.is_valid() and claims.is_valid():
        munitions = form.munition_rows(attack)  # each with its count; a kept munition keeps its quote
        try:
            with transaction.atomic():
                proposal = None
                fields = form.service_fields()
                new_place = form.new_place_fields()
                if new_place is not None:
                    try:
                        fields["place"] = services.place_add(by=request.user, **new_place)
                    except ValidationError as exc:
                        raise ValidationError(_new_place_errors(exc)) from exc
                if attack is None:
                    attack = services.attack_create(by=request.user, munitions=munitions, **fields)
                else:
                    # An analyst's edit of a published attack becomes a proposal for an editor.
                    result = figures.attack_edit(attack=attack, by=request.user, munitions=munitions, **fields)
                    proposal = result if isinstance(result, Proposal) else None
                count = _save_claims(attack=attack, claim_forms=claims.forms, by=request.user)
                if publish:
                    services.attack_publish(attack=attack, by=request.user)
        except ValidationError as exc:
            if not any(f.errors for f in claims.forms):
                apply_service_errors(form, exc)
            # Everything was rolled back: show the attack as stored (none, for a new one).
            attack = Attack.objects.select_related("place").filter(pk=attack.pk).first() if attack else None
        else:
            done = "Published" if publish else "Saved as draft" if attack.status == AttackStatus.DRAFT else "Saved"
            if proposal is not None:
                done = "Your changes were sent to an editor (the published attack is unchanged until one applies them)"
            if count and attack.status == AttackStatus.PUBLISHED and not can_decide(request.user):
                done += "; new figures wait for an editor before they count"
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
            "landmarks": landmarks(),
            "suggestUrl": reverse("place-suggest"),
        },
    }
    return render(request, "strikes/attack_form.html", context, status=400 if request.method == "POST" else 200)


@log_required
@require_http_methods(["GET", "POST"])
def attack_create(request):
    """An analyst logs a new attack with its figures and sources."""
    return _attack_form_page(request, None)


@log_required
@require_http_methods(["GET", "POST"])
def attack_edit(request, pk: int):
    """An analyst corrects an attack and adds claims to it."""
    attack = get_object_or_404(Attack.objects.select_related("place"), pk=pk)
    return _attack_form_page(request, attack)


@log_required
@require_GET
def place_suggest(request):
    """Gazetteer suggestions for the place field (HTML fragment for htmx)."""
    q = request.GET.get("place_search", request.GET.get("q", "")).strip()
    places = []
    if len(q) >= 2 and "\x00" not in q:
        # Any spelling (English, Ukrainian, Russian) that starts with the typed text.
        places = list(
            Place.objects.filter(Q(name__icontains=q) | Q(pk__in=Place.objects.named(q, prefix=True).values("pk")))
            .select_related("oblast")
            .order_by(F("population").desc(nulls_last=True), "name")[: PLACE_SUGGESTIONS * 3]
        )
        # Names starting with the text first, then the rest; bigger places first within each.
        places.sort(key=lambda p: (not p.name.lower().startswith(q.lower()), -(p.population or 0), p.name))
        places = places[:PLACE_SUGGESTIONS]
    return render(request, "strikes/_place_suggestions.html", {"places": places, "q": q})


@log_required
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
