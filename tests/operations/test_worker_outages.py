"""The task worker outlives outages: a database that goes away is waited out, and a worker that
exits anyway is started again by `make serve`, which keeps serving meanwhile."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments.tasks import notify_moderators
from operations.models import WorkerHeartbeat
from tests.operations.tcp_forwarder import TcpForwarder

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts a PostgreSQL connection")
@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_out_a_database_outage_and_works_again(database_tasks):
    name = connection.settings_dict["NAME"]
    with TcpForwarder(5432) as database:
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{database.port}/{name}",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "WORKER_HEARTBEAT_SECONDS": "1",
        }
        command = ["manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "1"]
        worker = subprocess.Popen(
            [sys.executable, *command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert wait_for(WorkerHeartbeat.objects.exists, 30), "the worker never started"
            database.cut("refused")
            time.sleep(4)
            assert worker.poll() is None, "the worker died with the database"
            database.restore()

            result = notify_moderators.enqueue(10**9)  # no such comment: it finishes at once
            ran = wait_for(
                lambda: (
                    DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
                ),
                40,
            )
            assert ran, "queued work waited for an operator after the database came back"
        finally:
            worker.send_signal(signal.SIGTERM)
            output = worker.communicate(timeout=30)[0]
    assert "Database unavailable" in output
    assert "Traceback" not in output


def test_serve_starts_the_worker_again_and_keeps_the_web_server(tmp_path):
    starts = tmp_path / "starts"
    failing_worker = tmp_path / "worker.py"
    failing_worker.write_text(f"open({str(starts)!r}, 'a').write('x')\nraise SystemExit(3)\n")
    script = tmp_path / "serve.py"
    script.write_text(
        "import sys\nfrom operations.serve import run_together\n"
        "web = [sys.executable, '-c', 'import time; time.sleep(60)']\n"
        f"worker = [sys.executable, {str(failing_worker)!r}]\n"
        "sys.exit(run_together([web, worker], restart=(1,)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    serve = subprocess.Popen(
        [sys.executable, str(script)], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert wait_for(lambda: starts.exists() and len(starts.read_text()) >= 2, 20)
        assert serve.poll() is None, "the web server was stopped with the worker"
    finally:
        serve.send_signal(signal.SIGTERM)
        stderr = serve.communicate(timeout=30)[1]
    assert serve.returncode == 0
    assert "exited with 3; starting it again." in stderr
