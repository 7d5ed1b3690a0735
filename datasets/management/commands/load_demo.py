"""``manage.py load_demo``: the five demo strikes with their articles and claims (safe to repeat)."""

from django.core.management.base import BaseCommand

from datasets.demo import DEMO_EVENTS, demo_load


class Command(BaseCommand):
    help = "Load the demo attacks (Kyiv 24 April 2025 and four other reported strikes); idempotent."

    def handle(self, *args, **options):
        counts = demo_load(by=None)
        self.stdout.write(
            f"Demo: {counts['attacks']} attacks, {counts['articles']} articles and {counts['claims']} claims "
            f"created ({len(DEMO_EVENTS)} demo events in all)."
        )
