"""Writes for releases: freezing the published data into a numbered, write-once release.

The files themselves are made by the caller (``releases.api.freeze``: the API's own CSV and
GeoJSON exporters), handed in as ``ExportFile``s; this module stores them with their SHA-256,
counts what the release holds and writes the changelog since the previous release from the
attacks' history (``strikes_attackevent``, kept by database triggers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from releases.models import PART_SIZE, Release, ReleaseFile, ReleaseFilePart
from strikes.choices import AttackStatus
from strikes.models import Attack, Wave

# Entries of one kind listed in a changelog; beyond it the list stops and ``truncated`` says so
# (the counts stay whole).
CHANGELOG_MAX_ENTRIES = 10_000

# A second `release` run waits for the first instead of taking the same number.
_ADVISORY_LOCK = 0x5357_5245  # "SWRE"


@dataclass(frozen=True)
class ExportFile:
    """A file to freeze: its name, content type, what it holds, its bytes and its row count.

    ``content`` and ``rows`` are called inside the freezing transaction, so every file, the
    counts and the changelog read the same snapshot of the data."""

    name: str
    content_type: str
    description: str
    content: Callable[[], Iterator[bytes]]
    rows: Callable[[], int]


class ReleaseRefused(Exception):
    """A release that cannot be made (nothing published yet, or a clash with another run)."""


def release_freeze(
    *, files: Callable[[], list[ExportFile]], title: str = "", notes: str = "", progress=None
) -> Release:
    """Freeze the published data into the next numbered release and return it.

    One REPEATABLE READ transaction: the exports, the counts and the changelog all see the data
    as it stood when the transaction began (``frozen_at``). ``progress`` (a callable taking a
    line of text) hears what is being done.
    """
    say = progress or (lambda line: None)
    if connection.in_atomic_block:
        # Inside a caller's transaction (a test) the isolation is the caller's.
        return _freeze(files=files, title=title, notes=notes, say=say)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _freeze(files=files, title=title, notes=notes, say=say)


def _freeze(*, files, title: str, notes: str, say) -> Release:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s), now()", [_ADVISORY_LOCK])
        frozen_at = cursor.fetchone()[1]
    previous = Release.objects.order_by("-number").first()
    number = (previous.number if previous else 0) + 1
    say(f"Release {number}: the published data as of {frozen_at.isoformat()}")
    counts = release_counts()
    if not counts["attacks"]:
        raise ReleaseRefused("Nothing is published yet: a release of no attacks would cite nothing.")
    say(f"  {counts['attacks']} published attacks, {counts['killed']} killed, {counts['injured']} injured")
    changelog = release_changelog(previous)
    if previous is None:
        say("  changelog: first release")
    else:
        say(
            f"  changelog since release {previous.number}: {changelog['counts']['added']} added, "
            f"{changelog['counts']['figures_changed']} with changed figures, "
            f"{changelog['counts']['retracted']} retracted"
        )
    stored = []
    for export in files():
        say(f"  writing {export.name}...")
        spool, size, digest = _spool(export.content())
        stored.append((export, spool, size, digest, export.rows()))
        say(f"  {export.name}: {size} bytes, sha256 {digest}")
    counts["files"] = {export.name: rows for export, _spool_file, _size, _digest, rows in stored}
    release = Release(
        number=number,
        frozen_at=frozen_at,
        title=title.strip() or f"Strikewatch release {number}",
        notes=notes.strip(),
        counts=counts,
        changelog=changelog,
        citation="",
    )
    release.citation = citation_text(release, {export.name: digest for export, _sp, _si, digest, _r in stored})
    release.save()
    for export, spool, size, digest, rows in stored:
        _store(release, export, spool, size, digest, rows)
    say(f"Release {number} frozen: {len(stored)} files.")
    return release


def _spool(pieces: Iterator[bytes]):
    """(a temporary file holding ``pieces``, its size, its SHA-256), reading them once."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- handed to the caller, who closes it
    digest, size = hashlib.sha256(), 0
    for piece in pieces:
        spool.write(piece)
        digest.update(piece)
        size += len(piece)
    spool.seek(0)
    return spool, size, digest.hexdigest()


# The parts of a file in one COPY, binary: each part's bytes go to PostgreSQL as they are. An
# INSERT per part went through Django's client-side binding, which writes the 4 MB as an 8 MB
# hex literal for the server to parse: 2.5 times the time of sending the bytes, and 500 parts
# at a million attacks. The columns are ReleaseFilePart's (``id`` from its identity).
_PARTS_COPY = f"COPY {ReleaseFilePart._meta.db_table} (file_id, index, data) FROM STDIN (FORMAT binary)"


