"""What the three import commands share: resolving --by, running the import, printing the summary."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from datasets.importers.common import FileRefused, ImportStopped, ImportSummary


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


class ImportCommand(BaseCommand):
    """The shared shape of the import commands: one file, --encoding, --by, --no-progress.

    Subclasses set ``importer`` (a service taking ``path``, ``by``, ``show_progress`` and
    ``encoding``) and ``file_help``, and may add options and ``importer_kwargs()``.
    """

    importer = None
    file_help = "Path to the CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument("--encoding", help="Force the file encoding (default: UTF-8 when valid, else cp1252).")
        parser.add_argument("--by", metavar="USERNAME", help="Record the import in the history as this user.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def importer_kwargs(self, options) -> dict:
        """Extra keyword arguments for the importer, from the command's own options."""
        return {}

    def handle(self, *args, **options):
        run_and_report(
            self,
            type(self).importer,
            path=options["file"],
            by=user_for(options["by"]),
            show_progress=not options["no_progress"],
            encoding=options["encoding"],
            **self.importer_kwargs(options),
        )
