"""``manage.py import_waves DAILY_CSV [--weapons WEAPONS_CSV]``: the nightly attacks dataset as waves."""

from django.core.management.base import BaseCommand

from strikes.importers.command import run_and_report, user_for
from strikes.importers.waves import waves_import


class Command(BaseCommand):
    help = (
        "Import the nightly attacks dataset (missile_attacks_daily.csv) as waves with launched and "
        "intercepted counts per weapon. Re-importing the file, or a newer version of it, updates waves "
        "instead of adding them. --weapons extends the munition catalogue from missiles_and_uavs.csv first."
    )

    def add_arguments(self, parser):
        parser.add_argument("daily_csv", help="Path to missile_attacks_daily.csv (or a newer version of it).")
        parser.add_argument("--weapons", metavar="WEAPONS_CSV", help="Path to missiles_and_uavs.csv.")
        parser.add_argument("--encoding", help="Force the file encoding (default: UTF-8, else cp1252).")
        parser.add_argument("--by", metavar="USERNAME", help="Record the import in the history as this user.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, **options):
        run_and_report(
            self,
            waves_import,
            path=options["daily_csv"],
            weapons_path=options["weapons"],
            by=user_for(options["by"]),
            show_progress=not options["no_progress"],
            encoding=options["encoding"],
        )
