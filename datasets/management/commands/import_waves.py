"""``manage.py import_waves DAILY_CSV [--weapons WEAPONS_CSV]``: the nightly attacks dataset as waves."""

from datasets.importers.command import ImportCommand
from datasets.importers.waves import waves_import


class Command(ImportCommand):
    help = (
        "Import the nightly attacks dataset (missile_attacks_daily.csv) as waves with launched and "
        "intercepted counts per weapon. Re-importing the file, or a newer version of it, updates waves "
        "instead of adding them. --weapons extends the munition catalogue from missiles_and_uavs.csv first."
    )
    importer = waves_import
    file_help = "Path to missile_attacks_daily.csv (or a newer version of it)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--weapons", metavar="WEAPONS_CSV", help="Path to missiles_and_uavs.csv.")

    def importer_kwargs(self, options) -> dict:
        return {"weapons_path": options["weapons"]}
