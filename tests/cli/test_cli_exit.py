"""Every exit path closes the database and the process ends by itself after its one error line:
a corrupt database file, /dev/null, a lock held by another process, a price source that
accepts the connection and never answers, a PostgreSQL server that is down or silent.

No time is asserted here (the suite has no timed assertions): a process that lingered on an
open connection or a thread would not end by itself, and the hang guard then fails the test
with what it printed. How long the exit takes after the error line is measured by
``benchmarks/bench_cli_exit.py``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from bot.errors import DatabaseUnavailable
from bot.store.db import Database

# Not a time bound, a hang guard: the commands below end by themselves in seconds (their own
# bounds are 2 s); one still running after this long is stuck and is killed.
HANG_GUARD = 120.0


def run_to_exit(argv, env):
    """Run ``python -m bot argv`` until it ends by itself; return (exit code, stderr lines).
    Fails the test, with what the process printed, if it is still running at ``HANG_GUARD``."""
    try:
        done = subprocess.run([sys.executable, "-m", "bot", *argv], capture_output=True, text=True,
                              env={**os.environ, **env}, timeout=HANG_GUARD)
    except subprocess.TimeoutExpired as exc:  # (run() has killed it)
        printed = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
        pytest.fail(f"`python -m bot {' '.join(argv)}` did not end by itself ({HANG_GUARD:.0f} s hang guard); "
                    f"stderr: {printed!r}")
    lines = done.stderr.splitlines()
    assert any(line.startswith("error:") for line in lines), lines
    return done.returncode, lines


def offline_env(tmp_path, db):
    return {"BREAKOUT_DB_PATH": str(db), "BREAKOUT_DATA_DIR": "", "MPLBACKEND": "Agg",
            "XDG_CACHE_HOME": str(tmp_path / "cache")}


@pytest.mark.parametrize("content", [os.urandom(4096), None, "truncated"], ids=["random", "devnull", "truncated"])
def test_a_corrupt_database_is_one_line_and_a_prompt_exit(tmp_path, content):
    if content is None:
        db = "/dev/null"
    elif content == "truncated":
        db = tmp_path / "cut.sqlite3"
        import sqlite3

        con = sqlite3.connect(db)
        con.execute("CREATE TABLE t (x)")
        con.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
        con.commit()
        con.close()
        db.write_bytes(db.read_bytes()[:5000])
    else:
        db = tmp_path / "random.sqlite3"
        db.write_bytes(content)
    code, lines = run_to_exit(["base", "IWM"], offline_env(tmp_path, db))
    assert code == 1 and lines == [lines[0]] and lines[0].startswith(f"error: The database {db} cannot be used")


@pytest.mark.parametrize("command", [["base", "IWM"], ["run"]])
def test_a_database_locked_by_another_process(tmp_path, command):
    db = tmp_path / "locked.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(600)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        env = {**offline_env(tmp_path, db), "BREAKOUT_DB_TIMEOUT": "2", "DISCORD_TOKEN": "x" * 59}
        code, lines = run_to_exit(command, env)  # (the lock is held all along: no waiting it out)
    finally:
        holder.kill()
        holder.wait()
    assert code == 1 and len(lines) == 1 and "is locked by another process" in lines[0]


@pytest.fixture
def black_hole():
    """A proxy that accepts every connection and never answers (a stalled network)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["quiet", "verbose"])
def test_a_stalled_price_source_exits_right_after_its_error(tmp_path, black_hole, verbose):
    env = {**offline_env(tmp_path, tmp_path / "db.sqlite3"), "BREAKOUT_DATA_TIMEOUT": "2",
           "HTTPS_PROXY": black_hole, "HTTP_PROXY": black_hole, "https_proxy": black_hole,
           "http_proxy": black_hole, "NO_PROXY": "", "no_proxy": ""}
    # the black hole keeps every connection open and silent until the test ends: a process that
    # waited on one would never end by itself
    code, lines = run_to_exit([*verbose, "base", "IWM"], env)
    assert code == 1
    errors = [line for line in lines if line.startswith("error:")]
    assert errors == ["error: Yahoo Finance did not answer within 2 s."]
    if not verbose:
        assert lines == errors  # no yfinance lines, no warnings, no 'serving cached bars'


async def test_a_failed_open_leaves_no_database_thread(tmp_path):
    before = {t.ident for t in threading.enumerate()}
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"not a database at all" * 300)
    with pytest.raises(DatabaseUnavailable, match="cannot be used"):
        await Database(path).open()
    time.sleep(0.05)
    left = [t for t in threading.enumerate() if t.ident not in before]
    assert left == []


# ---- PostgreSQL (DATABASE_URL): down, silent, refusing; the password is never shown ------------
def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return port


@pytest.fixture
def silent_server():
    """Accepts connections and never answers (a database host that hangs)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(10)
    yield server.getsockname()[1]
    server.close()


def pg_env(tmp_path, url):
    return {**offline_env(tmp_path, tmp_path / "unused.sqlite3"), "DATABASE_URL": url, "BREAKOUT_DB_TIMEOUT": "2"}


@pytest.mark.parametrize("command", [["base", "IWM"], ["run"]])
def test_postgresql_down_at_start_is_one_line_and_a_prompt_exit(tmp_path, command):
    port = closed_port()
    env = {**pg_env(tmp_path, f"postgres://bot:s3cret@127.0.0.1:{port}/bot"), "DISCORD_TOKEN": "x" * 59}
    code, lines = run_to_exit(command, env)
    errors = [line for line in lines if line.startswith("error:")]
    assert code == 1 and len(errors) == 1 and "Traceback" not in "\n".join(lines)
    assert errors[0].startswith(f"error: The database postgresql://bot:***@127.0.0.1:{port}/bot cannot be reached")
    assert errors[0].endswith("start PostgreSQL or check DATABASE_URL.")
    assert "s3cret" not in "\n".join(lines)


def test_a_postgresql_host_that_never_answers_is_bounded(tmp_path, silent_server):
    # (the server accepts and never answers, all along: a process waiting on it would not end)
    code, lines = run_to_exit(["base", "IWM"], pg_env(tmp_path, f"postgresql://bot@127.0.0.1:{silent_server}/bot"))
    assert code == 1 and lines == [f"error: The database postgresql://bot@127.0.0.1:{silent_server}/bot cannot be "
                                   "reached (no answer): start PostgreSQL or check DATABASE_URL."]


def test_postgresql_refusing_the_login_says_why(tmp_path):
    from store_engines import test_database_url

    url = test_database_url()
    if url is None:
        pytest.skip("TEST_DATABASE_URL is not set")
    from bot.store.urls import store_url

    bad = store_url(url).set(drivername="postgresql", username="no_such_role_here").render_as_string(hide_password=False)
    code, lines = run_to_exit(["base", "IWM"], pg_env(tmp_path, bad))
    assert code == 1 and len(lines) == 1 and 'role "no_such_role_here" does not exist' in lines[0]
