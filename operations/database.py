"""A PostgreSQL server that stops answering costs a request seconds, never a hung thread.

The settings (newsroom/settings/database.py) give the server-side limits: a connect timeout,
TCP keepalives and `tcp_user_timeout` (a peer gone from the network), and `statement_timeout`
(a server too slow). What they cannot see is a server whose host still acknowledges packets
but never answers (a stopped process, a proxy holding the connection): for that the client
gives up itself. Every pooled connection must answer an empty query within
`DB_CHECK_TIMEOUT` before a request gets it, and any answer within `DATABASE_ANSWER_TIMEOUT`
(the statement timeout and a margin); a connection that did not answer is closed, never reused,
and the request meets an OperationalError (operations.middleware: a 503).

Only pooled connections get this: the read replica keeps persistent connections, so a replica
that holds connections open and answers nothing is limited by the server-side settings alone
(`statement_timeout` under gunicorn). Known and left: the replica serves anonymous pages, which
are mostly stored pages that need no database.
"""

from psycopg import Connection, OperationalError
from psycopg.errors import _WaitTimeout
from psycopg_pool import ConnectionPool


class AnsweringConnection(Connection):
    """A psycopg connection that waits at most `answer_timeout` seconds for any answer."""

    answer_timeout: float | None = None  # set from DATABASE_ANSWER_TIMEOUT at start

    def wait(self, gen, interval=0.1, timeout=None):
        if timeout is not None:
            # The caller's own limit (LISTEN's `notifies(timeout=)`): psycopg's `_WaitTimeout`
            # there means "nothing came", not a server gone; the connection stays as it is.
            return super().wait(gen, interval=interval, timeout=timeout)
        timeout = self.answer_timeout
        try:
            return super().wait(gen, interval=interval, timeout=timeout)
        except _WaitTimeout as error:
            self.close()  # mid-conversation: its state is unknown, so it is never reused
            raise OperationalError(f"the database did not answer within {timeout:g} s") from error


def checked_within(seconds: float):
    """The pool's check: a connection that does not answer an empty query soon is replaced."""

    def check(connection: AnsweringConnection) -> None:
        connection.answer_timeout = seconds
        try:
            ConnectionPool.check_connection(connection)
        finally:
            del connection.answer_timeout  # back to the class's, for the request

    return check


def pools_guarded(databases: dict, *, answer_timeout: float | None, check_timeout: float) -> None:
    """Give every PostgreSQL pool the answering connections and the quick check."""
    AnsweringConnection.answer_timeout = answer_timeout or None
    for database in databases.values():
        pool = database.get("OPTIONS", {}).get("pool")
        if database["ENGINE"] == "django.db.backends.postgresql" and isinstance(pool, dict):
            pool.setdefault("connection_class", AnsweringConnection)
            pool.setdefault("check", checked_within(check_timeout))
