"""``manage.py asof_snapshot``: store snapshots of the map and timeline summaries for ``as_of``
(strikes.asof_snapshots).

    manage.py asof_snapshot                                  # the moment five minutes ago
    manage.py asof_snapshot --at 2026-11-20T00:00:00Z        # one past moment
    manage.py asof_snapshot --since 2026-11-01 --every 24    # every 24 h back to a date (back-fill)
    manage.py asof_snapshot --keep 30                        # then keep only the 30 latest
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from config.filters import MomentField
from strikes.asof_snapshots import LAG, snapshot_take, snapshots_prune


def _moment(text: str) -> dt.datetime:
    """An ISO 8601 date-time, or a date (00:00 Kyiv time), as ``as_of`` reads it."""
    try:
        return MomentField().clean(text)[0]
    except ValidationError as exc:
        raise CommandError(f"{text!r}: {' '.join(exc.messages)}") from None


class Command(BaseCommand):
    """Take one snapshot, or one every ``--every`` hours back to ``--since`` (newest first:
    each older one is corrected from the newer one just stored), then prune."""

    help = "Store snapshots of the map/timeline summaries at past moments (fast as_of answers near them)."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="the moment (ISO 8601; default: five minutes ago)")
        parser.add_argument("--since", help="back-fill: also every --every hours back to this moment")
        parser.add_argument("--every", type=float, default=24.0, help="hours between back-filled snapshots")
        parser.add_argument("--keep", type=int, help="afterwards, delete all but this many latest snapshots")

    def handle(self, *args, at=None, since=None, every=24.0, keep=None, **options):
        latest = timezone.now() - LAG
        first = _moment(at) if at else latest
        moments = [first]
        if since:
            if every <= 0:
                raise CommandError("--every must be more than 0 hours")
            oldest = _moment(since)
            while moments[-1] - dt.timedelta(hours=every) >= oldest:
                moments.append(moments[-1] - dt.timedelta(hours=every))
        for number, moment in enumerate(moments):
            try:
                # (The first, without --at: the database's clock decides what LAG ago is.)
                snapshot_id = snapshot_take(at=moment if at or number else None)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"snapshot {snapshot_id} at {moment.isoformat()}")
        if keep is not None:
            self.stdout.write(f"pruned {snapshots_prune(keep=keep)} snapshots")
