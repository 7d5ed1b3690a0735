"""The article review screen: the text with its extracted figures highlighted, the proposed
attack and why, and the analyst's actions (confirm, correct a figure, move, reject)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from casualties.choices import Qualifier
from casualties.models import Claim
from config.roles import can_log, require
from linking.services import article_confirm, article_document, article_move, article_reject
from sources.models import Article
from strikes.models import Attack, Wave, WaveMunition


def highlight_segments(document: str, figures: list[dict], headline: dict) -> list[dict]:
    """The document cut into plain and highlighted pieces at the figures' offsets.

    Pieces are plain strings: the template escapes them, so no article text is ever
    marked safe. Overlapping figures keep the first.
    """
    chosen = {(f.get("start"), f.get("category")) for f in headline.values()} if headline else set()
    spans = []
    for f in sorted(figures, key=lambda f: (f.get("start") or 0, -(f.get("end") or 0))):
        a, b = f.get("start"), f.get("end")
        if a is None or b is None or not (0 <= a < b <= len(document)):
            continue
        if spans and a < spans[-1][1]:
            continue
        spans.append((a, b, f))
    out = []
    pos = 0
    for a, b, f in spans:
        if a > pos:
            out.append({"text": document[pos:a]})
        label = f"{f['category'].replace('_', ' ')}: {f['qualifier'].replace('_', ' ')} {f['value']}, {f['scope']}"
        out.append(
            {
                "text": document[a:b],
                "figure": f,
                "label": label,
                "headline": (a, f["category"]) in chosen,
                "wider": f.get("scope") != "event",
            }
        )
        pos = b
    if pos < len(document):
        out.append({"text": document[pos:]})
    return out


@login_required
@require_GET
def article_review(request, pk: int):
    """The review page of one article."""
    require(can_log(request.user), "Reviewing articles is for analysts and editors.")
    return _render(request, get_object_or_404(Article.objects.select_related("outlet", "attack__place"), pk=pk))


def _render(request, article: Article, *, error: str = "", status: int = 200):
    report = article.report or {}
    document, _offset = article_document(article)
    segments = highlight_segments(document, report.get("figures") or [], report.get("headline") or {})
    claims = list(Claim.objects.filter(article=article).order_by("category", "id"))
    # The night's counts are shown under the night's wave, not the attack (issue 15 "Scope").
    wave = Wave.objects.filter(pk=report["wave_id"]).first() if isinstance(report.get("wave_id"), int) else None
    wave_counts = list(WaveMunition.objects.filter(wave=wave).order_by("label")) if wave is not None else []
    return render(
        request,
        "linking/article_review.html",
        {
            "article": article,
            "report": report,
            "segments": segments,
            "claims": claims,
            "attack": article.attack,
            "wave": wave,
            "wave_counts": wave_counts,
            "qualifiers": Qualifier.choices,
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def article_review_confirm(request, pk: int):
    require(can_log(request.user), "Reviewing articles is for analysts and editors.")
    article = get_object_or_404(Article, pk=pk)
    article_confirm(article=article, by=request.user)
    messages.success(request, "Confirmed.")
    return redirect(reverse("article-review", args=[pk]))


@login_required
@require_POST
def article_review_reject(request, pk: int):
    require(can_log(request.user), "Reviewing articles is for analysts and editors.")
    article = get_object_or_404(Article, pk=pk)
    article_reject(article=article, by=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, "Rejected: its extracted figures are withdrawn.")
    return redirect(reverse("article-review", args=[pk]))


@login_required
@require_POST
def article_review_correct(request, pk: int):
    """Correct one of the article's figures (value and qualifier) through the claim service."""
    from casualties.services import claim_edit

    require(can_log(request.user), "Reviewing articles is for analysts and editors.")
    article = get_object_or_404(Article.objects.select_related("attack__place"), pk=pk)
    try:
        claim = Claim.objects.get(pk=int(request.POST.get("claim", "")), article=article)
        value = int(request.POST.get("value", ""))
        qualifier = request.POST.get("qualifier", "")
        if value < 0:
            raise ValueError
        if qualifier not in Qualifier.values:
            return _render(request, article, error=f"Unknown qualifier {qualifier!r}.", status=400)
        # On a published attack an analyst's correction becomes a proposal for an editor.
        result = claim_edit(claim=claim, by=request.user, value=value, qualifier=qualifier)
    except (ValueError, Claim.DoesNotExist):
        return _render(request, article, error="Give a claim of this article and a whole number ≥ 0.", status=400)
    except ValidationError as exc:
        return _render(request, article, error="; ".join(exc.messages), status=400)
    if isinstance(result, Claim):
        messages.success(request, "Figure corrected.")
    else:
        messages.success(request, "The attack is published: your correction went to an editor as a proposed change.")
    return redirect(reverse("article-review", args=[pk]))


@login_required
@require_POST
def article_review_move(request, pk: int):
    """Move the article and its claims to another attack, given by id."""
    require(can_log(request.user), "Reviewing articles is for analysts and editors.")
    article = get_object_or_404(Article.objects.select_related("attack__place"), pk=pk)
    try:
        attack = Attack.objects.get(pk=int(request.POST.get("attack", "")))
    except (ValueError, Attack.DoesNotExist):
        return _render(request, article, error="No attack with that id.", status=400)
    article_move(article=article, attack=attack, by=request.user)
    messages.success(request, f"Moved to attack {attack.pk}.")
    return redirect(reverse("article-review", args=[pk]))
