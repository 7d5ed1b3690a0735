"""``manage.py load_reference``: write the gazetteer and munition catalogue (safe to repeat)."""

import time

from django.core.management.base import BaseCommand

from datasets.reference import reference_load


class Command(BaseCommand):
    help = "Load Ukraine's oblasts, cities and city districts and the munition catalogue (idempotent)."

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = reference_load()
        elapsed = time.monotonic() - started
        for kind, c in counts.items():
            self.stdout.write(f"{kind}: {c['created']} created, {c['updated']} updated, {c['total']} in reference data")
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded in {elapsed:.2f} s."))
