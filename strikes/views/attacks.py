"""The attack page (figures, claims, decisions, evidence grade, change log), its map popup,
publishing and retraction."""

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pghistory.models import Events

from casualties.choices import Category
from casualties.models import Claim, Decision, PublishedFigure
from casualties.selectors import grade_review
from config.errors import friendly_errors
from config.forms import apply_service_errors
from config.roles import can_decide, require
from strikes import services
from strikes.choices import AttackStatus
from strikes.forms import RetractForm
from strikes.models import Attack, Place
from strikes.views._common import (
    PRECISION_RADIUS_M,
    Retracted,
    landmarks,
    visible_attack,
)


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


# What each service did, in the words an editor reads in the change log.
SERVICE_WORDS = {
    "article_confirm": "confirmed the article's link",
    "article_move": "moved an article to another attack",
    "article_process": "extracted figures from an article",
    "article_reject": "rejected the article's link",
    "article_review_figure": "corrected a figure while reviewing an article",
    "article_review_munition": "corrected a munition while reviewing an article",
    "attack_create": "created the attack",
    "attack_merge": "merged another attack into this one",
    "attack_publish": "published",
    "attack_retract": "retracted",
    "attack_split": "split sources off into a new attack",
    "attack_update": "edited the attack",
    "claim_accept": "accepted a new source's figure",
    "claim_rank": "ranked a claim",
    "claim_record": "recorded a figure",
    "claim_update": "edited a figure",
    "claim_withdraw": "withdrew a figure",
    "decision_make": "decided a figure",
    "decision_restore": "restored an earlier decision",
    "figures_refresh": "recomputed the published figures",
    "grade_override": "set the evidence grade",
    "grades_refresh": "recomputed the evidence grade",
    "munitions_extend": "added munitions from an article",
    "proposal_apply": "applied an analyst's proposal",
    "proposal_create": "proposed a change for an editor",
    "proposal_reject": "rejected an analyst's proposal",
    "waves_import": "imported the night's waves",
}
_MODELS = {"attack": Attack, "claim": Claim, "decision": Decision}


def _words(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _field_label(model: str, field: str) -> str:
    try:
        return str(_MODELS[model]._meta.get_field(field.removesuffix("_id")).verbose_name).capitalize()
    except (KeyError, LookupError):
        return field.replace("_", " ").capitalize()


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
        model = what.get(event.pgh_model, event.pgh_model.rsplit(".", 1)[-1])
        changes = [
            {"field": _field_label(model, field), "old": _words(values[0]), "new": _words(values[1])}
            for field, values in sorted(diff.items())
            if field not in hidden and isinstance(values, list | tuple) and len(values) == 2
        ]
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
                "service": SERVICE_WORDS.get(ctx.get("service", ""), ctx.get("service", "").replace("_", " ")),
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


def _public_history(attack: Attack) -> list[dict]:
    """What the public record of this attack said over time, oldest first, in words: when it
    was published and with which figures, each later change of its killed or injured figure,
    its time or place, and its retraction. No names: who did it is the staff log's business."""
    events = attack.events.order_by("pgh_id").values(
        "pgh_created_at", "status", "killed_best", "injured_best", "occurred_at", "place_id"
    )
    history, before = [], None
    places = {}

    def figure(value):
        return "not published" if value is None else f"{value:,}"

    for event in events:
        public = event["status"] == AttackStatus.PUBLISHED
        was_public = before is not None and before["status"] == AttackStatus.PUBLISHED
        lines = []
        if public and not was_public:
            lines.append(f"Published: killed {figure(event['killed_best'])}, injured {figure(event['injured_best'])}")
        elif was_public and not public:
            lines.append("Retracted" if event["status"] == AttackStatus.RETRACTED else "Withdrawn from publication")
        elif public:
            for field, label in (("killed_best", "Killed"), ("injured_best", "Injured")):
                if event[field] != before[field]:
                    lines.append(f"{label}: {figure(before[field])} → {figure(event[field])}")
            if event["occurred_at"] != before["occurred_at"]:
                lines.append(f"Time corrected to {timezone.localtime(event['occurred_at']):%d %b %Y %H:%M}")
            if event["place_id"] != before["place_id"]:
                places.setdefault(event["place_id"], None)
                lines.append(("place", event["place_id"]))
        if lines:
            history.append({"at": event["pgh_created_at"], "lines": lines})
        before = event
    names = dict(Place.objects.filter(pk__in=[k for k in places if k]).values_list("pk", "name"))
    for entry in history:
        entry["lines"] = [
            f"Place changed to {names.get(line[1], 'no place')}" if isinstance(line, tuple) else line
            for line in entry["lines"]
        ]
    return history


@friendly_errors
@require_GET
def attack_detail(request, pk: int):
    """Everything known about one attack."""
    try:
        attack = visible_attack(request, pk)
    except Retracted as gone:
        return render(request, "strikes/attack_retracted.html", {"tombstone": gone.tombstone}, status=410)
    articles = attack.articles.select_related("outlet").order_by("published_at", "id")
    context = {
        "attack": attack,
        "munitions": attack.attack_munitions.select_related("munition"),
        "figures": _figures_context(attack),
        "grade": grade_review(attack),
        "articles": articles,
        "change_log": _change_log(attack) if Attack.objects.shows_unpublished_to(request.user) else None,
        "public_history": _public_history(attack),
        "map_config": {
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "landmarks": landmarks(),
        },
        "radius": PRECISION_RADIUS_M.get(attack.geo_precision, 5000),
        "can_publish": can_decide(request.user) and attack.status != AttackStatus.PUBLISHED,
        "can_retract": can_decide(request.user) and attack.status == AttackStatus.PUBLISHED,
    }
    return render(request, "strikes/attack_detail.html", context)


@friendly_errors
@require_GET
def attack_popup(request, pk: int):
    """The map popup of one attack (HTML fragment)."""
    attack = visible_attack(request, pk)
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


@friendly_errors
@login_required
@require_POST
def attack_publish(request, pk: int):
    """An editor makes the attack public."""
    require(can_decide(request.user))
    attack = get_object_or_404(Attack, pk=pk)
    try:
        services.attack_publish(attack=attack, by=request.user)
    except ValidationError as exc:
        messages.error(request, "Not published: " + " ".join(exc.messages))
    else:
        messages.success(request, "Published.")
    return redirect("attack-detail", pk=pk)


@friendly_errors
@login_required
@require_http_methods(["GET", "POST"])
def attack_retract(request, pk: int):
    """An editor withdraws the attack from public view, giving a reason."""
    require(can_decide(request.user))
    attack = get_object_or_404(Attack, pk=pk)
    form = RetractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attack_retract(attack=attack, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Retracted. The attack stays visible to staff with its reason.")
            return redirect("attack-detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "strikes/attack_retract.html", {"attack": attack, "form": form}, status=status)
