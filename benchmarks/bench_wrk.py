"""wrk for `make bench`: installing it, one Lua script per row, interleaved rounds, the table."""

import json
import os
import shutil
import statistics
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

THREADS = 2
WARM_UP_SECONDS = 1
# Replaced in a body by a mark of its own for each wrk run: every round's comments differ (the
# site stores a repeated comment once, and wrk's counters start again at 1 every run).
EACH_RUN = "@RUN@"

# Per-thread counters, summed in done(); wrk gives each thread its own Lua state.
LUA = r"""
local threads = {}
local path, method, body = %(path)s, %(method)s, %(body)s
local headers = %(headers)s
local unique, expected = %(unique)s, %(expected)d

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  counter = 0
  answered = 0
end

function request()
  counter = counter + 1
  local target = path
  if unique then target = path .. "?fresh=" .. tid .. "-" .. counter end
  local content = nil
  if body then content = string.format(body, tid, counter) end
  return wrk.format(method, target, headers, content)
end

%(response)s

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("answered") or 0) end
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"status_errors": %%d, "socket_errors": %%d, "expected": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    total))
end
"""
# Reading each answer's status costs wrk time, so only rows that must check it do.
LUA_COUNT_ANSWERS = """
function response(status, headers, body)
  if status == expected then answered = answered + 1 end
end
"""


@dataclass
class Row:
    """One line of the table: what wrk sends, and what answer counts as the expected one."""

    name: str
    path: str
    method: str = "GET"
    headers: dict = field(default_factory=dict)
    body: str | None = None  # a format with %d for the wrk thread and %d for its counter
    unique: bool = False  # a query string never seen before on every request
    expected: int = 200
    check_status: bool = False
    connections: int = 16
    note: str = ""
    trivial: bool = False
    base: str | None = None  # another server than the main one (the one that stores nothing)


def ensure_wrk() -> str:
    """Return wrk's path, installing Debian's package when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing it with apt-get")
    apt = ["apt-get", "install", "-y", "-q", "wrk"]
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            sys.exit("Install wrk (apt-get install wrk) and run make bench again.")
        apt.insert(0, "sudo")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    if subprocess.run(apt, check=False, **quiet).returncode:  # noqa: S603 (fixed argv)
        update = [*apt[:-4], "update", "-q"]  # the package lists may be missing or old
        subprocess.run(update, check=False, **quiet)  # noqa: S603
        subprocess.run(apt, check=True, **quiet)  # noqa: S603
    return shutil.which("wrk") or sys.exit("apt-get did not install wrk.")


def _lua_string(value: str | None) -> str:
    return "nil" if value is None else "[==[" + value + "]==]"


def script(row: Row, directory: Path) -> Path:
    headers = ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in row.headers.items())
    text = LUA % {
        "path": _lua_string(row.path),
        "method": _lua_string(row.method),
        "body": _lua_string(row.body and row.body.replace(EACH_RUN, uuid.uuid4().hex[:6])),
        "headers": "{" + headers + "}",
        "unique": "true" if row.unique else "false",
        "expected": row.expected,
        "response": LUA_COUNT_ANSWERS if row.check_status else "",
    }
    path = directory / f"{uuid.uuid4().hex}.lua"
    path.write_text(text)
    return path


def run(wrk: str, base: str, row: Row, seconds: int, directory: Path) -> dict:
    command = [
        wrk,
        f"-t{THREADS}",
        f"-c{row.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script(row, directory)),
        row.base or base,
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result for {row.name}: {done.stderr or done.stdout}")
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def measure(
    wrk: str, base: str, rows: list[Row], *, seconds: int, rounds: int, directory: Path
) -> dict:
    """Run every row `rounds` times, round after round, so that drift hits every row alike."""
    for row in rows:
        if row.method == "GET":  # fills caches and connections; a POST would store comments
            run(wrk, base, row, WARM_UP_SECONDS, directory)
    results = {row.name: [] for row in rows}
    for number in range(1, rounds + 1):
        trivial = None
        for row in rows:
            result = run(wrk, base, row, seconds, directory)
            trivial = result["rps"] if row.trivial else trivial
            result["share"] = result["rps"] / trivial if trivial else None
            results[row.name].append(result)
            print(f"round {number}/{rounds}  {row.name:<46} {result['rps']:9.1f} req/s")
    return {"rows": rows, "runs": results}


def _milliseconds(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f} ms"


def table(results: dict, posted: dict) -> str:
    """The Markdown table: medians over the rounds; share = this row's req/s over the trivial's."""
    lines = [
        "| row | req/s | p50 | p99 | share of the trivial view | notes |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in results["rows"]:
        runs = results["runs"][row.name]
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50_us"] for r in runs)
        p99 = statistics.median(r["p99_us"] for r in runs)
        share = statistics.median(r["share"] for r in runs)
        notes = [row.note] if row.note else []
        errors = sum(r["status_errors"] + r["socket_errors"] for r in runs)
        if row.check_status:
            answers = sum(r["requests"] for r in runs)
            expected = sum(r["expected"] for r in runs)
            notes.append(f"{expected} of {answers} answers were {row.expected}")
        if row.method == "POST":
            # A request still in flight when wrk stops is stored, but its answer is not counted.
            notes.append(
                f"rows stored: {posted.get(row.name, 0)} (at most "
                f"{row.connections * len(runs)} more: requests in flight at each stop)"
            )
        notes.append(f"errors: {errors}")
        lines.append(
            f"| {row.name} | {rps:,.0f} | {_milliseconds(p50)} | {_milliseconds(p99)} "
            f"| {share:.1%} | {'; '.join(notes)} |"
        )
    return "\n".join(lines)
