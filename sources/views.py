"""Ingest pages for analysts: submit URLs, texts, lists and feeds; watch articles arrive.

Thin views: forms check shape, services do the work, templates escape everything
(fetched and pasted text is shown as text, never as HTML).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from config.forms import apply_service_errors
from config.roles import log_required
from sources.forms import BulkSubmitForm, FeedForm, TextSubmitForm, UrlSubmitForm
from sources.models import Article, BulkJob, Feed
from sources.querysets import IN_PROGRESS
from sources.services import (
    article_retry,
    article_submit_text,
    article_submit_url,
    bulk_job_create,
    feed_create,
    feed_poll_now,
    feed_update,
)

RECENT = 50
FORMS = {"fetch": UrlSubmitForm, "paste": TextSubmitForm, "bulk": BulkSubmitForm, "feed": FeedForm}


def _recent_context() -> dict:
    articles = list(Article.objects.recent(RECENT))
    return {"articles": articles, "polling": any(a.status in IN_PROGRESS for a in articles)}


def _page(request, bound=None, status=200):
    """The ingest page; ``bound`` replaces one of the blank forms with a submitted, invalid one."""
    forms = {prefix: form_class(prefix=prefix) for prefix, form_class in FORMS.items()}
    if bound is not None:
        forms[bound.prefix] = bound
    context = {
        "forms": forms,
        "jobs": BulkJob.objects.order_by("-created_at", "-id")[:5],
        "feeds": Feed.objects.select_related("outlet").order_by("url")[:200],
        **_recent_context(),
    }
    return render(request, "sources/ingest.html", context, status=status)


@require_GET
@log_required
def ingest(request):
    return _page(request)


@require_GET
@log_required
def ingest_recent(request):
    """The recent-articles table alone, polled by htmx while work is in progress."""
    return render(request, "sources/_recent.html", _recent_context())


@require_POST
@log_required
def submit_url(request):
    form = UrlSubmitForm(request.POST, prefix="fetch")
    if form.is_valid():
        try:
            article, created = article_submit_url(url=form.cleaned_data["url"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if created:
                messages.success(request, "Queued for fetching.")
            else:
                messages.info(request, "This URL is already known: here is its article.")
            return redirect("article-detail", pk=article.pk)
    return _page(request, form, status=400)


@require_POST
@log_required
def submit_text(request):
    form = TextSubmitForm(request.POST, prefix="paste")
    if form.is_valid():
        data = form.cleaned_data
        try:
            article, created = article_submit_text(
                text=data["text"],
                by=request.user,
                url=data["url"],
                outlet_name=data["outlet"],
                title=data["title"],
                published_at=data["published_at"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if created:
                messages.success(request, "Text stored.")
            else:
                messages.info(request, "This text (or URL) was already stored: here is its article.")
            return redirect("article-detail", pk=article.pk)
    return _page(request, form, status=400)


@require_POST
@log_required
def submit_bulk(request):
    form = BulkSubmitForm(request.POST, request.FILES, prefix="bulk")
    if form.is_valid():
        try:
            job = bulk_job_create(urls=form.cleaned_data["lines"], name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{job.total} URLs submitted.")
            return redirect(reverse("ingest") + f"#bulk-{job.pk}")
    return _page(request, form, status=400)


@require_GET
@log_required
def bulk_job_progress(request, pk):
    job = get_object_or_404(BulkJob, pk=pk)
    return render(request, "sources/_bulk_job.html", {"job": job})


@require_POST
@log_required
def feed_add(request):
    form = FeedForm(request.POST, prefix="feed")
    if form.is_valid():
        try:
            feed = feed_create(
                url=form.cleaned_data["url"],
                poll_interval_minutes=form.cleaned_data["poll_interval_minutes"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Feed added: {feed.url}")
            return redirect(reverse("ingest") + "#feeds")
    return _page(request, form, status=400)


@require_POST
@log_required
def feed_toggle(request, pk):
    feed = get_object_or_404(Feed, pk=pk)
    feed_update(feed=feed, is_active=not feed.is_active, by=request.user)
    messages.success(request, f"Feed {'resumed' if feed.is_active else 'paused'}: {feed.url}")
    return redirect(reverse("ingest") + "#feeds")


@require_POST
@log_required
def feed_poll(request, pk):
    feed = get_object_or_404(Feed, pk=pk)
    if not feed.is_active:
        messages.error(request, "Resume the feed before polling it.")
    else:
        feed_poll_now(feed=feed, by=request.user)
        messages.success(request, f"Poll requested: {feed.url}")
    return redirect(reverse("ingest") + "#feeds")


def _article_context(article: Article) -> dict:
    return {
        "article": article,
        "polling": article.status in IN_PROGRESS,
        "review_url": reverse("article-review", args=[article.pk]),
        "attack_url": reverse("attack-detail", args=[article.attack_id]) if article.attack_id else "",
    }


@require_GET
@log_required
def article_detail(request, pk):
    article = get_object_or_404(
        Article.objects.select_related("outlet", "feed", "duplicate_of", "submitted_by").defer("raw_body"), pk=pk
    )
    return render(request, "sources/article_detail.html", _article_context(article))


@require_POST
@log_required
def article_retry_view(request, pk):
    """Ask again for a failed article (its fetch, or its extraction when it has text)."""
    article = get_object_or_404(Article.objects.defer("raw_body"), pk=pk)
    if article.status != "failed":
        messages.error(request, "Only a failed article can be retried.")
    else:
        article_retry(article=article, by=request.user)
        messages.success(request, "Retry requested.")
    return redirect(reverse("article-detail", args=[pk]))


@require_GET
@log_required
def article_status(request, pk):
    """The status box of an article alone, polled by htmx while it is being fetched."""
    article = get_object_or_404(Article.objects.select_related("duplicate_of").defer("raw_body", "text"), pk=pk)
    return render(request, "sources/_article_status.html", _article_context(article))


@require_GET
def source_detail(request, pk):
    """A source as the public reads it: title, outlet and grade, date, a link to the original,
    and the figures it supports on the attacks the reader may see, each with its quote.

    A 404 for an article that supports nothing the reader may see (a visitor sees only sources
    of published attacks); staff also get a link to the ingest record.
    """
    from casualties.models import Claim
    from strikes.models import Attack

    visible = Attack.objects.visible_to(request.user)
    article = get_object_or_404(
        Article.objects.select_related("outlet")
        .defer("raw_body", "text", "report")
        .filter(Q(attack__in=visible) | Q(claims__attack__in=visible))
        .distinct(),
        pk=pk,
    )
    claims = (
        Claim.objects.filter(article=article, attack__in=visible, withdrawn_at__isnull=True, pending_review=False)
        .select_related("attack__place")
        .order_by("attack__occurred_at", "attack_id", "category")
    )
    attacks = visible.filter(Q(pk=article.attack_id) | Q(claims__article=article)).select_related("place").distinct()
    return render(
        request,
        "sources/source.html",
        {"article": article, "claims": claims, "attacks": attacks.order_by("occurred_at", "id")},
    )
