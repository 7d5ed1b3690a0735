"""``manage.py import_ucdp FILE``: UCDP GED events as published attacks with UCDP's death estimates."""

from datasets.importers.command import ImportCommand
from datasets.importers.ucdp import ucdp_import


class Command(ImportCommand):
    help = (
        "Import a UCDP GED CSV file (Windows-1252 or UTF-8; US-style dates) as published attacks, "
        "with UCDP's best/low/high deaths as a claim and a decision attributed to UCDP and its "
        "source articles kept as sources. Idempotent by UCDP id."
    )
    importer = ucdp_import
    file_help = "Path to the UCDP GED CSV file."
