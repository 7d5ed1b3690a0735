"""Roles and what each may do.

Roles are Django groups (analyst, editor, researcher); superusers are admins.
Capabilities nest: an editor may do everything an analyst may, an admin
everything. Views, the API and templates all ask the same three questions here,
so a rule cannot differ between the browser and the API.
"""

import functools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from config.errors import friendly_errors

ANALYST = "analyst"
EDITOR = "editor"
RESEARCHER = "researcher"
ROLES = (ANALYST, EDITOR, RESEARCHER)


def user_roles(user) -> set[str]:
    """The role names of ``user`` (empty for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_strikewatch_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {"admin", ANALYST, EDITOR, RESEARCHER}
        user._strikewatch_roles = cached
    return cached


def public_name(user, role: str = "Editor") -> str | None:
    """How a person is named where the public can read it (decisions on attack pages and in the
    API): the public name they chose on their profile page, else their role and number ("Editor
    12"). Never the username: it is half of a login. None for no user (a system write)."""
    if user is None:
        return None
    chosen = user.get_full_name().strip()
    return chosen or f"{role} {user.pk}"


def can_log(user) -> bool:
    """May create and edit attacks, claims and articles (analysts and up)."""
    return bool(user_roles(user) & {ANALYST, EDITOR})


def can_decide(user) -> bool:
    """May decide figures, publish and retract attacks (editors and admins)."""
    return EDITOR in user_roles(user)


def can_see_unpublished(user) -> bool:
    """May see drafts and retracted attacks (staff: analysts and up)."""
    return can_log(user)


# --- Gates for page views: the one way a page says who may open it ---


def require(allowed: bool, message: str = "") -> None:
    """Refuse (403) unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)


def _gate(capability, message: str):
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            require(capability(request.user), message)
            return view(request, *args, **kwargs)

        return friendly_errors(wrapped)

    return decorator


def log_required(view):
    """Analysts, editors and admins; anonymous users go to the login page, others get a 403 page."""
    return _gate(can_log, "This page is for analysts, editors and admins.")(view)


def decide_required(view):
    """Editors and admins; anonymous users go to the login page, others get a 403 page."""
    return _gate(can_decide, "This page is for editors.")(view)


def roles_context(request) -> dict:
    """Template context: what the current user may do, for the navigation."""
    user = request.user
    return {
        "can_log": can_log(user),
        "can_decide": can_decide(user),
        "can_see_unpublished": can_see_unpublished(user),
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }


class ReadPublishedOrRole(BasePermission):
    """Reads: everyone when PUBLIC_API is on, else signed-in users.

    Writes: the view's ``write_capability`` ("log" or "decide") decides; a view
    without one is read-only.
    """

    message = "You do not have permission for this action."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return settings.PUBLIC_API or bool(request.user and request.user.is_authenticated)
        capability = getattr(view, "write_capability", None)
        if capability == "log":
            return can_log(request.user)
        if capability == "decide":
            return can_decide(request.user)
        return False
