"""``manage.py create_demo_users``: one local user per role, with printed passwords.

For local demos only: it refuses to run unless DEBUG is on. Passwords are random on
first creation and kept in ``.state/demo-users.json`` (ignored by git, readable by
the owner only), so later runs print the same ones; a user whose password no longer
matches the stored one gets it back, so the printed password always works.
"""

import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.checks import demo_email
from config.roles import ANALYST, EDITOR, RESEARCHER

# (username, role); role "admin" is a superuser, the others are groups of that name.
DEMO_USERS = [("analyst", ANALYST), ("editor", EDITOR), ("researcher", RESEARCHER), ("admin", "admin")]
DEFAULT_STATE_FILE = Path(settings.BASE_DIR) / ".state" / "demo-users.json"


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created 0600 from the start: the file holds passwords.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)


class Command(BaseCommand):
    help = "Create (or reset) one demo user per role and print their local-only passwords. DEBUG only."

    def add_arguments(self, parser):
        parser.add_argument("--state-file", type=Path, default=DEFAULT_STATE_FILE, help="Where passwords are kept.")

    def handle(self, *args, state_file: Path, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create demo users: DEBUG is off. Demo users with printed passwords must never "
                "exist in production; create real accounts with `manage.py createsuperuser` and the admin."
            )
        User = get_user_model()
        stored = _read(state_file)
        rows = []
        with transaction.atomic():
            for username, role in DEMO_USERS:
                password = stored.get(username) or secrets.token_urlsafe(12)
                stored[username] = password
                user, _ = User.objects.get_or_create(username=username)
                changed = not user.check_password(password)
                if user.email != demo_email(username):
                    # The mark by which production refuses to start while demo users can log in.
                    user.email, changed = demo_email(username), True
                if changed:
                    user.set_password(password)
                if role == "admin" and not (user.is_superuser and user.is_staff):
                    user.is_superuser = user.is_staff = changed = True
                if changed:
                    user.save()
                if role != "admin":
                    group, _ = Group.objects.get_or_create(name=role)
                    user.groups.add(group)
                rows.append((username, password, role))
        _write(state_file, stored)

        self.stdout.write(f"Demo users (local only; passwords kept in {state_file}):")
        for username, password, role in rows:
            self.stdout.write(f"  {username:<11} {password:<18} {role}")
