"""operations.database.AnsweringConnection: its own limit applies only where psycopg waits
without one; a caller's own timeout (LISTEN's `notifies(timeout=)`) keeps psycopg's meaning."""

import os

import psycopg
import pytest

from operations.database import AnsweringConnection

URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith(("postgres://", "postgresql://")), reason="needs PostgreSQL"
)
# The server only (its maintenance database): the test database is not needed.
SERVER = (
    psycopg.conninfo.make_conninfo(
        URL.replace("postgres://", "postgresql://", 1), dbname="postgres"
    )
    if URL
    else ""
)


def test_notifies_with_its_own_timeout_ends_quietly_and_keeps_the_connection(monkeypatch):
    monkeypatch.setattr(AnsweringConnection, "answer_timeout", 30.0)
    with AnsweringConnection.connect(SERVER, autocommit=True, connect_timeout=3) as conn:
        conn.execute("LISTEN newsroom_review")
        assert list(conn.notifies(timeout=0.2)) == []  # no notification: the wait just ends
        assert not conn.closed
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_wait_with_no_timeout_of_its_own_is_limited(monkeypatch):
    monkeypatch.setattr(AnsweringConnection, "answer_timeout", 0.5)
    with AnsweringConnection.connect(SERVER, autocommit=True, connect_timeout=3) as conn:
        with pytest.raises(psycopg.OperationalError, match="did not answer"):
            conn.execute("SELECT pg_sleep(3)")
        assert conn.closed
