"""The account page: the user's public name and API token."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from config.errors import friendly_errors


@friendly_errors
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The user's public name (shown on their decisions instead of the username) and API token:
    shown, created, or regenerated (the old one stops working)."""
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "name":
            return _public_name_set(request)
        if action not in {"create", "regenerate"}:
            return HttpResponseBadRequest("Unknown action: use name, create or regenerate.")
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            token = Token.objects.create(user=request.user)
        messages.success(request, "New token created." if action == "create" else "Token regenerated.")
        return redirect("profile")
    return render(request, "strikes/profile.html", {"token": token})


PUBLIC_NAME_MAX = 60


def _public_name_set(request):
    """Save the name shown on the user's decisions; blank goes back to "Editor <number>"."""
    name = " ".join(request.POST.get("public_name", "").split())
    if len(name) > PUBLIC_NAME_MAX or any(not ch.isprintable() for ch in name):
        messages.error(request, f"A public name is at most {PUBLIC_NAME_MAX} printable characters.")
        return render(
            request,
            "strikes/profile.html",
            {"token": Token.objects.filter(user=request.user).first(), "public_name_error": True},
            status=400,
        )
    # Django's user has no display-name field; its full name (first + last) is what
    # get_full_name() and every public_name() read, so the chosen name is kept there whole.
    request.user.first_name, request.user.last_name = name, ""
    request.user.save(update_fields=["first_name", "last_name"])
    shown = f"Your decisions now show “{name}”." if name else "Your decisions show your role and number."
    messages.success(request, shown)
    return redirect("profile")
