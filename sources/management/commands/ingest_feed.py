"""python manage.py ingest_feed URL: register (if new) and poll a feed now, fetching its new items."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sources.canonical import InvalidURL, url_canonical
from sources.management.commands._ingest import outcome_counts, run_in_process, wait_for, worker_available
from sources.models import Feed
from sources.services import feed_create, feed_poll


class Command(BaseCommand):
    help = (
        "Poll the RSS or Atom feed at URL now (registering it if new) and fetch its new items, with a progress "
        "bar and a summary. Without a running Celery worker the pages are fetched in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="The feed's URL.")
        parser.add_argument("--interval", type=int, default=15, help="Minutes between polls, for a new feed.")
        parser.add_argument("--in-process", action="store_true", help="Fetch here even if workers are running.")
        parser.add_argument("--timeout", type=float, default=1800, help="Seconds to wait for the workers.")

    def handle(self, *args, **options):
        try:
            canonical = url_canonical(options["url"])
        except InvalidURL as exc:
            raise CommandError(str(exc)) from None
        feed = Feed.objects.filter(url=canonical).first()
        if feed is None:
            try:
                feed = feed_create(url=canonical, poll_interval_minutes=options["interval"], poll=False)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            self.stderr.write(f"Registered feed {feed.pk}: {feed.url}")
        elif not feed.is_active:
            raise CommandError(f"Feed {feed.pk} is paused; resume it on the ingest page first.")

        if options["in_process"]:
            use_workers, why = False, "--in-process was given"
        else:
            use_workers, why = worker_available()
        if not use_workers:
            self.stderr.write(f"Fetching in this process: {why}.")

        result = feed_poll(feed_id=feed.pk, force=True, enqueue=use_workers)
        if result.outcome == "error":
            raise CommandError(f"The feed could not be read: {result.error}")
        if result.outcome == "not_modified":
            self.stdout.write("The feed has not changed since the last poll: 0 new.")
            return
        if result.error:
            self.stderr.write(f"Warning: {result.error}")

        ids = result.created_ids
        total = result.items  # created + already known + unusable links
        settled_before = total - len(ids)
        if not use_workers:
            run_in_process(ids, stderr=self.stderr, initial=settled_before, total=total)
        elif not wait_for(ids, stderr=self.stderr, timeout=options["timeout"], initial=settled_before, total=total):
            self.stderr.write("Timed out waiting; the workers carry on (see the ingest page).")

        counts = outcome_counts(ids)
        summary = (
            f"{total} items: {counts['new']} new, {counts['duplicate'] + result.known} duplicate, "
            f"{counts['failed'] + result.invalid} failed"
        )
        if counts["pending"]:
            summary += f", {counts['pending']} still in progress"
        self.stdout.write(summary + ".")