def _store(release, export: ExportFile, spool, size: int, digest: str, rows: int) -> None:
    """The file's row, then its bytes in parts of ``PART_SIZE``, read from ``spool`` one at a
    time (inserted, never updated: the write-once triggers guard UPDATE and DELETE)."""
    with spool:
        row = ReleaseFile.objects.create(
            release=release,
            name=export.name,
            content_type=export.content_type,
            size=size,
            sha256=digest,
            rows=rows,
            description=export.description,
        )
        with connection.cursor() as cursor, cursor.cursor.copy(_PARTS_COPY) as copy:
            copy.set_types(["bigint", "integer", "bytea"])
            index = 0
            while data := spool.read(PART_SIZE):
                copy.write_row((row.pk, index, data))
                index += 1


def release_counts() -> dict:
    """What the public sees now: published attacks, their killed and injured, disputed ones, waves."""
    public = Attack.objects.visible_to(AnonymousUser())
    totals = public.aggregate(
        attacks=Count("id"),
        killed=Sum("killed_best", default=0),
        injured=Sum("injured_best", default=0),
        disputed=Count("id", filter=Q(disputed=True)),
        located=Count("id", filter=Q(latitude__isnull=False)),
    )
    first_last = public.order_by("occurred_at").values_list("occurred_at", flat=True)
    first = first_last.first()
    last = public.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    return {
        **totals,
        "waves": Wave.objects.filter(is_draft=False).count(),
        "first_attack_at": first.isoformat() if first else None,
        "last_attack_at": last.isoformat() if last else None,
    }


# The attacks whose history moved after `since`, as they stood at `since` (latest event up to
# then; none when they did not exist yet) and as they stand now.
_CHANGED_SQL = """
WITH touched AS (
    SELECT DISTINCT pgh_obj_id AS id FROM strikes_attackevent WHERE pgh_created_at > %(since)s
),
before AS (
    SELECT DISTINCT ON (e.pgh_obj_id) e.pgh_obj_id AS id, e.pgh_label, e.status, e.killed_best, e.injured_best
    FROM strikes_attackevent AS e JOIN touched AS t ON t.id = e.pgh_obj_id
    WHERE e.pgh_created_at <= %(since)s
    ORDER BY e.pgh_obj_id, e.pgh_id DESC
)
SELECT t.id,
       b.pgh_label IS DISTINCT FROM 'delete' AND b.status = 'published' AS was_public,
       b.killed_best, b.injured_best,
       a.id IS NOT NULL AS exists_now, a.status, a.killed_best, a.injured_best, a.retraction_reason
FROM touched AS t
LEFT JOIN before AS b ON b.id = t.id
LEFT JOIN strikes_attack AS a ON a.id = t.id
ORDER BY t.id
"""


def release_changelog(previous: Release | None) -> dict:
    """What changed for the public between ``previous`` (its ``frozen_at``) and now: attacks
    published since, published attacks whose killed or injured figure changed, and attacks
    retracted, unpublished or deleted since. Read from the attacks' history; the first
    release lists nothing (everything in it is new)."""
    if previous is None:
        return {"since_release": None, "since": None, "counts": {"added": Attack.objects.published().count()}}
    added, changed, retracted, unpublished, deleted = [], [], [], [], []
    with connection.cursor() as cursor:
        cursor.execute(_CHANGED_SQL, {"since": previous.frozen_at})
        rows = cursor.fetchall()
    for pk, was_public, killed_then, injured_then, exists, status, killed, injured, reason in rows:
        public_now = exists and status == AttackStatus.PUBLISHED
        if public_now and not was_public:
            added.append(pk)
        elif was_public and not exists:
            deleted.append(pk)
        elif was_public and status == AttackStatus.RETRACTED:
            retracted.append({"id": pk, "reason": reason})
        elif was_public and not public_now:
            unpublished.append(pk)
        elif was_public and (killed_then, injured_then) != (killed, injured):
            changed.append({"id": pk, "killed": [killed_then, killed], "injured": [injured_then, injured]})
    kinds = {
        "added": added,
        "figures_changed": changed,
        "retracted": retracted,
        "unpublished": unpublished,
        "deleted": deleted,
    }
    return {
        "since_release": previous.number,
        "since": previous.frozen_at.isoformat(),
        "counts": {kind: len(entries) for kind, entries in kinds.items()},
        "truncated": any(len(entries) > CHANGELOG_MAX_ENTRIES for entries in kinds.values()),
        **{kind: entries[:CHANGELOG_MAX_ENTRIES] for kind, entries in kinds.items()},
    }


def citation_text(release: Release, checksums: dict[str, str]) -> str:
    """The suggested citation: who, which release, when frozen, what it holds, and checksums
    that let a reader check they have the same bytes."""
    frozen = release.frozen_at.astimezone(dt.UTC)
    sums = "; ".join(f"{name} SHA-256 {digest}" for name, digest in sorted(checksums.items()))
    counts = release.counts
    return (
        f"Strikewatch ({frozen:%Y}). {release.title} [data set]: published missile, drone and bomb "
        f"strikes and their casualty figures as of {frozen:%Y-%m-%d %H:%M} UTC "
        f"({counts['attacks']} attacks). Release {release.number}. {sums}."
    )
