"""``manage.py import_ucdp FILE``: UCDP GED events as published attacks with UCDP's death estimates."""

from django.core.management.base import BaseCommand

from strikes.importers.command import run_and_report, user_for
from strikes.importers.ucdp import ucdp_import


class Command(BaseCommand):
    help = (
        "Import a UCDP GED CSV file (Windows-1252 or UTF-8; US-style dates) as published attacks, "
        "with UCDP's best/low/high deaths as a claim and a decision attributed to UCDP and its "
        "source articles kept as sources. Idempotent by UCDP id."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the UCDP GED CSV file.")
        parser.add_argument("--encoding", help="Force the file encoding (default: UTF-8 when valid, else cp1252).")
        parser.add_argument("--by", metavar="USERNAME", help="Record the import in the history as this user.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, **options):
        run_and_report(
            self,
            ucdp_import,
            path=options["file"],
            by=user_for(options["by"]),
            show_progress=not options["no_progress"],
            encoding=options["encoding"],
        )
