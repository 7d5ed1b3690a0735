"""What the three import commands share: resolving --by, running the import, printing the summary."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from strikes.importers.common import FileRefused, ImportStopped, ImportSummary


def user_for(username: str | None):
    """The user an import is recorded as (its history author), or None for a system import."""
    if not username:
        return None
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username})
    except User.DoesNotExist:
        raise CommandError(f"No user named {username!r} (the --by option names who runs the import).") from None


def run_and_report(command, importer, **kwargs) -> ImportSummary:
    """Run ``importer(**kwargs)`` and print its summary; a refused file is a CommandError (exit 1)."""
    try:
        summary = importer(**kwargs)
    except (FileRefused, ImportStopped) as exc:
        raise CommandError(str(exc)) from None
    for line in summary.lines():
        command.stdout.write(line)
    if summary.problems:
        command.stderr.write(f"{len(summary.problems)} bad row(s) were not imported; see the list above.")
    return summary
