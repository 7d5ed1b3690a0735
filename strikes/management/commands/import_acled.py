"""``manage.py import_acled FILE``: an ACLED-style CSV (ACLED's export, or ours read back) as attacks."""

from django.core.management.base import BaseCommand

from strikes.importers.acled import acled_import
from strikes.importers.command import run_and_report, user_for


class Command(BaseCommand):
    help = (
        "Import an ACLED-style CSV: ACLED's export (explosions/remote violence events become published "
        "attacks, fatalities a killed claim attributed to ACLED) or Strikewatch's own CSV export read back. "
        "Idempotent by event_id_cnty; UKR-SW<id> ids of our export map back to the same attacks."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file.")
        parser.add_argument("--encoding", help="Force the file encoding (default: UTF-8 when valid, else cp1252).")
        parser.add_argument("--by", metavar="USERNAME", help="Record the import in the history as this user.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, **options):
        run_and_report(
            self,
            acled_import,
            path=options["file"],
            by=user_for(options["by"]),
            show_progress=not options["no_progress"],
            encoding=options["encoding"],
        )
