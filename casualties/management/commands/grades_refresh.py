"""``manage.py grades_refresh``: recompute every attack's evidence grade (or some attacks')."""

from django.core.management.base import BaseCommand, CommandError

from casualties.services import grades_refresh


class Command(BaseCommand):
    help = (
        "Recompute the evidence grade of every attack with sources (after changing outlets' grades, "
        "or on a database upgraded from before grades); editors' overrides are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Only these attack ids (default: every attack).")
        parser.add_argument("--batch", type=int, default=500, help="Attacks per transaction (default 500).")

    def handle(self, *args, **options):
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done:,} of {total:,} attacks graded")

        changed = grades_refresh(options["ids"] or None, batch=options["batch"], progress=progress)
        self.stdout.write(f"Evidence grades: {changed:,} changed.")
