"""Merging two attacks and splitting one, from the attack page (issue 18), and the picker of
nearby attacks that the merge page and the article review's "Move to" share.

Nearby means what the linker itself would have compared: the same local day ± the linking
window (``LINK_DATE_WINDOW_DAYS``) and within ``LINK_MAX_DISTANCE_KM`` of the attack. Typing
an attack's number finds that attack wherever it is (flagged as not nearby).

The preview is the real service run inside a transaction that is then rolled back: what the
page shows after "Preview" is what the confirmed merge or split writes, figures included.
Merging or splitting a published attack is an editor's act (the services refuse an analyst:
``linking.services.corrections``), so an analyst sees the comparison and the preview, and is
told to ask an editor, with no button to confirm.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from casualties.choices import Category
from casualties.models import Claim, Decision, PublishedFigure
from config.geo import km_between
from config.roles import can_decide, log_required
from linking.services import attack_merge, attack_split
from sources.models import Article
from strikes.choices import AttackStatus
from strikes.models import Attack, AttackMunition

CANDIDATES_SHOWN = 20


class _RolledBack(Exception):
    """Raised inside a trial run so that its transaction is undone."""


def _point(attack: Attack) -> tuple[float, float] | None:
    if attack.latitude is not None and attack.longitude is not None:
        return attack.latitude, attack.longitude
    place = attack.place
    if place is not None and place.latitude is not None and place.longitude is not None:
        return place.latitude, place.longitude
    return None


def nearby_attacks(*, centre: Attack | None, day: dt.date | None, q: str = "", exclude=()) -> list[Attack]:
    """Attacks the linker would have compared with ``centre`` (or, without one, on ``day``):
    same local day ± the linking window, within the linking distance, not retracted; filtered
    by ``q`` (words of the place, the description or a source's title). A number in ``q`` also
    finds that attack wherever it is. Each row carries ``km`` (None: unknown) and ``nearby``."""
    q = (q or "").strip().replace("\x00", "")
    window = settings.LINK_DATE_WINDOW_DAYS
    if centre is not None:
        day = timezone.localtime(centre.occurred_at).date()
    qs = (
        Attack.objects.exclude(status=AttackStatus.RETRACTED)
        .exclude(pk__in=list(exclude))
        .select_related("place", "place__oblast")
        .annotate(n_sources=Count("articles", distinct=True))
        .defer("search_vector")
    )
    found: dict[int, Attack] = {}
    by_number = q.lstrip("#").isdigit()
    if by_number:
        for attack in qs.filter(pk=int(q.lstrip("#"))):
            found[attack.pk] = attack
    near = qs.none() if by_number else qs
    if day is not None:
        start = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=window), dt.time.min))
        near = near.filter(occurred_at__gte=start, occurred_at__lt=start + dt.timedelta(days=2 * window + 1))
    here = _point(centre) if centre is not None else None
    if here is not None:
        dlat = settings.LINK_MAX_DISTANCE_KM / 111 + 0.01
        dlon = dlat / max(math.cos(math.radians(here[0])), 0.2)
        box = Q(latitude__range=(here[0] - dlat, here[0] + dlat), longitude__range=(here[1] - dlon, here[1] + dlon))
        near = near.filter(box | Q(latitude__isnull=True, place_id=centre.place_id))
    elif centre is not None:
        near = near.filter(place_id=centre.place_id)
    if q and not by_number:
        words = Q()
        for word in q.split()[:5]:
            words &= (
                Q(place__name__icontains=word)
                | Q(description__icontains=word)
                | Q(articles__title__icontains=word)
                | Q(articles__outlet__name__icontains=word)
            )
        near = near.filter(pk__in=Attack.objects.filter(words).values("pk"))
    for attack in near.order_by("-occurred_at", "-id")[:200]:
        found.setdefault(attack.pk, attack)
    outlets: dict[int, list[str]] = {}
    for attack_id, name in (
        Article.objects.filter(attack_id__in=list(found)).order_by("id").values_list("attack_id", "outlet__name")
    ):
        if name and name not in outlets.setdefault(attack_id, []):
            outlets[attack_id].append(name)
    rows = []
    for attack in found.values():
        there = _point(attack)
        attack.source_names = outlets.get(attack.pk, [])
        attack.km = round(km_between(*here, *there), 1) if here and there else None
        in_days = day is None or abs((timezone.localtime(attack.occurred_at).date() - day).days) <= window
        in_reach = attack.km is None or attack.km <= settings.LINK_MAX_DISTANCE_KM
        attack.nearby = (
            in_days and in_reach and (here is None or attack.km is not None or attack.place_id == centre.place_id)
        )
        if attack.nearby or by_number:
            rows.append(attack)
    rows.sort(key=lambda a: (not a.nearby, a.km if a.km is not None else 1e9, -a.occurred_at.timestamp()))
    return rows[:CANDIDATES_SHOWN]


def attack_summary(attack_id: int) -> dict | None:
    """What a reader compares of one attack: its figures, claims, sources, munitions and decisions."""
    attack = Attack.objects.select_related("place", "wave").defer("search_vector").filter(pk=attack_id).first()
    if attack is None:
        return None
    labels = dict(Category.choices)
    order = {c: i for i, c in enumerate(Category.values)}
    figures = sorted(PublishedFigure.objects.filter(attack=attack), key=lambda f: order.get(f.category, 99))
    claims = list(
        Claim.objects.filter(attack=attack).select_related("article__outlet").order_by("category", "reported_at", "id")
    )
    return {
        "attack": attack,
        "figures": [{"label": labels.get(f.category, f.category), "f": f} for f in figures],
        "claims": [{"label": labels.get(c.category, c.category), "c": c} for c in claims],
        "claim_ids": sorted(c.pk for c in claims),
        "articles": list(
            Article.objects.filter(attack=attack).select_related("outlet").order_by("published_at", "id").defer("text")
        ),
        "munitions": list(
            AttackMunition.objects.filter(attack=attack).select_related("munition").order_by("munition__name")
        ),
        "decisions": list(
            Decision.objects.filter(attack=attack, is_current=True).select_related("decided_by").order_by("category")
        ),
        "versions": Counter(Decision.objects.filter(attack=attack).values_list("category", flat=True)),
    }


def _trial(run):
    """Run ``run()`` (a merge or split) and return what it returned, then undo every write."""
    result = {}
    try:
        with transaction.atomic():
            result["value"] = run()
            raise _RolledBack
    except _RolledBack:
        pass
    return result["value"]


def _published_refusal(request, *attacks) -> str:
    if can_decide(request.user):
        return ""
    published = [a.pk for a in attacks if a is not None and a.status == AttackStatus.PUBLISHED]
    if not published:
        return ""
    which = " and ".join(str(pk) for pk in published)
    return (
        f"Attack {which} is published: merging or splitting it changes the public record at once, so only an "
        "editor may confirm it. Send an editor this page's address."
    )


# --- the picker ---


@log_required
@require_GET
def attack_merge_candidates(request, pk: int):
    """The picker's list (htmx fragment): attacks near this one, filtered by what is typed."""
    attack = get_object_or_404(Attack.objects.select_related("place"), pk=pk)
    q = request.GET.get("q", "")[:100]
    rows = nearby_attacks(centre=attack, day=None, q=q, exclude={attack.pk})
    return render(
        request,
        "strikes/_merge_candidates.html",
        {
            "rows": rows,
            "q": q,
            "centre": attack,
            "mode": "merge",
            "km": settings.LINK_MAX_DISTANCE_KM,
            "days": settings.LINK_DATE_WINDOW_DAYS,
        },
    )


@log_required
@require_GET
def article_move_candidates(request, pk: int):
    """The review page's picker for "Move to": attacks near the article's attack (or its day)."""
    article = get_object_or_404(Article.objects.select_related("attack__place"), pk=pk)
    centre = article.attack
    day = None
    if centre is None:
        report_day = (article.report or {}).get("event_date")
        try:
            day = dt.date.fromisoformat(str(report_day)[:10]) if report_day else None
        except ValueError:
            day = None
        if day is None and article.published_at:
            day = timezone.localtime(article.published_at).date()
    q = request.GET.get("q", "")[:100]
    rows = nearby_attacks(centre=centre, day=day, q=q, exclude={centre.pk} if centre else ())
    return render(
        request,
        "strikes/_merge_candidates.html",
        {
            "rows": rows,
            "q": q,
            "centre": centre,
            "mode": "move",
            "km": settings.LINK_MAX_DISTANCE_KM,
            "days": settings.LINK_DATE_WINDOW_DAYS,
        },
    )


# --- merge ---


def _merge_direction(attack: Attack, other: Attack, keep: str) -> tuple[Attack, Attack]:
    """(source, target): ``keep`` names the attack that stays ("this" or "other"). By default
    a published attack is kept over a draft (its page and number stay), else this one."""
    if keep not in ("this", "other"):
        keep = "other" if other.status == AttackStatus.PUBLISHED and attack.status != AttackStatus.PUBLISHED else "this"
    return (other, attack) if keep == "this" else (attack, other)


@log_required
@require_http_methods(["GET", "POST"])
def attack_merge_page(request, pk: int):
    """Pick a nearby attack, compare the two side by side, preview the merge, confirm it."""
    attack = get_object_or_404(Attack.objects.select_related("place"), pk=pk)
    raw_other = request.POST.get("other") if request.method == "POST" else request.GET.get("other")
    other = None
    error = ""
    if raw_other:
        other = (
            Attack.objects.select_related("place")
            .exclude(pk=attack.pk)
            .filter(pk=int(raw_other) if str(raw_other).isdigit() else 0)
            .first()
        )
        if other is None:
            error = "Choose another attack from the list."
    keep = (request.POST if request.method == "POST" else request.GET).get("keep", "")
    if request.method == "POST":
        if other is None:
            return _merge_render(request, attack, None, keep, error or "Choose the attack to merge with.", status=400)
        source, target = _merge_direction(attack, other, keep)
        source_pk = source.pk
        try:
            kept = attack_merge(source=source, target=target, by=request.user)
        except ValidationError as exc:
            return _merge_render(request, attack, other, keep, " ".join(exc.messages), status=400)
        messages.success(request, f"Attack {source_pk} merged into attack {kept.pk}: its sources and figures are here.")
        return redirect("attack-detail", pk=kept.pk)
    return _merge_render(request, attack, other, keep, error, status=400 if error else 200)


def _merge_render(request, attack, other, keep, error, *, status=200):
    q = request.GET.get("q", "")[:100]
    context = {
        "attack": attack,
        "other": other,
        "error": error,
        "km": settings.LINK_MAX_DISTANCE_KM,
        "days": settings.LINK_DATE_WINDOW_DAYS,
        # The list as first shown (and the page's answer to a search sent without JavaScript).
        "q": q,
        "rows": nearby_attacks(centre=attack, day=None, q=q, exclude={attack.pk}),
        "centre": attack,
        "mode": "merge",
    }
    if other is not None:
        source, target = _merge_direction(attack, other, keep)
        context.update(
            {
                "this": attack_summary(attack.pk),
                "that": attack_summary(other.pk),
                "keep": "this" if target.pk == attack.pk else "other",
                "source": source,
                "target": target,
                "refusal": _published_refusal(request, attack, other),
                "preview": _trial(lambda: _merge_preview(source, target)),
            }
        )
    return render(request, "strikes/attack_merge.html", context, status=status)


def _fresh(attack: Attack) -> Attack:
    """A copy of the row for a trial run: a merge deletes its source (setting the instance's pk
    to None) and a figures refresh writes onto the instance, which the page still shows."""
    return Attack.objects.get(pk=attack.pk)


def _merge_preview(source: Attack, target: Attack) -> dict:
    source, target = _fresh(source), _fresh(target)
    before = {c.category for c in Decision.objects.filter(attack=source, is_current=True)}
    kept_decisions = set(Decision.objects.filter(attack=target).values_list("category", flat=True))
    attack_merge(source=source, target=target, by=None)
    summary = attack_summary(target.pk)
    labels = dict(Category.choices)
    summary["decisions_history_only"] = [labels.get(c, c) for c in sorted(before & kept_decisions)]
    return summary


# --- split ---


@log_required
@require_http_methods(["GET", "POST"])
def attack_split_page(request, pk: int):
    """Choose which of the attack's sources become a new attack, preview, confirm."""
    attack = get_object_or_404(Attack.objects.select_related("place"), pk=pk)
    articles = list(Article.objects.filter(attack=attack).select_related("outlet").order_by("published_at", "id"))
    claims: dict[int, list[Claim]] = {}
    for claim in Claim.objects.filter(attack=attack, article__isnull=False).order_by("category", "id"):
        claims.setdefault(claim.article_id, []).append(claim)
    for article in articles:
        article.claim_list = claims.get(article.pk, [])
    known = {a.pk for a in articles}
    chosen = [int(v) for v in request.POST.getlist("articles") if v.isdigit() and int(v) in known]
    action = request.POST.get("action", "")
    context = {
        "attack": attack,
        "this": attack_summary(attack.pk),
        "articles": articles,
        "chosen": set(chosen),
        "refusal": _published_refusal(request, attack),
        "error": "",
    }
    if request.method == "GET":
        return render(request, "strikes/attack_split.html", context)
    if not chosen:
        context["error"] = "Tick at least one source to move to the new attack."
    elif len(chosen) == len(articles):
        context["error"] = "Leave at least one source on this attack: moving them all is not a split."
    if context["error"]:
        return render(request, "strikes/attack_split.html", context, status=400)
    if action == "confirm":
        try:
            new = attack_split(attack=attack, article_ids=chosen, by=request.user)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            messages.success(
                request, f"Split: {len(chosen)} source(s) moved from attack {attack.pk} to this new draft."
            )
            return redirect("attack-detail", pk=new.pk)
        return render(request, "strikes/attack_split.html", context, status=400)
    context["preview"] = _trial(lambda: _split_preview(attack, chosen))
    return render(request, "strikes/attack_split.html", context)


def _split_preview(attack: Attack, chosen: list[int]) -> dict:
    attack = _fresh(attack)
    new = attack_split(attack=attack, article_ids=chosen, by=None)
    return {"remaining": attack_summary(attack.pk), "new": attack_summary(new.pk)}
