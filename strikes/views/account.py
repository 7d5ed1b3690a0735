"""The account page: the user's API token."""

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
    """The user's API token: shown, created, or regenerated (the old one stops working)."""
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in {"create", "regenerate"}:
            return HttpResponseBadRequest("Unknown action: use create or regenerate.")
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            token = Token.objects.create(user=request.user)
        messages.success(request, "New token created." if action == "create" else "Token regenerated.")
        return redirect("profile")
    return render(request, "strikes/profile.html", {"token": token})
