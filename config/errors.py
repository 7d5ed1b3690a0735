"""Error pages: JSON under /api/ (clients parse it), friendly HTML elsewhere.

The handlers below serve every app; ``friendly_errors`` wraps a page view so that a refusal or
a missing row renders the same pages even where Django would show its technical 404 (DEBUG).
"""

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """404: a JSON body for API paths that match no route; a page with a way back otherwise."""
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    """403, the same split."""
    if _wants_json(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return render(request, "403.html", status=403)


def server_error(request):
    """500: never leaks a traceback; JSON for API clients."""
    if _wants_json(request):
        return JsonResponse({"detail": "Server error. It has been logged."}, status=500)
    return render(request, "500.html", status=500)


def friendly_errors(view):
    """A refusal or a missing row answers with the site's 403/404 page and a way on."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)
        except Http404:
            return not_found(request)

    return wrapped
