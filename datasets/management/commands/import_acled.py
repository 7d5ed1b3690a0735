"""``manage.py import_acled FILE``: an ACLED-style CSV (ACLED's export, or ours read back) as attacks."""

from datasets.importers.acled import acled_import
from datasets.importers.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import an ACLED-style CSV: ACLED's export (explosions/remote violence events become published "
        "attacks, fatalities a killed claim attributed to ACLED) or Strikewatch's own CSV export read back. "
        "Idempotent by event_id_cnty; UKR-SW<id> ids of our export map back to the same attacks."
    )
    importer = acled_import
    file_help = "Path to the CSV file."
