"""A web server's own files of the stored days' pieces, each as one url head sends it
(docs/PERFORMANCE.md §32; issue 19).

Why: a date-range GeoJSON download read its whole days from ``strikes_attackexport_day``, and
each 200 KB piece cost PostgreSQL about a hundred TOAST chunks fetched and copied, the web
process its copies through libpq and psycopg, and then the url put in (at a million attacks, the
bench's 16 MB download: about 6 ms of PostgreSQL's CPU and 4 of Python's). A piece read from a
local file costs one copy from the page cache.

Files: ``settings.EXPORT_CACHE_DIR/<key of the head>/<digest in hex>`` holds the piece whose
SHA-256 is that digest (set by the database on every write: migration strikes 0020) as sent to
that head: a comma, then its text with each chr(1) replaced by the head (the url before the id,
``export_days.url_tail``). Since the digest is of the text, a file named by it is that piece,
whatever was written since; the database stays the one source. A file is written under a
temporary name and renamed when whole, so no reader sees half of one under its name, and it is
used only when its size is what that piece makes with that head (1 + bytes + Features x (length
of the head - 1)); a file of another size is removed.

A download (``export_lines.stream``) first asks for the digests of the stored pieces of its days
(``WithUrl.pieces``) and opens the files it has: an open file stays readable even if removed
meanwhile. It then names those digests to PostgreSQL, which sends each of those pieces as chr(2)
and its digest, and any other stored piece as chr(3), its digest and its text, which is sent and
written to a file for the next download (``WithUrl.held``). Rows read from the lines (days at the
edges, stale days) come as before.

Bounds: at most ``MAX_HEADS`` heads get files (a server answers for a few hosts; a client
sending other Host headers, where ``ALLOWED_HOSTS`` lets them in, gets the database's pieces,
never more files); files of pieces no longer in the database are removed by ``prune()``, run by
the beat task ``strikes.tasks.export_days_build`` and by a web process every ``PRUNE_EVERY``
files it wrote, so the files are at most the stored days' size for each head. Nothing here is
needed for a right answer: with no directory (``EXPORT_CACHE_DIR`` empty), one that cannot be
written, or a file missing, the pieces come from PostgreSQL.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator

from django.conf import settings

from strikes.api.export_days import fill_url

logger = logging.getLogger(__name__)

MAX_HEADS = 4
PRUNE_EVERY = 512
_HELD, _SENT = 2, 3  # the first byte of a stored piece's COPY value: held here, or sent whole
_DIGEST = 64  # hex digits of a SHA-256
_TEMPORARY = ".part-"
_state = {"written": 0, "warned": False}
_lock = threading.Lock()


def _root() -> str:
    return str(getattr(settings, "EXPORT_CACHE_DIR", "") or "")


def _key(head: bytes) -> str:
    return hashlib.sha256(head).hexdigest()[:32]


def _directory(head: bytes) -> str | None:
    """The directory of ``head``'s files, made if there are fewer than ``MAX_HEADS``; None when
    there is none to use."""
    root = _root()
    if not root:
        return None
    path = os.path.join(root, _key(head))
    if os.path.isdir(path):
        return path
    try:
        os.makedirs(root, mode=0o700, exist_ok=True)
        with _lock:
            if sum(1 for e in os.scandir(root) if e.is_dir()) >= MAX_HEADS:
                return None
            os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError as exc:
        _warn(exc)
        return None
    return path


def _warn(exc: OSError) -> None:
    # Once per process: the downloads stay right (read from PostgreSQL), only slower.
    if not _state["warned"]:
        _state["warned"] = True
        logger.warning("Export cache directory unusable (%s); stored days read from PostgreSQL.", exc)


class Held:
    """The files one download opened (digest in hex -> descriptor, size) for its head."""

    def __init__(self, directory: str, head: bytes) -> None:
        self.directory, self.head, self.files = directory, head, {}

    def claims(self) -> list[bytes]:
        """The digests of the pieces held, for the COPY's last parameter."""
        return [bytes.fromhex(name) for name in self.files]

    def collection(self, values: Iterator[memoryview], opening: bytes) -> Iterator[bytes]:
        """The FeatureCollection of the COPY's values: ``opening``, then the pieces (each sent
        as it is, its comma the first's but replaced by the opening), then its end."""
        pieces = self.pieces(values)
        first = next(pieces, None)
        if first is None:
            yield opening + b"]}\n"
            return
        yield opening + first[1:]
        yield from pieces
        yield b"]}\n"

    def pieces(self, values: Iterator[memoryview]) -> Iterator[bytes]:
        """The COPY's values (``export_lines.values``) as sent: each piece a comma first,
        every url in place. A held file that cannot be read whole raises (mid-stream, the
        transfer aborts: never a short file that looks whole)."""
        head = self.head
        for value in values:
            kind = value[0]
            if kind == _HELD:
                yield self._read(bytes(value[1 : 1 + _DIGEST]).decode())
            elif kind == _SENT:
                data = fill_url(b"," + value[1 + _DIGEST :], head)
                self._write(bytes(value[1 : 1 + _DIGEST]).decode(), data)
                yield data
            else:
                yield fill_url(b"," + value, head)

    def _read(self, name: str) -> bytes:
        fd, size = self.files[name]
        data = os.pread(fd, size, 0)
        if len(data) != size:
            raise RuntimeError("A stored piece's file could not be read whole.")
        return data

    def _write(self, name: str, data: bytes) -> None:
        final = os.path.join(self.directory, name)
        temporary = os.path.join(self.directory, f"{_TEMPORARY}{name}-{os.getpid()}-{threading.get_ident()}")
        try:
            with open(temporary, "wb") as file:
                file.write(data)
            os.replace(temporary, final)
        except OSError as exc:
            _warn(exc)
            _remove(temporary)
            return
        _state["written"] += 1

    def close(self) -> None:
        """Close every file opened."""
        for fd, _size in self.files.values():
            os.close(fd)
        self.files = {}


