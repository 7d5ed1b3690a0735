"""``manage.py release [--title ...] [--notes ...]``: freeze the published data into the next release."""

from django.core.management.base import BaseCommand, CommandError

from releases.api.freeze import release_files
from releases.services import ReleaseRefused, release_freeze


class Command(BaseCommand):
    help = (
        "Freeze the published attacks and figures into the next numbered, immutable release "
        "(attacks.csv, attacks.geojson, waves.csv with SHA-256 checksums, counts, a changelog "
        "since the previous release and a suggested citation)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--title", default="", help="Title (default: 'Strikewatch release <n>').")
        parser.add_argument("--notes", default="", help="Release notes shown with the release.")

    def handle(self, *args, **options):
        try:
            release = release_freeze(
                files=release_files, title=options["title"], notes=options["notes"], progress=self.stdout.write
            )
        except ReleaseRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Release {release.number}: {release.citation}"))
