"""The saved searches page: list, save, delete, switch a webhook back on, with the delivery log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from config.errors import friendly_errors
from config.forms import apply_service_errors
from watch import services
from watch.forms import SavedSearchForm
from watch.models import SavedSearch

RECENT_DELIVERIES = 10


@friendly_errors
@login_required
@require_http_methods(["GET", "POST"])
def searches(request):
    """The signed-in user's saved searches (never anyone else's)."""
    own = SavedSearch.objects.filter(user=request.user)
    form = SavedSearchForm(initial={"query": request.GET.get("query", ""), "email": request.user.email})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action in {"delete", "enable"}:
            search = get_object_or_404(own, pk=request.POST.get("search"))
            if action == "delete":
                search.delete()
                messages.success(request, f"“{search.name}” deleted; it will not notify again.")
            else:
                services.webhook_enable(search=search)
                messages.success(request, f"The webhook of “{search.name}” is on again.")
            return redirect("saved-searches")
        form = SavedSearchForm(request.POST)
        if form.is_valid():
            try:
                search = services.search_save(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Saved “{search.name}”: you will be told of changes from now on.")
                return redirect("saved-searches")
        status = 400
    rows = [
        (search, list(search.deliveries.all()[:RECENT_DELIVERIES]))
        for search in own.prefetch_related("deliveries").order_by("name", "id")
    ]
    return render(request, "watch/searches.html", {"form": form, "rows": rows}, status=status)
