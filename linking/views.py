"""The article review screen: the text with its extracted figures highlighted, the proposed
attack and why, and the analyst's actions (confirm, correct a figure, move, reject)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from casualties.choices import Category, Qualifier
from casualties.models import Claim
from config.roles import can_decide, can_log, require
from linking.services import article_confirm, article_document, article_move, article_reject
from linking.services.review import (
    REVIEW_SCOPES,
    SCOPE_LABELS,
    WAVE_CATEGORIES,
    review_claim_corrected,
    review_figure_delete,
    review_figure_update,
    review_munition,
    review_state,
    review_wave_discard,
    review_wave_publish,
    review_when,
)
from sources.models import Article
from strikes.models import Attack, Wave, WaveMunition


def highlight_segments(document: str, figures: list[dict], headline: dict) -> list[dict]:
    """The document cut into plain and highlighted pieces at the figures' offsets.

    Pieces are plain strings: the template escapes them, so no article text is ever
    marked safe. Overlapping figures keep the first. A figure the review tied to its claim
    says itself whether it is recorded (``recorded``); else the headline says it.
    """
    chosen = {(f.get("start"), f.get("category")) for f in headline.values()} if headline else set()
    spans = []
    for n, f in sorted(enumerate(figures), key=lambda p: (p[1].get("start") or 0, -(p[1].get("end") or 0))):
        a, b = f.get("start"), f.get("end")
        if a is None or b is None or not (0 <= a < b <= len(document)):
            continue
        if spans and a < spans[-1][1]:
            continue
        spans.append((a, b, n, f))
    out = []
    pos = 0
    for a, b, n, f in spans:
        if a > pos:
            out.append({"text": document[pos:a]})
        label = f"{f['category'].replace('_', ' ')}: {f['qualifier'].replace('_', ' ')} {f['value']}, {f['scope']}"
        if f.get("deleted"):
            label = f"deleted in review ({label})"
        recorded = f["recorded"] if "recorded" in f else (a, f["category"]) in chosen
        out.append(
            {
                "text": document[a:b],
                "figure": f,
                "index": n,
                "label": label,
                "headline": recorded and not f.get("deleted"),
                "wider": f.get("scope") != "event",
                "deleted": bool(f.get("deleted")),
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


def _review_figures(report: dict, claims: list[Claim]) -> list[dict]:
    """Each extracted figure as the screen lists it: its values, its sentence, what it became."""
    by_id = {c.pk: c for c in claims}
    rows = []
    for n, f in enumerate(report.get("figures") or []):
        claim = by_id.get(f.get("claim_id"))
        f["recorded"] = claim is not None and claim.withdrawn_at is None
        if f.get("deleted"):
            became = "Deleted"
        elif f["recorded"]:
            pending = " (waits for an editor)" if claim.pending_review else ""
            became = f"Recorded as this attack's {claim.get_category_display().lower()} figure{pending}"
        elif f.get("wave_count"):
            became = "Counted on the night's wave"
        else:
            became = f"Not recorded ({SCOPE_LABELS.get(f.get('scope'), f.get('scope') or '?').lower()})"
        rows.append(
            {
                "index": n,
                "figure": f,
                "claim": claim,
                "became": became,
                "category_label": Category(f["category"]).label if f.get("category") in Category.values else "",
                "reviewed_at": review_when(f.get("reviewed")),
                "deleted_at": review_when(f.get("deleted")),
            }
        )
    return rows


def _render(request, article: Article, *, error: str = "", status: int = 200):
    report = review_state(article)
    document, _offset = article_document(article)
    claims = list(Claim.objects.filter(article=article).order_by("category", "id"))
    figures = _review_figures(report, claims)
    segments = highlight_segments(document, report.get("figures") or [], report.get("headline") or {})
    munitions = [
        {
            "index": n,
            "item": m,
            "reviewed_at": review_when(m.get("reviewed")),
            "dropped_at": review_when(m.get("dropped")),
        }
        for n, m in enumerate(report.get("munitions") or [])
    ]
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
            "figures": figures,
            "munitions": munitions,
            "attack": article.attack,
            "wave": wave,
            "wave_counts": wave_counts,
            "wave_is_proposal": wave is not None and wave.is_draft and wave.article_id == article.pk,
            "wave_published_at": review_when(report.get("wave_published")),
            "wave_discarded_at": review_when(report.get("wave_discarded")),
            "qualifiers": Qualifier.choices,
            "categories": Category.choices,
            "scopes": list(REVIEW_SCOPES.items()),
            "wave_categories": list(WAVE_CATEGORIES),
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
        review_claim_corrected(article=article, claim=result, by=request.user)
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


def _whole(value) -> int:
    """A whole number from a form field; ValueError otherwise."""
    number = int(str(value).strip())
    if number < 0:
        raise ValueError
    return number


def _refused(request, article: Article, exc: ValidationError):
    return _render(request, article, error="; ".join(exc.messages), status=400)


@login_required
@require_POST
def article_review_figure(request, pk: int):
    """Delete one extracted figure, or change its category, scope, qualifier or value."""
    require(can_log(request.user), "Reviewing articles is for analysts and editors.")
    article = get_object_or_404(Article.objects.select_related("outlet", "attack__place"), pk=pk)
    try:
        index = _whole(request.POST.get("figure", ""))
    except ValueError:
        return _render(request, article, error="Choose a figure of this article.", status=400)
    try:
        if request.POST.get("action") == "delete":
            outcome = review_figure_delete(article=article, index=index, by=request.user)
            done = "Figure deleted."
        else:
            try:
                value = _whole(request.POST.get("value", ""))
            except ValueError:
                return _render(request, article, error="Give the value as a whole number of at least 0.", status=400)
            outcome = review_figure_update(
                article=article,
                index=index,
                by=request.user,
                category=request.POST.get("category", ""),
                scope=request.POST.get("scope", ""),
                qualifier=request.POST.get("qualifier", ""),
                value=value,
            )
            done = "Figure changed."
            wave = outcome.get("wave")
            if wave is not None:
                if wave.is_draft and wave.article_id == article.pk:
                    done = f"Figure moved to the night's wave (proposed wave {wave.pk})."
                else:
                    done = f"Figure moved to the night's wave {wave.pk}; that wave is already known, its counts stay."
    except ValidationError as exc:
        return _refused(request, article, exc)
    if outcome.get("proposed"):
        done += " The attack is published: the change to its recorded figure went to an editor as a proposal."
    messages.success(request, done)
    return redirect(reverse("article-review", args=[pk]) + f"#figure-{index}")


@login_required
@require_POST
def article_review_munition(request, pk: int):
    """Drop one munition the article names, or correct its count."""
    require(can_log(request.user), "Reviewing articles is for analysts and editors.")
    article = get_object_or_404(Article.objects.select_related("outlet", "attack__place"), pk=pk)
    try:
        index = _whole(request.POST.get("munition", ""))
    except ValueError:
        return _render(request, article, error="Choose a munition of this article.", status=400)
    drop = request.POST.get("action") == "drop"
    try:
        count = None if drop else _whole(request.POST.get("count", ""))
    except ValueError:
        return _render(request, article, error="Give the count as a whole number of at least 0.", status=400)
    try:
        outcome = review_munition(article=article, index=index, by=request.user, drop=drop, count=count)
    except ValidationError as exc:
        return _refused(request, article, exc)
    done = "Munition dropped." if drop else "Munition count corrected."
    if outcome["proposed"]:
        done += " The attack is published: the change went to an editor as a proposal."
    messages.success(request, done)
    return redirect(reverse("article-review", args=[pk]) + "#munitions")


@login_required
@require_POST
def article_review_wave_publish(request, pk: int):
    """An editor publishes the draft wave proposed from this article."""
    require(can_decide(request.user), "Only editors publish a proposed wave.")
    article = get_object_or_404(Article.objects.select_related("outlet", "attack__place"), pk=pk)
    try:
        wave = review_wave_publish(article=article, by=request.user)
    except ValidationError as exc:
        return _refused(request, article, exc)
    messages.success(request, f"Wave {wave.pk} published.")
    return redirect(reverse("article-review", args=[pk]) + "#night-wave")


@login_required
@require_POST
def article_review_wave_discard(request, pk: int):
    """An editor discards the draft wave proposed from this article."""
    require(can_decide(request.user), "Only editors discard a proposed wave.")
    article = get_object_or_404(Article.objects.select_related("outlet", "attack__place"), pk=pk)
    try:
        wave_id = review_wave_discard(article=article, by=request.user)
    except ValidationError as exc:
        return _refused(request, article, exc)
    messages.success(request, f"Proposed wave {wave_id} discarded.")
    return redirect(reverse("article-review", args=[pk]) + "#night-wave")
