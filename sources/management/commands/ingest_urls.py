"""python manage.py ingest_urls FILE: submit a list of URLs (one a line) and show progress."""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sources.management.commands._ingest import run_in_process, wait_for, worker_available
from sources.models import Article
from sources.services import bulk_job_create


class Command(BaseCommand):
    help = (
        "Submit the URLs in FILE (one a line; blank lines and # comments skipped; '-' reads stdin) as one bulk "
        "job, then show progress until each is stored, a duplicate, or failed. Without a running Celery worker "
        "the pages are fetched in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A text file of URLs, or - for standard input.")
        parser.add_argument("--name", default="", help="A name for the job (default: the file name).")
        parser.add_argument("--in-process", action="store_true", help="Fetch here even if workers are running.")
        parser.add_argument("--no-wait", action="store_true", help="Submit to the workers and return at once.")
        parser.add_argument("--timeout", type=float, default=1800, help="Seconds to wait for the workers.")

    def handle(self, *args, **options):
        source = options["file"]
        try:
            if source == "-":
                lines = sys.stdin.read().splitlines()
            else:
                lines = Path(source).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {source}: {exc}") from None

        if options["in_process"]:
            use_workers, why = False, "--in-process was given"
        else:
            use_workers, why = worker_available()
        if not use_workers:
            self.stderr.write(f"Fetching in this process: {why}.")
        try:
            job = bulk_job_create(urls=lines, name=options["name"] or Path(source).name, enqueue=use_workers)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for url, reason in job.invalid_lines:
            self.stderr.write(f"Skipped {url!r}: {reason}")

        ids = list(Article.objects.filter(bulk_job=job).order_by("pk").values_list("pk", flat=True))
        settled_before = job.total - len(ids)
        if not use_workers:
            run_in_process(ids, stderr=self.stderr, initial=settled_before, total=job.total)
        elif options["no_wait"]:
            self.stdout.write(f"Job {job.pk}: {len(ids)} URLs sent to the workers; follow it on the ingest page.")
            return
        elif not wait_for(ids, stderr=self.stderr, timeout=options["timeout"], initial=settled_before, total=job.total):
            self.stderr.write("Timed out waiting; the workers carry on (see the ingest page).")

        # The job's counters are bumped as each line settles, exactly once (services._text_store / _finish).
        job.refresh_from_db()
        summary = f"{job.total} URLs: {job.new} new, {job.duplicate} duplicate, {job.failed} failed"
        if job.done < job.total:
            summary += f", {job.total - job.done} still in progress"
        self.stdout.write(summary + ".")
