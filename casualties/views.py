"""Editors' pages: the queue of open conflicts and the decision on one figure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casualties import services
from casualties.choices import Category
from casualties.forms import DecisionForm, RestoreForm
from casualties.models import Decision
from casualties.selectors import conflicts_queue, decision_changes, figure_review
from config.roles import can_decide
from strikes.models import Attack

QUEUE_PAGE_SIZE = 50


def _require_editor(request) -> None:
    if not can_decide(request.user):
        raise PermissionDenied("Only editors decide figures.")


@login_required
def conflicts(request):
    """The queue: disputed figures without a decision, most severe first."""
    _require_editor(request)
    include_drafts = request.GET.get("drafts") == "1"
    page = Paginator(conflicts_queue(include_drafts=include_drafts), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "casualties/conflicts.html",
        {"page": page, "include_drafts": include_drafts},
    )


def _initial(review) -> dict:
    """Start from the current decision, else from the recommended suggestion."""
    if review.current is not None:
        d = review.current
        return {"best": d.best, "low": d.low, "high": d.high, "rationale": d.rationale}
    if review.suggestions:
        s = review.suggestions[0]
        return {"best": s.best, "low": s.low, "high": s.high, "rationale": s.reason}
    return {}


def _attach_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal next to the field it names (or above the form)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, msgs in errors.items():
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)


@login_required
def decision(request, pk: int, category: str):
    """The claims of one figure side by side, suggestions, the decision form and its history."""
    _require_editor(request)
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
                _attach_errors(form, exc)
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
    _require_editor(request)
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
