"""Django's PostgreSQL backend, its per-request health check made without a round trip.

With ``CONN_HEALTH_CHECKS`` Django runs ``SELECT 1`` before the first query of every request
that reuses a connection, so that a connection the server dropped (a restart, an
administrator's ``pg_terminate_backend``, a proxy's reset) is replaced instead of failing the
request with a 500. On the public detail that round trip was a tenth of the request
(docs/PERFORMANCE.md §18).

An idle connection in good health has nothing to read: the server sends nothing unasked
between statements (this project LISTENs to nothing). A server that terminates a backend sends
its FATAL error and closes the socket; a reset closes it. Either way the socket becomes
readable. So the check asks the kernel whether the idle socket is readable (a ``select`` with
no wait): not readable, usable; readable, or anything unusual (a transaction open, an error
since the last check, a closed or broken connection), Django's own ``SELECT 1`` decides.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    """``django.db.backends.postgresql`` with a health check that reads no reply when the idle
    connection's socket has nothing pending (see the module's docstring)."""

    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if self.errors_occurred or connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        # Something arrived unasked: most likely the server's goodbye, but let the real query
        # (which reads and handles whatever it is) decide.
        return super().is_usable() if readable else True
