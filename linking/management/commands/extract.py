"""Print the extraction report of a text file as JSON (no database needed)."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from extraction import extract, split_date_header


class Command(BaseCommand):
    help = (
        "Extract a strike report from a text file and print it as JSON. A first line ' date YYYY-MM-DD ' "
        "gives the publication date unless --published does."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--published", help="publication date, YYYY-MM-DD")

    def handle(self, *args, **opts):
        path: Path = opts["file"]
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        header_date, text = split_date_header(raw)
        published = opts["published"] or header_date
        if published:
            try:
                published = dt.date.fromisoformat(published)
            except ValueError as exc:
                raise CommandError(f"--published must be YYYY-MM-DD, not {published!r}") from exc
        report = extract(text, published=published)
        self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