def hold(cursor, statement) -> Held | None:
    """The files of ``statement``'s (a ``WithUrl``) stored pieces that this server has, opened;
    None when it keeps no files for this head. Runs ``statement.pieces`` on ``cursor`` (the
    download's, before its COPY)."""
    directory = _directory(statement.url)
    if directory is None:
        return None
    if _state["written"] >= PRUNE_EVERY:
        _state["written"] = 0
        prune(cursor)
    cursor.execute(*statement.pieces)
    held, extra = Held(directory, statement.url), len(statement.url) - 1
    try:
        for digest, length, count in cursor.fetchall():
            name, size = bytes(digest).hex(), 1 + length + count * extra
            path = os.path.join(directory, name)
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:  # not written yet (or not readable: written again)
                continue
            held.files[name] = (fd, size)
            if os.fstat(fd).st_size != size:  # not what this piece makes: written again
                os.close(held.files.pop(name)[0])
                _remove(path)
    except BaseException:
        held.close()
        raise
    return held


def prune(cursor, *, older: float = 3600.0) -> int:
    """Remove the files of pieces no longer stored (and temporary files left ``older`` seconds
    ago by a process that stopped mid-write), for every head; returns how many."""
    root = _root()
    if not root or not os.path.isdir(root):
        return 0
    cursor.execute("SELECT encode(digest, 'hex') FROM strikes_attackexport_day")
    kept = {row[0] for row in cursor.fetchall()}
    removed, now = 0, time.time()
    for head in os.scandir(root):
        if not head.is_dir():
            continue
        for entry in os.scandir(head.path):
            # A temporary file may be one being written now: removed only when old.
            temporary = entry.name.startswith(_TEMPORARY)
            gone = now - entry.stat().st_mtime > older if temporary else entry.name not in kept
            if gone and _remove(entry.path):
                removed += 1
    return removed


def _remove(path: str) -> bool:
    try:
        os.remove(path)
    except OSError:
        return False
    return True
