"""Editors' pages: the queue (open conflicts, new sources, proposed changes), the decision on one
figure, and an attack's evidence grade."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from casualties import services
from casualties.choices import Category
from casualties.forms import DecisionForm, GradeOverrideForm, RestoreForm
from casualties.models import Claim, Decision, Proposal, PublishedFigure
from casualties.selectors import (
    agrees_with_figure,
    conflicts_queue,
    decision_changes,
    figure_review,
    grade_review,
    new_sources_queue,
    open_proposals,
)
from config.forms import apply_service_errors
from config.roles import can_decide, require
from strikes.models import Attack

QUEUE_PAGE_SIZE = 50


@login_required
@require_GET  # a read-only queue: its forms post to claim-accept and proposal-decide
def conflicts(request):
    """The queue: disputed figures without a decision, most severe first."""
    require(can_decide(request.user), "Only editors decide figures.")
    include_drafts = request.GET.get("drafts") == "1"
    page = Paginator(conflicts_queue(include_drafts=include_drafts), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    new_sources = list(new_sources_queue()[:QUEUE_PAGE_SIZE])
    best = {
        (a, c): b
        for a, c, b in PublishedFigure.objects.filter(attack_id__in={c.attack_id for c in new_sources}).values_list(
            "attack_id", "category", "best"
        )
    }
    proposals = [(p, services.proposal_diff(p)) for p in open_proposals()[:QUEUE_PAGE_SIZE]]
    return render(
        request,
        "casualties/conflicts.html",
        {
            "page": page,
            "include_drafts": include_drafts,
            "new_sources": [(c, agrees_with_figure(c, best)) for c in new_sources],
            "proposals": proposals,
        },
    )


@login_required
@require_POST
def claim_accept(request, pk: int):
    """One click: a new source that agrees with the published figure starts to count.

    A conflicting one is not accepted here: the editor is taken to the decision page.
    """
    require(can_decide(request.user), "Only editors decide figures.")
    claim = get_object_or_404(Claim, pk=pk)
    try:
        services.claim_accept(claim=claim, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("decision", pk=claim.attack_id, category=claim.category)
    messages.success(request, f"Claim {claim.pk} accepted: it counts in the published figure.")
    return redirect("conflicts")


@login_required
@require_POST
def proposal_decide(request, pk: int):
    """An editor applies or rejects an analyst's proposed change (``action`` = apply | reject)."""
    require(can_decide(request.user), "Only editors decide figures.")
    proposal = get_object_or_404(Proposal, pk=pk)
    action = request.POST.get("action")
    if action not in {"apply", "reject"}:
        return HttpResponseBadRequest("Unknown action: use apply or reject.")
    try:
        if action == "apply":
            services.proposal_apply(proposal=proposal, by=request.user)
        else:
            services.proposal_reject(proposal=proposal, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "Nothing was changed: " + " ".join(exc.messages))
    else:
        messages.success(request, f"Proposal {proposal.pk} {'applied' if action == 'apply' else 'rejected'}.")
    return redirect("conflicts")


def _initial(review) -> dict:
    """Start from the current decision, else from the recommended suggestion."""
    if review.current is not None:
        d = review.current
        return {"best": d.best, "low": d.low, "high": d.high, "rationale": d.rationale}
    if review.suggestions:
        s = review.suggestions[0]
        return {"best": s.best, "low": s.low, "high": s.high, "rationale": s.reason}
    return {}


@login_required
def decision(request, pk: int, category: str):
    """The claims of one figure side by side, suggestions, the decision form and its history."""
    require(can_decide(request.user), "Only editors decide figures.")
    if category not in Category.values:
        raise Http404("No such figure.")
    attack = get_object_or_404(Attack.objects.select_related("place"), pk=pk)
    review = figure_review(attack, category)
    claims = [row.claim for row in review.claims]
    status, stale, stale_changes = 200, None, []

    if request.method == "POST":
        form = DecisionForm(request.POST, claims=claims)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.decision_make(
                    attack=attack,
                    category=category,
                    best=data["best"],
                    low=data["low"],
                    high=data["high"],
                    rationale=data["rationale"],
                    claim_ranks=form.claim_ranks(),
                    expected_version=data["expected_version"],
                    by=request.user,
                )
            except services.StaleDecision as exc:
                stale = exc
                started = Decision.objects.filter(
                    attack=attack, category=category, version=data["expected_version"]
                ).first()
                if exc.current is not None:
                    stale_changes = decision_changes(started, exc.current)
                # Keep everything the editor typed; a second save now knowingly replaces the other version.
                kept = request.POST.copy()
                kept["expected_version"] = exc.current.version if exc.current else 0
                review = figure_review(attack, category)
                form = DecisionForm(kept, claims=[row.claim for row in review.claims])
                form.is_valid()
                status = 409
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request, f"Saved version {saved.version} of the {saved.get_category_display()} figure."
                )
                return redirect("decision", pk=attack.pk, category=category)
        else:
            status = 400
    else:
        form = DecisionForm(initial={**_initial(review), "expected_version": review.current_version}, claims=claims)

    rows = [(row, *form.rank_fields(row.claim)) for row in review.claims]
    return render(
        request,
        "casualties/decision.html",
        {
            "attack": attack,
            "review": review,
            "form": form,
            "rows": rows,
            "stale": stale,
            "stale_changes": stale_changes,
            "restore_version": review.current_version,
        },
        status=status,
    )


@login_required
@require_POST
def decision_restore(request, pk: int):
    """Restore an earlier version as a new version, if nobody saved since the page was shown."""
    require(can_decide(request.user), "Only editors decide figures.")
    old = get_object_or_404(Decision.objects.select_related("attack"), pk=pk)
    back = reverse("decision", kwargs={"pk": old.attack_id, "category": old.category})
    form = RestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The restore form was incomplete; nothing was changed.")
        return redirect(back)
    try:
        restored = services.decision_restore(
            decision=old, by=request.user, expected_version=form.cleaned_data["expected_version"]
        )
    except services.StaleDecision as exc:
        messages.error(request, f"Nothing was restored. {exc} Review the history below and try again.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Version {old.version} restored as version {restored.version}.")
    return redirect(back)


@login_required
def grade_override(request, pk: int):
    """An editor sets an attack's evidence grade with a reason, or hands it back to the sources."""
    require(can_decide(request.user), "Only editors change an attack's evidence grade.")
    attack = get_object_or_404(Attack.objects.select_related("place"), pk=pk)
    review = grade_review(attack)
    status = 200
    if request.method == "POST":
        form = GradeOverrideForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.grade_override(
                    attack=attack,
                    grade=data["grade"],
                    reason=data["reason"],
                    by=request.user,
                    expected_version=data["expected_version"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 400
            else:
                label = attack.get_grade_display()
                messages.success(request, f"Evidence grade saved: {label}.")
                return redirect("attack-detail", pk=attack.pk)
        else:
            status = 400
    else:
        form = GradeOverrideForm(
            initial={"grade": review.override.grade if review.override else "", "expected_version": review.version}
        )
    return render(request, "casualties/grade.html", {"attack": attack, "review": review, "form": form}, status=status)
