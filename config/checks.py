"""Start-up checks that keep a production deployment from running with development shortcuts.

With ``DEBUG`` off (production), Django refuses to start (``manage.py`` commands, and
``config.wsgi`` for the web server, ``config.serve``) while:

- the secret key is the development key or looks like a placeholder, or
- demo users (made by ``create_demo_users``, marked by an e-mail address at ``demo.invalid``)
  can still log in: their passwords were printed on a terminal.

Each error says what to do. With ``DEBUG`` on (``make run``, ``make test``) nothing is checked.
"""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

# RFC 2606 reserves .invalid: no real account can have such an address.
DEMO_EMAIL_DOMAIN = "demo.invalid"
TAG = "strikewatch_production"


def demo_email(username: str) -> str:
    """The address that marks a demo user."""
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


@checks.register(TAG, checks.Tags.security)
def production_safety(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    errors = []
    key = settings.SECRET_KEY or ""
    # The development key (settings: "django-insecure-..."), Django's own placeholder prefix, or a
    # key too uniform to be random.
    if key.startswith("django-insecure") or len(set(key)) < 10:
        errors.append(
            checks.Error(
                "DEBUG is off but the secret key is the development key (or not a real secret).",
                hint="Set DJANGO_SECRET_KEY to a long random value, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="strikewatch.E001",
            )
        )
    errors.extend(_demo_users())
    return errors


def _demo_users() -> list[checks.CheckMessage]:
    from django.contrib.auth import get_user_model

    try:
        names = [
            user.username
            for user in get_user_model().objects.filter(email__iendswith="@" + DEMO_EMAIL_DOMAIN, is_active=True)
            if user.has_usable_password()
        ]
    except DatabaseError:  # no database yet, or no tables (before the first migrate): nothing to find
        return []
    if not names:
        return []
    return [
        checks.Error(
            f"DEBUG is off but demo users can log in: {', '.join(sorted(names))}. Their passwords were "
            "printed by `make run` and are kept in .state/demo-users.json.",
            hint="Delete them (or untick Active for each in the admin's Users) before serving: "
            f"every user whose e-mail ends in @{DEMO_EMAIL_DOMAIN} is a demo user.",
            id="strikewatch.E002",
        )
    ]


def refuse_unsafe_production() -> None:
    """For servers that run no management command (granian, ``config.serve``): raise when a check fails."""
    from django.core.exceptions import ImproperlyConfigured

    errors = [e for e in production_safety() if e.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))
